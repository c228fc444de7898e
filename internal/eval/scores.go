package eval

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// WriteScores writes one "gold score verdict" line per sample, for example
// "spam 0.998123 spam"; ReadScores reads it back.
func WriteScores(w io.Writer, samples []Sample) error {
	bw := bufio.NewWriter(w)
	for _, s := range samples {
		gold := "ham"
		if s.Spam {
			gold = "spam"
		}
		if _, err := fmt.Fprintf(bw, "%s %s %s\n", gold, strconv.FormatFloat(s.Score, 'g', -1, 64), s.Verdict); err != nil {
			return fmt.Errorf("write scores: %w", err)
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write scores: %w", err)
	}
	return nil
}

// ReadScores reads "gold score [verdict]" lines (gold: spam or ham; blank
// lines and lines starting with # are skipped). Without a verdict, a score
// above 0.5 is Spam, below is Ham and exactly 0.5 is Unsure.
func ReadScores(r io.Reader) ([]Sample, error) {
	var out []Sample
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		if len(f) < 2 || len(f) > 3 {
			return nil, fmt.Errorf("scores line %d: want \"spam|ham SCORE [VERDICT]\", got %q", n, line)
		}
		var s Sample
		switch f[0] {
		case "spam":
			s.Spam = true
		case "ham":
		default:
			return nil, fmt.Errorf("scores line %d: gold label %q: want spam or ham", n, f[0])
		}
		score, err := strconv.ParseFloat(f[1], 64)
		if err != nil {
			return nil, fmt.Errorf("scores line %d: score: %w", n, err)
		}
		s.Score = score
		switch {
		case len(f) == 3:
			if s.Verdict, err = ParseVerdict(f[2]); err != nil {
				return nil, fmt.Errorf("scores line %d: %w", n, err)
			}
		case score > 0.5:
			s.Verdict = Spam
		case score < 0.5:
			s.Verdict = Ham
		default:
			s.Verdict = Unsure
		}
		out = append(out, s)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read scores: %w", err)
	}
	return out, nil
}
