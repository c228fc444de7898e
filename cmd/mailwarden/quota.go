package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/mailwarden/mailwarden/i18n"
	"github.com/mailwarden/mailwarden/localapi"
	"github.com/mailwarden/mailwarden/quota"
)

// cmdQuota prints every account's storage, read now by the daemon: used of
// limit (and whether that is an estimate), the trend, the biggest folders,
// the biggest and oldest messages. Exit code exitAccount when an account
// could not be read.
func cmdQuota(ctx context.Context, args []string) error {
	fs := newFlags("quota")
	cf := addClientFlags(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	reps, err := cf.client().Quota(ctx)
	if err != nil {
		return err
	}
	if *cf.json {
		if err := printJSON(reps); err != nil {
			return err
		}
	} else {
		printQuota(os.Stdout, quota.Lang(lang), reps)
	}
	for _, r := range reps {
		if r.Error != "" {
			return exitCode{exitAccount, ""}
		}
	}
	return nil
}

// printQuota writes the reports for people.
func printQuota(w io.Writer, l quota.Lang, reps []localapi.QuotaReport) {
	if len(reps) == 0 {
		fmt.Fprintln(w, lang.T("api no accounts yet"))
	}
	for i, r := range reps {
		if i > 0 {
			fmt.Fprintln(w)
		}
		if r.Limit == 0 && r.Error != "" { // never read: the error, and what to do
			fmt.Fprintf(w, "%s: %s\n  %s\n", r.Account, r.Error, i18n.Lang(l).T("quota unread"))
			continue
		}
		u := quota.Usage{Used: r.Used, Limit: r.Limit, Estimated: r.Estimated, Messages: r.Messages, MessageLimit: r.MessageLimit}
		args := quota.Args{Account: r.Account, Usage: u, Level: r.Level, FullIn: r.FullIn, HasFullIn: r.FullIn > 0}
		fmt.Fprintln(w, quota.Text(l, quota.MsgReportUsage, args))
		if r.MessageLimit > 0 {
			fmt.Fprintln(w, lang.T("message count", r.Messages, r.MessageLimit))
		}
		if r.Estimated {
			fmt.Fprintln(w, "  "+quota.Text(l, quota.MsgEstimated, args))
		}
		if r.Stale {
			fmt.Fprintf(w, "  %s (%s; %s)\n", quota.Text(l, quota.MsgReportStale, args), r.Time.Local().Format("2006-01-02 15:04"), r.Error)
		}
		if args.HasFullIn {
			fmt.Fprintln(w, "  "+quota.Text(l, quota.MsgFullIn, args))
		} else {
			fmt.Fprintln(w, "  "+quota.Text(l, quota.MsgReportNoTrend, args))
		}
		if len(r.Folders) > 0 {
			fmt.Fprintln(w, "  "+quota.Text(l, quota.MsgReportFolders, args))
			shown := r.Folders[:min(len(r.Folders), 8)]
			width := 0
			for _, f := range shown {
				width = max(width, dispWidth(f.Name))
			}
			for i, f := range shown {
				if f.Messages == 0 && i > 0 {
					break
				}
				fmt.Fprintf(w, "    %s%s  %10s  %6d\n", f.Name, strings.Repeat(" ", width-dispWidth(f.Name)), quota.FormatSize(f.Size), f.Messages)
			}
		}
		bad := false
		list := func(key quota.MsgKey, ms []localapi.MessageSize, dateFirst bool) {
			if len(ms) == 0 {
				return
			}
			fmt.Fprintln(w, "  "+quota.Text(l, key, args))
			tw := table{indent: "    "}
			for _, m := range ms {
				date := m.Date.Local().Format("2006-01-02")
				if m.DateFromInternal {
					date += "*"
					bad = true
				}
				who := strings.TrimSpace(m.From)
				if m.Subject != "" && who != "" {
					who += " — " + m.Subject
				} else if m.Subject != "" {
					who = m.Subject
				}
				first, second := quota.FormatSize(m.Size), date
				if dateFirst {
					first, second = second, first
				}
				tw.row(first, second, m.Folder, clip(who, 60))
			}
			tw.write(w)
		}
		list(quota.MsgReportBiggest, r.Biggest, false)
		list(quota.MsgReportOldest, r.Oldest, true)
		if bad {
			fmt.Fprintln(w, "  "+quota.Text(l, quota.MsgReportBadDate, args))
		}
	}
}
