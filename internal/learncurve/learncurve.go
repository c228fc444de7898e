// Package learncurve measures how many user corrections it takes for the
// classifier to catch a new kind of spam (issue 5): a cluster of spam (one
// campaign's sender, one subject theme, one language, one period) is held
// out, the classifier is trained on everything else (Train), then the
// user's corrections are fed one by one (the first k messages of the
// cluster trained with TrainCorrection as spam, as a swipe into Junk does) and the rest of the cluster
// is classified. Recall is the share moved to Junk (verdict spam, not
// unsure). Held-out ham measures what the corrections cost.
//
// Label headers (X-Spam-*, X-Bogosity) are stripped before training and
// classifying, as the corpus README asks.
package learncurve

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"regexp"
	"slices"
	"strings"

	"github.com/mailwarden/mailwarden/classifier"
	"github.com/mailwarden/mailwarden/internal/corpus"
	"github.com/mailwarden/mailwarden/internal/eval"
)

// Message is one labelled message, read and stripped of label headers.
type Message struct {
	Path string
	Spam bool
	Raw  []byte
}

// Read loads labelled corpus messages.
func Read(msgs []corpus.Labelled) ([]Message, error) {
	out := make([]Message, 0, len(msgs))
	for _, l := range msgs {
		raw, err := corpus.ReadMail(l.Path)
		if err != nil {
			return nil, err
		}
		out = append(out, Message{Path: l.Path, Spam: l.Spam, Raw: eval.StripLabelHeaders(raw)})
	}
	return out, nil
}

// Cluster is a kind of spam, held out as "new".
type Cluster struct {
	Name  string
	Match func(m Message) bool
}

// Point is the recall after K corrections.
type Point struct {
	K      int
	Recall float64 // mean share of the evaluated cluster moved to Junk
	Min    float64 // lowest over the orders tried
	Max    float64
	Unsure float64 // mean share left in INBOX as unsure
	HamFP  float64 // mean share of the held-out ham moved to Junk
	// ExtraHamFP is the same for the held-out half of the extra ham
	// (RunExtra: ham in the cluster's language).
	ExtraHamFP float64
	Evalued    int // cluster messages classified, per order
}

// Curve is one cluster's learning curve.
type Curve struct {
	Cluster string
	Size    int // spam messages in the cluster
	Train   int // messages the base classifier was trained on
	HamEval int // held-out ham
	// ExtraHam and ExtraHamEval: extra ham trained and held out (RunExtra).
	ExtraHam, ExtraHamEval int
	Orders                 int // orders of the cluster tried
	Points                 []Point
}

// Options of a measurement.
type Options struct {
	Ks      []int // numbers of corrections; the largest bounds what is held back
	Orders  int   // random orders of the cluster to average over (≥ 1)
	HamEval int   // every HamEval-th ham is held out for the false-positive rate
	Seed    uint64
}

// DefaultKs are the correction counts of the issue.
var DefaultKs = []int{0, 1, 2, 4, 8, 16}

// Run measures one curve per cluster on msgs (base) plus extra (messages
// from another corpus, used only as the cluster "extra", e.g. Japanese
// phishing against an English-trained classifier). Clusters smaller than
// the largest K plus 5 are skipped.
func Run(msgs []Message, clusters []Cluster, opts Options) []Curve {
	if len(opts.Ks) == 0 {
		opts.Ks = DefaultKs
	}
	opts.Orders = max(opts.Orders, 1)
	if opts.HamEval <= 0 {
		opts.HamEval = 5
	}
	maxK := slices.Max(opts.Ks)
	var out []Curve
	for _, c := range clusters {
		var held, train, hamEval []Message
		nHam := 0
		for _, m := range msgs {
			switch {
			case m.Spam && c.Match(m):
				held = append(held, m)
			case !m.Spam:
				nHam++
				if nHam%opts.HamEval == 0 {
					hamEval = append(hamEval, m)
				} else {
					train = append(train, m)
				}
			default:
				train = append(train, m)
			}
		}
		if len(held) < maxK+5 {
			continue
		}
		out = append(out, measure(c.Name, held, train, hamEval, nil, opts, maxK))
	}
	return out
}

// RunExtra measures the curve of a cluster from another corpus (the spam
// of extra) against a classifier trained on msgs. The ham of extra (mail
// in the cluster's language that the user wants) is split: every other
// message is trained with the base, as the user's own mail would be on
// first start, the rest is held out, to see what the corrections cost
// there (Point.ExtraHamFP).
func RunExtra(name string, msgs, extra []Message, opts Options) Curve {
	if len(opts.Ks) == 0 {
		opts.Ks = DefaultKs
	}
	opts.Orders = max(opts.Orders, 1)
	if opts.HamEval <= 0 {
		opts.HamEval = 5
	}
	var train, hamEval []Message
	nHam := 0
	for _, m := range msgs {
		if !m.Spam {
			nHam++
			if nHam%opts.HamEval == 0 {
				hamEval = append(hamEval, m)
				continue
			}
		}
		train = append(train, m)
	}
	var held, extraEval []Message
	nExtra := 0
	for _, m := range extra {
		switch {
		case m.Spam:
			held = append(held, m)
		case nExtra%2 == 0:
			train = append(train, m)
			nExtra++
		default:
			extraEval = append(extraEval, m)
			nExtra++
		}
	}
	c := measure(name, held, train, hamEval, extraEval, opts, slices.Max(opts.Ks))
	c.ExtraHam = nExtra - len(extraEval)
	return c
}

