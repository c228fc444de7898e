package daemon

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/mailwarden/mailwarden/config"
	"github.com/mailwarden/mailwarden/i18n"
	"github.com/mailwarden/mailwarden/imapsync"
	"github.com/mailwarden/mailwarden/localapi"
	"github.com/mailwarden/mailwarden/store"
)

// An unreachable server: status says when the next try comes and why in
// the user's words (no "end IDLE: use of closed network connection"), the
// JSON has next_retry then and none without a retry; an untrained
// classifier is warned of; a paused daemon refuses sync with the fix.
func TestOfflineStatusSaysWhenAndWhy(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close() // nobody listens there now: connection refused
	t.Setenv("MW_TEST_OFFLINE_PW", "secret")
	cfg, err := config.Parse("test.toml", fmt.Appendf(nil, "[[account]]\nname = \"work\"\nhost = \"127.0.0.1\"\nport = %d\nusername = \"u\"\npassword_env = \"MW_TEST_OFFLINE_PW\"\n", port))
	if err != nil {
		t.Fatal(err)
	}
	r := startDaemon(t, cfg, t.TempDir())
	defer r.stop()
	d := r.d
	var a localapi.AccountStatus
	waitFor(t, 10*time.Second, "the account to go offline with a retry time", func() bool {
		st := d.Status()
		if len(st.Accounts) != 1 {
			return false
		}
		a = st.Accounts[0]
		return a.State == localapi.StateOffline && !a.NextRetry.IsZero()
	})
	if until := time.Until(a.NextRetry); until < -time.Second || until > 5*time.Second {
		t.Errorf("next retry %v from now, want within the first short delays", until)
	}
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	if want := addr + " did not answer (connection refused)"; a.Error != want {
		t.Errorf("offline error %q, want %q", a.Error, want)
	}
	if got, want := i18n.Localize(a.Error, i18n.Ja, a.ErrorTexts), addr+" が応答しません（connection refused）"; got != want {
		t.Errorf("in Japanese %q, want %q", got, want)
	}
	js, _ := json.Marshal(a)
	if !strings.Contains(string(js), `"next_retry":"`) || strings.Contains(string(js), "0001-01-01") {
		t.Errorf("offline JSON %s", js)
	}
	js, _ = json.Marshal(localapi.AccountStatus{Name: "x", State: localapi.StateOnline})
	if strings.Contains(string(js), "next_retry") {
		t.Errorf("JSON of an account with no retry names one: %s", js)
	}

	// The classifier knows nothing yet: nothing will be moved, and how to
	// teach it.
	st := d.Status()
	var warned bool
	for i, w := range st.Warnings {
		if strings.HasPrefix(w, "the classifier has not learned both kinds yet (0 spam, 0 ham): it moves nothing to Junk") &&
			strings.Contains(w, "`mailwarden train --spam DIR --ham DIR`") {
			warned = true
			if ja := st.WarningTexts[i].In(i18n.Ja); !strings.HasPrefix(ja, "分類器はまだ両方の種類を学習していません（迷惑メール 0 通、通常メール 0 通）") {
				t.Errorf("untrained warning in Japanese: %q", ja)
			}
		}
	}
	if !warned || len(st.WarningTexts) != len(st.Warnings) {
		t.Errorf("no untrained warning (or texts out of step): %q %+v", st.Warnings, st.WarningTexts)
	}

	// Offline, sync tries now (no error); paused, sync refuses and says
	// how to resume.
	if err := d.SyncNow("work"); err != nil {
		t.Errorf("sync while offline: %v", err)
	}
	d.SetPaused(true)
	err = d.SyncNow("work")
	var p *localapi.Problem
	if !errors.As(err, &p) || p.Text.In(i18n.En) != "account \"work\" is paused: resume it first (`mailwarden resume`)" {
		t.Errorf("sync while paused: %v", err)
	}
	if err := d.SyncNow(""); !errors.As(err, &p) || p.Text.In(i18n.En) != "filtering is paused: resume it first (`mailwarden resume`)" {
		t.Errorf("sync of all while paused: %v", err)
	}
	d.SetPaused(false)
}

// The words of an offline account: the network's reason for a server
// that did not answer, the server's text for its own refusal, and only
// "lost" for a connection that broke (the internals stay in the log).
func TestOfflineErrorWords(t *testing.T) {
	refused := fmt.Errorf("connect to h:993: %w", &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)})
	for _, c := range []struct {
		err  error
		want string
	}{
		{refused, "h:993 did not answer (connection refused)"},
		{fmt.Errorf("connect to h:993: %w", &net.DNSError{Err: "no such host", Name: "h", IsNotFound: true}), "h:993 did not answer (no such host)"},
		{fmt.Errorf("end IDLE: %w", net.ErrClosed), "the connection to h:993 was lost"},
		{fmt.Errorf("greeting of h:993: %w", io.ErrUnexpectedEOF), "the connection to h:993 was lost"},
		{fmt.Errorf("SELECT: %w", &imap.Error{Type: imap.StatusResponseTypeBye, Text: "Server shutting down."}), "h:993 ended the session (Server shutting down.)"},
	} {
		got := offlineError(c.err, "h", 993)
		if got.Error() != c.want {
			t.Errorf("%v: %q, want %q", c.err, got, c.want)
		}
		if !errors.Is(got, c.err) {
			t.Errorf("%v: the worded error lost the cause", c.err)
		}
	}
}

