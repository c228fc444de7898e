package eval

import (
	"context"
	"fmt"

	"github.com/mailwarden/mailwarden/classifier"
	"github.com/mailwarden/mailwarden/internal/corpus"
)

// ModelFilter puts mailwarden's classifier under the protocol.
type ModelFilter struct {
	M *classifier.Model
}

// Classify implements Filter.
func (f ModelFilter) Classify(msg []byte) (float64, Verdict, error) {
	r := f.M.Score(msg)
	return r.Score, FromClassifier(r.Verdict), nil
}

// Train implements Filter.
func (f ModelFilter) Train(msg []byte, spam bool) error {
	f.M.Train(msg, spam)
	return nil
}

// FromClassifier maps the classifier's verdict onto this package's.
func FromClassifier(v classifier.Verdict) Verdict {
	switch v {
	case classifier.Spam:
		return Spam
	case classifier.Ham:
		return Ham
	}
	return Unsure
}

// EvaluateModel runs the protocol over msgs with a fresh mailwarden model
// kept in storeDir (which should be empty), saves the store and reports the
// metrics, the throughput, this process's peak memory during the run and the
// size of the saved store.
func EvaluateModel(ctx context.Context, name string, msgs []corpus.Labelled, storeDir string, copts classifier.Options, opts Options) (Report, []Sample, error) {
	m, err := classifier.Open(storeDir, copts)
	if err != nil {
		return Report{}, nil, fmt.Errorf("evaluate %s: %w", name, err)
	}
	if s, h := m.Counts(); s+h != 0 {
		return Report{}, nil, fmt.Errorf("evaluate %s: the store in %s is already trained (%d spam, %d ham): use an empty directory", name, storeDir, s, h)
	}
	mo := m.Options()
	opts.HamCutoff, opts.SpamCutoff = mo.HamCutoff, mo.SpamCutoff
	reset := ResetPeakRSS()
	out, err := Protocol(ctx, msgs, ModelFilter{m}, opts)
	if err != nil {
		return Report{}, nil, fmt.Errorf("evaluate %s: %w", name, err)
	}
	if err := m.Save(); err != nil {
		return Report{}, nil, fmt.Errorf("evaluate %s: %w", name, err)
	}
	peak := PeakRSS() // saving is part of the job: it counts
	size, err := DirSize(storeDir)
	if err != nil {
		return Report{}, nil, fmt.Errorf("evaluate %s: %w", name, err)
	}
	r := NewReport("mailwarden", name, opts.Mode, out)
	r.PeakRSS = peak
	r.StoreBytes = size
	if !reset {
		r.Note = "peak memory is the whole process's, not reset per corpus"
	}
	return r, out.Samples, nil
}