func measure(name string, held, train, hamEval, extraEval []Message, opts Options, maxK int) Curve {
	model := classifier.New(classifier.DefaultOptions())
	for _, m := range train {
		model.Train(m.Raw, m.Spam)
	}
	curve := Curve{Cluster: name, Size: len(held), Train: len(train), HamEval: len(hamEval), ExtraHamEval: len(extraEval), Orders: opts.Orders}
	sums := make([]Point, len(opts.Ks))
	for i := range sums {
		sums[i] = Point{K: opts.Ks[i], Min: 1}
	}
	rng := rand.New(rand.NewPCG(opts.Seed, 0x6c6561726e))
	for o := range opts.Orders {
		order := slices.Clone(held)
		if o > 0 { // the first order is the corpus order
			rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		}
		corrections, evalSet := order[:maxK], order[maxK:]
		trained := 0
		for i, k := range opts.Ks {
			for ; trained < k; trained++ {
				model.TrainCorrection(corrections[trained].Raw, true)
			}
			caught, unsure := 0, 0
			for _, m := range evalSet {
				switch model.Classify(m.Raw).Verdict {
				case classifier.Spam:
					caught++
				case classifier.Unsure:
					unsure++
				}
			}
			fp := 0
			for _, m := range hamEval {
				if model.Classify(m.Raw).Verdict == classifier.Spam {
					fp++
				}
			}
			xfp := 0
			for _, m := range extraEval {
				if model.Classify(m.Raw).Verdict == classifier.Spam {
					xfp++
				}
			}
			if len(extraEval) > 0 {
				sums[i].ExtraHamFP += float64(xfp) / float64(len(extraEval))
			}
			r := float64(caught) / float64(len(evalSet))
			p := &sums[i]
			p.Recall += r
			p.Min, p.Max = min(p.Min, r), max(p.Max, r)
			p.Unsure += float64(unsure) / float64(len(evalSet))
			p.HamFP += float64(fp) / float64(max(len(hamEval), 1))
			p.Evalued = len(evalSet)
		}
		for i := trained - 1; i >= 0; i-- { // back to the base model
			model.UntrainCorrection(corrections[i].Raw, true)
		}
	}
	for i := range sums {
		sums[i].Recall /= float64(opts.Orders)
		sums[i].Unsure /= float64(opts.Orders)
		sums[i].HamFP /= float64(opts.Orders)
		sums[i].ExtraHamFP /= float64(opts.Orders)
	}
	curve.Points = sums
	return curve
}

// Table formats curves as a Markdown table: recall (mean, and the range
// over the orders) after each number of corrections.
func Table(curves []Curve) string {
	if len(curves) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("| held-out kind of spam | size | ")
	for _, p := range curves[0].Points {
		fmt.Fprintf(&b, "k=%d | ", p.K)
	}
	b.WriteString("ham → Junk k=0 / k=max |\n|---|---|")
	for range curves[0].Points {
		b.WriteString("---|")
	}
	b.WriteString("---|\n")
	for _, c := range curves {
		fmt.Fprintf(&b, "| %s | %d | ", c.Cluster, c.Size)
		for _, p := range c.Points {
			if c.Orders > 1 {
				fmt.Fprintf(&b, "%.0f%% (%.0f–%.0f) | ", 100*p.Recall, 100*p.Min, 100*p.Max)
			} else {
				fmt.Fprintf(&b, "%.0f%% | ", 100*p.Recall)
			}
		}
		first, last := c.Points[0], c.Points[len(c.Points)-1]
		fmt.Fprintf(&b, "%.2f%% / %.2f%%", 100*first.HamFP, 100*last.HamFP)
		if c.ExtraHamEval > 0 {
			fmt.Fprintf(&b, "; its language's ham (%d): %.0f%% / %.0f%%", c.ExtraHamEval, 100*first.ExtraHamFP, 100*last.ExtraHamFP)
		}
		b.WriteString(" |\n")
	}
	return b.String()
}

// Corrections returns, for each curve, the fewest corrections after which
// the mean recall reaches goal (-1: not within the Ks measured).
func Corrections(c Curve, goal float64) int {
	for _, p := range c.Points {
		if p.Recall >= goal {
			return p.K
		}
	}
	return -1
}

// Header helpers for cluster rules.

// header returns the raw header of a message (up to the blank line).
func header(raw []byte) []byte {
	if i := bytes.Index(raw, []byte("\r\n\r\n")); i >= 0 {
		return raw[:i+2]
	}
	return raw
}

// Field returns the first header field called name, unfolded, raw (not
// decoded), in lower case.
func Field(raw []byte, name string) string {
	h := string(header(raw))
	lines := strings.Split(h, "\r\n")
	for i, l := range lines {
		k, v, ok := strings.Cut(l, ":")
		if !ok || l == "" || l[0] == ' ' || l[0] == '\t' || !strings.EqualFold(k, name) {
			continue
		}
		for j := i + 1; j < len(lines) && lines[j] != "" && (lines[j][0] == ' ' || lines[j][0] == '\t'); j++ {
			v += " " + strings.TrimSpace(lines[j])
		}
		return strings.ToLower(strings.TrimSpace(v))
	}
	return ""
}

var fromDomain = regexp.MustCompile(`@([a-z0-9.\-]+)`)

// FromDomain is the domain of the From address, lower case.
func FromDomain(raw []byte) string {
	if m := fromDomain.FindStringSubmatch(Field(raw, "From")); m != nil {
		return strings.TrimSuffix(m[1], ".")
	}
	return ""
}

var cjkCharset = regexp.MustCompile(`(?i)charset="?(big5|gb2312|gbk|gb18030|ks_c_5601|euc-kr|iso-2022-kr|euc-cn|hz-gb)`)

// CJKCharset reports a Chinese or Korean charset label anywhere in the
// message (headers or MIME parts).
func CJKCharset(raw []byte) bool { return cjkCharset.Match(raw) }
