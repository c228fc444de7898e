package eval

import (
	"context"
	"fmt"
	"time"

	"github.com/mailwarden/mailwarden/internal/corpus"
)

// Mode says when the protocol trains the filter on a message it has just
// classified.
type Mode int

// The training modes; see the package documentation.
const (
	Full Mode = iota // train on every message (immediate feedback)
	TOE              // train on error (a wrong or Unsure verdict)
	TONR             // train on or near error (TOE, and scores near the unsure band)
)

// String returns "full", "toe" or "tonr".
func (m Mode) String() string {
	switch m {
	case Full:
		return "full"
	case TOE:
		return "toe"
	case TONR:
		return "tonr"
	}
	return fmt.Sprintf("mode(%d)", int(m))
}

// ParseMode reads "full", "toe" or "tonr".
func ParseMode(s string) (Mode, error) {
	for _, m := range []Mode{Full, TOE, TONR} {
		if s == m.String() {
			return m, nil
		}
	}
	return 0, fmt.Errorf("mode %q: use full, toe or tonr", s)
}

// DefaultNearMargin is how close to the unsure band a right verdict's score
// must be for TONR to train on it.
const DefaultNearMargin = 0.1

// ShouldTrain reports whether o.Mode trains on a message with gold label
// spam that the filter scored score and judged v.
//
// TOE trains on every verdict that is not the right one: a ham judged Spam
// or Unsure, a spam judged Ham or Unsure. Unsure counts as an error here
// although the metrics do not count unsure ham as lost: the user has to
// look at an unsure message, which is when feedback happens, and a filter
// whose untrained answer is Unsure would otherwise never learn at all.
// TONR also trains on right verdicts whose score lies within o.NearMargin of
// the unsure band (HamCutoff, SpamCutoff).
func (o Options) ShouldTrain(spam bool, score float64, v Verdict) bool {
	right := Ham
	if spam {
		right = Spam
	}
	switch o.Mode {
	case TOE:
		return v != right
	case TONR:
		if v != right {
			return true
		}
		margin := o.NearMargin
		if margin == 0 {
			margin = DefaultNearMargin
		}
		if spam {
			return score < o.SpamCutoff+margin
		}
		return score > o.HamCutoff-margin
	}
	return true
}

// Filter is a spam filter under test: mailwarden's classifier (ModelFilter)
// or an external tool driven by the benchmark.
type Filter interface {
	// Classify scores msg without learning from it.
	Classify(msg []byte) (score float64, v Verdict, err error)
	// Train learns msg with the gold label.
	Train(msg []byte, spam bool) error
}

// Options tunes Protocol.
type Options struct {
	Mode Mode
	// Limit, if positive, stops after that many messages (a prefix of the
	// index order).
	Limit int
	// Read loads one corpus file as the filter should see it; the default is
	// corpus.ReadMail (no mbox "From " line, CRLF line ends). The label
	// headers are stripped after Read in any case.
	Read func(path string) ([]byte, error)
	// Progress, if set, is called after every message.
	Progress func(done, total int)
	// HamCutoff and SpamCutoff are the filter's unsure band; TONR needs them.
	HamCutoff, SpamCutoff float64
	// NearMargin widens the band for TONR (0: DefaultNearMargin).
	NearMargin float64
}

// Outcome is the raw result of one protocol run.
type Outcome struct {
	Samples []Sample
	Trained int           // messages the filter was trained on
	Elapsed time.Duration // wall time of the loop: read, strip, classify, train
}

