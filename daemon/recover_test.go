package daemon

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mailwarden/mailwarden/classifier"
	"github.com/mailwarden/mailwarden/config"
	"github.com/mailwarden/mailwarden/internal/dovecot"
	"github.com/mailwarden/mailwarden/internal/dovecot/dovecottest"
)

// tokenCounts reads the messages counted in dir's token store.
func tokenCounts(t *testing.T, dir string) (spam, ham uint32) {
	t.Helper()
	m, err := classifier.Open(dir, classifier.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	s, h := m.Counts()
	return uint32(s), uint32(h)
}

// seededServer starts Dovecot seeded by seedServer, with fast learning,
// and returns it, an account on it and an empty data directory.
func seededServer(t *testing.T) (*dovecot.Server, *config.Config, string) {
	t.Helper()
	fastLearn(t, 200*time.Millisecond)
	srv := dovecottest.Start(t, dovecot.Options{})
	seedServer(t, srv)
	return srv, testConfig(t, srv), t.TempDir()
}

// seedServer puts 5 spam in Junk, and 5 ham and 1 spam (the user never
// moved it) in INBOX.
func seedServer(t *testing.T, srv *dovecot.Server) {
	t.Helper()
	for i := range 5 {
		spam := fmt.Sprintf("Message-ID: <spam%d@pills.example>\r\nFrom: deals%d@pills.example\r\nSubject: cheap pills offer %d\r\n\r\nbuy cheap pills now, discount offer %d\r\n", i, i, i, i)
		ham := fmt.Sprintf("Message-ID: <ham%d@example.jp>\r\nFrom: colleague%d@example.jp\r\nSubject: meeting notes %d\r\n\r\nthe minutes of meeting %d are attached\r\n", i, i, i, i)
		if err := srv.Save("test", "Junk", []byte(spam)); err != nil {
			t.Fatal(err)
		}
		if err := srv.Save("test", "INBOX", []byte(ham)); err != nil {
			t.Fatal(err)
		}
	}
	if err := srv.Save("test", "INBOX", []byte("Message-ID: <left@pills.example>\r\nFrom: deals@pills.example\r\nSubject: cheap pills\r\n\r\nbuy cheap pills now\r\n")); err != nil {
		t.Fatal(err)
	}
}

// runUntilSynced starts a daemon on dir, waits for its first start and
// for the learning connection to settle, and stops it.
func runUntilSynced(t *testing.T, cfg *config.Config, dir string) (warnings []string) {
	t.Helper()
	r := startDaemon(t, cfg, dir)
	warnings = r.d.Status().Warnings
	waitOnline(t, r.d)
	settled(t, r.d, 200*time.Millisecond)
	if err := r.d.Save(); err != nil {
		t.Fatal(err)
	}
	r.stop()
	return warnings
}

// A state store set aside as corrupt (cut to 8192 bytes, where bbolt used
// to panic; emptied; cut to 100 bytes) is rebuilt from the server without
// training the mail there again: the token store already holds it. Before,
// each recovery added every message once more (and the spam left in INBOX
// as ham). A fresh install still trains on its first start, even over a
// token store trained by hand.
func TestRecoveryDoesNotTrainAgain(t *testing.T) {
	srv, cfg, dir := seededServer(t)
	if w := runUntilSynced(t, cfg, dir); len(w) != 0 {
		t.Fatalf("fresh start warned %q", w)
	}
	spam, ham := tokenCounts(t, dir)
	if spam != 5 || ham != 6 {
		t.Fatalf("first start trained %d spam, %d ham; want 5 and 6", spam, ham)
	}
	state := filepath.Join(dir, StateFile)
	for _, damage := range []struct {
		name string
		size int64
	}{{"cut to 8192 bytes", 8192}, {"emptied", 0}, {"cut to 100 bytes", 100}} {
		if fi, err := os.Stat(state); err != nil || fi.Size() <= damage.size {
			t.Fatalf("%s: state store %v %v", damage.name, fi, err)
		}
		if err := os.Truncate(state, damage.size); err != nil {
			t.Fatal(err)
		}
		w := runUntilSynced(t, cfg, dir)
		if len(w) != 2 || !strings.Contains(w[0], "was corrupt") || !strings.Contains(w[1], "trained on 5 spam, 6 ham") {
			t.Errorf("%s: warnings %q, want the recovery and the training kept", damage.name, w)
		}
		if s, h := tokenCounts(t, dir); s != 5 || h != 6 {
			t.Errorf("%s: token store counts %d spam, %d ham after the recovery; want 5 and 6, as before", damage.name, s, h)
		}
		d, err := New(Options{Config: cfg, StoreDir: dir})
		if err != nil {
			t.Fatal(err)
		}
		inbox, _, _ := d.Store().Folder("t", "INBOX")
		h, known, _ := d.Store().Handled("t", "<left@pills.example>")
		acts, _ := d.Store().Actions(0)
		marks, _ := d.Store().Rebuilt()
		d.Store().Close()
		if !marks["t"] || len(marks) != 1 {
			t.Errorf("%s: rebuilt marks %v, want account t (kept, so an interrupted rebuild trains nothing either)", damage.name, marks)
		}
		if !inbox.Trained || inbox.LastUID != 6 {
			t.Errorf("%s: INBOX state %+v, want the first start done at UID 6", damage.name, inbox)
		}
		if !known || h.Action != "rebuilt" || h.Verdict != "ham" {
			t.Errorf("%s: the spam left in INBOX is %+v %v in the handled ledger, want rebuilt", damage.name, h, known)
		}
		if len(acts) != 0 {
			t.Errorf("%s: the rebuild judged old mail: %+v", damage.name, acts)
		}
	}
	if n, _ := srv.Count("test", "INBOX"); n != 6 {
		t.Errorf("INBOX holds %d messages, want the 6 seeded", n)
	}
	// An account removed from the config loses its mark: added again, it
	// is new and trains.
	r := startDaemon(t, cfg, dir)
	r.d.applyConfig(&config.Config{Version: 1})
	marks, _ := r.d.Store().Rebuilt()
	r.stop()
	if len(marks) != 0 {
		t.Errorf("rebuilt marks %v after the account was removed", marks)
	}

	// A fresh install over a token store trained by `mailwarden train`.
	fresh := t.TempDir()
	trainSynthetic(t, fresh)
	runUntilSynced(t, cfg, fresh)
	if s, h := tokenCounts(t, fresh); s != 25 || h != 26 {
		t.Errorf("fresh install over a trained token store: %d spam, %d ham; want 20+5 and 20+6", s, h)
	}
}

// The advice `mailwarden run` gives for a corrupt tokens.db works: with
// tokens.db and state.db both moved aside the daemon's first start learns
// again from the server. With tokens.db alone moved aside it would not: the
// state store says the first start is done.
func TestCorruptTokenStoreAdviceTrainsAgain(t *testing.T) {
	_, cfg, dir := seededServer(t)
	runUntilSynced(t, cfg, dir)
	tokens, state := filepath.Join(dir, classifier.StoreFile), filepath.Join(dir, StateFile)
	if err := os.WriteFile(tokens, []byte("MWTOKENS garbage"), 0o600); err != nil {
		t.Fatal(err)
	}
	var ce *classifier.CorruptError
	if _, err := New(Options{Config: cfg, StoreDir: dir}); !errors.As(err, &ce) || ce.Path != tokens {
		t.Fatalf("New over a corrupt token store: %v, want a *classifier.CorruptError naming %s", err, tokens)
	}
	if err := os.Rename(tokens, tokens+".bad"); err != nil {
		t.Fatal(err)
	}
	runUntilSynced(t, cfg, dir)
	if s, h := tokenCounts(t, dir); s != 0 || h != 0 {
		t.Errorf("tokens.db alone moved aside: %d spam, %d ham trained; the state store should have said the first start was done", s, h)
	}
	for _, p := range []string{tokens, state} {
		if err := os.Rename(p, p+".bad2"); err != nil && !errors.Is(err, os.ErrNotExist) { // nothing trained, no tokens.db written
			t.Fatal(err)
		}
	}
	runUntilSynced(t, cfg, dir)
	if s, h := tokenCounts(t, dir); s != 5 || h != 6 {
		t.Errorf("both stores moved aside: the first start trained %d spam, %d ham; want 5 and 6", s, h)
	}
}
