package eval

import (
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
)

// Verdict is a filter's three-way decision on one message.
type Verdict int8

// The verdicts, in order of spamminess.
const (
	Ham Verdict = iota
	Unsure
	Spam
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
	return "verdict(" + strconv.Itoa(int(v)) + ")"
}

// ParseVerdict reads what String writes (case-insensitive; "good" is ham).
func ParseVerdict(s string) (Verdict, error) {
	switch strings.ToLower(s) {
	case "ham", "good", "h":
		return Ham, nil
	case "unsure", "u":
		return Unsure, nil
	case "spam", "s":
		return Spam, nil
	}
	return 0, fmt.Errorf("verdict %q: want ham, unsure or spam", s)
}

// Sample is what the protocol records for one message: the gold label, the
// filter's spamminess score (higher means more likely spam; only the order
// matters) and its verdict at its default threshold.
type Sample struct {
	Spam    bool
	Score   float64
	Verdict Verdict
}

// Pct is a percentage. NaN means "undefined" (for example a ROC area on a
// corpus without ham): it prints as "-" and encodes as JSON null.
type Pct float64

// MarshalJSON writes the value rounded to 6 decimals, or null for NaN.
func (p Pct) MarshalJSON() ([]byte, error) {
	f := float64(p)
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return []byte("null"), nil
	}
	return strconv.AppendFloat(nil, math.Round(f*1e6)/1e6, 'f', -1, 64), nil
}

// UnmarshalJSON reads a number, or null as NaN.
func (p *Pct) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*p = Pct(math.NaN())
		return nil
	}
	var f float64
	if err := json.Unmarshal(b, &f); err != nil {
		return fmt.Errorf("percentage: %w", err)
	}
	*p = Pct(f)
	return nil
}

// Format prints the value with prec decimals, or "-" when undefined.
func (p Pct) Format(prec int) string {
	if math.IsNaN(float64(p)) {
		return "-"
	}
	return strconv.FormatFloat(float64(p), 'f', prec, 64)
}

// Metrics summarises the samples of one run. All Pct fields are percentages.
type Metrics struct {
	Messages int `json:"messages"`
	Spam     int `json:"spam"`
	Ham      int `json:"ham"`
	// OneMinusROCA is (1-ROCA)%: the area above the ROC curve.
	OneMinusROCA Pct `json:"one_minus_roca_pct"`
	// LAM is the TREC logistic average misclassification, in percent.
	LAM Pct `json:"lam_pct"`
	// HamAsSpam is the share of ham judged Spam.
	HamAsSpam Pct `json:"ham_as_spam_pct"`
	// SpamAsHam is the share of spam judged Ham or Unsure.
	SpamAsHam Pct `json:"spam_as_ham_pct"`
	// SpamCaughtAt01 is the share of spam caught at the best threshold that
	// loses at most 0.1% of the ham.
	SpamCaughtAt01 Pct `json:"spam_caught_at_0_1_ham_pct"`
	// The counts behind the rates.
	HamLost    int `json:"ham_lost"`
	SpamMissed int `json:"spam_missed"`
	HamUnsure  int `json:"ham_unsure"`
	SpamUnsure int `json:"spam_unsure"`
}

// Compute derives all metrics from the samples. A NaN score is treated as
// 0.5 (no opinion).
func Compute(samples []Sample) Metrics {
	var m Metrics
	m.Messages = len(samples)
	for _, s := range samples {
		if s.Spam {
			m.Spam++
			if s.Verdict != Spam {
				m.SpamMissed++
			}
			if s.Verdict == Unsure {
				m.SpamUnsure++
			}
		} else {
			m.Ham++
			if s.Verdict == Spam {
				m.HamLost++
			}
			if s.Verdict == Unsure {
				m.HamUnsure++
			}
		}
	}
	m.HamAsSpam = percent(m.HamLost, m.Ham)
	m.SpamAsHam = percent(m.SpamMissed, m.Spam)
	m.LAM = LAM(m.HamLost, m.Ham, m.SpamMissed, m.Spam)
	m.OneMinusROCA = OneMinusROCA(samples)
	m.SpamCaughtAt01 = SpamCaughtAtHamLoss(samples, 0.001)
	return m
}

func percent(k, n int) Pct {
	if n == 0 {
		return Pct(math.NaN())
	}
	return Pct(100 * float64(k) / float64(n))
}

func score(s Sample) float64 {
	if math.IsNaN(s.Score) {
		return 0.5
	}
	return s.Score
}

// OneMinusROCA returns (1-ROCA)%: 100 times the fraction of (spam, ham)
// pairs that the scores put in the wrong order, a tie counting one half.
// It is NaN without both spam and ham.
func OneMinusROCA(samples []Sample) Pct {
	sorted := append([]Sample(nil), samples...)
	sort.Slice(sorted, func(i, j int) bool { return score(sorted[i]) < score(sorted[j]) })
	var nSpam, nHam int64
	// twice the number of discordant pairs: each ham counts the spam
	// strictly below it twice and the spam tied with it once.
	var twiceDiscordant int64
	for i := 0; i < len(sorted); {
		j := i
		var s, h int64
		for ; j < len(sorted) && score(sorted[j]) == score(sorted[i]); j++ {
			if sorted[j].Spam {
				s++
			} else {
				h++
			}
		}
		twiceDiscordant += h * (2*nSpam + s)
		nSpam += s
		nHam += h
		i = j
	}
	if nSpam == 0 || nHam == 0 {
		return Pct(math.NaN())
	}
	return Pct(100 * float64(twiceDiscordant) / 2 / (float64(nSpam) * float64(nHam)))
}

// LAM returns the TREC logistic average misclassification in percent for
// hamErr of nHam ham and spamErr of nSpam spam misclassified:
// invlogit((logit(hm)+logit(sm))/2) with hm = (hamErr+0.5)/(nHam+0.5) and
// sm = (spamErr+0.5)/(nSpam+0.5). It is NaN without both spam and ham.
func LAM(hamErr, nHam, spamErr, nSpam int) Pct {
	if nHam == 0 || nSpam == 0 {
		return Pct(math.NaN())
	}
	hm := (float64(hamErr) + 0.5) / (float64(nHam) + 0.5)
	sm := (float64(spamErr) + 0.5) / (float64(nSpam) + 0.5)
	x := (logit(hm) + logit(sm)) / 2
	return Pct(100 / (1 + math.Exp(-x)))
}

func logit(p float64) float64 { return math.Log(p / (1 - p)) }

// SpamCaughtAtHamLoss returns the percentage of spam caught at the best
// score threshold that judges at most maxHamLoss (a fraction, 0.001 for
// 0.1%) of the ham as spam, rounded down to whole messages. A message is
// caught when its score is strictly above the threshold, so ham tied at the
// threshold is never lost. NaN without both spam and ham.
func SpamCaughtAtHamLoss(samples []Sample, maxHamLoss float64) Pct {
	var ham []float64
	nSpam := 0
	for _, s := range samples {
		if s.Spam {
			nSpam++
		} else {
			ham = append(ham, score(s))
		}
	}
	if nSpam == 0 || len(ham) == 0 {
		return Pct(math.NaN())
	}
	allowed := int(math.Floor(maxHamLoss*float64(len(ham)) + 1e-9))
	if allowed >= len(ham) {
		return 100
	}
	sort.Sort(sort.Reverse(sort.Float64Slice(ham)))
	threshold := ham[allowed] // the first ham that may not be lost
	caught := 0
	for _, s := range samples {
		if s.Spam && score(s) > threshold {
			caught++
		}
	}
	return percent(caught, nSpam)
}
