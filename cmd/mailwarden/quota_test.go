package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mailwarden/mailwarden/config"
	"github.com/mailwarden/mailwarden/daemon"
	"github.com/mailwarden/mailwarden/internal/dovecot"
	"github.com/mailwarden/mailwarden/internal/dovecot/dovecottest"
	"github.com/mailwarden/mailwarden/localapi"
	"github.com/mailwarden/mailwarden/quota"
)

// The report for people: used of limit with percent and level, an
// estimate said as such, the trend or that there is none, a stale report
// with its error, folders, biggest and oldest messages with sizes, and the
// mark of a date taken from INTERNALDATE; in English and Japanese.
func TestPrintQuota(t *testing.T) {
	d := time.Date(2005, 1, 1, 9, 0, 0, 0, time.UTC)
	reps := []localapi.QuotaReport{
		{Account: "work", Used: 1020 << 10, Limit: 1 << 20, Percent: 99.6, Level: "critical", FullIn: 23 * 24 * time.Hour, FullInDays: 23,
			Folders: []localapi.FolderSize{{Name: "Archive", Size: 1000 << 10, Messages: 41}, {Name: "INBOX", Size: 20 << 10, Messages: 1}},
			Biggest: []localapi.MessageSize{{Folder: "Archive", Size: 512 << 10, Date: d, From: "a@example.jp", Subject: "big one"}},
			Oldest:  []localapi.MessageSize{{Folder: "Junk", Size: 2 << 10, Date: d.AddDate(21, 0, 0), DateFromInternal: true, Subject: "bad date"}}},
		{Account: "home", Used: 13 << 30, Limit: 15 << 30, Percent: 86.7, Level: "warn", Estimated: true},
		{Account: "away", Used: 1 << 20, Limit: 2 << 20, Level: "ok", Stale: true, Time: d, Error: "connect to mail.example.jp:993: refused"},
		{Account: "new", Error: "login refused"},
	}
	var en, ja bytes.Buffer
	printQuota(&en, quota.EN, reps)
	printQuota(&ja, quota.JA, reps)
	t.Log("\n" + en.String() + "\n" + ja.String())
	for _, want := range []string{
		"work: 1020.0 KiB of 1.0 MiB used (99.6%, critical)", "full in about 23 days", "Biggest folders:",
		"Archive  1000.0 KiB      41", "INBOX      20.0 KiB       1", "512.0 KiB  2005-01-01  Archive  a@example.jp — big one", "2026-01-01*  2.0 KiB  Junk  bad date",
		"* arrival date", "home: 13.0 GiB of 15.0 GiB used (86.7%, warn)", "Estimated: the server does not report a quota, so the limit is the 15.0 GiB",
		"No estimate of when it will be full", "earlier check", "mail.example.jp:993: refused",
		"new: login refused\n  could not read this account's storage: check its host, port and password and the network; `mailwarden status` shows the account's state and error\n",
	} {
		if !strings.Contains(en.String(), want) {
			t.Errorf("English report lacks %q", want)
		}
	}
	for _, want := range []string{"1.0 MiB 中 1020.0 KiB 使用（99.6%、危険）", "このアカウントの容量を読み取れませんでした", "約 23 日で満杯", "大きいフォルダー:", "推定値", "到着日時"} {
		if !strings.Contains(ja.String(), want) {
			t.Errorf("Japanese report lacks %q", want)
		}
	}
}

func TestCleanupCommandLine(t *testing.T) {
	for _, args := range [][]string{{}, {"inbox"}, {"junk", "trash"}, {"junk", "--older-than", "-3"}, {"junk", "--json"}} {
		if err := cmdCleanup(context.Background(), args); !errors.As(err, new(usageError)) {
			t.Errorf("%q: %v, want a usage error", args, err)
		}
	}
}

