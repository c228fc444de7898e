package classifier

import (
	"encoding/binary"
	"sync"
	"unsafe"
)

// Verdict is the class a message is put in.
type Verdict int

// The verdicts, from least to most spammy.
const (
	Ham    Verdict = iota // a wanted message
	Unsure                // not enough evidence either way: leave it where it is
	Spam                  // junk: move it to the Junk folder
)

// String returns "ham", "unsure" or "spam".
func (v Verdict) String() string {
	switch v {
	case Ham:
		return "ham"
	case Unsure:
		return "unsure"
	case Spam:
		return "spam"
	}
	return "verdict(" + itoa(int(v)) + ")"
}

// Reason is one token's evidence. While the regression carries most of
// the score (logistic.go: share at least 1/2, as for any model trained by
// Train alone), the tokens of largest |Weight| are listed and SpamProb is
// the logistic of the weight; otherwise (a model mostly of a prior or of a
// version 1 store) the significant tokens farthest from 0.5 and SpamProb is
// Robinson's f(w). Either way above 0.5 the token pushes the message
// towards spam. Spam and Ham are the training counts behind f(w).
type Reason struct {
	Token    string  `json:"token"`
	SpamProb float64 `json:"spam_prob"`
	Weight   float64 `json:"weight"`
	Spam     uint32  `json:"spam"` // spam messages the token was trained in
	Ham      uint32  `json:"ham"`  // ham messages the token was trained in
}

// Result is the outcome of Classify.
type Result struct {
	Score   float64  // in [0,1]; 1 = spam
	Verdict Verdict  // Score against the cutoffs, or Unsure on too little evidence
	Reasons []Reason // the tokens that weighed most either way, most extreme first (at most MaxReasons)
	Tokens  int      // distinct tokens seen in the message
}

// MaxReasons is how many tokens Result.Reasons lists at most.
const MaxReasons = 10

// Options are the knobs of classification. The zero value of a field means
// its default (see DefaultOptions).
type Options struct {
	// HamCutoff: a score at or below it is Ham.
	HamCutoff float64
	// SpamCutoff: a score at or above it is Spam; in between is Unsure.
	SpamCutoff float64
	// Strength is Robinson's s: how strongly the prior X pulls the
	// probability of a rarely seen token.
	Strength float64
	// Prior is Robinson's x: the probability assumed for an unseen token.
	Prior float64
	// MinDeviation: tokens with |f(w)-0.5| below it are ignored.
	MinDeviation float64
	// MaxClues is how many of the most extreme tokens are combined.
	MaxClues int
	// MinClues: with fewer significant tokens than this, the verdict is
	// Unsure whatever the score.
	MinClues int
	// LearnRate is the step of the logistic-regression weights.
	LearnRate float64
	// BayesWeight is how much the log-odds of the Fisher (chi-square)
	// score add to the regression's sum (logistic.go).
	BayesWeight float64
}

// Defaults, tuned on the SpamAssassin and TREC 2007 corpora with the TREC
// protocol (see eval_test.go).
const (
	DefaultHamCutoff    = 0.30
	DefaultSpamCutoff   = 0.85
	DefaultLearnRate    = 4
	DefaultBayesWeight  = 0.2
	DefaultStrength     = 0.45
	DefaultPrior        = 0.5
	DefaultMinDeviation = 0.1
	DefaultMaxClues     = 150
	DefaultMinClues     = 5
)

// DefaultOptions returns the tuned defaults.
func DefaultOptions() Options {
	return Options{
		HamCutoff:    DefaultHamCutoff,
		SpamCutoff:   DefaultSpamCutoff,
		Strength:     DefaultStrength,
		Prior:        DefaultPrior,
		MinDeviation: DefaultMinDeviation,
		MaxClues:     DefaultMaxClues,
		MinClues:     DefaultMinClues,
		LearnRate:    DefaultLearnRate,
		BayesWeight:  DefaultBayesWeight,
	}
}

