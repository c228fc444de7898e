//go:build linux

package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/mailwarden/mailwarden/internal/corpus"
	"github.com/mailwarden/mailwarden/internal/eval"
)

func cmdPrepare(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("prepare", flag.ContinueOnError)
	split := fs.Bool("split", false, "also write train/{spam,ham}/ (first half) and test/ (second half)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 2 {
		return fmt.Errorf("want CORPUS OUTDIR")
	}
	work, err := os.MkdirTemp("", "benchtool-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	_, msgs, err := openCorpus(fs.Arg(0), work)
	if err != nil {
		return err
	}
	out := fs.Arg(1)
	if _, err := prepare(ctx, msgs, out); err != nil {
		return err
	}
	if *split {
		return splitHalves(out)
	}
	return nil
}

// openCorpus resolves NAME.tar.xz, a directory, or a shared corpus name.
func openCorpus(arg, work string) (string, []corpus.Labelled, error) {
	fi, err := os.Stat(arg)
	if err == nil && fi.IsDir() {
		abs, _ := filepath.Abs(arg)
		msgs, err := corpus.ReadIndex(arg)
		return filepath.Base(abs), msgs, err
	}
	path := arg
	if err != nil {
		wd, werr := os.Getwd()
		if werr != nil {
			return "", nil, werr
		}
		if path, err = corpus.Shared(wd, arg); err != nil {
			return "", nil, err
		}
	}
	msgs, err := corpus.Load(path, work)
	return strings.TrimSuffix(filepath.Base(path), ".tar.xz"), msgs, err
}

// prepare writes msgs with the label headers stripped, without an mbox
// "From " line and with LF line ends, to out/index + out/data/, and returns
// the new corpus.
func prepare(ctx context.Context, msgs []corpus.Labelled, out string) ([]corpus.Labelled, error) {
	if err := os.MkdirAll(filepath.Join(out, "data"), 0o755); err != nil {
		return nil, fmt.Errorf("prepare: %w", err)
	}
	var index bytes.Buffer
	for i, m := range msgs {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		raw, err := corpus.ReadMail(m.Path)
		if err != nil {
			return nil, fmt.Errorf("prepare: %w", err)
		}
		raw = bytes.ReplaceAll(eval.StripLabelHeaders(raw), []byte("\r\n"), []byte("\n"))
		name := fmt.Sprintf("data/%06d", i+1)
		if err := os.WriteFile(filepath.Join(out, name), raw, 0o644); err != nil {
			return nil, fmt.Errorf("prepare: %w", err)
		}
		label := "ham"
		if m.Spam {
			label = "spam"
		}
		fmt.Fprintf(&index, "%s %s\n", label, name)
	}
	if err := os.WriteFile(filepath.Join(out, "index"), index.Bytes(), 0o644); err != nil {
		return nil, fmt.Errorf("prepare: %w", err)
	}
	return corpus.ReadIndex(out)
}

// splitHalves links the first half (index order) of a prepared corpus into
// train/spam and train/ham and the second half into test/.
func splitHalves(out string) error {
	msgs, err := corpus.ReadIndex(out)
	if err != nil {
		return err
	}
	for _, d := range []string{"train/spam", "train/ham", "test"} {
		if err := os.MkdirAll(filepath.Join(out, d), 0o755); err != nil {
			return fmt.Errorf("split: %w", err)
		}
	}
	half := len(msgs) / 2
	var testIndex bytes.Buffer
	for i, m := range msgs {
		dir := "test"
		switch {
		case i < half && m.Spam:
			dir = "train/spam"
		case i < half:
			dir = "train/ham"
		default:
			label := "ham"
			if m.Spam {
				label = "spam"
			}
			fmt.Fprintf(&testIndex, "%s test/%s\n", label, filepath.Base(m.Path))
		}
		if err := os.Link(m.Path, filepath.Join(out, dir, filepath.Base(m.Path))); err != nil {
			return fmt.Errorf("split: %w", err)
		}
	}
	return os.WriteFile(filepath.Join(out, "test.index"), testIndex.Bytes(), 0o644)
}
