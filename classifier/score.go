package classifier

import (
	"math"
	"slices"
	"sync"
)

// Classify scores msg (raw RFC 822 bytes) against the model.
func (m *Model) Classify(msg []byte) Result {
	t := m.tokenize(msg)
	defer t.release()
	return m.classify(t.hashes, t.names)
}

// Score is Classify without Reasons, for callers that use only the score
// and the verdict (the classify command, evaluation runs): it neither
// collects the tokens that weighed most nor copies out their texts.
func (m *Model) Score(msg []byte) Result {
	t := m.tokenize(msg)
	defer t.release()
	return m.classify(t.hashes, nil)
}

// clue is one significant token of a message.
type clue struct {
	idx int32 // index of the token in the message
	f   float64
	dev float64 // |f - 0.5|
}

// ClassifyTokens scores a message given as its Tokenize output.
//
// The score is the logistic of z = share·Σw/√n + β·logit(F) (logistic.go):
// w are the regression weights of the message's n distinct tokens and F is
// the Fisher score of their counts. For F, each token's spam probability is
// Robinson's f(w) = (s·x + n·p(w)) / (s + n), where p(w) is the spam
// fraction of the token's per-class frequencies and n the number of trained
// messages it appeared in; tokens closer to 0.5 than MinDeviation are
// ignored; the MaxClues most extreme are combined with Fisher's method
// (Robinson's chi-square): H and S are the chi-square probabilities of the
// ham and spam hypotheses, and F = (1+S-H)/2.
func (m *Model) ClassifyTokens(toks []string) Result {
	hs := make([]uint64, len(toks))
	for i, t := range toks {
		hs[i] = tokenHash(t)
	}
	return m.classify(hs, func(idx []int32) []string {
		out := make([]string, len(idx))
		for i, j := range idx {
			out[i] = toks[j]
		}
		return out
	})
}

// candidate is a token that may be listed in Reasons.
type candidate struct {
	idx int32
	ev  float64 // the token's evidence, see reasonTop
	e   entry
}

// reasonTop keeps the MaxReasons candidates of largest |ev|, largest
// first (ties in message order), by insertion into a short list. ev is
// the token's weight while the regression carries most of the score
// (share >= 1/2), else f(w) - 0.5 of the significant tokens: the view
// that decides, without a logarithm per token (logit f(w) for each token
// cost 5% of classification).
type reasonTop struct {
	c        [MaxReasons]candidate
	n        int
	floor    float64 // |ev| a candidate must pass once the list is full
	byWeight bool
}

// spamProb is Reason.SpamProb of candidate c.
func (t *reasonTop) spamProb(c candidate) float64 {
	if t.byWeight {
		return sigmoid(c.ev)
	}
	return c.ev + 0.5
}

// add inserts c; the caller has checked that |c.ev| > t.floor (most
// tokens do not, and the check inline saves a call for each).
func (t *reasonTop) add(c candidate) {
	a := math.Abs(c.ev)
	i := t.n
	if i < MaxReasons {
		t.n++
	} else {
		i = MaxReasons - 1
	}
	for i > 0 && math.Abs(t.c[i-1].ev) < a {
		t.c[i] = t.c[i-1]
		i--
	}
	t.c[i] = c
	if t.n == MaxReasons {
		t.floor = math.Abs(t.c[MaxReasons-1].ev)
	}
}

// evidence computes z, the log-odds of spam for the message with token
// hashes hs, and the number of significant tokens (Bayes clues). With top
// set it also collects the candidates for Reasons. The caller holds m.mu.
func (m *Model) evidence(hs []uint64, buf *clueBuf, top *reasonTop) (z float64, nclues int) {
	o := m.opts
	clues := buf.clues[:0]
	ns, nh := float64(m.spamMsgs), float64(m.hamMsgs)
	share, beta := m.mix()
	if top != nil {
		top.byWeight = share >= 0.5
	}
	buf.sink = m.tokens.touch(hs)
	rf := o.robinsonFor(ns, nh)
	var sumW float64
	for i, h := range hs {
		e, ok := m.tokens.get(h)
		if !ok {
			continue
		}
		sumW += float64(e.w)
		f := rf.f(e)
		d := math.Abs(f - 0.5)
		sig := d >= o.MinDeviation
		if sig {
			clues = append(clues, clue{idx: int32(i), f: f, dev: d})
		}
		if top != nil && (top.byWeight || sig) {
			ev := f - 0.5
			if top.byWeight {
				ev = float64(e.w)
			}
			if math.Abs(ev) > top.floor || top.n < MaxReasons {
				top.add(candidate{idx: int32(i), ev: ev, e: e})
			}
		}
	}
	buf.clues = clues // keep the grown buffer
	nclues = len(clues)
	if len(clues) > o.MaxClues {
		clues = mostExtreme(clues, o.MaxClues)
	}
	z = beta * logit(chiCombine(clues))
	if len(hs) > 0 {
		z += share * sumW / math.Sqrt(float64(len(hs)))
	}
	return z, nclues
}