// withDefaults fills zero fields from DefaultOptions.
func (o Options) withDefaults() Options {
	d := DefaultOptions()
	if o.HamCutoff == 0 {
		o.HamCutoff = d.HamCutoff
	}
	if o.SpamCutoff == 0 {
		o.SpamCutoff = d.SpamCutoff
	}
	if o.Strength == 0 {
		o.Strength = d.Strength
	}
	if o.Prior == 0 {
		o.Prior = d.Prior
	}
	if o.MinDeviation == 0 {
		o.MinDeviation = d.MinDeviation
	}
	if o.MaxClues == 0 {
		o.MaxClues = d.MaxClues
	}
	if o.MinClues == 0 {
		o.MinClues = d.MinClues
	}
	if o.LearnRate == 0 {
		o.LearnRate = d.LearnRate
	}
	if o.BayesWeight == 0 {
		o.BayesWeight = d.BayesWeight
	}
	return o
}

// counts are the training counts of one token (and the tokenizer's
// de-duplication slot, tokenize.go).
type counts struct {
	spam, ham uint32
}

// maxCount is the most messages of one class the store counts: before a
// class would pass it, every count is halved (Model.halve), so token counts
// fit the 16 bits of a table entry.
const maxCount = 1<<16 - 1

// Model is a trained classifier and its token store: per-token training
// counts for the Bayesian (Fisher) score and per-token weights of an online
// logistic regression that combines them (logistic.go). It is safe for
// concurrent use: Classify runs in parallel with other Classify calls; Train,
// Untrain and Save's snapshot take turns with them.
//
// The store keeps a 64-bit hash of each token, not its text, in a flat
// table (table.go): a lookup touches one slot instead of a slot and a string
// elsewhere in memory, and 20,000 trained messages (a million tokens) take
// about 31 MB. Reasons still name tokens, taken from the message being
// classified. Two tokens sharing a hash (odds about 1 in 30 million for a
// million tokens) would share counts.
type Model struct {
	opts Options
	path string // store file; "" for a model made by New

	mu       sync.RWMutex
	tokens   tokenTable
	spamMsgs uint32 // at most maxCount
	hamMsgs  uint32 // at most maxCount
	// lrMsgs is how many of the counted messages also trained the weights
	// (not a Thunderbird prior, nor a store from before the weights, nor a
	// message of a long one-class run that was never stepped); see share in
	// logistic.go.
	lrMsgs uint32
	// lrDropped is how many were left out of the weights for being too
	// long a run of one class (logistic.go): unlike a prior's messages,
	// their absence biases the weights, so they weigh on share for good.
	lrDropped uint32
	// queue defers the weight steps of long one-class runs (logistic.go).
	queue lrQueue
}

// New returns an empty in-memory model. Its Save fails: use Open for a model
// backed by a file.
func New(opts Options) *Model {
	return &Model{opts: opts.withDefaults(), tokens: newTokenTable(0)}
}

// Options returns the options in effect (defaults filled in).
func (m *Model) Options() Options { return m.opts }

// Counts returns how many spam and ham messages the model was trained on.
func (m *Model) Counts() (spamMsgs, hamMsgs uint32) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.spamMsgs, m.hamMsgs
}

// TokenCount returns the number of distinct tokens in the store.
func (m *Model) TokenCount() int {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.tokens.len()
}

// Train learns msg (raw RFC 822 bytes) as spam or ham.
func (m *Model) Train(msg []byte, spam bool) { m.withHashes(msg, spam, m.trainHashes) }

// Untrain removes what Train(msg, spam) learnt: the counts exactly (unless
// the store halved its counts in between, see maxCount), the weights by the
// step that Train would have taken to reach the model as it is now
// (lrUnstep): exact right after the Train, and close when other messages
// were trained in between. Counts never go below zero, so untraining a
// message that was never trained cannot corrupt the store (it only removes
// what is there).
func (m *Model) Untrain(msg []byte, spam bool) { m.withHashes(msg, spam, m.untrainHashes) }

// TrainCorrection learns msg as spam or ham on the user's word: a message
// the user moved into or out of Junk, or marked. It counts the message once
// and steps the weights once as Train does (now, even in a long run of one
// class), then pushes the weights of its tokens further, the more so the
// more the counts misjudged it and towards its new tokens (logistic.go), so
// that one or two corrections teach a new kind of spam. Train stays what
// bulk training (first start, `mailwarden train`, the TREC evaluation) uses.
func (m *Model) TrainCorrection(msg []byte, spam bool) {
	m.withHashes(msg, spam, m.trainCorrectionHashes)
}

