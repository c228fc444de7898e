package daemon

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mailwarden/mailwarden/classifier"
	"github.com/mailwarden/mailwarden/internal/dovecot"
	"github.com/mailwarden/mailwarden/internal/dovecot/dovecottest"
)

// trainSynthetic teaches a token store in dir two kinds of mail: pills
// spam and meeting ham, so the test's spam scores as spam.
func trainSynthetic(t *testing.T, dir string) {
	t.Helper()
	m, err := classifier.Open(dir, classifier.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	for i := range 20 {
		m.Train([]byte(fmt.Sprintf("From: deals%d@pills.example\r\nSubject: cheap pills offer %d\r\n\r\nbuy cheap pills now, discount viagra offer, click here to order\r\n", i, i)), true)
		m.Train([]byte(fmt.Sprintf("From: colleague%d@example.jp\r\nSubject: meeting notes %d\r\n\r\nthe minutes of our project meeting are attached, see you tomorrow\r\n", i, i)), false)
	}
	if err := m.Save(); err != nil {
		t.Fatal(err)
	}
}

// In dry run the daemon judges and records what it would move, and moves
// nothing: the spam stays in INBOX, unflagged.
func TestDryRunMovesNothing(t *testing.T) {
	srv := dovecottest.Start(t, dovecot.Options{})
	dir := t.TempDir()
	trainSynthetic(t, dir)
	cfg := testConfig(t, srv)
	cfg.DryRun = true
	r := startDaemon(t, cfg, dir)
	waitFor(t, 30*time.Second, "watching", func() bool {
		st, ok, _ := r.d.Store().Folder("t", "INBOX")
		return ok && st.Trained
	})
	spam := "Message-ID: <dry-spam@pills.example>\r\nFrom: deals@pills.example\r\nSubject: cheap pills offer\r\n\r\nbuy cheap pills now, discount viagra offer, click here\r\n"
	if err := srv.Save("test", "INBOX", []byte(spam)); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 30*time.Second, "the spam judged", func() bool {
		acts, _ := r.d.Store().Actions(0)
		return len(acts) > 0
	})
	acts, _ := r.d.Store().Actions(0)
	r.stop()
	a := acts[len(acts)-1]
	if a.Action != "would-move" || a.Verdict != "spam" || !a.DryRun {
		t.Fatalf("dry run recorded %+v, want would-move of a spam", a)
	}
	msgs, err := srv.Messages("test", "INBOX")
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != 1 || msgs[0].MessageID != "<dry-spam@pills.example>" {
		t.Fatalf("INBOX after dry run: %+v", msgs)
	}
	for _, f := range msgs[0].Flags {
		if strings.Contains(strings.ToLower(f), "junk") || f == `\Seen` {
			t.Errorf("dry run set flag %s", f)
		}
	}
	if n, _ := srv.Count("test", "Junk"); n != 0 {
		t.Errorf("Junk holds %d messages after a dry run", n)
	}
}

// A corrupt state store is set aside, rebuilt from the server, and said in
// the status; the token store (the training) is kept.
func TestCorruptStateStoreRecovered(t *testing.T) {
	srv := dovecottest.Start(t, dovecot.Options{})
	dir := t.TempDir()
	trainSynthetic(t, dir)
	if err := os.WriteFile(filepath.Join(dir, StateFile), []byte(strings.Repeat("garbage!", 4096)), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := srv.Save("test", "INBOX", []byte("Message-ID: <old@example.jp>\r\nFrom: colleague@example.jp\r\nSubject: meeting notes\r\n\r\nminutes attached\r\n")); err != nil {
		t.Fatal(err)
	}
	r := startDaemon(t, testConfig(t, srv), dir)
	st := r.d.Status()
	if len(st.Warnings) == 0 || !strings.Contains(st.Warnings[0], "corrupt") {
		t.Fatalf("status warnings %q: want the corrupt store named", st.Warnings)
	}
	if st.Spam != 20 || st.Ham < 20 {
		t.Errorf("training lost with the state store: %d spam, %d ham", st.Spam, st.Ham)
	}
	waitFor(t, 30*time.Second, "sync state rebuilt", func() bool {
		f, ok, _ := r.d.Store().Folder("t", "INBOX")
		return ok && f.Trained && f.LastUID == 1
	})
	r.stop()
	aside, _ := filepath.Glob(filepath.Join(dir, StateFile+".corrupt-*"))
	if len(aside) != 1 {
		t.Errorf("the corrupt file was not kept aside: %v", aside)
	}
	if n, _ := srv.Count("test", "INBOX"); n != 1 {
		t.Errorf("INBOX holds %d after recovery, want the 1 message", n)
	}
}

// A spam campaign that reuses one Message-ID, or copies the Message-ID of a
// ham already judged, is still judged: the ledger matches a message only
// while that copy is still in INBOX and of the same size.
func TestReusedMessageIDIsJudged(t *testing.T) {
	srv := dovecottest.Start(t, dovecot.Options{})
	dir := t.TempDir()
	trainSynthetic(t, dir)
	r := startDaemon(t, testConfig(t, srv), dir)
	waitFor(t, 30*time.Second, "watching", func() bool {
		st, ok, _ := r.d.Store().Folder("t", "INBOX")
		return ok && st.Trained
	})
	spam := func(id, n string) string {
		return "Message-ID: " + id + "\r\nFrom: deals@pills.example\r\nSubject: cheap pills offer " + n + "\r\n\r\nbuy cheap pills now, discount viagra offer, click here to order " + n + "\r\n"
	}
	deliver := []string{
		spam("<campaign@bulk.example>", "one"),
		"Message-ID: <colleague@example.jp>\r\nFrom: colleague@example.jp\r\nSubject: meeting notes\r\n\r\nthe minutes of our project meeting are attached, see you tomorrow\r\n",
		spam("<campaign@bulk.example>", "two, longer"),
		spam("<colleague@example.jp>", "three"),
	}
	for i, raw := range deliver {
		if err := srv.Save("test", "INBOX", []byte(raw)); err != nil {
			t.Fatal(err)
		}
		waitFor(t, 30*time.Second, fmt.Sprintf("message %d judged", i+1), func() bool {
			acts, _ := r.d.Store().Actions(0)
			return len(acts) >= i+1
		})
	}
	r.stop()
	inbox, _ := srv.Messages("test", "INBOX")
	junk, _ := srv.Messages("test", "Junk")
	if len(inbox) != 1 || len(junk) != 3 {
		t.Fatalf("INBOX %d, Junk %d: want the ham in INBOX and all three spam in Junk", len(inbox), len(junk))
	}
}