// The commands against a running daemon on a real server: `quota` shows
// the folders; `cleanup junk` counts, and deletes nothing on "n"; on "y"
// it deletes the junk and nothing else and says how much it freed;
// `cleanup trash --yes --json` deletes without asking; a second clean-up
// finds nothing to delete.
func TestQuotaAndCleanupAgainstDaemon(t *testing.T) {
	if testing.Short() {
		t.Skip("runs Dovecot")
	}
	srv := dovecottest.Start(t, dovecot.Options{})
	for i := range 3 {
		for _, box := range []string{"INBOX", "Archive", "Junk"} {
			raw := fmt.Appendf(nil, "From: a@example.jp\r\nSubject: %s %d\r\nMessage-ID: <%s-%d@x>\r\n\r\n%s\r\n", box, i, box, i, strings.Repeat("body ", 2000))
			if err := srv.Save(dovecot.User, box, raw); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := srv.Save(dovecot.User, "Trash", []byte("Subject: t\r\nMessage-ID: <t@x>\r\n\r\nx\r\n")); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	ca, pw := filepath.Join(dir, "ca.pem"), filepath.Join(dir, "pw")
	os.WriteFile(ca, srv.CertPEM(), 0o644)
	os.WriteFile(pw, []byte(dovecot.Password), 0o600)
	host, port, _ := strings.Cut(srv.IMAPSAddr, ":")
	cfg, err := config.Parse(filepath.Join(dir, "config.toml"), fmt.Appendf(nil,
		"[[account]]\nname = \"work\"\nhost = %q\nport = %s\nca_file = %q\nusername = \"test\"\npassword_file = %q\n", host, port, ca, pw))
	if err != nil {
		t.Fatal(err)
	}
	sock := filepath.Join(dir, "api.sock")
	d, err := daemon.New(daemon.Options{Config: cfg, StoreDir: filepath.Join(dir, "store"), Socket: sock, Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- d.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	c := localapi.NewClient(sock)
	for start := time.Now(); ; time.Sleep(20 * time.Millisecond) {
		if _, err := c.Status(ctx); err == nil {
			break
		} else if time.Since(start) > 10*time.Second {
			t.Fatal(err)
		}
	}
	count := func(box string) int {
		n, err := srv.Count(dovecot.User, box)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}

	reps, err := c.Quota(ctx)
	if err != nil || len(reps) != 1 {
		t.Fatalf("quota: %+v %v", reps, err)
	}
	var out bytes.Buffer
	printQuota(&out, quota.EN, reps)
	if s := out.String(); !strings.Contains(s, "work: ") || !strings.Contains(s, "of 15.0 MiB used") || !strings.Contains(s, "Junk") || !strings.Contains(s, "Biggest messages:") {
		t.Errorf("quota output:\n%s", s)
	}

	out.Reset()
	dry := cleanupOptions{req: localapi.CleanupRequest{Folder: "junk"}, dryRun: true}
	if err := runCleanup(ctx, c, dry, strings.NewReader(""), &out, quota.EN); err != nil {
		t.Fatal(err)
	}
	if s := out.String(); !strings.HasPrefix(s, "work: 3 messages in Junk") || !strings.HasSuffix(s, "\ndry run: nothing deleted\n") || count("Junk") != 3 {
		t.Errorf("dry run:\n%s", s)
	}
	out.Reset()
	junk := cleanupOptions{req: localapi.CleanupRequest{Folder: "junk"}}
	if err := runCleanup(ctx, c, junk, strings.NewReader("n\n"), &out, quota.EN); err != nil {
		t.Fatal(err)
	}
	if s := out.String(); !strings.Contains(s, "work: 3 messages in Junk") || !strings.Contains(s, "[y/N]") || !strings.Contains(s, "Nothing was deleted.") || count("Junk") != 3 {
		t.Fatalf("answered no:\n%s", s)
	}
	out.Reset()
	if err := runCleanup(ctx, c, junk, strings.NewReader("y\n"), &out, quota.EN); err != nil {
		t.Fatal(err)
	}
	if s := out.String(); !strings.Contains(s, "work: deleted 3 messages") || !strings.Contains(s, "from Junk; freed ") {
		t.Fatalf("answered yes:\n%s", s)
	}
	if count("Junk") != 0 || count("INBOX") != 3 || count("Archive") != 3 || count("Trash") != 1 {
		t.Errorf("after emptying Junk: INBOX %d Archive %d Junk %d Trash %d", count("INBOX"), count("Archive"), count("Junk"), count("Trash"))
	}
	t.Log(out.String())

	out.Reset()
	trash := cleanupOptions{req: localapi.CleanupRequest{Folder: "trash"}, yes: true, json: true}
	if err := runCleanup(ctx, c, trash, strings.NewReader(""), &out, quota.EN); err != nil {
		t.Fatal(err)
	}
	var got []localapi.CleanupReport
	if err := json.Unmarshal(out.Bytes(), &got); err != nil || len(got) != 1 || got[0].Messages != 1 || got[0].Folder != "Trash" || got[0].DryRun {
		t.Fatalf("--yes --json: %v %s", err, out.String())
	}
	if count("Trash") != 0 || count("INBOX") != 3 || count("Archive") != 3 {
		t.Errorf("after emptying Trash: INBOX %d Archive %d Trash %d", count("INBOX"), count("Archive"), count("Trash"))
	}
	out.Reset()
	if err := runCleanup(ctx, c, junk, strings.NewReader(""), &out, quota.JA); err != nil || !strings.Contains(out.String(), "削除するものはありません") {
		t.Errorf("nothing left: %v %q", err, out.String())
	}

	// The server down: where to look, and that nothing happened.
	if err := srv.Stop(); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	err = runCleanup(ctx, c, dry, strings.NewReader(""), &out, quota.EN)
	if ec, ok := err.(exitCode); !ok || ec.code != exitError {
		t.Errorf("dry run with the server down: %v, want exit %d", err, exitError)
	}
	if s := out.String(); !strings.HasPrefix(s, "work: the server could not be reached (connect to "+srv.IMAPSAddr+": ") ||
		!strings.Contains(s, "): nothing was done; check the network, and `mailwarden status` for the account's state\n") {
		t.Errorf("dry run with the server down:\n%s", s)
	}
}