// UntrainCorrection removes what TrainCorrection(msg, spam) learnt, with
// nothing recorded: the counts exactly (as Untrain), then the push, which
// depends on the counts alone, then Train's step (as Untrain). Exact right
// after the TrainCorrection (up to float32 rounding); when other messages
// were trained in between, the push is recomputed from counts they changed
// (TestTrainCorrectionInverse: a quarter of it off when every message
// shares most of its tokens). Only for a message trained by
// TrainCorrection: one trained by Train is untrained by Untrain.
func (m *Model) UntrainCorrection(msg []byte, spam bool) {
	m.withHashes(msg, spam, m.untrainCorrectionHashes)
}

// withHashes tokenizes msg and hands its hashes to f.
func (m *Model) withHashes(msg []byte, spam bool, f func(hs []uint64, spam bool)) {
	t := m.tokenize(msg)
	f(t.hashes, spam)
	t.release()
}

// tokenize tokenizes msg, prefetching the table lines its tokens will be
// looked up in. The table may grow before the lookups (a Train in between):
// the prefetches are then wasted, never wrong.
func (m *Model) tokenize(msg []byte) *tokenizer {
	m.mu.RLock()
	slots := m.tokens.slots
	if m.tokens.n == 0 {
		slots = nil
	}
	m.mu.RUnlock()
	return tokenizeFor(parse(msg), slots)
}

// TrainTokens learns a message given as its Tokenize output (distinct
// tokens). It lets a caller tokenize once and both classify and train.
func (m *Model) TrainTokens(toks []string, spam bool) {
	m.trainHashes(hashTokens(toks), spam)
}

// UntrainTokens is the inverse of TrainTokens.
func (m *Model) UntrainTokens(toks []string, spam bool) {
	m.untrainHashes(hashTokens(toks), spam)
}

func (m *Model) trainHashes(hs []uint64, spam bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.trainLocked(hs, spam, false)
}

// trainLocked counts a message and steps the weights (Train), or, for a
// correction, also pushes them (TrainCorrection, logistic.go). The caller
// holds m.mu for writing.
func (m *Model) trainLocked(hs []uint64, spam, correction bool) {
	if (spam && m.spamMsgs >= maxCount) || (!spam && m.hamMsgs >= maxCount) {
		m.halve()
	}
	// The weights step from the score the message has before it is
	// counted, as it was classified; unless the step must wait its turn
	// (a correction never waits).
	now := correction || m.queue.allows(spam)
	var g float32
	if now {
		g = m.lrStep(hs, spam)
	}
	var push []float32
	if correction {
		push = m.correctionPush(hs, spam)
	}
	if spam {
		m.spamMsgs++
	} else {
		m.hamMsgs++
	}
	for i, h := range hs {
		e := m.tokens.ref(h)
		if spam {
			e.spam = satInc16(e.spam)
		} else {
			e.ham = satInc16(e.ham)
		}
		e.w += g
		if push != nil {
			e.w += push[i]
		}
	}
	if now {
		m.stepped(spam)
	} else if m.queue.push(hs, spam) {
		m.lrDropped++
	}
}

func (m *Model) untrainHashes(hs []uint64, spam bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	// A message whose weight step still waits has only its counts to undo.
	m.untrainLocked(hs, spam, !m.queue.remove(hs, spam))
}

// untrainLocked takes back the counts of a message and, if it stepped the
// weights, the step Train took. The caller holds m.mu for writing.
func (m *Model) untrainLocked(hs []uint64, spam, stepped bool) {
	// Counts first, so the model is back where Train found it but for the
	// weights; tokens left with no count stay until their weights are
	// stepped back, so that the score below still sees them.
	m.uncount(hs, spam, stepped)
	m.unstep(hs, spam, stepped)
}

// uncount takes back the counts of a message (untrainLocked).
func (m *Model) uncount(hs []uint64, spam, stepped bool) {
	if spam {
		m.spamMsgs = satDec(m.spamMsgs)
	} else {
		m.hamMsgs = satDec(m.hamMsgs)
	}
	if stepped {
		m.lrMsgs = satDec(m.lrMsgs)
	}
	m.fitLR()
	for _, h := range hs {
		if e := m.tokens.find(h); e != nil {
			if spam {
				e.spam = satDec16(e.spam)
			} else {
				e.ham = satDec16(e.ham)
			}
		}
	}
}

