package main

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/mailwarden/mailwarden/i18n"
	"github.com/mailwarden/mailwarden/localapi"
)

// failing are the states `status` reports with exit code exitAccount.
var failing = map[localapi.AccountState]bool{
	localapi.StateAuthFailed: true, localapi.StateTLSError: true, localapi.StateConfigError: true, localapi.StateOffline: true,
}

func cmdStatus(ctx context.Context, args []string) error {
	fs := newFlags("status")
	cf := addClientFlags(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	st, err := cf.client().Status(ctx)
	if err != nil {
		return err
	}
	if *cf.json {
		if st.Accounts == nil { // an older daemon
			st.Accounts = []localapi.AccountStatus{}
		}
		if err := printJSON(st); err != nil {
			return err
		}
	} else {
		fmt.Println(lang.T("daemon running", st.PID, ago(st.Started), st.Spam, st.Ham))
		if st.Paused {
			fmt.Println(lang.T("filtering paused"))
		}
		for i, w := range st.Warnings {
			if i < len(st.WarningTexts) && st.WarningTexts[i].Key != "" {
				w = st.WarningTexts[i].In(lang)
			}
			fmt.Println(lang.T("warning", w))
		}
		if len(st.Accounts) == 0 {
			fmt.Println(lang.T("api no accounts yet"))
		}
		var tw table
		if len(st.Accounts) > 0 {
			tw.header(lang.T("status header"))
		}
		for _, a := range st.Accounts {
			var note []string
			if !(a.Error != "" && (a.State == localapi.StateAuthFailed || a.State == localapi.StateTLSError)) {
				// The error of a refused login or certificate says it
				// all, with the fix; the STATE column names the state.
				note = append(note, lang.T(string(a.State)))
			}
			if a.DryRun {
				note = append(note, lang.T("dry run"))
			}
			if a.Error != "" {
				note = append(note, i18n.Localize(a.Error, lang, a.ErrorTexts))
			}
			if !a.NextRetry.IsZero() {
				note = append(note, lang.T("retry at", a.NextRetry.Local().Format("15:04:05")))
			}
			tw.row(a.Name, stateName(a.State), ago(a.Since), strconv.Itoa(a.Judged), strconv.Itoa(a.Moved), strings.Join(note, "; "))
		}
		if err := tw.write(os.Stdout); err != nil {
			return err
		}
	}
	for _, a := range st.Accounts {
		if failing[a.State] {
			return exitCode{exitAccount, ""}
		}
	}
	return nil
}

func cmdLog(ctx context.Context, args []string) error {
	fs := newFlags("log")
	cf := addClientFlags(fs)
	n := fs.Int("n", 20, "how many of the newest actions")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *n < 0 {
		return usageError{lang.T("api bad limit")}
	}
	acts, err := cf.client().Actions(ctx, *n)
	if err != nil {
		return err
	}
	if *cf.json {
		return printJSON(acts)
	}
	var tw table
	tw.header(lang.T("log header"))
	for _, a := range acts {
		tw.row(strconv.FormatUint(a.Seq, 10), a.Time.Local().Format("01-02 15:04:05"), a.Account, actionText(a.Action),
			strconv.FormatFloat(a.Score, 'f', 3, 64), clip(a.From, 30), clip(a.Subject, 50))
	}
	return tw.write(os.Stdout)
}

// stateName is an account's state as the STATE column shows it: the
// state's name, or a short word for it in Japanese.
func stateName(s localapi.AccountState) string {
	if key := "state " + string(s); lang != i18n.En && i18n.Has(key) {
		return lang.T(key)
	}
	return string(s)
}

// actionText names an action of the log in the user's language; one
// without a text shows by its name.
func actionText(action string) string {
	if key := "action " + action; i18n.Has(key) {
		return lang.T(key)
	}
	return action
}

// simple runs a client command without output of its own; done is the
// i18n key of what it prints on success.
func simple(name, done string, call func(ctx context.Context, c *localapi.Client, fs []string) error) func(context.Context, []string) error {
	return func(ctx context.Context, args []string) error {
		fs := newFlags(name)
		cf := addClientFlags(fs)
		if err := parseFlags(fs, args); err != nil {
			return err
		}
		if err := call(ctx, cf.client(), fs.Args()); err != nil {
			return err
		}
		if *cf.json {
			return printJSON(map[string]bool{"ok": true})
		}
		fmt.Println(lang.T(done))
		return nil
	}
}

var (
	cmdPause = simple("pause", "paused done", func(ctx context.Context, c *localapi.Client, _ []string) error {
		return c.SetPaused(ctx, true)
	})
	cmdResume = simple("resume", "resumed done", func(ctx context.Context, c *localapi.Client, _ []string) error {
		return c.SetPaused(ctx, false)
	})
	cmdReload = simple("reload", "reloaded done", func(ctx context.Context, c *localapi.Client, _ []string) error {
		return c.Reload(ctx)
	})
	cmdSync = simple("sync", "sync done", func(ctx context.Context, c *localapi.Client, args []string) error {
		account := ""
		if len(args) > 0 {
			account = args[0]
		}
		return c.SyncNow(ctx, account)
	})
)
