package classifier

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// tbTokenize imitates Thunderbird's tokenizer (nsBayesianFilter.cpp) on a
// raw message closely enough to make realistic training.dat files from a
// corpus: body text split at " \t\n\r\f.", ASCII words lower-cased and kept
// at 3-12 bytes (longer: "skip:c N"), decimal numbers skipped, words with
// kana cut into "JA:" chunks by character class (the last chunk is not
// emitted, as in Thunderbird), other scripts lower-cased with Han one
// character at a time; "subject:word" for ASCII subject words; "name:value"
// (lower-cased) for the other header fields except those starting with c
// (but Content-Type: charset and type), r and s, and x-mozilla*.
// The body text is our Extract's (Thunderbird uses its own HTML converter).
func tbTokenize(msg []byte) []string {
	p := parse(msg)
	seen := map[string]bool{}
	var out []string
	add := func(s string) {
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	isDelim := func(r rune) bool {
		return r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\f' || r == '.' || r == 0x3000
	}
	isDecimal := func(w string) bool {
		w = strings.TrimPrefix(w, "-")
		for i := 0; i < len(w); i++ {
			if w[i] < '0' || w[i] > '9' {
				return false
			}
		}
		return true
	}
	for _, f := range p.header {
		name := f.name
		v := strings.ToLower(f.value)
		switch name[0] {
		case 'c':
			if name == "content-type" {
				mt, params := parseMediaType(f.value)
				if cs := strings.ToLower(params.get("charset")); cs != "" {
					add("charset:" + cs)
				}
				if t := params.get("type"); t != "" {
					mt = strings.ToLower(t)
				}
				if mt != "" {
					add("content-type/type:" + mt)
				}
			}
		case 'r':
		case 's':
			if name == "subject" {
				s, _ := f.text()
				for _, w := range strings.FieldsFunc(strings.ToLower(s), isDelim) {
					if len(w) >= 3 && !isDecimal(w) && isASCII(w) {
						add("subject:" + w)
					}
				}
			}
		default:
			if strings.HasPrefix(name, "x-mozilla") || v == "" {
				continue
			}
			add(name + ":" + v)
		}
	}
	for _, w := range strings.FieldsFunc(p.Body, isDelim) {
		if isDecimal(w) {
			continue
		}
		switch {
		case isASCII(w):
			w = strings.ToLower(w)
			if len(w) >= 3 && len(w) <= tbMaxWord {
				add(w)
			} else if len(w) > tbMaxWord {
				add(fmt.Sprintf("skip:%c %d", w[0], len(w)/10*10))
			}
		case tbIsJapanese(w):
			rs := []rune(w)
			start := 0
			for i := 1; i < len(rs); i++ {
				if tbClass(rs[i]) == tbClass(rs[start]) {
					continue
				}
				if chunk := string(rs[start:i]); !isDecimal(chunk) {
					add("JA:" + chunk)
				}
				start = i
			}
		default:
			var run []rune
			flush := func() {
				if len(run) > 0 {
					add(string(run))
					run = run[:0]
				}
			}
			for _, r := range strings.ToLower(w) {
				switch {
				case unicode.Is(unicode.Han, r):
					flush()
					add(string(r))
				case unicode.IsPunct(r):
					flush()
				default:
					run = append(run, r)
				}
			}
			flush()
		}
	}
	return out
}

func tbIsJapanese(w string) bool {
	for _, r := range w {
		if (r >= 0x3040 && r <= 0x30FF) || (r >= 0xFF01 && r <= 0xFF9F) {
			return true
		}
	}
	return false
}

// tbClass is Thunderbird's getCharClass.
func tbClass(r rune) int {
	switch {
	case r >= 0x3040 && r <= 0x309F:
		return 1
	case (r^4 >= 0x30A0 && r^4 <= 0x30FE) || (r >= 0xFF66 && r <= 0xFF9F):
		return 2
	case (r >= 0x2E80 && r <= 0x2FDF) || (r >= 0x4E00 && r <= 0x9FAF):
		return 3
	case r == 0x3001 || r == 0xFF64 || r == 0xFF0E:
		return 4
	case r == 0x3002 || r == 0xFF61 || r == 0xFF0C:
		return 5
	case r >= 0xFF01 && r <= 0xFF5E:
		return 6
	}
	return 0
}

// tbTrain builds the training.dat Thunderbird would write after training
// on msgs.
func tbTrain(msgs []loaded) *TrainingData {
	good, junk := map[string]uint32{}, map[string]uint32{}
	d := &TrainingData{}
	for _, m := range msgs {
		counts := good
		if m.spam {
			counts = junk
			d.Junk++
		} else {
			d.Good++
		}
		for _, tok := range tbTokenize(m.data) {
			if utf8.ValidString(tok) {
				counts[tok]++
			}
		}
	}
	for w, n := range good {
		d.GoodTokens = append(d.GoodTokens, TBToken{w, n})
	}
	for w, n := range junk {
		d.JunkTokens = append(d.JunkTokens, TBToken{w, n})
	}
	return d
}

// TestThunderbirdImportEval measures what an imported Thunderbird training
// is worth, on a corpus split in time: Thunderbird "trained" (by tbTokenize)
// on the first half, mailwarden then runs the TREC protocol on the second
// half starting empty, from the import scaled as by default, and from the
// import at full weight. Runs only with MW_TBIMPORT_EVAL=corpus-name.
func TestThunderbirdImportEval(t *testing.T) {
	name := os.Getenv("MW_TBIMPORT_EVAL")
	if name == "" {
		t.Skip("set MW_TBIMPORT_EVAL=corpus-name (e.g. trec07p-1-20000) to measure imported Thunderbird training")
	}
	msgs := loadCorpus(t, name)
	half := len(msgs) / 2
	first, second := msgs[:half], msgs[half:]
	for _, every := range []int{1, 20} { // all of the first half; one message in 20 (a lightly trained Thunderbird)
		var tbMsgs []loaded
		for i := 0; i < len(first); i += every {
			tbMsgs = append(tbMsgs, first[i])
		}
		d, err := ParseTrainingDat(encodeTrainingDat(tbTrain(tbMsgs)))
		if err != nil {
			t.Fatal(err)
		}
		p, rep := d.Prior()
		t.Logf("Thunderbird trained on %d messages (%d junk, %d good): %d records, %d mapped onto %d tokens, %d dropped; mapped %v; dropped %v",
			len(tbMsgs), d.Junk, d.Good, rep.Records, rep.Mapped, rep.Tokens, rep.Dropped, rep.MappedBy, rep.DroppedBy)
		// The import alone, no training of ours: classify the second half.
		static := New(DefaultOptions())
		static.AddPrior(p)
		t.Logf("  import only, no own training: %s", staticEval(static, second))
		own := New(DefaultOptions())
		for _, m := range tbMsgs {
			own.Train(m.data, m.spam)
		}
		t.Logf("  (our own training on the same messages instead: %s)", staticEval(own, second))
		for _, mode := range []string{"empty", "scaled", "full"} {
			m := New(DefaultOptions())
			switch mode {
			case "scaled":
				m.ImportTrainingData(d, false)
			case "full":
				m.ImportTrainingData(d, true)
			}
			early, all := trecFrom(m, second, 1000)
			t.Logf("  TREC protocol on the second half from %s: first 1000: %s; all %d: %s", mode, early, len(second), all)
		}
	}
}

// staticEval classifies msgs without training.
func staticEval(m *Model, msgs []loaded) string {
	var ham, spam, hs, sc int
	for _, msg := range msgs {
		r := m.Classify(msg.data)
		if msg.spam {
			spam++
			if r.Verdict == Spam {
				sc++
			}
		} else {
			ham++
			if r.Verdict == Spam {
				hs++
			}
		}
	}
	return fmt.Sprintf("ham-as-spam %.2f%% (%d), spam caught %.1f%%", 100*float64(hs)/float64(ham), hs, 100*float64(sc)/float64(spam))
}

// trecFrom runs the TREC protocol on msgs from model m, reporting the first
// n messages and all of them.
func trecFrom(m *Model, msgs []loaded, n int) (string, string) {
	var ham, spam, hs, sc int
	var early string
	for i, msg := range msgs {
		tk := tokenizeParsed(parse(msg.data))
		r := m.classify(tk.hashes, tk.names)
		m.trainHashes(tk.hashes, msg.spam)
		tk.release()
		if msg.spam {
			spam++
			if r.Verdict == Spam {
				sc++
			}
		} else {
			ham++
			if r.Verdict == Spam {
				hs++
			}
		}
		if i+1 == n {
			early = fmt.Sprintf("ham-as-spam %d of %d, spam caught %.1f%%", hs, ham, 100*float64(sc)/float64(spam))
		}
	}
	return early, fmt.Sprintf("ham-as-spam %d of %d, spam caught %.1f%%", hs, ham, 100*float64(sc)/float64(spam))
}
