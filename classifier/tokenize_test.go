package classifier

import (
	"maps"
	"slices"
	"strings"
	"testing"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

func mkmail(headers, body string) []byte {
	return []byte(strings.ReplaceAll(headers, "\n", "\r\n") + "\r\n" + body)
}

func TestSpamHeadersIgnored(t *testing.T) {
	base := "From: a@example.com\nSubject: hello there\nContent-Type: text/plain\n"
	plain := tokenSet(mkmail(base, "some ordinary words here\r\n"))
	leaky := tokenSet(mkmail(base+"X-Spam-Status: Yes, score=12.3 tests=BAYES_99\nX-Spam-Flag: YES\n"+
		"X-Spam-Level: ************\nX-Bogosity: Spam, tests=bogofilter\nX-Spam-Checker-Version: SpamAssassin\n",
		"some ordinary words here\r\n"))
	if !slices.Equal(plain, leaky) {
		t.Errorf("X-Spam*/X-Bogosity headers changed the tokens:\n %q\n %q", plain, leaky)
	}
}

func TestNFKCAndCase(t *testing.T) {
	h := "Subject: x\nContent-Type: text/plain; charset=utf-8\n"
	full := tokenSet(mkmail(h, "ＦＲＥＥ　ＭＯＮＥＹ ｶﾀｶﾅ\r\n"))
	half := tokenSet(mkmail(h, "free money カタカナ\r\n"))
	upper := tokenSet(mkmail(h, "FREE Money カタカナ\r\n"))
	if !slices.Equal(full, half) || !slices.Equal(half, upper) {
		t.Errorf("width or case changed tokens:\n full %q\n half %q\n upper %q", full, half, upper)
	}
	for _, want := range []string{"free", "money", "カタカナ"} {
		if !slices.Contains(half, want) {
			t.Errorf("token %q missing: %q", want, half)
		}
	}
}

func TestJapaneseSegmentation(t *testing.T) {
	toks := Tokenize(mkmail("Content-Type: text/plain; charset=utf-8\n", "本日中に下記URLから受け取り手続きをしてください\r\n"))
	// Character classes split words; kanji runs of three or more give
	// bigrams, short kana runs are kept whole, long ones give bigrams.
	for _, want := range []string{"本日", "日中", "下記", "url", "から", "受", "取", "手続", "きを", "して", "さい"} {
		if !slices.Contains(toks, want) {
			t.Errorf("token %q missing: %q", want, toks)
		}
	}
	zh := Tokenize(mkmail("Content-Type: text/plain; charset=utf-8\n", "免费发票代开\r\n"))
	for _, want := range []string{"免费", "费发", "发票", "票代", "代开"} {
		if !slices.Contains(zh, want) {
			t.Errorf("Chinese bigram %q missing: %q", want, zh)
		}
	}
}

func TestHTMLTokens(t *testing.T) {
	body := `<html><head><style>.x{color:red} hiddenstyle</style><script>var hiddenscript=1;</script></head>` +
		`<body><p>Caf&eacute; &amp; vi<!-- junk -->agra</p><a href="http://Login.Bank-Example.co.jp/path?x=1">click</a>` +
		`<img src="https://img.example.net/a.gif" alt="alt words"></body></html>`
	toks := Tokenize(mkmail("Content-Type: text/html; charset=utf-8\n", body))
	for _, want := range []string{"café", "viagra", "click", "url:login.bank-example.co.jp", "url:bank-example.co.jp",
		"url:img.example.net", "html:img", "alt", "words"} {
		if !slices.Contains(toks, want) {
			t.Errorf("token %q missing: %q", want, toks)
		}
	}
	for _, bad := range []string{"hiddenstyle", "hiddenscript", "junk", "color"} {
		if slices.Contains(toks, bad) {
			t.Errorf("token %q should not be there (script/style/comment)", bad)
		}
	}
}

func TestTokenLimits(t *testing.T) {
	long := strings.Repeat("x", 200)
	toks := Tokenize(mkmail("Content-Type: text/plain\n", "short "+long+"\r\n"))
	for _, tok := range toks {
		if len(tok) > 80 {
			t.Errorf("token of %d bytes", len(tok))
		}
	}
	if !slices.Contains(toks, "skip:x:200") {
		t.Errorf("long word: want a skip token, got %q", toks)
	}
	var many strings.Builder
	for i := range 30000 {
		many.WriteString(" w" + itoa(i))
	}
	if n := len(Tokenize(mkmail("Content-Type: text/plain\n", many.String()))); n > MaxTokens {
		t.Errorf("%d tokens, want at most %d", n, MaxTokens)
	}
}

func TestTokenizeDistinct(t *testing.T) {
	toks := Tokenize(mkmail("Subject: spam spam spam\n", "spam spam spam spam\r\n"))
	seen := map[string]bool{}
	for _, tok := range toks {
		if seen[tok] {
			t.Errorf("token %q twice", tok)
		}
		seen[tok] = true
	}
	want := []string{"subject:spam", "hdr:subject", "spam"}
	if got := slices.Sorted(maps.Keys(seen)); !slices.Equal(got, slices.Sorted(slices.Values(want))) {
		t.Errorf("tokens %q, want %q", got, want)
	}
}

func TestDecodeHeaderVariants(t *testing.T) {
	for in, want := range map[string]string{
		"=?utf-8?q?caf=C3=A9_au_lait?=":     "café au lait",
		"=?UTF-8?B?44GC?= =?UTF-8?B?44GE?=": "あい",
		"plain =?utf-8?b?44GC?= text":       "plain あ text",
		"=?iso-8859-1?q?na=EFve?=":          "naïve",
		"=?shift_jis?B?gqCCog==?=":          "あい",
		"=?euc-jp?B?pKKkpA==?=":             "あい",
		"=?gb2312?B?w+K30Q==?=":             "免费",
		"=?koi8-r?B?8NLJ18XU?=":             "Привет",
		"=?broken":                          "=?broken",
		"=?utf-8?x?nope?=":                  "=?utf-8?x?nope?=",
		"\x1b$B$\"$$\x1b(B":                 "あい",
		"=?big5?B?pKSk5Q==?=":               "中文",
		"=?windows-1251?B?z/Do4uXy?=":       "Привет",
		"=?utf-8*ja?B?44GC?=":               "あ",
		"=?ISO-2022-JP?B?GyRCJCIbKEI=?==?ISO-2022-JP?B?GyRCJCQbKEI=?=": "あい",
	} {
		got, _ := decodeHeader(in)
		if got != want {
			t.Errorf("decodeHeader(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestPlausibleDate(t *testing.T) {
	for v, want := range map[string]bool{
		"Mon, 16 Sep 2024 10:15:00 +0900":  true,
		"16 Sep 2024 10:15 -0500":          true,
		"Thu, 13 Dec 2001 15:30:00 GMT":    true,
		"Mon, 16 Sep 99999 10:15:00 +0900": false,
		"Mon, 16 Sep 9999999999 10:15:00":  false,
		"Thu, 13 Dec 101 15:30 WET":        false,
		"Mon, 16 Sep 2024 29:15:00 +0900":  false,
		"2024-09-16T10:15:00+09:00":        false,
		"2002/09/14 Sat 13:06:03 GMT":      false,
		"2024年9月16日(月) 10時15分":             false,
		"Mon, 16 Sep 2024 10:15:00 +9999":  false,
		"":                                 false,
	} {
		if got := plausibleDate(v); got != want {
			t.Errorf("plausibleDate(%q) = %v, want %v", v, got, want)
		}
	}
}

func TestBodyCharsets(t *testing.T) {
	for _, c := range []struct{ label, body, want string }{
		{"koi8-r", "\xf0\xd2\xc9\xd7\xc5\xd4", "Привет"},
		{"windows-1251", "\xcf\xf0\xe8\xe2\xe5\xf2", "Привет"},
		{"iso-8859-2", "\xbf\xf3\xb3w", "żółw"},
		{"iso-8859-15", "\xa4 caf\xe9", "€ café"},
		{"iso-8859-1", "caf\xe9", "café"},
		{"iso-8859-1", "café (really UTF-8)", "café (really UTF-8)"},
		{"iso-8859-5", "Привет", "Привет"}, // UTF-8 under a single-byte label
		{"big5", "\xa4\xa4\xa4\xe5", "中文"},
		{"gb2312", "\xc3\xe2\xb7\xd1", "免费"},
		{"gbk", "\xc3\xe2\xb7\xd1", "免费"},
		{"euc-kr", "\xc7\xd1\xb1\xdb", "한글"},
		{"us-ascii", "\x82\xa0\x82\xa2\x82\xa4", "あいう"},           // Shift_JIS under us-ascii
		{"", "\xa4\xa2\xa4\xa4\xa4\xa6\xa4\xa8\xa4\xaa", "あいうえお"}, // unlabelled EUC-JP
	} {
		x := Extract(mkmail("Content-Type: text/plain; charset="+c.label+"\n", c.body))
		if !strings.Contains(x.Body, c.want) {
			t.Errorf("charset %q: body %q, want %q (notes %q)", c.label, x.Body, c.want, x.Notes)
		}
	}
}

// nfkcTo normalises run by run; it must equal NFKC of the whole text.
func FuzzNFKC(f *testing.F) {
	for _, s := range []string{"", "abc", "a\u00a0b", "e\u0301 \u0301x", "<\u0338 a", "ＡＢＣ！ｶﾞ", "１２３\tｱ\n", " \u0308", "caf\u00e9 na\u0308ive",
		"\u1100\u1161 \u11a8", "x" + strings.Repeat("\u0301", 40) + " y",
		"a\u00a0\u0301b", "\u00e9\u00a0\u00a0\u0308", "\u00a0", "x\u00a0", "\u1100\u00a0\u1161"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, _ := nfkcTo([]byte("reused"), s); got != norm.NFKC.String(s) {
			t.Fatalf("nfkcTo(%q) = %q, want %q", s, got, norm.NFKC.String(s))
		}
	})
}

// TestCJKLetterRanges: the fast paths of isSep and runeClass agree with the
// Unicode tables for every rune they cover.
func TestCJKLetterRanges(t *testing.T) {
	for r := rune(0x80); r <= 0xFFFF; r++ {
		if !isCJKLetter(r) {
			continue
		}
		if unicode.IsSpace(r) || unicode.IsControl(r) || unicode.IsPunct(r) || unicode.IsSymbol(r) {
			t.Fatalf("%U is a separator but isCJKLetter", r)
		}
		if r >= 0x4E00 && r <= 0x9FFF && !unicode.Is(unicode.Han, r) {
			t.Fatalf("%U is not Han", r)
		}
	}
}

// TestExtractOwnsItsText: the tokenizer reads header fields as views of
// the message (parse), but Extract's Text outlives the call, so it must
// not change when the caller reuses the message buffer; and a tokenizer
// reused for the next message must not see the previous one's fields.
func TestExtractOwnsItsText(t *testing.T) {
	msg := []byte("Subject: a folded\n subject line\nFrom: Alice <alice@example.com>\nTo: bob@example.net\n\nbody words here\n")
	want := Extract(msg)
	if want.Subject != "a folded subject line" || want.From != "Alice <alice@example.com>" {
		t.Fatalf("Extract = %q / %q", want.Subject, want.From)
	}
	got := Extract(msg)
	toks := Tokenize(msg)
	for i := range msg {
		msg[i] = 'x'
	}
	if got.Subject != want.Subject || got.From != want.From || got.To != want.To || got.Body != want.Body {
		t.Errorf("Extract's text changed with the message buffer: %+v", got)
	}
	if !slices.Contains(toks, "subject:folded") {
		t.Errorf("Tokenize's tokens lack subject:folded: %q", toks)
	}
	for _, tk := range toks {
		if strings.Contains(tk, "xxx") {
			t.Errorf("Tokenize's token %q changed with the message buffer", tk)
		}
	}
	// The pooled parser and its header arena serve the next message.
	other := Tokenize([]byte("Subject: another\n  wrapped one\n\nhello\n"))
	if !slices.Contains(other, "subject:another") || slices.Contains(other, "subject:folded") {
		t.Errorf("second message's tokens: %q", other)
	}
}
