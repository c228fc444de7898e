package classifier

import (
	"os"
	"strings"
	"testing"
)

// TestDebugMessage explains one corpus message: MW_DEBUG=corpus:file trains
// on every message before it in index order, then prints its result.
func TestDebugMessage(t *testing.T) {
	spec := os.Getenv("MW_DEBUG")
	if spec == "" {
		t.Skip("set MW_DEBUG=corpus:file to explain one message")
	}
	name, file, _ := strings.Cut(spec, ":")
	msgs := loadCorpus(t, name)
	m := New(DefaultOptions())
	for _, msg := range msgs {
		if strings.HasSuffix(msg.name, "/"+file) {
			toks := Tokenize(msg.data)
			res := m.ClassifyTokens(toks)
			t.Logf("gold spam=%v score=%.4f verdict=%v tokens=%d", msg.spam, res.Score, res.Verdict, res.Tokens)
			ns, nh := float64(m.spamMsgs), float64(m.hamMsgs)
			for _, tk := range toks {
				c, ok := m.tokens.get(tokenHash(tk))
				f := 0.5
				if ok {
					f = m.opts.robinson(c, ns, nh)
				}
				t.Logf("  %-40q f=%.3f spam=%d ham=%d", tk, f, c.spam, c.ham)
			}
			return
		}
		m.Train(msg.data, msg.spam)
	}
	t.Fatalf("%s not in %s", file, name)
}
