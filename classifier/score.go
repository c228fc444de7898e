package classifier

import (
	"math"
	"slices"
	"sync"
)

// Classify scores msg (raw RFC 822 bytes) against the model.
func (m *Model) Classify(msg []byte) Result {
	t := tokenizeParsed(parse(msg))
	defer t.release()
	return m.classify(t.hashes, t.names)
}

// clue is one significant token of a message.
type clue struct {
	idx int32 // index of the token in the message
	f   float64
	dev float64 // |f - 0.5|
	c   counts
}

// ClassifyTokens scores a message given as its Tokenize output.
//
// Each token's spam probability is Robinson's f(w) = (s·x + n·p(w)) / (s + n),
// where p(w) is the spam fraction of the token's per-class frequencies and n
// the number of trained messages it appeared in. Tokens closer to 0.5 than
// MinDeviation are ignored; the MaxClues most extreme are combined with
// Fisher's method (Robinson's chi-square): H and S are the chi-square
// probabilities of the ham and spam hypotheses, and the score is (1+S-H)/2.
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

// classify scores a message given as the store hashes of its distinct
// tokens; names(idx) are the texts of the tokens at idx, needed only for
// Reasons.
func (m *Model) classify(hs []uint64, names func(idx []int32) []string) Result {
	o := m.opts
	res := Result{Tokens: len(hs)}
	buf := cluePool.Get().(*clueBuf)
	defer func() {
		if cap(buf.clues) <= 1<<16 {
			cluePool.Put(buf)
		}
	}()
	clues := buf.clues[:0]

	m.mu.RLock()
	ns, nh := float64(m.spamMsgs), float64(m.hamMsgs)
	trainedBoth := m.spamMsgs > 0 && m.hamMsgs > 0
	buf.sink = m.tokens.touch(hs)
	for i, h := range hs {
		c, ok := m.tokens.get(h)
		if !ok {
			continue
		}

		f := o.robinson(c, ns, nh)
		d := math.Abs(f - 0.5)
		if d < o.MinDeviation {
			continue
		}
		clues = append(clues, clue{idx: int32(i), f: f, dev: d, c: c})
	}
	m.mu.RUnlock()

	buf.clues = clues // keep the grown buffer
	if len(clues) > o.MaxClues {
		clues = mostExtreme(clues, o.MaxClues)
	}
	res.Score = chiCombine(clues)
	switch {
	case res.Score >= o.SpamCutoff:
		res.Verdict = Spam
	case res.Score <= o.HamCutoff:
		res.Verdict = Ham
	default:
		res.Verdict = Unsure
	}
	if len(clues) < o.MinClues || !trainedBoth || emptyBody(hs) {
		// Too little evidence to act on: leave the message alone.
		res.Verdict = Unsure
	}
	if len(clues) > 0 {
		top := topClues(clues, MaxReasons)
		var idx [MaxReasons]int32
		for i, c := range top {
			idx[i] = c.idx
		}
		toks := names(idx[:len(top)])
		res.Reasons = make([]Reason, len(top))
		for i, c := range top {
			res.Reasons[i] = Reason{Token: toks[i], SpamProb: c.f, Spam: c.c.spam, Ham: c.c.ham}
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

// topClues returns the k most extreme clues, most extreme first (ties in
// message order), by insertion into a short list.
func topClues(clues []clue, k int) []clue {
	top := make([]clue, 0, k)
	for _, c := range clues {
		if len(top) == k && c.dev <= top[k-1].dev {
			continue
		}
		i := len(top)
		if i < k {
			top = append(top, c)
		} else {
			i = k - 1
		}
		for i > 0 && top[i-1].dev < c.dev {
			top[i] = top[i-1]
			i--
		}
		top[i] = c
	}
	return top
}

var emptyBodyHash = tokenHash(tokEmptyBody)

// emptyBody reports whether the tokenizer marked the body as empty.
func emptyBody(hs []uint64) bool {
	return slices.Contains(hs, emptyBodyHash)
}

// robinson computes f(w) for a token with counts c, given ns spam and nh ham
// trained messages.
func (o Options) robinson(c counts, ns, nh float64) float64 {
	var sp, hp float64
	if ns > 0 {
		sp = float64(c.spam) / ns
	}
	if nh > 0 {
		hp = float64(c.ham) / nh
	}
	if sp+hp == 0 {
		return o.Prior
	}
	p := sp / (sp + hp)
	n := float64(c.spam) + float64(c.ham)
	return (o.Strength*o.Prior + n*p) / (o.Strength + n)
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
