package main

import (
	"context"
	"fmt"
	"os"
	"text/tabwriter"

	"github.com/mailwarden/mailwarden/classifier"
)

// cmdExplain shows why the classifier judges a message as it does: the
// verdict, the score and the tokens that weighed most either way.
func cmdExplain(ctx context.Context, args []string) error {
	fs := newFlags("explain")
	storeDir := storeFlag(fs)
	asJSON := fs.Bool("json", false, "print JSON")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return usageError{"give one or more message files"}
	}
	if err := needStore(*storeDir); err != nil {
		return err
	}
	m, err := classifier.Open(*storeDir, classifier.DefaultOptions())
	if err != nil {
		return err
	}
	type explained struct {
		File    string              `json:"file"`
		Subject string              `json:"subject"`
		Score   float64             `json:"score"`
		Verdict string              `json:"verdict"`
		Tokens  int                 `json:"tokens"`
		Reasons []classifier.Reason `json:"reasons"`
	}
	var all []explained
	for _, f := range fs.Args() {
		raw, err := readMessage(f)
		if err != nil {
			return err
		}
		r := m.Classify(raw)
		e := explained{File: f, Subject: classifier.Extract(raw).Subject, Score: r.Score, Verdict: r.Verdict.String(), Tokens: r.Tokens, Reasons: r.Reasons}
		if *asJSON {
			all = append(all, e)
			continue
		}
		fmt.Printf("%s\n  subject: %s\n  verdict: %s (score %.4f, %d distinct tokens)\n", e.File, clip(e.Subject, 70), e.Verdict, e.Score, e.Tokens)
		if len(e.Reasons) == 0 {
			fmt.Println("  " + lang.T("too little known"))
			continue
		}
		tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "  \tTOKEN\tSPAMMINESS\tIN SPAM\tIN HAM")
		for _, rs := range e.Reasons {
			way := "spam"
			if rs.SpamProb < 0.5 {
				way = "ham"
			}
			fmt.Fprintf(tw, "  %s\t%s\t%.3f\t%d\t%d\n", way, clip(rs.Token, 40), rs.SpamProb, rs.Spam, rs.Ham)
		}
		tw.Flush()
	}
	if *asJSON {
		return printJSON(all)
	}
	return nil
}
