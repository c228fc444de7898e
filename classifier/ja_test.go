package classifier

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"
)

// decodeStats counts how the Japanese corpora decode: a body or subject
// with U+FFFD, a raw JIS fragment ("$B"), or an ESC is a decoding failure.
func decodeStats(t *testing.T, name string) (n, nbad int, examples []string) {
	for _, msg := range loadCorpus(t, name) {
		x := Extract(msg.data)
		n++
		s := x.Subject + "\n" + x.Body
		// Carrier emoji in Shift_JIS become private-use code points, but
		// au's emoji in ISO-2022-JP (rows 0x75-0x7E) have no mapping and
		// become U+FFFD: a few per message are expected. Many, or raw
		// JIS, mean the charset was wrong.
		n := strings.Count(s, "\uFFFD")
		bad := n > 3 && n*10 > utf8.RuneCountInString(s)
		if bad || strings.ContainsRune(s, 0x1b) || strings.Contains(s, "$B") {
			nbad++
			if len(examples) < 5 {
				examples = append(examples, fmt.Sprintf("%s %q", msg.name, x.Notes))
			}
		}
	}
	return n, nbad, examples
}

// TestJapaneseCorporaDecode: the Japanese corpora decode without
// replacement characters or raw JIS.
func TestJapaneseCorporaDecode(t *testing.T) {
	if testing.Short() {
		t.Skip("corpus decoding skipped in -short mode")
	}
	for _, name := range []string{"bsfilter_ja_fixtures", "tomoyo_users_ja", "ja_ham_mixed", "osst_users_ja"} {
		n, bad, ex := decodeStats(t, name)
		t.Logf("%s: %d messages, %d with decoding damage %v", name, n, bad, ex)
		if float64(bad) > 0.02*float64(n) {
			t.Errorf("%s: %d of %d messages decode with damage: %v", name, bad, n, ex)
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
