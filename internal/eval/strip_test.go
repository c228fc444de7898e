package eval

import "testing"

func TestStripLabelHeaders(t *testing.T) {
	for _, c := range []struct{ name, in, want string }{
		{"nothing to strip", "From: a\r\nSubject: b\r\n\r\nbody\r\n", "From: a\r\nSubject: b\r\n\r\nbody\r\n"},
		{"crlf with folding",
			"Received: x\r\nX-Spam-Status: No, score=1\r\n\ttests=A,B\r\n  C\r\nSubject: s\r\n\r\nbody\r\n",
			"Received: x\r\nSubject: s\r\n\r\nbody\r\n"},
		{"lf, case, bogosity, several",
			"x-spam-flag: YES\nX-SPAM-LEVEL: ***\nFrom: a\nX-Bogosity: Spam, tests=bogofilter\n folded\nX-Bogosity-Extra: kept\nTo: b\n\nbody\n",
			"From: a\nX-Bogosity-Extra: kept\nTo: b\n\nbody\n"},
		{"body untouched", "Subject: s\n\nX-Spam-Flag: YES\n", "Subject: s\n\nX-Spam-Flag: YES\n"},
		{"continuation of a kept field", "Subject: a\n b\nX-Spam: 1\n c\nTo: d\n\n", "Subject: a\n b\nTo: d\n\n"},
		{"mbox From line kept", "From someone Mon\nX-Spam-Score: 2\nTo: x\n\nb", "From someone Mon\nTo: x\n\nb"},
		{"no body, no final newline", "To: x\nX-Spam-Flag: YES", "To: x\n"},
		{"X-Spammy name counts", "X-Spammy: 1\nTo: x\n\n", "To: x\n\n"},
		{"name with space before colon", "X-Spam-Flag : YES\nTo: x\n\n", "To: x\n\n"},
		{"empty", "", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := string(StripLabelHeaders([]byte(c.in))); got != c.want {
				t.Errorf("got %q\nwant %q", got, c.want)
			}
		})
	}
}
