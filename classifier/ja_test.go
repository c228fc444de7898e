package classifier

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"unicode"

	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// decodeDamage reports what is wrong with a message's decoded text: a
// U+FFFD (bytes no charset tried could read) or an ESC (ISO-2022-JP left
// undecoded) in its Subject, From, To or body. "" means clean.
func decodeDamage(x Text) string {
	var out []string
	for _, f := range []struct{ name, s string }{{"subject", x.Subject}, {"from", x.From}, {"to", x.To}, {"body", x.Body}} {
		if n := strings.Count(f.s, "\uFFFD"); n > 0 {
			out = append(out, fmt.Sprintf("%s: %d U+FFFD", f.name, n))
		}
		if strings.ContainsRune(f.s, 0x1b) {
			out = append(out, f.name+": raw ISO-2022-JP")
		}
	}
	return strings.Join(out, ", ")
}

// undecodable lists every message of the corpora below whose text still
// has damage, and why no charset can do better. Everything else decodes
// cleanly; TestJapaneseCorporaDecode holds the list exact both ways.
var undecodable = map[string]string{
	// The subject mixes UTF-8 and EUC-JP (read as such, see decodeMixed)
	// with two bytes, 0x98 0x94, that are a character in neither.
	"osst_users_ja/osst_00133.eml": "subject: 1 U+FFFD",
	"osst_users_ja/osst_00149.eml": "subject: 1 U+FFFD",
	// Shift_JIS labelled us-ascii; one line is junk bytes F5 65 FC FC,
	// and 0xFCFC is unassigned in CP932.
	"spamassassin_testsuite/spam_008": "body: 1 U+FFFD",
	// au (KDDI) carrier emoji in ISO-2022-JP use JIS rows 0x75-0x7E,
	// which no standard table maps (in Shift_JIS the same emoji are
	// user-defined codes, read as private use). ja_ham_mixed is outside
	// the list; kept here so the test notices any change.
	"ja_ham_mixed/jpmobile_fixtures__spec__unit__email-fixtures__au-attached.eml":  "subject: 1 U+FFFD, body: 1 U+FFFD",
	"ja_ham_mixed/jpmobile_fixtures__spec__unit__email-fixtures__au-decomail.eml":  "subject: 1 U+FFFD, body: 2 U+FFFD",
	"ja_ham_mixed/jpmobile_fixtures__spec__unit__email-fixtures__au-decomail2.eml": "body: 1 U+FFFD",
	"ja_ham_mixed/jpmobile_fixtures__spec__unit__email-fixtures__au-email.eml":     "body: 1 U+FFFD",
	"ja_ham_mixed/jpmobile_fixtures__spec__unit__email-fixtures__au-emoji.eml":     "subject: 1 U+FFFD, body: 1 U+FFFD",
	"ja_ham_mixed/jpmobile_fixtures__spec__unit__email-fixtures__au-emoji2.eml":    "subject: 1 U+FFFD, body: 1 U+FFFD",
	// The UTF-8 body itself holds U+FFFD (EF BF BD) three times.
	"ja_ham_mixed/jpmobile_fixtures__spec__unit__email-fixtures__iphone-mail3.eml": "body: 3 U+FFFD",
}

// TestJapaneseCorporaDecode: every message of the Japanese corpora and of
// SpamAssassin's test suite decodes without replacement characters or raw
// JIS, except the ones listed in undecodable, exactly as listed.
func TestJapaneseCorporaDecode(t *testing.T) {
	if testing.Short() {
		t.Skip("corpus decoding skipped in -short mode")
	}
	seen := map[string]bool{}
	for _, name := range []string{"bsfilter_ja_fixtures", "tomoyo_users_ja", "osst_users_ja", "spamassassin_testsuite", "ja_ham_mixed"} {
		msgs := loadCorpus(t, name)
		bad := 0
		for _, msg := range msgs {
			key := name + "/" + filepath.Base(msg.name)
			got := decodeDamage(Extract(msg.data))
			if got != "" {
				bad++
				seen[key] = true
			}
			if want := undecodable[key]; got != want {
				t.Errorf("%s: damage %q, want %q", key, got, want)
			}
		}
		t.Logf("%s: %d messages, %d with damage", name, len(msgs), bad)
	}
	for key := range undecodable {
		if !seen[key] {
			t.Errorf("%s is listed as undecodable but was not seen damaged", key)
		}
	}
}

