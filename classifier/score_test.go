package classifier

import (
	"math"
	"testing"
)

// TestScoreIsClassifyWithoutReasons: Score gives Classify's score and
// verdict, bit for bit, and no reasons, on real mail.
func TestScoreIsClassifyWithoutReasons(t *testing.T) {
	msgs := loadCorpus(t, "spamassassin")
	m := New(DefaultOptions())
	for i, msg := range msgs {
		if i%2 == 0 {
			m.Train(msg.data, msg.spam)
		}
	}
	withReasons, verdicts := 0, map[Verdict]int{}
	for i, msg := range msgs {
		if i%2 == 0 || i%7 != 1 {
			continue
		}
		c, s := m.Classify(msg.data), m.Score(msg.data)
		if math.Float64bits(c.Score) != math.Float64bits(s.Score) || c.Verdict != s.Verdict || c.Tokens != s.Tokens {
			t.Fatalf("%s: Classify %v/%v/%d tokens, Score %v/%v/%d", msg.name, c.Score, c.Verdict, c.Tokens, s.Score, s.Verdict, s.Tokens)
		}
		if s.Reasons != nil {
			t.Fatalf("%s: Score gave %d reasons", msg.name, len(s.Reasons))
		}
		if len(c.Reasons) > 0 {
			withReasons++
		}
		verdicts[s.Verdict]++
	}
	if withReasons == 0 || verdicts[Spam] == 0 || verdicts[Ham] == 0 {
		t.Fatalf("compared too little: %d messages with reasons, verdicts %v", withReasons, verdicts)
	}
}

// TestRobinsonF: the per-message form of Robinson's f(w) computes the
// textbook formula exactly, zero counts and untrained classes included.
func TestRobinsonF(t *testing.T) {
	o := DefaultOptions()
	ref := func(e entry, ns, nh float64) float64 {
		var sp, hp float64
		if ns > 0 {
			sp = float64(e.spam) / ns
		}
		if nh > 0 {
			hp = float64(e.ham) / nh
		}
		if sp+hp == 0 {
			return o.Prior
		}
		p := sp / (sp + hp)
		n := float64(e.spam) + float64(e.ham)
		return (o.Strength*o.Prior + n*p) / (o.Strength + n)
	}
	for _, ns := range []float64{0, 1, 7, 1000, 65535} {
		for _, nh := range []float64{0, 1, 3, 999, 65535} {
			rf := o.robinsonFor(ns, nh)
			for _, sp := range []uint16{0, 1, 2, 5, 100, 65535} {
				for _, hm := range []uint16{0, 1, 3, 50, 65535} {
					e := entry{spam: sp, ham: hm}
					want := ref(e, ns, nh)
					if got := rf.f(e); math.Float64bits(got) != math.Float64bits(want) {
						t.Fatalf("ns=%v nh=%v %+v: f = %v, want %v", ns, nh, e, got, want)
					}
				}
			}
		}
	}
	if got := o.robinsonFor(10, 10); got.f(entry{spam: 10}) <= 0.9 {
		t.Fatalf("a token in every spam and no ham: f = %v, want > 0.9", got.f(entry{spam: 10}))
	}
}
