package classifier

import (
	"strings"
	"testing"
	"time"
)

// TestHostileInputsBounded: inputs built to make a parser quadratic or
// deep finish quickly (each well under a second; typically milliseconds).
func TestHostileInputsBounded(t *testing.T) {
	inputs := map[string]string{
		"many =? in a subject":       "Subject: " + strings.Repeat("=?", 30000) + "\r\n\r\nx",
		"unterminated encoded-words": "Subject: " + strings.Repeat("=?a?b? ", 9000) + "\r\n\r\nx",
		"unclosed tags":              "Content-Type: text/html\r\n\r\n" + strings.Repeat("<a ", 100000),
		"unclosed scripts":           "Content-Type: text/html\r\n\r\n" + strings.Repeat("<script>", 100000),
		"boundary prefixes":          "Content-Type: multipart/mixed; boundary=a\r\n\r\n" + strings.Repeat("--ab\r\n", 100000),
		"many parts":                 "Content-Type: multipart/mixed; boundary=a\r\n\r\n" + strings.Repeat("--a\r\n\r\nx\r\n", 100000),
		"at signs":                   "\r\n" + strings.Repeat("@", 200000),
		"addresses":                  "From: " + strings.Repeat("a@b.", 15000) + "\r\n\r\n" + strings.Repeat("a@b.", 50000),
		"header continuation lines":  "Subject: a\r\n" + strings.Repeat(" x\r\n", 100000) + "\r\nbody",
		"content-type parameters":    "Content-Type: text/plain" + strings.Repeat(";a=b", 15000) + "\r\n\r\nx",
		"one huge word":              "\r\n" + strings.Repeat("a", 1<<20),
		"one huge kana run":          "\r\n" + strings.Repeat("あ", 300000),
		"JIS escapes only":           "\r\n" + strings.Repeat("\x1b$B", 100000),
		"undecodable 8-bit":          "\r\n" + strings.Repeat("\x82\xa0\xff", 200000),
		"oversized message (8 MiB)":  "Subject: big\r\n\r\n" + strings.Repeat("word ", 8<<20/5),
	}
	for name, in := range inputs {
		start := time.Now()
		toks := Tokenize([]byte(in))
		if d := time.Since(start); d > 500*time.Millisecond {
			t.Errorf("%s: %v", name, d)
		}
		if len(toks) > MaxTokens {
			t.Errorf("%s: %d tokens", name, len(toks))
		}
	}
}
