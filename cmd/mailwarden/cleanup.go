package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/mailwarden/mailwarden/i18n"
	"github.com/mailwarden/mailwarden/localapi"
	"github.com/mailwarden/mailwarden/quota"
	"golang.org/x/term"
)

// cleanupOptions are the command line of `mailwarden cleanup`.
type cleanupOptions struct {
	req    localapi.CleanupRequest
	yes    bool // no question
	dryRun bool // count only
	json   bool
}

// cmdCleanup empties Junk or Trash (or deletes their mail older than N
// days) in one account or all, through the daemon: it counts first, asks,
// then deletes exactly what it counted and says how much space that freed.
func cmdCleanup(ctx context.Context, args []string) error {
	fs := newFlags("cleanup")
	cf := addClientFlags(fs)
	older := fs.Int("older-than", 0, "only mail that arrived more than DAYS days ago (default: all of it)")
	account := fs.String("account", "", "only this account (default: every account)")
	yes := fs.Bool("yes", false, "do not ask for confirmation")
	dry := fs.Bool("dry-run", false, "only count what would be deleted")
	// The folder may come before the flags: cleanup junk --yes.
	var folder string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		folder, args = args[0], args[1:]
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if folder == "" && fs.NArg() > 0 {
		folder = fs.Arg(0)
	} else if fs.NArg() > 0 {
		return usageError{lang.T("cleanup one", fs.Arg(0))}
	}
	if folder != "junk" && folder != "trash" {
		return usageError{lang.T("cleanup what")}
	}
	if *older < 0 {
		return usageError{lang.T("cleanup days")}
	}
	if *cf.json && !*yes && !*dry {
		return usageError{lang.T("cleanup json")}
	}
	if !*yes && !*dry && !term.IsTerminal(int(os.Stdin.Fd())) {
		// Nobody could answer the question: say so before counting.
		return usageError{lang.T("cleanup no terminal")}
	}
	o := cleanupOptions{req: localapi.CleanupRequest{Account: *account, Folder: folder, OlderThanDays: *older}, yes: *yes, dryRun: *dry, json: *cf.json}
	return runCleanup(ctx, cf.client(), o, os.Stdin, os.Stdout, quota.Lang(lang))
}

// runCleanup counts, asks on in (unless o.yes), deletes and reports on w.
func runCleanup(ctx context.Context, c *localapi.Client, o cleanupOptions, in io.Reader, w io.Writer, l quota.Lang) error {
	req := o.req
	req.DryRun = true
	counted, err := c.Cleanup(ctx, req)
	if err != nil {
		return err
	}
	failed := false
	confirm := map[string]localapi.CleanupBound{}
	total := 0
	for _, r := range counted {
		if r.Error != "" {
			failed = true
			if !o.json {
				fmt.Fprintf(w, "%s: %s\n", r.Account, i18n.Localize(r.Error, lang, r.ErrorTexts))
			}
			continue
		}
		if !o.json {
			fmt.Fprintln(w, quota.Text(l, quota.MsgCleanupCount, cleanupArgs(r)))
		}
		if r.Messages > 0 {
			confirm[r.Account] = r.Bound
			total += r.Messages
		}
	}
	done := func(reps []localapi.CleanupReport) error {
		if o.json {
			if err := printJSONTo(w, reps); err != nil {
				return err
			}
		}
		if failed {
			return exitCode{exitError, ""}
		}
		return nil
	}
	if o.dryRun {
		if !o.json {
			fmt.Fprintln(w, lang.T("cleanup dry run"))
		}
		return done(counted)
	}
	if total == 0 {
		if !o.json {
			fmt.Fprintln(w, quota.Text(l, quota.MsgCleanupNone, quota.Args{}))
		}
		return done(counted)
	}
	if !o.yes {
		fmt.Fprint(w, quota.Text(l, quota.MsgCleanupAsk, quota.Args{}))
		line, _ := bufio.NewReader(in).ReadString('\n')
		if a := strings.ToLower(strings.TrimSpace(line)); a != "y" && a != "yes" && a != "はい" {
			fmt.Fprintln(w, quota.Text(l, quota.MsgCleanupKept, quota.Args{}))
			return nil
		}
	}
	req.DryRun, req.Confirm = false, confirm
	deleted, err := c.Cleanup(ctx, req)
	if err != nil {
		return err
	}
	for _, r := range deleted {
		switch {
		case r.Error != "":
			failed = true
			if !o.json {
				fmt.Fprintf(w, "%s: %s\n", r.Account, i18n.Localize(r.Error, lang, r.ErrorTexts))
			}
		case !o.json:
			fmt.Fprintln(w, quota.Text(l, quota.MsgCleanupDone, cleanupArgs(r)))
			if r.Estimated {
				fmt.Fprintln(w, "  "+quota.Text(l, quota.MsgEstimated, cleanupArgs(r)))
			}
			if r.Left > 0 {
				failed = true
				fmt.Fprintln(w, lang.T("cleanup left", r.Account, r.Left))
			}
		}
	}
	return done(deleted)
}

func cleanupArgs(r localapi.CleanupReport) quota.Args {
	used := r.UsedAfter
	if r.DryRun {
		used = r.UsedBefore
	}
	return quota.Args{Account: r.Account, Folder: r.Folder, Count: r.Messages, Size: r.Size, Freed: r.Freed,
		Usage: quota.Usage{Used: used, Limit: r.Limit, Estimated: r.Estimated}}
}

func printJSONTo(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
