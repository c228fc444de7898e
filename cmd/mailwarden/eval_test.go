package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mailwarden/mailwarden/internal/eval"
)

// tinyCorpus writes an unpacked corpus of synthetic messages.
func tinyCorpus(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "tiny")
	if err := os.MkdirAll(filepath.Join(dir, "data"), 0o755); err != nil {
		t.Fatal(err)
	}
	var index strings.Builder
	for i := 0; i < 12; i++ {
		label, body := "ham", "minutes of the planning meeting and the budget figures"
		if i%2 == 0 {
			label, body = "spam", "win a free prize now click this link casino pills"
		}
		name := fmt.Sprintf("data/%02d", i)
		raw := fmt.Sprintf("X-Spam-Flag: YES\nFrom: a@example.org\nSubject: message %d\n\n%s\n", i, body)
		if err := os.WriteFile(filepath.Join(dir, name), []byte(raw), 0o644); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&index, "%s %s\n", label, name)
	}
	if err := os.WriteFile(filepath.Join(dir, "index"), []byte(index.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestEvalCorpusDirectory(t *testing.T) {
	dir := tinyCorpus(t)
	scores := t.TempDir()
	r, err := evalCorpus(context.Background(), dir, eval.Full, 0, scores)
	if err != nil {
		t.Fatal(err)
	}
	if r.Corpus != "tiny" || r.Messages != 12 || r.Spam != 6 || r.Trained != 12 {
		t.Fatalf("report %+v", r)
	}
	// The saved scores give the same metrics back.
	back, err := reportFromScores(filepath.Join(scores, "tiny.scores"))
	if err != nil {
		t.Fatal(err)
	}
	if back.Metrics.Messages != 12 || back.OneMinusROCA.Format(6) != r.OneMinusROCA.Format(6) || back.LAM.Format(6) != r.LAM.Format(6) {
		t.Fatalf("from scores %+v, from the run %+v", back.Metrics, r.Metrics)
	}
	// --limit takes a prefix.
	r, err = evalCorpus(context.Background(), dir, eval.TOE, 5, "")
	if err != nil || r.Messages != 5 || r.Mode != "toe" {
		t.Fatalf("limit 5: %+v, %v", r, err)
	}
}

func TestEvalCorpusErrors(t *testing.T) {
	t.Setenv("MAILWARDEN_CORPUS", t.TempDir())
	if _, err := evalCorpus(context.Background(), "no-such-corpus-name", eval.Full, 0, ""); err == nil || !strings.Contains(err.Error(), "not found") {
		t.Errorf("unknown name: %v", err)
	}
	if _, err := evalCorpus(context.Background(), filepath.Join(t.TempDir(), "missing.tar.xz"), eval.Full, 0, ""); err == nil {
		t.Error("a missing archive was accepted")
	}
	notArchive := filepath.Join(t.TempDir(), "corpus.zip")
	os.WriteFile(notArchive, []byte("x"), 0o644)
	var ue usageError
	if _, err := evalCorpus(context.Background(), notArchive, eval.Full, 0, ""); !errors.As(err, &ue) {
		t.Errorf("a .zip file: %v, want a usage error", err)
	}
}

func TestCmdEvalFlags(t *testing.T) {
	var ue usageError
	for _, args := range [][]string{{}, {"--mode", "sometimes", "x"}, {"--limit", "-1", "x"}} {
		if err := cmdEval(context.Background(), args); !errors.As(err, &ue) {
			t.Errorf("eval %q: %v, want a usage error", args, err)
		}
	}
}
