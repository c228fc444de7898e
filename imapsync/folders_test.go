package imapsync

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mailwarden/mailwarden/internal/dovecot"
)

func listNames(f *Folders) []string {
	var names []string
	for _, m := range f.All {
		names = append(names, m.Name)
	}
	slices.Sort(names)
	return names
}

func folders(t *testing.T, acct Account, create bool) *Folders {
	t.Helper()
	s, err := Dial(context.Background(), acct)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	f, err := s.Folders(context.Background(), create)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// moveOneSpam runs a watcher until one delivered spam was moved, and
// returns the client side of the protocol log of that run.
func moveOneSpam(t *testing.T, srv *dovecot.Server, acct Account, id string) string {
	t.Helper()
	h := newHandler()
	r := startWatcher(t, acct, NewMemState(), h)
	r.waitEvent(t, "watching", 1, 10*time.Second)
	save(t, srv, acct.Username, "INBOX", mail(id, "spam"))
	o := h.waitDone(t, id, 1, 10*time.Second)
	if o[0].Err != nil || o[0].JunkUID == 0 || o[0].HandledElsewhere {
		t.Fatalf("outcome %+v", o[0])
	}
	r.stop(t)
	return rawlog(t, srv, nil)
}

// Case 14 A: the \Junk folder is "Spam Email": found by special-use, moved
// to with the name quoted on the wire, and no folder of our own created.
func TestJunkSpecialUseWithSpace(t *testing.T) {
	t.Parallel()
	srv := startServer(t, dovecot.Options{JunkName: "Spam Email"})
	acct := testAccount(srv, user)
	before := folders(t, acct, false)
	f := folders(t, acct, true)
	if f.Junk != "Spam Email" || f.JunkBy != "special-use" {
		t.Fatalf("junk = %q by %s", f.Junk, f.JunkBy)
	}
	if !slices.Equal(listNames(before), listNames(f)) {
		t.Fatalf("mailboxes changed: %q → %q", listNames(before), listNames(f))
	}
	in := moveOneSpam(t, srv, acct, "<14a-spam@example.jp>")
	if !strings.Contains(in, ` "Spam Email"`) || !strings.Contains(in, "UID MOVE") {
		t.Errorf("no UID MOVE to \"Spam Email\" (quoted) in the protocol log:\n%s", in)
	}
	assertProtocolRules(t, in)
	assertPlaces(t, srv, user, map[string]string{"<14a-spam@example.jp>": "Spam Email"})
	if got := listNames(folders(t, acct, false)); !slices.Equal(got, listNames(f)) {
		t.Errorf("mailboxes changed by the move: %q", got)
	}
}

// Case 14 B and C: the \Junk folder is 迷惑メール (modified UTF-7 on the
// wire, decoded in Folders); a nested ゴミ箱/迷惑メール and R&D+2024 are
// decoded too; small also has a plain Junk (two candidates), yet moves go
// only to the \Junk one.
func TestJunkJapaneseName(t *testing.T) {
	t.Parallel()
	srv := startServer(t, dovecot.Options{JunkName: "迷惑メール"})
	if _, err := srv.Doveadm("mailbox", "create", "-u", user, "ゴミ箱/迷惑メール", "R&D+2024"); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.Doveadm("mailbox", "create", "-u", dovecot.SmallUser, "Junk"); err != nil {
		t.Fatal(err)
	}
	acct := testAccount(srv, user)
	f := folders(t, acct, true)
	names := listNames(f)
	for _, want := range []string{"迷惑メール", "ゴミ箱/迷惑メール", "R&D+2024"} {
		if !slices.Contains(names, want) {
			t.Errorf("decoded name %q missing from %q", want, names)
		}
	}
	if f.Junk != "迷惑メール" || f.JunkBy != "special-use" {
		t.Fatalf("junk = %q by %s", f.Junk, f.JunkBy)
	}
	if slices.Contains(f.Ham, "ゴミ箱/迷惑メール") || !slices.Contains(f.Ham, "R&D+2024") {
		t.Errorf("ham folders %q", f.Ham)
	}
	in := moveOneSpam(t, srv, acct, "<14b-spam@example.jp>")
	if !strings.Contains(in, "&j,dg0TDhMPww6w-") {
		t.Errorf("no modified UTF-7 junk name in the protocol log:\n%s", in)
	}
	assertProtocolRules(t, in) // includes: no raw UTF-8 byte
	assertPlaces(t, srv, user, map[string]string{"<14b-spam@example.jp>": "迷惑メール"})

	small := testAccount(srv, dovecot.SmallUser)
	fs := folders(t, small, true)
	if fs.Junk != "迷惑メール" || !slices.Equal(fs.JunkCandidates, []string{"Junk", "迷惑メール"}) && !slices.Equal(fs.JunkCandidates, []string{"迷惑メール", "Junk"}) {
		t.Fatalf("small: junk %q, candidates %q", fs.Junk, fs.JunkCandidates)
	}
	moveOneSpam(t, srv, small, "<14c-spam@example.jp>")
	assertPlaces(t, srv, dovecot.SmallUser, map[string]string{"<14c-spam@example.jp>": "迷惑メール"})
	if n := count(t, srv, dovecot.SmallUser, "Junk"); n != 0 {
		t.Errorf("plain Junk got %d messages", n)
	}

	// The user picks the nested folder in the settings: moves go there.
	acct.JunkFolder = "ゴミ箱/迷惑メール"
	if f := folders(t, acct, true); f.Junk != "ゴミ箱/迷惑メール" || f.JunkBy != "configured" {
		t.Fatalf("configured: %q by %s", f.Junk, f.JunkBy)
	}
	moveOneSpam(t, srv, acct, "<14d-spam@example.jp>")
	assertPlaces(t, srv, user, map[string]string{"<14d-spam@example.jp>": "ゴミ箱/迷惑メール"})
}

// Without any \Junk folder, a usual name is used; with none at all, Junk is
// created and subscribed, once.
func TestJunkByNameAndCreated(t *testing.T) {
	t.Parallel()
	srv := startServer(t, dovecot.Options{NoJunk: true})
	if _, err := srv.Doveadm("mailbox", "create", "-u", dovecot.SmallUser, "Spam"); err != nil {
		t.Fatal(err)
	}
	if f := folders(t, testAccount(srv, dovecot.SmallUser), true); f.Junk != "Spam" || f.JunkBy != "name" {
		t.Fatalf("small: junk %q by %s", f.Junk, f.JunkBy)
	}

	acct := testAccount(srv, user)
	before := folders(t, acct, false)
	if before.Junk != "" {
		t.Fatalf("junk before creation: %q", before.Junk)
	}
	f := folders(t, acct, true)
	if f.Junk != "Junk" || f.JunkBy != "created" || len(f.All) != len(before.All)+1 {
		t.Fatalf("junk %q by %s; %d → %d mailboxes", f.Junk, f.JunkBy, len(before.All), len(f.All))
	}
	out, err := srv.Doveadm("mailbox", "list", "-s", "-u", user)
	if err != nil || !slices.Contains(strings.Fields(string(out)), "Junk") {
		t.Fatalf("Junk not subscribed: %q %v", out, err)
	}
	if f := folders(t, acct, true); f.Junk != "Junk" || f.JunkBy != "name" || len(f.All) != len(before.All)+1 {
		t.Fatalf("second run: junk %q by %s, %d mailboxes", f.Junk, f.JunkBy, len(f.All))
	}
	moveOneSpam(t, srv, acct, "<created-spam@example.jp>")
	assertPlaces(t, srv, user, map[string]string{"<created-spam@example.jp>": "Junk"})
}
