package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"

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
		return usageError{lang.T("explain files")}
	}
	if err := storeIsDir(*storeDir); err != nil {
		return err
	}
	if err := needTrainedStore(*storeDir); err != nil {
		return err
	}
	for _, f := range fs.Args() {
		if f == stdinPath {
			continue
		}
		fi, err := os.Stat(f)
		if err != nil {
			return pathError(f, err)
		}
		if fi.IsDir() {
			return errors.New(lang.T("explain dir", f, f))
		}
	}
	m, err := classifier.Open(*storeDir, classifier.DefaultOptions())
	if err != nil {
		return storeError(err, *storeDir, false)
	}
	type explained struct {
		File    string              `json:"file"`
		Subject string              `json:"subject"`
		Score   float64             `json:"score"`
		Verdict string              `json:"verdict"`
		Tokens  int                 `json:"tokens"`
		Reasons []classifier.Reason `json:"reasons"`
	}
	all := []explained{}
	trained := false
	if s, h := m.Counts(); s > 0 && h > 0 {
		trained = true
	}
	for _, f := range fs.Args() {
		raw, err := readMessageCtx(ctx, f)
		if err != nil {
			return err
		}
		// An empty message is not scored: nothing to explain (see scoreOf).
		r := classifier.Result{Score: 0.5, Verdict: classifier.Unsure}
		if !isEmpty(raw) {
			r = m.Classify(raw)
		}
		e := explained{File: f, Subject: classifier.Extract(raw).Subject, Score: r.Score, Verdict: r.Verdict.String(), Tokens: r.Tokens, Reasons: r.Reasons}
		if e.Reasons == nil {
			e.Reasons = []classifier.Reason{} // JSON lists are [], never null
		}
		if *asJSON {
			warnNotMail(f, raw)
			all = append(all, e)
			continue
		}
		if isEmpty(raw) {
			fmt.Println(lang.T("explain empty", f))
			continue
		}
		warnNotMail(f, raw)
		fmt.Println(lang.T("explain head", e.File, clip(e.Subject, 70), lang.T("verdict "+e.Verdict), e.Score, e.Tokens))
		if len(e.Reasons) == 0 {
			if trained {
				fmt.Println("  " + lang.T("no evidence"))
			} else {
				fmt.Println("  " + lang.T("too little known"))
			}
			continue
		}
		tw := table{indent: "  "}
		tw.header(lang.T("explain header"))
		for _, rs := range e.Reasons {
			way := lang.T("explain spam")
			if rs.SpamProb < 0.5 {
				way = lang.T("explain ham")
			}
			tw.row(way, clip(rs.Token, 40), strconv.FormatFloat(rs.SpamProb, 'f', 3, 64), strconv.FormatUint(uint64(rs.Spam), 10), strconv.FormatUint(uint64(rs.Ham), 10))
		}
		if err := tw.write(os.Stdout); err != nil {
			return err
		}
	}
	if *asJSON {
		return printJSON(all)
	}
	return nil
}