// unstep takes back the step Train took, once the counts are back
// (untrainLocked), and drops the tokens left with no count.
func (m *Model) unstep(hs []uint64, spam, stepped bool) {
	var g float32
	if stepped {
		g = m.lrUnstep(hs, spam)
	}
	for _, h := range hs {
		e := m.tokens.find(h)
		if e == nil {
			continue
		}
		e.w -= g
		if e.spam == 0 && e.ham == 0 {
			m.tokens.del(h)
		}
	}
}

// halve halves every count (rounding up, so no token is forgotten and no
// token count passes its class's message count). Per-class frequencies, and
// so what each token says, stay as they were; the weights are not counts
// and are kept. Untrain of a message trained before a halving takes away a
// whole count from halved ones: the price of 16-bit counts, paid once per
// 65,535 messages of a class.
func (m *Model) halve() {
	noLR := m.spamMsgs + m.hamMsgs - m.lrMsgs // counted without the weights
	m.spamMsgs = (m.spamMsgs + 1) / 2
	m.hamMsgs = (m.hamMsgs + 1) / 2
	m.lrMsgs = satSub(m.spamMsgs+m.hamMsgs, (noLR+1)/2)
	m.lrDropped /= 2
	m.fitLR()
	m.tokens.eachRef(func(_ uint64, e *entry) {
		e.spam = uint16((uint32(e.spam) + 1) / 2)
		e.ham = uint16((uint32(e.ham) + 1) / 2)
	})
}

// hashTokens hashes tokens given by a caller. Duplicates are harmless for
// scoring but would count twice in training, so they are dropped.
func hashTokens(toks []string) []uint64 {
	hs := make([]uint64, 0, len(toks))
	seen := make(map[uint64]struct{}, len(toks))
	for _, t := range toks {
		h := tokenHash(t)
		if _, dup := seen[h]; dup {
			continue
		}
		seen[h] = struct{}{}
		hs = append(hs, h)
	}
	return hs
}

// tokenHash is the store's token hash: 64 bits, fixed (the store file
// depends on it), eight bytes at a time, with a final avalanche.
func tokenHash(s string) uint64 {
	// One implementation over bytes (the string viewed in place, read
	// only), so both get the combined 8-byte loads.
	return hashBytes(unsafe.Slice(unsafe.StringData(s), len(s)))
}

// hashBytes is tokenHash of a token's bytes.
func hashBytes(s []byte) uint64 {
	const (
		m1 = 0x9E3779B97F4A7C15
		m2 = 0xBF58476D1CE4E5B9
		m3 = 0x94D049BB133111EB
	)
	h := uint64(len(s)) * m1
	for len(s) >= 8 {
		h = (h ^ binary.LittleEndian.Uint64(s)) * m2
		h ^= h >> 29
		s = s[8:]
	}
	if r := len(s); r > 0 {
		// The last 1-7 bytes as a little-endian word, from overlapping
		// loads instead of a loop: bytes read twice land on the same bits.
		var w uint64
		if r >= 4 {
			w = uint64(binary.LittleEndian.Uint32(s)) | uint64(binary.LittleEndian.Uint32(s[r-4:]))<<(8*uint(r-4))
		} else {
			w = uint64(s[0]) | uint64(s[r/2])<<(8*uint(r/2)) | uint64(s[r-1])<<(8*uint(r-1))
		}
		h = (h ^ w) * m2
		h ^= h >> 29
	}
	h ^= h >> 30
	h *= m2
	h ^= h >> 27
	h *= m3
	h ^= h >> 31
	return h
}

func satInc16(v uint16) uint16 {
	if v == ^uint16(0) {
		return v
	}
	return v + 1
}

func satDec16(v uint16) uint16 {
	if v == 0 {
		return 0
	}
	return v - 1
}

func satDec(v uint32) uint32 {
	if v == 0 {
		return 0
	}
	return v - 1
}

// Prune drops the tokens seen in fewer than minCount trained messages (spam
// and ham together) and returns how many it dropped. Most tokens are seen
// once and never again; a daemon that trains for years can call Prune(2)
// when TokenCount passes a bound to keep memory and the store small. Message
// counts are kept, so the rarer tokens' evidence is simply forgotten.
func (m *Model) Prune(minCount uint32) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	kept := newTokenTable(0)
	m.tokens.each(func(h uint64, e entry) {
		if uint64(e.spam)+uint64(e.ham) >= uint64(minCount) {
			kept.set(h, e)
		}
	})
	dropped := m.tokens.len() - kept.len()
	m.tokens = kept
	return dropped
}