// A failed user retry never lengthens a permanent failure's wait, and a
// spell online starts it from the minimum again.
func TestFailBackoff(t *testing.T) {
	now := time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)
	b := failBackoff{wait: failBackoffMin}
	if d := b.next(now, false); d != time.Minute {
		t.Fatalf("first wait %v", d)
	}
	if d := b.next(now, false); d != 2*time.Minute {
		t.Fatalf("second wait %v", d)
	}
	due := now.Add(2 * time.Minute)
	b.woken = true // `sync` cut it short; the login failed again
	if d := b.next(now.Add(30*time.Second), false); !now.Add(30 * time.Second).Add(d).Equal(due) {
		t.Errorf("after a failed sync the retry moved to %v, want %v", now.Add(30*time.Second).Add(d), due)
	}
	if d := b.next(due, false); d != 4*time.Minute {
		t.Errorf("timed retry after the sync: %v, want 4m", d)
	}
	if d := b.next(due, true); d != time.Minute {
		t.Errorf("after a spell online: %v, want 1m", d)
	}
}

// A configured junk folder the server does not have is a note of the
// account, naming the folder used instead and the fix, in both languages.
func TestJunkFolderNote(t *testing.T) {
	d := &Daemon{cfg: &config.Config{Path: "/home/u/.config/mailwarden/config.toml"}}
	s := &supervisor{d: d}
	if n := s.junkNote(imapsync.Report{State: imapsync.StateWatching}); n != nil {
		t.Errorf("note without a missing folder: %v", n)
	}
	s.setNotes(s.junkNote(imapsync.Report{State: imapsync.StateWatching, JunkMissing: "迷惑メール", JunkUsed: "Junk"}))
	st := s.snapshot()
	want := "the junk folder \"迷惑メール\" set in the config does not exist on the server: spam goes to \"Junk\" instead; create \"迷惑メール\" on the server, or change junk_folder in /home/u/.config/mailwarden/config.toml (or remove the line to use \"Junk\"), then run `mailwarden reload`"
	if len(st.Notes) != 1 || st.Notes[0] != want {
		t.Fatalf("notes %q, want %q", st.Notes, want)
	}
	if ja := st.NoteTexts[0].In(i18n.Ja); !strings.HasPrefix(ja, "設定の迷惑メールフォルダー \"迷惑メール\" がサーバーにありません。代わりに \"Junk\" へ移しています") {
		t.Errorf("note in Japanese: %q", ja)
	}
}

// MOVED never exceeds JUDGED: a move in flight at a restart, resolved by
// the next run (its verdict no longer in memory), counts as judged too; a
// failed move counted once is not counted again when its retry succeeds.
func TestMovedNeverExceedsJudged(t *testing.T) {
	s := &supervisor{}
	h := &handler{s: s}
	done := func(k string, judged, moved, failed bool) {
		s.count(h.countJudged(k, judged, moved, failed), moved)
	}
	done("a/1/1", true, true, false)   // judged and moved
	done("a/1/2", true, false, false)  // judged, left in INBOX
	done("a/1/3", false, true, false)  // a pending move from before the restart, completed
	done("a/1/4", true, false, true)   // the move failed: told once...
	done("a/1/4", false, true, false)  // ...and its retry moved it
	done("a/1/5", false, false, false) // a message another PC handled, not judged here
	st := s.snapshot()
	if st.Judged != 4 || st.Moved != 3 {
		t.Errorf("judged %d moved %d, want 4 and 3", st.Judged, st.Moved)
	}
}

// A move in flight when the daemon stopped, found done by the next run
// (the message is in Junk, gone from INBOX): the new run has no verdict
// for it in memory; it counts it as judged as well as moved, so MOVED
// never exceeds JUDGED (status showed JUDGED 218, MOVED 219).
func TestMovedNotAboveJudgedAfterRestart(t *testing.T) {
	srv, cfg, dir := seededServer(t)
	r := startDaemon(t, cfg, dir)
	waitOnline(t, r.d)
	r.stop()

	if err := srv.Save("test", "Junk", []byte("Message-ID: <inflight@pills.example>\r\nFrom: deals@pills.example\r\nSubject: cheap pills again\r\n\r\nbuy cheap pills now\r\n")); err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(filepath.Join(dir, StateFile))
	if err != nil {
		t.Fatal(err)
	}
	inbox, ok, err := st.Folder("t", "INBOX")
	if err != nil || !ok {
		t.Fatalf("INBOX state: %v %v", ok, err)
	}
	p := imapsync.PendingMove{Mailbox: "INBOX", UIDValidity: inbox.UIDValidity, UID: inbox.LastUID + 1,
		MessageID: "<inflight@pills.example>", Started: time.Now().Add(-time.Minute)}
	if err := st.SetPending("t", p); err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}

	r = startDaemon(t, cfg, dir)
	defer r.stop()
	var a localapi.AccountStatus
	waitFor(t, 30*time.Second, "the pending move to be resolved", func() bool {
		accts := r.d.Status().Accounts
		if len(accts) != 1 {
			return false
		}
		a = accts[0]
		return a.Moved > 0
	})
	if a.Moved != 1 || a.Judged != 1 {
		t.Errorf("after a restart with a move in flight: judged %d, moved %d; want 1 and 1", a.Judged, a.Moved)
	}
	if n, _ := srv.Count("test", "Junk"); n != 6 {
		t.Errorf("Junk holds %d, want the 5 seeded and the one moved", n)
	}
}
