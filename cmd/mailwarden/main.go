// Command mailwarden keeps IMAP inboxes free of spam: `mailwarden run` is the
// daemon; the other subcommands train, classify and demonstrate it.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/mailwarden/mailwarden/i18n"
	"github.com/mailwarden/mailwarden/localapi"
)

// Exit codes scripts can rely on.
const (
	exitOK          = 0
	exitError       = 1   // the command failed
	exitUsage       = 2   // bad command line
	exitNotRunning  = 3   // a client command found no daemon
	exitAccount     = 4   // status: an account is failing (offline, auth-failed, tls-error, config-error)
	exitInterrupted = 130 // stopped by Ctrl-C or SIGTERM before it was done (128 + SIGINT, as shells report it)
)

// exitCode ends the command with a given code; msg, if any, is printed.
type exitCode struct {
	code int
	msg  string
}

func (e exitCode) Error() string { return e.msg }

type command struct {
	name, args, help string
	run              func(ctx context.Context, args []string) error
}

var commands []command

// lang is the language of user-facing output (LANG, LC_ALL: ja → Japanese).
var lang = i18n.Detect()

func init() {
	commands = []command{
		{"run", "[--config FILE] [--store DIR] [--dry-run]", "watch the configured accounts and move spam to Junk (the daemon, in the foreground)", cmdRun},
		{"train", "[--store DIR] --spam DIR|FILE... --ham DIR|FILE...", "train the classifier from message files", cmdTrain},
		{"classify", "[--store DIR] FILE...", "print file, score and verdict for each message file", cmdClassify},
		{"eval", "[--mode full|toe|tonr] [--json] [--limit N] [--save-scores DIR] CORPUS... | --scores FILE...", "measure the classifier on labelled corpora (TREC protocol: classify, then train, message by message)", cmdEval},
		{"explain", "[--store DIR] [--json] FILE...", "the verdict, the score and the tokens that weighed most either way", cmdExplain},
		{"import-thunderbird", "[--store DIR] [--full] [--again] [--dry-run] [--profile DIR | FILE]", "start from Thunderbird's junk training: add its training.dat as prior counts", cmdImportThunderbird},
		{"status", "[--json]", "the daemon and every account: state, what it did, problems (exit 3: no daemon, 4: an account is failing)", cmdStatus},
		{"log", "[-n N] [--json]", "the newest actions: what was moved, when, score", cmdLog},
		{"sync", "[ACCOUNT]", "check INBOX now", cmdSync},
		{"pause", "", "stop filtering until resume (mail stays in INBOX)", cmdPause},
		{"resume", "", "start filtering again", cmdResume},
		{"reload", "", "re-read the config file", cmdReload},
		{"quota", "[--json]", "every account's storage: used of the limit, when it will be full, the biggest folders and messages (exit 4: an account could not be read)", cmdQuota},
		{"cleanup", "junk|trash [--older-than DAYS] [--account NAME] [--yes] [--dry-run] [--json]", "delete the mail of Junk or Trash (all, or older than DAYS) after confirming, and say how much space it freed", cmdCleanup},
		{"notjunk", "[--account NAME] SEQ|MESSAGE-ID...", "undo a move to Junk: back to INBOX, learned as not junk, never moved again", cmdNotJunk},
		{"allow", "list|add|remove [--account NAME] [DOMAIN|ADDRESS...]", "senders never moved to Junk (with allow_list_only, the only ones that reach INBOX)", cmdAllow},
		{"account", "add|list|remove|password ...", "add an account (tests the login, keeps the password in the keyring), list or remove accounts, or store a new password (password NAME)", cmdAccount},
		{"demo", "[--corpus FILE] [--deliver N] [--interval D] [--work DIR] [--report FILE]", "run the main job against a throw-away local Dovecot seeded with real mail", cmdDemo},
		{"version", "", "print mailwarden's version, commit and Go version (also --version)", cmdVersion},
	}
}

// usageError marks a bad command line (exit code 2).
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usage(w io.Writer) {
	fmt.Fprintln(w, lang.T("usage header"))
	for _, c := range commands {
		help := c.help
		if key := "help " + c.name; i18n.Has(key) {
			help = lang.T(key)
		}
		fmt.Fprintf(w, "  %-9s %s\n            %s\n", c.name, c.args, help)
	}
	fmt.Fprintln(w, lang.T("usage footer"))
}

func main() {
	if len(os.Args) < 2 {
		usage(os.Stderr)
		os.Exit(exitUsage)
	}
	name := os.Args[1]
	if isHelp(name) {
		usage(os.Stdout)
		return
	}
	if name == "--version" || name == "-version" || name == "-v" {
		name = "version"
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// The first Ctrl-C asks the command to finish cleanly; once it has
	// been seen, the default action is back, so a second one ends a
	// command stuck in a blocking read (a FIFO with no writer) at once.
	go func() {
		<-ctx.Done()
		stop()
	}()
	for _, c := range commands {
		if c.name != name {
			continue
		}
		os.Exit(finish(ctx, name, c.run(ctx, os.Args[2:]), os.Stderr))
	}
	fmt.Fprintf(os.Stderr, "mailwarden: %s\n\n", lang.T("unknown command", name))
	usage(os.Stderr)
	os.Exit(exitUsage)
}

// finish reports a command's error on w and returns the exit code.
func finish(ctx context.Context, name string, err error, w io.Writer) int {
	if err == nil {
		return exitOK
	}
	if ctx.Err() != nil && errors.Is(err, context.Canceled) {
		// Stopped by Ctrl-C or SIGTERM: say so, with the shell's code for
		// an interrupted command.
		fmt.Fprintf(w, "mailwarden %s: %s\n", name, lang.T("interrupted"))
		return exitInterrupted
	}
	var ec exitCode
	if errors.As(err, &ec) {
		if ec.msg != "" {
			fmt.Fprintf(w, "mailwarden %s: %s\n", name, ec.msg)
		}
		return ec.code
	}
	// The daemon's answers and "no daemon" in the user's language only.
	fmt.Fprintf(w, "mailwarden %s: %s\n", name, localapi.Localize(err, lang))
	var ue usageError
	switch {
	case errors.As(err, &ue):
		return exitUsage
	case isNotRunning(err):
		return exitNotRunning
	}
	return exitError
}

// newLogger logs to stderr as text, or as JSON with --log-format json.
func newLogger(format, level string) (*slog.Logger, error) {
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(level)); err != nil {
		return nil, usageError{lang.T("bad log level", level)}
	}
	opts := &slog.HandlerOptions{Level: lv}
	if os.Getenv("JOURNAL_STREAM") != "" && format == "text" {
		// Under systemd stderr goes to the journal, which stamps each line
		// itself: drop slog's time so it is not there twice.
		opts.ReplaceAttr = func(groups []string, a slog.Attr) slog.Attr {
			if len(groups) == 0 && a.Key == slog.TimeKey {
				return slog.Attr{}
			}
			return a
		}
	}
	switch format {
	case "text":
		return slog.New(slog.NewTextHandler(os.Stderr, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(os.Stderr, opts)), nil
	}
	return nil, usageError{lang.T("bad log format", format)}
}
