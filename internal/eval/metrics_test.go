package eval

import (
	"math"
	"strings"
	"testing"
)

func samples(ham, spam []float64) []Sample {
	var out []Sample
	for _, s := range ham {
		out = append(out, Sample{Spam: false, Score: s, Verdict: verdictAt(s)})
	}
	for _, s := range spam {
		out = append(out, Sample{Spam: true, Score: s, Verdict: verdictAt(s)})
	}
	return out
}

func verdictAt(s float64) Verdict {
	switch {
	case s >= 0.9:
		return Spam
	case s <= 0.2:
		return Ham
	}
	return Unsure
}

func near(t *testing.T, what string, got Pct, want float64) {
	t.Helper()
	if math.IsNaN(want) {
		if !math.IsNaN(float64(got)) {
			t.Errorf("%s = %v, want undefined (NaN)", what, got)
		}
		return
	}
	if math.Abs(float64(got)-want) > 1e-9 {
		t.Errorf("%s = %.12f, want %.12f", what, float64(got), want)
	}
}

func TestOneMinusROCA(t *testing.T) {
	for _, c := range []struct {
		name      string
		ham, spam []float64
		want      float64
	}{
		{"perfectly separated", []float64{0.1, 0.2, 0.3}, []float64{0.7, 0.8}, 0},
		{"reversed", []float64{0.7, 0.8}, []float64{0.1, 0.2, 0.3}, 100},
		{"all tied", []float64{0.5, 0.5}, []float64{0.5, 0.5, 0.5}, 50},
		// 9 pairs: ham 0.4 above spam 0.3, ham 0.6 above spam 0.3, ham 0.6
		// tied with spam 0.6 (one half): 2.5/9.
		{"mixed with a tie", []float64{0.1, 0.4, 0.6}, []float64{0.3, 0.6, 0.9}, 100 * 2.5 / 9},
		// one ham of 4 above one spam of 2: 1/8.
		{"one swap", []float64{0.1, 0.2, 0.3, 0.95}, []float64{0.9, 0.99}, 100 * 1.0 / 8},
		{"no ham", nil, []float64{0.9}, math.NaN()},
		{"no spam", []float64{0.1}, nil, math.NaN()},
	} {
		t.Run(c.name, func(t *testing.T) {
			near(t, "1-ROCA", OneMinusROCA(samples(c.ham, c.spam)), c.want)
		})
	}
}

func TestOneMinusROCAOrderDoesNotMatter(t *testing.T) {
	a := samples([]float64{0.1, 0.4, 0.6}, []float64{0.3, 0.6, 0.9})
	b := []Sample{a[5], a[1], a[3], a[0], a[4], a[2]}
	if OneMinusROCA(a) != OneMinusROCA(b) {
		t.Fatalf("order changed the area: %v vs %v", OneMinusROCA(a), OneMinusROCA(b))
	}
}

func TestLAM(t *testing.T) {
	// Equal rates give that rate: (10+0.5)/(100+0.5).
	near(t, "LAM equal", LAM(10, 100, 10, 100), 100*10.5/100.5)
	// No errors: the smoothed rate 0.5/1000.5 on both sides.
	near(t, "LAM perfect", LAM(0, 1000, 0, 1000), 100*0.5/1000.5)
	// hm = 1.5/100.5, sm = 9.5/100.5; invlogit of the mean logit,
	// worked by hand: 3.8249991038...%.
	near(t, "LAM 1/100 and 9/100", LAM(1, 100, 9, 100), 3.8249991038389224)
	near(t, "LAM no ham", LAM(0, 0, 1, 10), math.NaN())
	// Symmetric in ham and spam.
	if LAM(3, 50, 7, 80) != LAM(7, 80, 3, 50) {
		t.Error("LAM is not symmetric")
	}
}