// TestEvalJapanese runs the TREC protocol on the Japanese corpora mixed
// (spam: osst_users_ja; ham: ja_ham_mixed, tomoyo_users_ja,
// bsfilter_ja_fixtures), interleaved in a fixed order. Real Japanese ham is
// scarce, so this mostly shows spam recall and that ham is not flagged.
func TestEvalJapanese(t *testing.T) {
	if testing.Short() {
		t.Skip("corpus evaluation skipped in -short mode")
	}
	spam := loadCorpus(t, "osst_users_ja")
	var ham []loaded
	for _, name := range []string{"ja_ham_mixed", "tomoyo_users_ja", "bsfilter_ja_fixtures"} {
		ham = append(ham, loadCorpus(t, name)...)
	}
	var all []loaded
	for i, j := 0, 0; i < len(spam) || j < len(ham); {
		// About two spam for each ham, as the sets' sizes are.
		if i < len(spam) && (j >= len(ham) || i <= 2*j) {
			all = append(all, spam[i])
			i++
		} else {
			all = append(all, ham[j])
			j++
		}
	}
	st := runTREC(all, DefaultOptions())
	t.Logf("Japanese mix (TREC protocol): %v%s", st, st.cutoffTable())
	t.Logf("ham as spam: %v", st.hamAsSpamFiles)
	// The spam (osst-users) and the tomoyo-users ham came through the same
	// list server, so its headers teach "spam" to a model that has seen 4
	// tomoyo messages against 195 spam: 2 of them, and 1 HTML carrier
	// mail, are flagged at this size (3 of 93). More means a regression.
	if st.hamAsSpam > 4 {
		t.Errorf("Japanese mix: %d ham as spam: %v", st.hamAsSpam, st.hamAsSpamFiles)
	}
	if caught := float64(st.spamCaught) / float64(st.spam); caught < 0.95 {
		t.Errorf("Japanese mix: spam caught %.1f%%, want >= 95%%", 100*caught)
	}
}

// mostlyJapanese reports whether more than half of the letters of s are
// Japanese script (kanji, hiragana, katakana) and at least a tenth of those
// are kana: Chinese text has kanji but no kana.
func mostlyJapanese(s string) bool {
	letters, ja, kana := 0, 0, 0
	for _, r := range s {
		if !unicode.IsLetter(r) {
			continue
		}
		letters++
		switch {
		case unicode.Is(unicode.Hiragana, r), unicode.Is(unicode.Katakana, r):
			ja++
			kana++
		case unicode.Is(unicode.Han, r):
			ja++
		}
	}
	return ja*2 > letters && kana*10 >= ja && kana > 0
}

// recall classifies msgs with m and returns how many are judged Spam and
// how many Unsure.
func recall(m *Model, msgs []loaded) (spam, unsure int) {
	for _, msg := range msgs {
		switch m.Classify(msg.data).Verdict {
		case Spam:
			spam++
		case Unsure:
			unsure++
		}
	}
	return spam, unsure
}

