package classifier

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// fuzzSeeds are small inputs that reach every branch of the parser; the
// field cases are added when shared/ is present.
var fuzzSeeds = []string{
	"",
	"\r\n",
	"Subject: x\r\n\r\nbody",
	"Subject: =?ISO-2022-JP?B?GyRCJCIbKEI=?= =?iso-2022-jp?B?JCQ=?=\r\n\r\n",
	"Subject: =?utf-8?q?a=E3=81=82_b?=\r\nFrom: \"=?utf-8?b?5L2Q6Jek?=\" <a@b.example>\r\n\r\nx",
	"Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/html\r\n\r\n<p>a<script>x</script>&amp;<a href=\"http://h.example/\">l</a>\r\n--b--\r\n",
	"Content-Type: multipart/alternative; boundary=\"q\"\r\n\r\n--q\r\n\r\nno close",
	"Content-Type: message/rfc822\r\n\r\nContent-Type: message/rfc822\r\n\r\nSubject: in\r\n\r\ntext",
	"Content-Type: text/plain; charset=shift_jis\r\nContent-Transfer-Encoding: base64\r\n\r\ngqCCoA==\r\n",
	"Content-Type: text/plain; charset=x-unknown\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n=E3=81=82=\r\nb=ZZ\r\n",
	"From x\nSubject:\n \n\n\x00\x80\xff",
	"Content-Type: text/plain; charset*=utf-8''%E3\r\n\r\n\x1b$B$\"\x1b(B",
}

func addSeeds(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	for _, d := range []string{"../shared", "../../shared"} {
		files, _ := filepath.Glob(filepath.Join(d, "cases", "*", "*.eml"))
		for _, p := range files {
			if b, err := os.ReadFile(p); err == nil {
				f.Add(b)
			}
		}
		if len(files) > 0 {
			break
		}
	}
}

func FuzzExtract(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, msg []byte) {
		x := Extract(msg)
		for _, s := range []string{x.Subject, x.From, x.To, x.Body} {
			if !utf8.ValidString(s) {
				t.Fatalf("Extract returned invalid UTF-8: %q", s)
			}
		}
		if len(x.Body) > MaxTextBytes+maxParts {
			t.Fatalf("body %d bytes, over the cap", len(x.Body))
		}
	})
}

func FuzzTokenize(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, msg []byte) {
		toks := Tokenize(msg)
		seen := make(map[string]bool, len(toks))
		for _, tok := range toks {
			if tok == "" || !utf8.ValidString(tok) || strings.ContainsAny(tok, "\x00\uFFFD") {
				t.Fatalf("bad token %q", tok)
			}
			if seen[tok] {
				t.Fatalf("token %q twice", tok)
			}
			seen[tok] = true
		}
		if len(toks) > MaxTokens {
			t.Fatalf("%d tokens, over the cap", len(toks))
		}
		checkTokenHashes(t, "input", msg)
	})
}

func FuzzClassify(f *testing.F) {
	addSeeds(f)
	m := New(DefaultOptions())
	for i := range 5 {
		m.Train(spamMsg(i), true)
		m.Train(synthHam(i), false)
	}
	f.Fuzz(func(t *testing.T, msg []byte) {
		r := m.Classify(msg)
		if r.Score < 0 || r.Score > 1 || r.Score != r.Score {
			t.Fatalf("score %v out of [0,1]", r.Score)
		}
		if r.Verdict < Ham || r.Verdict > Spam || len(r.Reasons) > MaxReasons {
			t.Fatalf("bad result %+v", r)
		}
	})
}
