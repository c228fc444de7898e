package classifier

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"
)

// The TREC protocol: for each message in index order, classify it, then
// train it with its gold label. X-Spam* and X-Bogosity headers leak the
// label in these corpora; Tokenize ignores them, as the corpus README
// requires.

// evalStats are the figures of one TREC-protocol run.
type evalStats struct {
	ham, spam                   int
	hamAsSpam, spamAsHam        int
	hamUnsure, spamUnsure       int
	spamCaught                  int
	oneMinusROCA                float64 // (1-ROCA)%
	tokenizeDur, classifyDur    time.Duration
	trainDur                    time.Duration
	tokens                      int
	hamAsSpamFiles, spamAsHamFs []string
	spamUnsureFs                []string
	scores                      []float64 // per message, index order
	gold                        []bool
}

// cutoffTable reports, for several spam cutoffs, the ham-as-spam rate and
// the spam caught.
func (s evalStats) cutoffTable() string {
	var b strings.Builder
	for _, c := range []float64{0.5, 0.6, 0.7, 0.8, 0.82, 0.84, 0.85, 0.86, 0.88, 0.9, 0.95, 0.99} {
		var hs, sc int
		for i, sc0 := range s.scores {
			if sc0 >= c {
				if s.gold[i] {
					sc++
				} else {
					hs++
				}
			}
		}
		fmt.Fprintf(&b, "\n  spam cutoff %.2f: ham-as-spam %.3f%% (%d), spam caught %.2f%%", c,
			100*float64(hs)/float64(s.ham), hs, 100*float64(sc)/float64(s.spam))
	}
	return b.String()
}

func (s evalStats) String() string {
	n := float64(s.ham + s.spam)
	return fmt.Sprintf("%d ham, %d spam: ham-as-spam %.3f%% (%d), spam-as-ham %.3f%% (%d), unsure ham %.2f%% spam %.2f%%, spam caught %.2f%%, (1-ROCA)%% %.4f; "+
		"tokenize+classify %.0f msg/s, tokenize+train %.0f msg/s; %d tokens in store",
		s.ham, s.spam,
		100*float64(s.hamAsSpam)/float64(s.ham), s.hamAsSpam,
		100*float64(s.spamAsHam)/float64(s.spam), s.spamAsHam,
		100*float64(s.hamUnsure)/float64(s.ham), 100*float64(s.spamUnsure)/float64(s.spam),
		100*float64(s.spamCaught)/float64(s.spam), s.oneMinusROCA,
		n/(s.tokenizeDur+s.classifyDur).Seconds(), n/(s.tokenizeDur+s.trainDur).Seconds(), s.tokens)
}

type loaded struct {
	spam bool
	name string
	data []byte
}

func loadCorpus(t testing.TB, name string) []loaded {
	dir := corpusDir(t, name)
	idx := readIndex(t, dir)
	out := make([]loaded, 0, len(idx))
	for _, m := range idx {
		b, err := os.ReadFile(m.path)
		if err != nil {
			t.Fatalf("corpus %s: %v", name, err)
		}
		out = append(out, loaded{m.spam, m.path, b})
	}
	return out
}

// runTREC runs the TREC protocol over msgs with opts.
func runTREC(msgs []loaded, opts Options) evalStats {
	m := New(opts)
	var st evalStats
	type scored struct {
		score float64
		spam  bool
	}
	scores := make([]scored, 0, len(msgs))
	for _, msg := range msgs {
		t0 := time.Now()
		tk := tokenizeParsed(parse(msg.data))
		t1 := time.Now()
		res := m.classify(tk.hashes, tk.names)
		t2 := time.Now()
		m.trainHashes(tk.hashes, msg.spam)
		t3 := time.Now()
		tk.release()
		st.tokenizeDur += t1.Sub(t0)
		st.classifyDur += t2.Sub(t1)
		st.trainDur += t3.Sub(t2)
		scores = append(scores, scored{res.Score, msg.spam})
		st.scores = append(st.scores, res.Score)
		st.gold = append(st.gold, msg.spam)
		if msg.spam {
			st.spam++
			switch res.Verdict {
			case Ham:
				st.spamAsHam++
				st.spamAsHamFs = append(st.spamAsHamFs, msg.name)
			case Unsure:
				st.spamUnsure++
				st.spamUnsureFs = append(st.spamUnsureFs, msg.name)
			case Spam:
				st.spamCaught++
			}
		} else {
			st.ham++
			switch res.Verdict {
			case Spam:
				st.hamAsSpam++
				st.hamAsSpamFiles = append(st.hamAsSpamFiles, msg.name)
			case Unsure:
				st.hamUnsure++
			}
		}
	}
	st.tokens = m.TokenCount()
	// ROC area by the Mann-Whitney statistic (ties count one half).
	slices.SortFunc(scores, func(a, b scored) int {
		switch {
		case a.score < b.score:
			return -1
		case a.score > b.score:
			return 1
		}
		return 0
	})
	var hamBelow, pairs float64
	for i := 0; i < len(scores); {
		j := i
		var h, s float64
		for j < len(scores) && scores[j].score == scores[i].score {
			if scores[j].spam {
				s++
			} else {
				h++
			}
			j++
		}
		pairs += s * (hamBelow + h/2)
		hamBelow += h
		i = j
	}
	if st.ham > 0 && st.spam > 0 {
		st.oneMinusROCA = 100 * (1 - pairs/(float64(st.ham)*float64(st.spam)))
	}
	return st
}