// classify scores a message given as the store hashes of its distinct
// tokens; names(idx) are the texts of the tokens at idx, needed only for
// Reasons (nil: no Reasons).
func (m *Model) classify(hs []uint64, names func(idx []int32) []string) Result {
	o := m.opts
	res := Result{Tokens: len(hs)}
	buf := cluePool.Get().(*clueBuf)
	defer func() {
		if cap(buf.clues) <= 1<<16 {
			cluePool.Put(buf)
		}
	}()
	var top reasonTop
	topp := &top
	if names == nil {
		topp = nil
	}
	m.mu.RLock()
	trainedBoth := m.spamMsgs > 0 && m.hamMsgs > 0
	z, nclues := m.evidence(hs, buf, topp)
	m.mu.RUnlock()

	res.Score = sigmoid(z)
	switch {
	case res.Score >= o.SpamCutoff:
		res.Verdict = Spam
	case res.Score <= o.HamCutoff:
		res.Verdict = Ham
	default:
		res.Verdict = Unsure
	}
	if nclues < o.MinClues || !trainedBoth || emptyBody(hs) {
		// Too little evidence to act on: leave the message alone.
		res.Verdict = Unsure
	}
	if top.n > 0 {
		var idx [MaxReasons]int32
		for i, c := range top.c[:top.n] {
			idx[i] = c.idx
		}
		toks := names(idx[:top.n])
		res.Reasons = make([]Reason, top.n)
		for i, c := range top.c[:top.n] {
			res.Reasons[i] = Reason{Token: toks[i], SpamProb: top.spamProb(c), Weight: float64(c.e.w), Spam: uint32(c.e.spam), Ham: uint32(c.e.ham)}
		}
	}
	return res
}

// clueBuf is a pooled clue buffer; sink keeps the result of
// tokenTable.touch so its loads are not optimised away.
type clueBuf struct {
	clues []clue
	sink  uint64
}

// cluePool holds clue buffers: a message has hundreds of clues.
var cluePool = sync.Pool{New: func() any { return &clueBuf{clues: make([]clue, 0, 256)} }}

// mostExtreme keeps the k clues farthest from 0.5, in linear time: a
// histogram of deviations finds the cut, then clues above it are kept in
// message order, and clues at the cut fill what is left. Sorting hundreds
// of clues per message cost a fifth of classification.
func mostExtreme(clues []clue, k int) []clue {
	const bins = 1024
	var hist [bins]int32
	bin := func(d float64) int { return min(int(d*2*bins), bins-1) } // d in [0, 0.5]
	for _, c := range clues {
		hist[bin(c.dev)]++
	}
	cut, above := bins-1, 0
	for ; cut > 0; cut-- {
		if above+int(hist[cut]) >= k {
			break
		}
		above += int(hist[cut])
	}
	out := clues[:0] // in place: writes never overtake reads
	room := k - above
	for _, c := range clues {
		b := bin(c.dev)
		if b > cut {
			out = append(out, c)
		} else if b == cut && room > 0 {
			out = append(out, c)
			room--
		}
	}
	return out
}

var emptyBodyHash = tokenHash(tokEmptyBody)

// emptyBody reports whether the tokenizer marked the body as empty.
func emptyBody(hs []uint64) bool {
	return slices.Contains(hs, emptyBodyHash)
}

// robinson computes f(w) for a token with entry e, given ns spam and nh
// ham trained messages.
func (o Options) robinson(e entry, ns, nh float64) float64 {
	r := o.robinsonFor(ns, nh)
	return r.f(e)
}

// robinsonF is robinson with its constants worked out once per message:
// a call per token that copied the whole Options was 6% of Classify.
type robinsonF struct{ sx, s, prior, ns, nh float64 }

func (o Options) robinsonFor(ns, nh float64) robinsonF {
	return robinsonF{sx: o.Strength * o.Prior, s: o.Strength, prior: o.Prior, ns: ns, nh: nh}
}

// f is Robinson's f(w) = (s·x + n·p(w)) / (s + n) of the token with entry e.
func (r *robinsonF) f(e entry) float64 {
	var sp, hp float64
	if r.ns > 0 {
		sp = float64(e.spam) / r.ns
	}
	if r.nh > 0 {
		hp = float64(e.ham) / r.nh
	}
	if sp+hp == 0 {
		return r.prior
	}
	n := float64(e.spam) + float64(e.ham)
	return (r.sx + n*(sp/(sp+hp))) / (r.s + n)
}

// chiCombine combines clue probabilities with Fisher's method as in
// SpamBayes: S = 1 - chi2Q(-2 Σ ln(1-f), 2n), H = 1 - chi2Q(-2 Σ ln f, 2n),
// score = (1 + S - H) / 2. Products are kept as mantissa/exponent pairs so
// hundreds of small factors cannot underflow.
func chiCombine(clues []clue) float64 {
	if len(clues) == 0 {
		return 0.5
	}
	hm, sm := 1.0, 1.0
	he, se := 0, 0
	for _, c := range clues {
		f := min(max(c.f, 1e-12), 1-1e-12)
		sm *= 1 - f
		hm *= f
		if sm < 1e-200 {
			var e int
			sm, e = math.Frexp(sm)
			se += e
		}
		if hm < 1e-200 {
			var e int
			hm, e = math.Frexp(hm)
			he += e
		}
	}
	lnS := math.Log(sm) + float64(se)*math.Ln2
	lnH := math.Log(hm) + float64(he)*math.Ln2
	n := len(clues)
	S := 1 - chi2Q(-2*lnS, 2*n)
	H := 1 - chi2Q(-2*lnH, 2*n)
	return (1 + S - H) / 2
}

// chi2Q is the upper tail of the chi-square distribution with v (even)
// degrees of freedom.
func chi2Q(x2 float64, v int) float64 {
	m := x2 / 2
	sum := math.Exp(-m)
	term := sum
	for i := 1; i < v/2; i++ {
		term *= m / float64(i)
		sum += term
	}
	return min(sum, 1)
}
