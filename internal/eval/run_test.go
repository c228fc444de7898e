package eval

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mailwarden/mailwarden/classifier"
	"github.com/mailwarden/mailwarden/internal/corpus"
)

// fakeFilter judges by a marker word in the body and logs every call.
type fakeFilter struct {
	log []string
}

func (f *fakeFilter) Classify(msg []byte) (float64, Verdict, error) {
	s := string(msg)
	if strings.Contains(s, "X-Spam") {
		f.log = append(f.log, "saw label header")
	}
	f.log = append(f.log, "classify "+lastLine(s))
	switch {
	case strings.Contains(s, "SPAMMY"):
		return 0.99, Spam, nil
	case strings.Contains(s, "NEARSPAM"):
		return 0.85, Spam, nil
	case strings.Contains(s, "NEARHAM"):
		return 0.25, Ham, nil
	case strings.Contains(s, "MAYBE"):
		return 0.5, Unsure, nil
	}
	return 0.01, Ham, nil
}

func (f *fakeFilter) Train(msg []byte, spam bool) error {
	label := "ham"
	if spam {
		label = "spam"
	}
	f.log = append(f.log, "train "+label+" "+lastLine(string(msg)))
	return nil
}

func lastLine(s string) string {
	s = strings.TrimRight(s, "\r\n")
	return s[strings.LastIndexAny(s, "\n")+1:]
}

// writeCorpus makes a corpus directory of synthetic messages.
func writeCorpus(t *testing.T, msgs []struct {
	spam bool
	body string
}) []corpus.Labelled {
	t.Helper()
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "data"), 0o755); err != nil {
		t.Fatal(err)
	}
	var index strings.Builder
	for i, m := range msgs {
		name := filepath.Join("data", string(rune('a'+i)))
		raw := "X-Spam-Flag: YES\nSubject: test\n\n" + m.body + "\n"
		if err := os.WriteFile(filepath.Join(dir, name), []byte(raw), 0o644); err != nil {
			t.Fatal(err)
		}
		label := "ham"
		if m.spam {
			label = "spam"
		}
		index.WriteString(label + " " + name + "\n")
	}
	if err := os.WriteFile(filepath.Join(dir, "index"), []byte(index.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	l, err := corpus.ReadIndex(dir)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestProtocolModes(t *testing.T) {
	type msg = struct {
		spam bool
		body string
	}
	bodies := []msg{
		{true, "one SPAMMY"},     // right, far from the band
		{true, "two"},            // spam judged ham: error
		{false, "three MAYBE"},   // unsure ham
		{false, "four SPAMMY"},   // ham judged spam: error
		{false, "five"},          // right, far
		{true, "six MAYBE"},      // unsure spam
		{true, "seven NEARSPAM"}, // right, 0.85: near the spam cutoff 0.8
		{false, "eight NEARHAM"}, // right, 0.25: near the ham cutoff 0.3
	}
	msgs := writeCorpus(t, bodies)
	for _, c := range []struct {
		mode  Mode
		train []string
	}{
		{Full, []string{"one", "two", "three", "four", "five", "six", "seven", "eight"}},
		{TOE, []string{"two", "three", "four", "six"}},
		{TONR, []string{"two", "three", "four", "six", "seven", "eight"}},
	} {
		t.Run(c.mode.String(), func(t *testing.T) {
			f := &fakeFilter{}
			out, err := Protocol(context.Background(), msgs, f, Options{Mode: c.mode, HamCutoff: 0.3, SpamCutoff: 0.8})
			if err != nil {
				t.Fatal(err)
			}
			if out.Trained != len(c.train) || len(out.Samples) != len(bodies) {
				t.Fatalf("trained %d of %d samples, want %d of %d", out.Trained, len(out.Samples), len(c.train), len(bodies))
			}
			// Every message is classified before it is trained, and
			// trained before the next one is classified.
			var want []string
			trained := " " + strings.Join(c.train, " ") + " "
			for _, b := range bodies {
				want = append(want, "classify "+b.body)
				if strings.Contains(trained, " "+strings.Fields(b.body)[0]+" ") {
					label := "ham"
					if b.spam {
						label = "spam"
					}
					want = append(want, "train "+label+" "+b.body)
				}
			}
			if got := strings.Join(f.log, "\n"); got != strings.Join(want, "\n") {
				t.Errorf("calls:\n%s\nwant:\n%s", got, strings.Join(want, "\n"))
			}
		})
	}
	if _, err := Protocol(context.Background(), msgs, &fakeFilter{}, Options{Mode: TONR}); err == nil {
		t.Error("TONR ran without an unsure band")
	}
}

func TestProtocolLimit(t *testing.T) {
	msgs := writeCorpus(t, []struct {
		spam bool
		body string
	}{{true, "a"}, {false, "b"}, {true, "c"}})
	out, err := Protocol(context.Background(), msgs, &fakeFilter{}, Options{Limit: 2})
	if err != nil || len(out.Samples) != 2 {
		t.Fatalf("Limit 2: %d samples, %v", len(out.Samples), err)
	}
}

func TestParseMode(t *testing.T) {
	for _, m := range []Mode{Full, TOE, TONR} {
		if got, err := ParseMode(m.String()); err != nil || got != m {
			t.Errorf("ParseMode(%q) = %v, %v", m, got, err)
		}
	}
	if _, err := ParseMode("sometimes"); err == nil {
		t.Error("ParseMode accepted a bad mode")
	}
}

func TestEvaluateModel(t *testing.T) {
	var msgs []struct {
		spam bool
		body string
	}
	for i := 0; i < 10; i++ {
		msgs = append(msgs,
			struct {
				spam bool
				body string
			}{true, "cheap pills casino winner prize offer click now"},
			struct {
				spam bool
				body string
			}{false, "meeting agenda for the quarterly budget review attached"})
	}
	l := writeCorpus(t, msgs)
	dir := t.TempDir()
	r, samples, err := EvaluateModel(context.Background(), "synthetic", l, dir, classifier.DefaultOptions(), Options{Mode: Full})
	if err != nil {
		t.Fatal(err)
	}
	if r.Messages != 20 || len(samples) != 20 || r.Trained != 20 {
		t.Fatalf("report %+v", r)
	}
	if r.StoreBytes <= 0 || r.MsgsPerSec <= 0 {
		t.Errorf("store %d bytes, %f msg/s", r.StoreBytes, r.MsgsPerSec)
	}
	if r.PeakRSS <= 0 {
		t.Errorf("peak RSS %d", r.PeakRSS)
	}
	// A second run in the same, now trained, store is refused.
	if _, _, err := EvaluateModel(context.Background(), "again", l, dir, classifier.DefaultOptions(), Options{}); err == nil {
		t.Error("EvaluateModel reused a trained store")
	}
}