// TestJapaneseRecall measures spam recall on Japanese spam the model has
// not seen, after training on the rest:
//   - the Japanese spam of trec07p-1-20000 (decoded text mostly Japanese
//     script), after training on every other trec07p message;
//   - osst_users_ja, after training on all of trec07p and the Japanese ham
//     (ja_ham_mixed, tomoyo_users_ja, bsfilter_ja_fixtures).
//
// The floors sit a little under what was measured (README, "Japanese").
func TestJapaneseRecall(t *testing.T) {
	if testing.Short() {
		t.Skip("corpus evaluation skipped in -short mode")
	}
	trec := loadCorpus(t, "trec07p-1-20000")
	var jaSpam, rest []loaded
	jaHam := 0
	for _, msg := range trec {
		x := Extract(msg.data)
		switch {
		case !mostlyJapanese(x.Subject + "\n" + x.Body):
			rest = append(rest, msg)
		case msg.spam:
			jaSpam = append(jaSpam, msg)
		default:
			jaHam++
			rest = append(rest, msg)
		}
	}
	m := New(DefaultOptions())
	for _, msg := range rest {
		m.Train(msg.data, msg.spam)
	}
	spam, unsure := recall(m, jaSpam)
	r1 := float64(spam) / float64(len(jaSpam))
	t.Logf("trec07p Japanese spam: %d of %d messages (%d Japanese ham stay in training); trained on the other %d: spam %d (%.1f%%), unsure %d, ham %d",
		len(jaSpam), len(trec), jaHam, len(rest), spam, 100*r1, unsure, len(jaSpam)-spam-unsure)
	if len(jaSpam) < 50 {
		t.Errorf("only %d Japanese spam found in trec07p: the script test or decoding broke", len(jaSpam))
	}
	if r1 < 0.97 {
		t.Errorf("trec07p Japanese spam recall %.1f%%, want >= 97%%", 100*r1)
	}

	for _, msg := range jaSpam {
		m.Train(msg.data, true)
	}
	nJaHam := 0
	for _, name := range []string{"ja_ham_mixed", "tomoyo_users_ja", "bsfilter_ja_fixtures"} {
		for _, msg := range loadCorpus(t, name) {
			m.Train(msg.data, msg.spam)
			nJaHam++
		}
	}
	osst := loadCorpus(t, "osst_users_ja")
	spam, unsure = recall(m, osst)
	r2 := float64(spam) / float64(len(osst))
	t.Logf("osst_users_ja: %d spam; trained on trec07p and %d Japanese ham: spam %d (%.1f%%), unsure %d, ham %d",
		len(osst), nJaHam, spam, 100*r2, unsure, len(osst)-spam-unsure)
	// Measured: none caught. The osst spam reached a mailing list, and its
	// list headers (Precedence: list, List-Id, Delivered-To, Postfix on
	// 127.0.0.1) are the strongest ham evidence TREC 2007 teaches (its ham
	// is mostly list mail); the Japanese ham makes Japanese words hammy
	// too (trained on trec07p alone, 41 of 195 are caught). Spam of a new
	// kind that arrives like ham is caught only once some is trained, as
	// below. A floor of 0 would test nothing, so this bounds the other
	// way: a change that catches a quarter of them changes the README.
	if spam > len(osst)/4 {
		t.Errorf("osst_users_ja: recall rose to %.1f%% without osst training: update the README figures and this bound", 100*r2)
	}

	// Half of osst_users_ja trained (even positions of its index), the
	// other half classified.
	var train, test []loaded
	for i, msg := range osst {
		if i%2 == 0 {
			train = append(train, msg)
		} else {
			test = append(test, msg)
		}
	}
	for _, msg := range train {
		m.Train(msg.data, true)
	}
	spam, unsure = recall(m, test)
	r3 := float64(spam) / float64(len(test))
	t.Logf("osst_users_ja, %d more trained: spam %d of %d (%.1f%%), unsure %d, ham %d",
		len(train), spam, len(test), 100*r3, unsure, len(test)-spam-unsure)
	if r3 < 0.95 {
		t.Errorf("osst_users_ja recall with half of it trained %.1f%%, want >= 95%%", 100*r3)
	}
}

// TestDecodeGuesses: the last-resort readings of 8-bit text that no single
// Japanese charset reads cleanly (synthetic bytes).
func TestDecodeGuesses(t *testing.T) {
	euc, _ := japanese.EUCJP.NewEncoder().String("アカウント")
	// 鳌 is GB2312 0xF7A1, a row JIS X 0208 leaves empty.
	gbk, _ := simplifiedchinese.GBK.NewEncoder().String("独占鳌头的中文邮件")
	sjis, _ := japanese.ShiftJIS.NewEncoder().String("アイ、ウ。")
	for _, c := range []struct {
		in, label, want, note string
	}{
		// UTF-8 and EUC-JP mixed in one header.
		{"お知らせ" + euc + "です", "", "お知らせアカウントです", `label "" decoded as ` + csMixed},
		// Unlabelled GB2312: EUC-JP reads it with an error and no kana.
		{gbk, "", "独占鳌头的中文邮件", `label "" decoded as gb18030`},
		// Shift_JIS whose high bytes look isolated, labelled us-ascii:
		// windows-1252 leaves 0x81 undecoded.
		{"x " + sjis, "us-ascii", "x アイ、ウ。", "label us-ascii decoded as cp932"},
		// Real windows-1252 stays windows-1252.
		{"caf\xe9 na\xefve", "", "café naïve", `label "" decoded as windows-1252`},
		// EUC-JP Japanese is never read as GB18030.
		{euc, "", "アカウント", `label "" decoded as euc-jp`},
	} {
		got, note := decodeCharset([]byte(c.in), c.label)
		if got != c.want || note != c.note {
			t.Errorf("%q (%s): got %q, %q; want %q, %q", c.in, c.label, got, note, c.want, c.note)
		}
	}
}
