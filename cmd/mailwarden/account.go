package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/mailwarden/mailwarden/localapi"
	"golang.org/x/term"
)

func cmdAccount(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return usageError{lang.T("usage account")}
	}
	if isHelp(args[0]) {
		fmt.Println(lang.T("usage account"))
		return nil
	}
	switch args[0] {
	case "add":
		return accountAdd(ctx, args[1:])
	case "list":
		return accountList(ctx, args[1:])
	case "remove":
		return accountRemove(ctx, args[1:])
	case "password":
		return accountPassword(ctx, args[1:])
	}
	return usageError{lang.T("unknown account", args[0])}
}

func accountAdd(ctx context.Context, args []string) error {
	fs := newFlags("account add")
	cf := addClientFlags(fs)
	var req localapi.AccountAdd
	fs.StringVar(&req.Address, "address", "", "the mail address (asked when missing)")
	fs.StringVar(&req.Name, "name", "", "a short name for the account (default: the address)")
	fs.StringVar(&req.Host, "host", "", "IMAP server (default: try mail.<domain> and <domain>)")
	fs.IntVar(&req.Port, "port", 0, "IMAP port (default 993 with tls, 143 with starttls)")
	fs.StringVar(&req.TLS, "tls", "", "tls | starttls | none (with --host)")
	fs.StringVar(&req.Username, "username", "", "user name (with --host; default: the address)")
	fs.StringVar(&req.CAFile, "ca-file", "", "trust this CA certificate (a server with a private certificate)")
	fs.BoolVar(&req.AllowPlaintext, "allow-plaintext", false, "allow --tls none (the password crosses the network in clear)")
	fs.BoolVar(&req.DryRun, "dry-run", false, "only record what would be moved, for the first days")
	pwStdin := fs.Bool("password-stdin", false, "read the password from standard input (for scripts)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := checkAddFlags(req); err != nil {
		return err
	}
	in := bufio.NewReader(os.Stdin)
	if req.Address == "" {
		// Asked only on a terminal: standard input from a pipe is for
		// --password-stdin, and a prompt there would run into the error.
		if !term.IsTerminal(int(os.Stdin.Fd())) {
			return usageError{lang.T("no address")}
		}
		fmt.Print(lang.T("prompt address"))
		line, err := in.ReadString('\n')
		if err != nil && line == "" {
			return usageError{lang.T("no address")}
		}
		req.Address = strings.TrimSpace(line)
	}
	if req.Address != "" || req.Host == "" {
		// Checked before anything is tried: the guesses come from it.
		addr, err := localapi.ParseAddress(req.Address)
		if err != nil {
			return usageError{localapi.Localize(err, lang)}
		}
		req.Address = addr
	}
	var err error
	if req.Password, err = readPassword(in, *pwStdin); err != nil {
		return err
	}
	if req.Host == "" && !*cf.json {
		fmt.Println(lang.T("trying settings", req.Address))
	}
	res, err := cf.client().AddAccount(ctx, req)
	if *cf.json && err == nil {
		return printJSON(res)
	}
	for _, a := range res.Attempts {
		fmt.Println("  " + a)
	}
	if err != nil {
		return err
	}
	a := res.Account
	fmt.Println(lang.T("account added", a.Name, a.Host, a.Port, a.TLS, a.Username, a.PasswordSource))
	return nil
}

// checkAddFlags checks what the command line alone can: the port, the TLS
// mode and plain text only when asked for in so many words.
func checkAddFlags(req localapi.AccountAdd) error {
	if req.Port < 0 || req.Port > 65535 { // 0: the default of the TLS mode
		return usageError{lang.T("bad port flag", req.Port)}
	}
	switch req.TLS {
	case "", "tls", "starttls":
	case "none":
		if !req.AllowPlaintext {
			return usageError{lang.T("tls none flag")}
		}
	default:
		return usageError{lang.T("bad tls flag", req.TLS)}
	}
	return nil
}

// readPassword reads the password without echo from a terminal, or one line
// from standard input.
func readPassword(in *bufio.Reader, fromStdin bool) (string, error) {
	if !fromStdin && term.IsTerminal(int(os.Stdin.Fd())) {
		fmt.Print(lang.T("prompt password"))
		b, err := term.ReadPassword(int(os.Stdin.Fd()))
		fmt.Println()
		if err != nil {
			return "", fmt.Errorf("%s: %w", lang.T("read password"), err)
		}
		return string(b), nil
	}
	line, err := in.ReadString('\n')
	if err != nil && err != io.EOF {
		return "", fmt.Errorf("%s: %w", lang.T("read password"), err)
	}
	pw := strings.TrimRight(line, "\r\n")
	if pw == "" {
		return "", usageError{lang.T("no password")}
	}
	return pw, nil
}

func accountList(ctx context.Context, args []string) error {
	fs := newFlags("account list")
	cf := addClientFlags(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	accts, err := cf.client().Accounts(ctx)
	if err != nil {
		return err
	}
	if *cf.json {
		return printJSON(accts)
	}
	if len(accts) == 0 {
		fmt.Println(lang.T("api no accounts yet"))
		return nil
	}
	var tw table
	tw.header(lang.T("account header"))
	for _, a := range accts {
		tw.row(a.Name, fmt.Sprintf("%s:%d", a.Host, a.Port), a.TLS, a.Username, a.PasswordSource)
	}
	return tw.write(os.Stdout)
}

func accountRemove(ctx context.Context, args []string) error {
	fs := newFlags("account remove")
	cf := addClientFlags(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError{lang.T("usage remove")}
	}
	if err := cf.client().RemoveAccount(ctx, fs.Arg(0)); err != nil {
		return err
	}
	if *cf.json {
		return printJSON(map[string]bool{"ok": true})
	}
	fmt.Println(lang.T("account removed", fs.Arg(0)))
	return nil
}

// accountPassword stores a new password for an existing account: the
// daemon tests the login with the account's settings first and keeps the
// password only if it works.
func accountPassword(ctx context.Context, args []string) error {
	fs := newFlags("account password")
	cf := addClientFlags(fs)
	pwStdin := fs.Bool("password-stdin", false, "read the password from standard input (for scripts)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError{lang.T("usage password")}
	}
	name := fs.Arg(0)
	pw, err := readPassword(bufio.NewReader(os.Stdin), *pwStdin)
	if err != nil {
		return err
	}
	a, err := cf.client().SetPassword(ctx, name, pw)
	if err != nil {
		return err
	}
	if *cf.json {
		return printJSON(a)
	}
	fmt.Println(lang.T("password stored", a.Name, a.PasswordSource))
	return nil
}
