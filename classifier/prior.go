package classifier

import "math"

// Prior is evidence learnt elsewhere (another filter's training data, see
// ParseTrainingDat) in the model's own terms: how many spam and ham messages
// it stands for, and for each of our tokens in how many of those messages it
// occurred.
//
// A prior is added to the store exactly as if its messages had been
// trained (AddPrior): message counts and token counts grow together, every
// token count stays at or below its class's message count, and the store
// does not record where counts came from. So Untrain stays the exact inverse
// of Train for the user's own messages (it only takes away what that
// message added), counts never go below zero, and RemovePrior is the exact
// inverse of AddPrior for the same Prior.
type Prior struct {
	SpamMsgs, HamMsgs uint32
	Tokens            map[string]TokenCounts
}

// TokenCounts are the messages of each class a token occurred in.
type TokenCounts struct {
	Spam, Ham uint32
}

// Messages is SpamMsgs + HamMsgs.
func (p Prior) Messages() uint64 { return uint64(p.SpamMsgs) + uint64(p.HamMsgs) }

// PriorFloor is the weight, in messages, below which PriorScale never
// scales a prior: enough for its rare tokens to survive rounding.
const PriorFloor = 2000

// PriorScale is the factor a prior of priorMsgs messages is scaled by before
// it is added to a model already trained on ownMsgs messages: 1 while the
// prior is no larger than max(PriorFloor, ownMsgs), else that bound divided
// by priorMsgs. Per-class frequencies are what a token's probability is
// computed from, and scaling both classes by one factor leaves them as they
// were: the prior says the same thing, it only weighs at most as much as
// the user's own training (or PriorFloor messages on a fresh store), so
// years of another filter's counts cannot swamp what the user trains from
// now on.
func PriorScale(priorMsgs, ownMsgs uint64) float64 {
	bound := max(uint64(PriorFloor), ownMsgs)
	if priorMsgs <= bound {
		return 1
	}
	return float64(bound) / float64(priorMsgs)
}

// Scaled returns p with every count multiplied by k (0 < k <= 1) and
// rounded to the nearest integer; token counts are kept at or below the
// scaled message counts, and tokens left with no count are dropped.
func (p Prior) Scaled(k float64) Prior {
	if k >= 1 {
		return p
	}
	sc := func(v uint32) uint32 { return uint32(math.Round(float64(v) * k)) }
	out := Prior{SpamMsgs: sc(p.SpamMsgs), HamMsgs: sc(p.HamMsgs), Tokens: make(map[string]TokenCounts, len(p.Tokens))}
	for tok, c := range p.Tokens {
		c = TokenCounts{min(sc(c.Spam), out.SpamMsgs), min(sc(c.Ham), out.HamMsgs)}
		if c.Spam != 0 || c.Ham != 0 {
			out.Tokens[tok] = c
		}
	}
	return out
}

// AddPrior adds p to the model as if its messages had been trained: the
// message counts of p to the model's, and each token's counts to the
// token's. Token counts above p's message count of their class are cut to
// it first, so the store never holds a token seen in more messages than
// were trained. The weights are not touched: the prior's messages count
// towards the Fisher score only, which the score leans on accordingly (see
// logistic.go).
//
// The store counts at most maxCount messages of a class: a prior with more
// than half of that in a class is scaled down first (fitPrior), and the
// model's own counts are halved until both fit (Model.halve).
func (m *Model) AddPrior(p Prior) {
	p = fitPrior(p)
	m.mu.Lock()
	defer m.mu.Unlock()
	for uint64(m.spamMsgs)+uint64(p.SpamMsgs) > maxCount || uint64(m.hamMsgs)+uint64(p.HamMsgs) > maxCount {
		m.halve()
	}
	m.spamMsgs += p.SpamMsgs
	m.hamMsgs += p.HamMsgs
	for tok, pc := range p.Tokens {
		s, h := min(pc.Spam, p.SpamMsgs), min(pc.Ham, p.HamMsgs)
		if s == 0 && h == 0 {
			continue
		}
		// Each token count is at most its class's message count, so the
		// sums fit in 16 bits.
		e := m.tokens.ref(tokenHash(tok))
		e.spam += uint16(s)
		e.ham += uint16(h)
	}
}

// fitPrior scales p so that neither class has more than maxCount/2
// messages (per-class frequencies unchanged, see Scaled).
func fitPrior(p Prior) Prior {
	if big := max(p.SpamMsgs, p.HamMsgs); big > maxCount/2 {
		return p.Scaled(float64(maxCount/2) / float64(big))
	}
	return p
}

// RemovePrior takes away what AddPrior(p) added (never going below zero),
// for a prior that must be undone. It is exact unless the model halved its
// counts in between (maxCount).
func (m *Model) RemovePrior(p Prior) {
	p = fitPrior(p)
	m.mu.Lock()
	defer m.mu.Unlock()
	m.spamMsgs = satSub(m.spamMsgs, p.SpamMsgs)
	m.hamMsgs = satSub(m.hamMsgs, p.HamMsgs)
	m.fitLR()
	for tok, pc := range p.Tokens {
		s, h := min(pc.Spam, p.SpamMsgs), min(pc.Ham, p.HamMsgs)
		k := tokenHash(tok)
		e := m.tokens.find(k)
		if e == nil {
			continue
		}
		e.spam, e.ham = uint16(satSub(uint32(e.spam), s)), uint16(satSub(uint32(e.ham), h))
		if e.spam == 0 && e.ham == 0 {
			m.tokens.del(k)
		}
	}
}

func satSub(a, b uint32) uint32 {
	if b >= a {
		return 0
	}
	return a - b
}