func evalCorpus(t *testing.T, name string, maxHamAsSpam, minSpamCaught float64) {
	if testing.Short() {
		t.Skip("corpus evaluation skipped in -short mode")
	}
	msgs := loadCorpus(t, name)
	st := runTREC(msgs, DefaultOptions())
	t.Logf("%s (TREC protocol, defaults %+v): %v%s", name, DefaultOptions(), st, st.cutoffTable())
	if os.Getenv("MW_EVAL_VERBOSE") != "" {
		t.Logf("ham as spam: %s", strings.Join(st.hamAsSpamFiles, " "))
		t.Logf("spam as ham: %s", strings.Join(st.spamAsHamFs, " "))
		t.Logf("spam unsure: %s", strings.Join(st.spamUnsureFs, " "))
	}
	if got := 100 * float64(st.hamAsSpam) / float64(st.ham); got > maxHamAsSpam {
		t.Errorf("%s: ham-as-spam %.3f%%, want <= %.2f%%", name, got, maxHamAsSpam)
	}
	if got := 100 * float64(st.spamCaught) / float64(st.spam); got < minSpamCaught {
		t.Errorf("%s: spam caught %.2f%%, want >= %.1f%%", name, got, minSpamCaught)
	}
}

// TestEvalSpamAssassin is the quality bar on the SpamAssassin public corpus.
func TestEvalSpamAssassin(t *testing.T) {
	evalCorpus(t, "spamassassin", 1.0, 90)
}

// TestEvalTREC07 is the quality bar on the first 20,000 TREC 2007 messages.
func TestEvalTREC07(t *testing.T) {
	evalCorpus(t, "trec07p-1-20000", 0.5, 90)
}

// TestEvalSweep prints figures for a grid of parameters; it runs only with
// MW_EVAL_SWEEP=corpus-name.
func TestEvalSweep(t *testing.T) {
	name := os.Getenv("MW_EVAL_SWEEP")
	if name == "" {
		t.Skip("set MW_EVAL_SWEEP=corpus-name to sweep parameters")
	}
	msgs := loadCorpus(t, name)
	for _, s := range []float64{0.3, 0.45, 0.7} {
		for _, md := range []float64{0.1, 0.15} {
			for _, mc := range []int{100, 150} {
				o := DefaultOptions()
				o.Strength, o.MinDeviation, o.MaxClues = s, md, mc
				st := runTREC(msgs, o)
				t.Logf("s=%.2f mindev=%.2f maxclues=%d: %v%s", s, md, mc, st, st.cutoffTable())
			}
		}
	}
}

// TestEvalBlockTrained trains the first half of the SpamAssassin corpus one
// class after the other, as the first start (Junk, then INBOX) and
// `mailwarden train` (spam, then ham) do, and classifies the second half
// untrained. An online regression left to learn a block of one class last
// calls everything that class (spam first: 100% of the spam missed; ham
// first: 84% of the ham flagged); the interleaving of logistic.go keeps both
// orders near the Fisher method's 92% caught and 1 ham flagged.
func TestEvalBlockTrained(t *testing.T) {
	if testing.Short() {
		t.Skip("corpus evaluation skipped in -short mode")
	}
	msgs := loadCorpus(t, "spamassassin")
	half := len(msgs) / 2
	for _, spamFirst := range []bool{true, false} {
		m := New(DefaultOptions())
		for _, class := range []bool{spamFirst, !spamFirst} {
			for _, x := range msgs[:half] {
				if x.spam == class {
					m.Train(x.data, x.spam)
				}
			}
		}
		var ham, spam, hamAsSpam, caught int
		for _, x := range msgs[half:] {
			v := m.Classify(x.data).Verdict
			switch {
			case x.spam:
				spam++
				if v == Spam {
					caught++
				}
			default:
				ham++
				if v == Spam {
					hamAsSpam++
				}
			}
		}
		t.Logf("spam first %v: ham-as-spam %d of %d, spam caught %.2f%%", spamFirst, hamAsSpam, ham, 100*float64(caught)/float64(spam))
		if hamAsSpam > ham/1000 || float64(caught) < 0.88*float64(spam) {
			t.Errorf("trained spam first %v: ham-as-spam %d of %d, spam caught %d of %d; want at most 0.1%% and at least 88%%",
				spamFirst, hamAsSpam, ham, caught, spam)
		}
	}
}
