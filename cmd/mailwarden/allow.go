package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/mailwarden/mailwarden/localapi"
)

// cmdAllow shows and edits an account's allow list through the daemon,
// which writes the config file (keeping its comments) and reloads it.
func cmdAllow(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return usageError{lang.T("usage allow")}
	}
	sub := args[0]
	if isHelp(sub) {
		fmt.Println(lang.T("usage allow"))
		return nil
	}
	fs := newFlags("allow " + sub)
	cf := addClientFlags(fs)
	account := fs.String("account", "", "the account (default: the only one)")
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	c := cf.client()
	var l localapi.AllowList
	var err error
	switch sub {
	case "list":
		if fs.NArg() != 0 {
			return usageError{lang.T("usage allow list")}
		}
		l, err = c.AllowList(ctx, *account)
	case "add", "remove":
		if fs.NArg() == 0 {
			return usageError{lang.T("usage allow edit", sub)}
		}
		req := localapi.AllowEdit{Account: *account}
		if sub == "add" {
			req.Add = fs.Args()
		} else {
			req.Remove = fs.Args()
		}
		l, err = c.EditAllowList(ctx, req)
	default:
		return usageError{lang.T("unknown allow", sub)}
	}
	if err != nil {
		return err
	}
	if *cf.json {
		return printJSON(l)
	}
	for _, e := range l.Already {
		fmt.Println(lang.T("allow already", e, l.Account))
	}
	if sub != "list" {
		fmt.Println(lang.T("allow changed", l.Account, entries(len(l.Allow))))
	}
	fmt.Println(lang.T("allow header", l.Account, l.Config))
	if len(l.Allow) == 0 {
		fmt.Println(lang.T("allow empty"))
	}
	for _, e := range l.Allow {
		fmt.Println("  " + e)
	}
	if l.AllowListOnly {
		fmt.Println(lang.T("allow only on"))
	}
	if len(l.Block) > 0 {
		fmt.Println(lang.T("block header", strings.Join(l.Block, ", ")))
	}
	return nil
}

// entries is "1 entry", "3 entries".
func entries(n int) string {
	if n == 1 {
		return lang.T("one entry")
	}
	return lang.T("entries", n)
}
