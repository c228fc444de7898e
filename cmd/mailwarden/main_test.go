package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
)

func TestFinishExitCodes(t *testing.T) {
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	live := context.Background()
	for _, c := range []struct {
		ctx  context.Context
		err  error
		code int
		say  string
	}{
		{live, nil, exitOK, ""},
		{canceled, fmt.Errorf("classify: %w", context.Canceled), exitInterrupted, "mailwarden x: interrupted\n"},
		{live, context.Canceled, exitError, "mailwarden x: context canceled\n"}, // not ours: a plain error
		{live, usageError{"bad flag"}, exitUsage, "mailwarden x: bad flag\n"},
		{live, exitCode{exitAccount, ""}, exitAccount, ""},
		{live, errors.New("boom"), exitError, "mailwarden x: boom\n"},
	} {
		var b strings.Builder
		if code := finish(c.ctx, "x", c.err, &b); code != c.code || b.String() != c.say {
			t.Errorf("%v: exit %d %q, want %d %q", c.err, code, b.String(), c.code, c.say)
		}
	}
}

// `mailwarden --help` names the flags the README names, and the README's
// command table has every command.
func TestHelpAndREADMEListEveryCommand(t *testing.T) {
	var b strings.Builder
	usage(&b)
	for _, want := range []string{"demo      [--corpus FILE] [--deliver N] [--interval D] [--work DIR] [--report FILE]", "import-thunderbird [--store DIR] [--full] [--again]"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("usage lacks %q:\n%s", want, b.String())
		}
	}
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range commands {
		if !strings.Contains(string(readme), "| `mailwarden "+c.name) && !strings.Contains(string(readme), ", `"+c.name+"`") {
			t.Errorf("README's command table lacks %s", c.name)
		}
	}
}