func TestSpamCaughtAtHamLoss(t *testing.T) {
	ham := make([]float64, 1000)
	for i := range ham {
		ham[i] = 0.1
	}
	ham[0], ham[1] = 0.8, 0.7
	spam := []float64{0.6, 0.75, 0.85, 0.9}
	// 1000 ham: one may be lost, so the threshold is the second-highest ham
	// (0.7): 0.75, 0.85 and 0.9 are caught.
	near(t, "1000 ham", SpamCaughtAtHamLoss(samples(ham, spam), 0.001), 75)
	// 999 ham: none may be lost, threshold 0.8: two of four caught.
	near(t, "999 ham", SpamCaughtAtHamLoss(samples(ham[:999], spam), 0.001), 50)
	// A spam tied with the threshold ham is not caught.
	ham[1] = 0.8
	near(t, "tie", SpamCaughtAtHamLoss(samples(ham, []float64{0.8, 0.81}), 0.001), 50)
	near(t, "no spam", SpamCaughtAtHamLoss(samples(ham, nil), 0.001), math.NaN())
}

func TestCompute(t *testing.T) {
	// verdictAt: >= 0.9 spam, <= 0.2 ham, else unsure.
	m := Compute(samples(
		[]float64{0.05, 0.1, 0.5, 0.95}, // one unsure ham (kept), one lost
		[]float64{0.99, 0.92, 0.5, 0.1}, // one unsure and one ham-judged spam: two missed
	))
	if m.Messages != 8 || m.Spam != 4 || m.Ham != 4 {
		t.Fatalf("counts %+v", m)
	}
	if m.HamLost != 1 || m.SpamMissed != 2 || m.HamUnsure != 1 || m.SpamUnsure != 1 {
		t.Fatalf("error counts %+v", m)
	}
	near(t, "ham-as-spam", m.HamAsSpam, 25)
	near(t, "spam-as-ham", m.SpamAsHam, 50)
	near(t, "LAM", m.LAM, float64(LAM(1, 4, 2, 4)))
	// discordant pairs of 16: ham 0.95 above spam 0.92, 0.5, 0.1 (3);
	// ham 0.5 tied with spam 0.5 (0.5) and above spam 0.1 (1); ham 0.1 tied
	// with spam 0.1 (0.5): 5/16.
	near(t, "1-ROCA", m.OneMinusROCA, 100*5.0/16)
	// 4 ham: no ham may be lost; threshold 0.95: one spam (0.99) caught.
	near(t, "caught", m.SpamCaughtAt01, 25)
}

func TestPctJSONAndFormat(t *testing.T) {
	b, err := Pct(math.NaN()).MarshalJSON()
	if err != nil || string(b) != "null" {
		t.Fatalf("NaN encodes as %s, %v", b, err)
	}
	b, _ = Pct(1.23456789).MarshalJSON()
	if string(b) != "1.234568" {
		t.Fatalf("1.23456789 encodes as %s", b)
	}
	var p Pct
	if err := p.UnmarshalJSON([]byte("null")); err != nil || !math.IsNaN(float64(p)) {
		t.Fatalf("null decodes as %v, %v", p, err)
	}
	if Pct(math.NaN()).Format(2) != "-" || Pct(0.125).Format(2) != "0.12" {
		t.Fatalf("Format: %q %q", Pct(math.NaN()).Format(2), Pct(0.125).Format(2))
	}
}

func TestScoresRoundTrip(t *testing.T) {
	in := []Sample{{true, 0.999, Spam}, {false, 0.01, Ham}, {false, 0.5, Unsure}}
	var sb strings.Builder
	if err := WriteScores(&sb, in); err != nil {
		t.Fatal(err)
	}
	got, err := ReadScores(strings.NewReader("# comment\n\n" + sb.String() + "spam 0.7\nham 0.5\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := append(in, Sample{true, 0.7, Spam}, Sample{false, 0.5, Unsure})
	if len(got) != len(want) {
		t.Fatalf("got %d samples, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("sample %d: got %+v, want %+v", i, got[i], want[i])
		}
	}
	for _, bad := range []string{"spam\n", "maybe 0.5\n", "ham x\n", "ham 0.1 perhaps\n"} {
		if _, err := ReadScores(strings.NewReader(bad)); err == nil {
			t.Errorf("ReadScores(%q) accepted it", bad)
		}
	}
}
