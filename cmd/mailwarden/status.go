package main

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/mailwarden/mailwarden/i18n"
	"github.com/mailwarden/mailwarden/localapi"
	"github.com/mailwarden/mailwarden/store"
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
			if !(a.Error != "" && (a.State == localapi.StateAuthFailed || a.State == localapi.StateTLSError || a.State == localapi.StateOffline)) {
				// The error of a refused login, a certificate or an
				// unreachable server says it all; the STATE column
				// names the state.
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
			for i, n := range a.Notes {
				if i < len(a.NoteTexts) && a.NoteTexts[i].Key != "" {
					n = a.NoteTexts[i].In(lang)
				}
				note = append(note, n)
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
	if fs.NArg() > 0 {
		return usageError{lang.T("log args", fs.Arg(0))}
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
			scoreText(a), clip(a.From, 30), clip(a.Subject, 50))
	}
	return tw.write(os.Stdout)
}

// scoreText is the SCORE column: the classifier's score of a judged
// message, "–" for an entry no score went into (an undo, a message
// learned from the user, one not judged).
func scoreText(a store.Action) string {
	if !scored(a) {
		return "–"
	}
	return strconv.FormatFloat(a.Score, 'f', 3, 64)
}

// scored reports whether a's score is a classifier's: an undo or a verdict
// learned from the user has none, nor a message that was not judged.
func scored(a store.Action) bool {
	return a.Verdict != "skipped" && a.Action != "not-junk" && !strings.HasPrefix(a.Action, "learned-")
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
)

// cmdSync asks the daemon to check an account (or all) now and says, account
// by account, what that will really do: check INBOX, try to connect or log
// in again, or wait for the connection or the training under way. A paused
// daemon refuses (resume first).
func cmdSync(ctx context.Context, args []string) error {
	fs := newFlags("sync")
	cf := addClientFlags(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	account := ""
	if fs.NArg() > 0 {
		account = fs.Arg(0)
	}
	c := cf.client()
	if err := c.SyncNow(ctx, account); err != nil {
		return err
	}
	if *cf.json {
		return printJSON(map[string]bool{"ok": true})
	}
	st, err := c.Status(ctx)
	if err != nil {
		fmt.Println(lang.T("sync done"))
		return nil
	}
	for _, a := range st.Accounts {
		if account != "" && a.Name != account {
			continue
		}
		if line := syncText(a); line != "" {
			fmt.Println(line)
		}
	}
	return nil
}

// syncText says what `sync` does for an account in its state ("" for one
// that cannot sync: the daemon said why).
func syncText(a localapi.AccountStatus) string {
	switch a.State {
	case localapi.StateOnline:
		return lang.T("sync online", a.Name)
	case localapi.StateOffline:
		return lang.T("sync offline", a.Name)
	case localapi.StateAuthFailed, localapi.StateTLSError:
		return lang.T("sync failing", a.Name, stateName(a.State))
	case localapi.StateStarting:
		return lang.T("sync starting", a.Name)
	case localapi.StateTraining:
		return lang.T("sync training", a.Name)
	case localapi.StatePaused:
		return lang.T("sync paused", a.Name)
	}
	return ""
}

// cmdReload has the daemon re-read its config file, then says what it now
// watches: a file cut short parses as a valid config with no accounts, and
// stops them all.
func cmdReload(ctx context.Context, args []string) error {
	fs := newFlags("reload")
	cf := addClientFlags(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	c := cf.client()
	if err := c.Reload(ctx); err != nil {
		return err
	}
	st, err := c.Status(ctx)
	if err != nil {
		return err
	}
	if *cf.json {
		return printJSON(map[string]any{"ok": true, "accounts": len(st.Accounts)})
	}
	if len(st.Accounts) == 0 {
		fmt.Println(lang.T("reloaded none", st.Config))
		return nil
	}
	names := make([]string, len(st.Accounts))
	for i, a := range st.Accounts {
		names[i] = a.Name
	}
	fmt.Println(lang.T("reloaded accounts", len(names), strings.Join(names, ", ")))
	return nil
}
