package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/mailwarden/mailwarden/internal/demo"
)

// defaultCorpus is where the project's shared corpus sits beside a checkout.
const defaultCorpus = "../shared/corpus/spamassassin.tar.xz"

func cmdDemo(ctx context.Context, args []string) error {
	fs := newFlags("demo")
	corpus := fs.String("corpus", "", "labelled corpus (NAME.tar.xz or a directory with index + data/); default "+defaultCorpus+" when present, else the SpamAssassin public corpus downloaded from its site")
	deliver := fs.Int("deliver", 300, "messages delivered live into INBOX (the rest of the corpus is the first-start training)")
	interval := fs.Duration("interval", 200*time.Millisecond, "pause between live deliveries")
	work := fs.String("work", "", "keep the server, store and daemon log in this directory (default: a temporary one, removed afterwards)")
	report := fs.String("report", "demo-report.json", "write the report as JSON here")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *corpus == "" {
		if _, err := os.Stat(defaultCorpus); err == nil {
			*corpus = defaultCorpus
		}
	}
	if *work != "" {
		if err := os.MkdirAll(*work, 0o755); err != nil {
			return err
		}
	}
	rep, err := demo.Run(ctx, demo.Options{Corpus: *corpus, Deliver: *deliver, Interval: *interval, Work: *work})
	if rep != nil && *report != "" {
		if werr := rep.WriteJSON(*report); werr != nil {
			return werr
		}
		fmt.Println(lang.T("demo report", *report))
	}
	return err
}
