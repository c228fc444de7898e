package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/mailwarden/mailwarden/classifier"
	"github.com/mailwarden/mailwarden/internal/corpus"
	"github.com/mailwarden/mailwarden/internal/eval"
)

// cmdEval runs the TREC spam-track protocol (internal/eval) over labelled
// corpora with a fresh model each and prints one line per corpus; with
// --scores it computes the same metrics from "gold score verdict" files
// written by another filter.
func cmdEval(ctx context.Context, args []string) error {
	fs := newFlags("eval")
	modeName := fs.String("mode", "full", "when to train: full (every message), toe (on error), tonr (on error or unsure)")
	asJSON := fs.Bool("json", false, "print one JSON object per corpus instead of a text line")
	limit := fs.Int("limit", 0, "evaluate only the first N messages of each corpus (0: all)")
	saveScores := fs.String("save-scores", "", "write each corpus's \"gold score verdict\" lines to DIR/NAME.scores")
	scores := fs.Bool("scores", false, "the arguments are score files (\"gold score [verdict]\" lines), not corpora: compute their metrics")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return usageError{lang.T("eval corpora")}
	}
	mode, err := eval.ParseMode(*modeName)
	if err != nil {
		return usageError{err.Error()}
	}
	if *limit < 0 {
		return usageError{lang.T("eval limit")}
	}
	if *saveScores != "" {
		if err := os.MkdirAll(*saveScores, 0o755); err != nil {
			return fmt.Errorf("--save-scores: %w", err)
		}
	}
	w := newLineWriter(os.Stdout)
	defer w.Flush()
	print := func(r eval.Report) error {
		if *asJSON {
			b, err := json.Marshal(r)
			if err != nil {
				return fmt.Errorf("encode report: %w", err)
			}
			fmt.Fprintf(w, "%s\n", b)
		} else {
			fmt.Fprintln(w, r.String())
		}
		return w.Flush()
	}
	for _, arg := range fs.Args() {
		if err := ctx.Err(); err != nil {
			return err
		}
		var r eval.Report
		if *scores {
			r, err = reportFromScores(arg)
		} else {
			r, err = evalCorpus(ctx, arg, mode, *limit, *saveScores)
		}
		if err != nil {
			return err
		}
		if err := print(r); err != nil {
			return err
		}
	}
	return nil
}

// evalCorpus resolves arg to a corpus, runs the protocol over it with a
// throw-away store and removes what it unpacked.
func evalCorpus(ctx context.Context, arg string, mode eval.Mode, limit int, saveScores string) (eval.Report, error) {
	work, err := os.MkdirTemp("", "mailwarden-eval-")
	if err != nil {
		return eval.Report{}, fmt.Errorf("eval: %w", err)
	}
	defer os.RemoveAll(work)
	name, msgs, err := openCorpus(arg, filepath.Join(work, "corpus"))
	if err != nil {
		return eval.Report{}, err
	}
	r, samples, err := eval.EvaluateModel(ctx, name, msgs, filepath.Join(work, "store"), classifier.DefaultOptions(), eval.Options{Mode: mode, Limit: limit})
	if err != nil {
		return eval.Report{}, err
	}
	if saveScores != "" {
		if err := writeScoresFile(filepath.Join(saveScores, name+".scores"), samples); err != nil {
			return eval.Report{}, err
		}
	}
	return r, nil
}

// openCorpus accepts NAME.tar.xz (unpacked into work), an unpacked corpus
// directory, or a bare NAME found by corpus.Shared.
func openCorpus(arg, work string) (string, []corpus.Labelled, error) {
	fi, err := os.Stat(arg)
	switch {
	case err == nil && fi.IsDir():
		msgs, err := corpus.ReadIndex(arg)
		if err != nil {
			return "", nil, fmt.Errorf("corpus %s: %w", arg, err)
		}
		abs, _ := filepath.Abs(arg)
		return filepath.Base(abs), msgs, nil
	case err == nil:
		if !strings.HasSuffix(arg, ".tar.xz") {
			return "", nil, usageError{lang.T("eval corpus", arg)}
		}
		msgs, err := corpus.Load(arg, work)
		return strings.TrimSuffix(filepath.Base(arg), ".tar.xz"), msgs, err
	case strings.ContainsRune(arg, filepath.Separator) || strings.HasSuffix(arg, ".tar.xz"):
		return "", nil, fmt.Errorf("corpus: %w", err)
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", nil, fmt.Errorf("corpus %s: %w", arg, err)
	}
	path, err := corpus.Shared(wd, arg)
	if err != nil {
		return "", nil, err
	}
	msgs, err := corpus.Load(path, work)
	return arg, msgs, err
}

func writeScoresFile(path string, samples []eval.Sample) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("save scores: %w", err)
	}
	if err := eval.WriteScores(f, samples); err != nil {
		f.Close()
		return fmt.Errorf("save scores %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("save scores %s: %w", path, err)
	}
	return nil
}

// reportFromScores computes the metrics of a score file.
func reportFromScores(path string) (eval.Report, error) {
	f, err := os.Open(path)
	if err != nil {
		return eval.Report{}, fmt.Errorf("scores: %w", err)
	}
	defer f.Close()
	samples, err := eval.ReadScores(f)
	if err != nil {
		return eval.Report{}, fmt.Errorf("scores %s: %w", path, err)
	}
	name := strings.TrimSuffix(filepath.Base(path), ".scores")
	return eval.Report{Tool: "scores", Corpus: name, Mode: "-", Metrics: eval.Compute(samples)}, nil
}