// Protocol runs the TREC protocol over msgs in order: read, strip the label
// headers, classify, record, train according to opts.Mode. It stops at the
// first error (a failed read or filter call) or when ctx is done.
func Protocol(ctx context.Context, msgs []corpus.Labelled, f Filter, opts Options) (Outcome, error) {
	if opts.Mode == TONR && !(opts.HamCutoff < opts.SpamCutoff) {
		return Outcome{}, fmt.Errorf("train on or near error needs the unsure band: ham cutoff %g, spam cutoff %g", opts.HamCutoff, opts.SpamCutoff)
	}
	if opts.Limit > 0 && opts.Limit < len(msgs) {
		msgs = msgs[:opts.Limit]
	}
	read := opts.Read
	if read == nil {
		read = corpus.ReadMail
	}
	out := Outcome{Samples: make([]Sample, 0, len(msgs))}
	start := time.Now()
	for i, m := range msgs {
		if err := ctx.Err(); err != nil {
			return out, err
		}
		raw, err := read(m.Path)
		if err != nil {
			return out, fmt.Errorf("message %d (%s): %w", i+1, m.Path, err)
		}
		raw = StripLabelHeaders(raw)
		score, v, err := f.Classify(raw)
		if err != nil {
			return out, fmt.Errorf("classify message %d (%s): %w", i+1, m.Path, err)
		}
		out.Samples = append(out.Samples, Sample{Spam: m.Spam, Score: score, Verdict: v})
		if opts.ShouldTrain(m.Spam, score, v) {
			if err := f.Train(raw, m.Spam); err != nil {
				return out, fmt.Errorf("train message %d (%s): %w", i+1, m.Path, err)
			}
			out.Trained++
		}
		if opts.Progress != nil {
			opts.Progress(i+1, len(msgs))
		}
	}
	out.Elapsed = time.Since(start)
	return out, nil
}

// Report is one corpus's result, as `mailwarden eval` prints it.
type Report struct {
	Tool   string `json:"tool"`
	Corpus string `json:"corpus"`
	Mode   string `json:"mode"`
	Metrics
	Trained    int     `json:"trained"`
	Seconds    float64 `json:"seconds"`
	MsgsPerSec float64 `json:"msgs_per_sec"`
	// PeakRSS is the peak resident set in bytes (0 if unknown).
	PeakRSS int64 `json:"peak_rss_bytes"`
	// StoreBytes is the size on disk of the saved store (0 if unknown).
	StoreBytes int64 `json:"store_bytes"`
	// Note says how the figures were obtained where that is not obvious.
	Note string `json:"note,omitempty"`
}

// NewReport fills a Report from a protocol outcome.
func NewReport(tool, corpusName string, mode Mode, o Outcome) Report {
	r := Report{Tool: tool, Corpus: corpusName, Mode: mode.String(), Metrics: Compute(o.Samples), Trained: o.Trained}
	r.Seconds = o.Elapsed.Seconds()
	if r.Seconds > 0 {
		r.MsgsPerSec = float64(len(o.Samples)) / r.Seconds
	}
	return r
}

// String is the one-line human form of the report. A report without a
// timed run (metrics of a score file) leaves out speed, memory and store.
func (r Report) String() string {
	if r.Seconds == 0 {
		return fmt.Sprintf("%-16s n=%d (%d spam, %d ham) 1-ROCA=%s%% LAM=%s%% ham-as-spam=%s%% spam-as-ham=%s%% caught@0.1%%ham=%s%%",
			r.Corpus, r.Messages, r.Spam, r.Ham,
			r.OneMinusROCA.Format(4), r.LAM.Format(3), r.HamAsSpam.Format(3), r.SpamAsHam.Format(3), r.SpamCaughtAt01.Format(2))
	}
	return fmt.Sprintf("%-16s %-5s n=%d (%d spam, %d ham) 1-ROCA=%s%% LAM=%s%% ham-as-spam=%s%% spam-as-ham=%s%% caught@0.1%%ham=%s%% trained=%d %.0f msg/s peak=%s store=%s",
		r.Corpus, r.Mode, r.Messages, r.Spam, r.Ham,
		r.OneMinusROCA.Format(4), r.LAM.Format(3), r.HamAsSpam.Format(3), r.SpamAsHam.Format(3), r.SpamCaughtAt01.Format(2),
		r.Trained, r.MsgsPerSec, FormatBytes(r.PeakRSS), FormatBytes(r.StoreBytes))
}

// FormatBytes prints n as MB with one decimal ("-" for 0 or less).
func FormatBytes(n int64) string {
	if n <= 0 {
		return "-"
	}
	return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
}
