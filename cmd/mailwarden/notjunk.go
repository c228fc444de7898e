package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/mailwarden/mailwarden/localapi"
	"github.com/mailwarden/mailwarden/store"
)

// cmdNotJunk undoes moves to Junk: by action number (`mailwarden log`) or
// by Message-ID. The daemon finds the message in the junk folder by its
// Message-ID, moves it back to INBOX, learns it as ham and marks it
// $NotJunk; the action log records the undo.
func cmdNotJunk(ctx context.Context, args []string) error {
	fs := newFlags("notjunk")
	cf := addClientFlags(fs)
	account := fs.String("account", "", "the account, for a Message-ID (default: any)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return usageError{lang.T("usage notjunk")}
	}
	c := cf.client()
	var done []store.Action
	var failed []string
	for _, arg := range fs.Args() {
		var a store.Action
		var err error
		if seq, perr := strconv.ParseUint(strings.TrimPrefix(arg, "#"), 10, 64); perr == nil {
			a, err = c.NotJunk(ctx, seq)
		} else {
			a, err = c.NotJunkMessage(ctx, *account, arg)
		}
		if err != nil {
			if isNotRunning(err) {
				return err
			}
			failed = append(failed, fmt.Sprintf("%s: %s", arg, localapi.Localize(err, lang)))
			continue
		}
		done = append(done, a)
		if !*cf.json {
			what := a.MessageID
			if a.Subject != "" {
				what += " " + fmt.Sprintf("%q", a.Subject)
			}
			if strings.Contains(strings.Join(a.Reasons, " "), "back in INBOX already") {
				fmt.Println(lang.T("not junk already", a.Seq, what))
			} else {
				fmt.Println(lang.T("not junk done", a.Seq, what, a.Account))
			}
		}
	}
	if *cf.json {
		if err := printJSON(done); err != nil {
			return err
		}
	}
	if len(failed) > 0 {
		return fmt.Errorf("%s", strings.Join(failed, "\n"))
	}
	return nil
}
