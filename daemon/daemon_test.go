package daemon

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mailwarden/mailwarden/config"
	"github.com/mailwarden/mailwarden/internal/corpus"
	"github.com/mailwarden/mailwarden/internal/demo"
	"github.com/mailwarden/mailwarden/internal/dovecot"
	"github.com/mailwarden/mailwarden/internal/dovecot/dovecottest"
	"github.com/mailwarden/mailwarden/store"
)

// testConfig points one account at srv over implicit TLS, trusting its
// self-signed certificate.
func testConfig(t *testing.T, srv *dovecot.Server) *config.Config {
	t.Helper()
	ca := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(ca, srv.CertPEM(), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("MW_TEST_PASSWORD", "secret")
	host, port, _ := strings.Cut(srv.IMAPSAddr, ":")
	c, err := config.Parse("test.toml", []byte(fmt.Sprintf(`
[[account]]
name = "t"
host = %q
port = %s
ca_file = %q
username = "test"
password_env = "MW_TEST_PASSWORD"
train_cap = 100000
poll_interval = "2s"
`, host, port, ca)))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// running is a daemon started in-process for a test.
type running struct {
	d    *Daemon
	stop func()
}

func startDaemon(t *testing.T, cfg *config.Config, dir string) *running {
	t.Helper()
	d, err := New(Options{Config: cfg, StoreDir: dir, Log: slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelInfo}))})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- d.Run(ctx) }()
	r := &running{d: d}
	r.stop = func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("daemon Run: %v", err)
		}
	}
	return r
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// waitFor polls cond until it holds or the timeout passes.
func waitFor(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", timeout, what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// locate maps every Message-ID on the server to the folders holding it and
// reports \Seen flags.
func locate(t *testing.T, srv *dovecot.Server) (map[string][]string, int) {
	t.Helper()
	out, err := srv.Doveadm("-f", "tab", "fetch", "-u", "test", "mailbox flags hdr.message-id", "all")
	if err != nil {
		t.Fatal(err)
	}
	where := map[string][]string{}
	seen := 0
	for i, line := range strings.Split(string(out), "\n") {
		f := strings.SplitN(line, "\t", 3)
		if i == 0 || len(f) < 3 {
			continue
		}
		where[strings.TrimSpace(f[2])] = append(where[strings.TrimSpace(f[2])], f[0])
		if strings.Contains(f[1], `\Seen`) {
			seen++
		}
	}
	return where, seen
}

// TestMainJobAgainstDovecot is the main job end to end on real mail: train
// from the mail already on the server, deliver a labelled batch, and check on
// the server that spam went to Junk and ham stayed, nothing was lost,
// duplicated or marked read, and that a restart processes nothing twice.
func TestMainJobAgainstDovecot(t *testing.T) {
	arch, err := corpus.Shared(".", "spamassassin")
	if err != nil {
		t.Skipf("needs the shared corpus: %v", err)
	}
	all, err := corpus.Load(arch, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	const nTrain, nLive = 1500, 80
	train, live := all[:nTrain], all[len(all)-nLive:]

	srv := dovecottest.Start(t, dovecot.Options{ExtraConf: "plugin {\n  quota_rule = *:storage=1G\n}\n"})
	if _, _, err := demo.Seed(context.Background(), srv, train, map[string]bool{}); err != nil {
		t.Fatal(err)
	}
	inbox0, _ := srv.Count("test", "INBOX")
	junk0, _ := srv.Count("test", "Junk")

	cfg := testConfig(t, srv)
	dir := t.TempDir()
	r := startDaemon(t, cfg, dir)
	waitFor(t, 2*time.Minute, "first-start training", func() bool {
		st, ok, _ := r.d.Store().Folder("t", "INBOX")
		return ok && st.Trained
	})
	if s, h := r.d.Model().Counts(); s < 300 || h < 800 {
		t.Fatalf("first start trained %d spam, %d ham; want about all of the %d seeded", s, h, nTrain)
	}

	isSpam := map[string]bool{}
	for i, m := range live {
		raw, err := corpus.ReadMail(m.Path)
		if err != nil {
			t.Fatal(err)
		}
		id := fmt.Sprintf("<live-%d@mailwarden.test>", i)
		raw = append([]byte("Message-ID: "+id+"\r\n"), raw...)
		if err := srv.Save("test", "INBOX", raw); err != nil {
			t.Fatal(err)
		}
		isSpam[id] = m.Spam
	}
	actionsFor := func() int {
		acts, err := r.d.Store().Actions(0)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, a := range acts {
			if _, ok := isSpam[a.MessageID]; ok {
				n++
			}
		}
		return n
	}
	waitFor(t, time.Minute, "every delivered message judged", func() bool { return actionsFor() == nLive })
	before, err := r.d.Store().Actions(0)
	if err != nil {
		t.Fatal(err)
	}
	r.stop()

	where, seen := locate(t, srv)
	var spam, spamInJunk, hamInJunk int
	for id, s := range isSpam {
		if n := len(where[id]); n != 1 {
			t.Errorf("%s is in %d folders %v, want exactly 1", id, n, where[id])
			continue
		}
		inJunk := where[id][0] == "Junk"
		switch {
		case s:
			spam++
			if inJunk {
				spamInJunk++
			}
		case inJunk:
			hamInJunk++
		}
	}
	t.Logf("delivered %d (%d spam): spam moved %d, ham moved %d", nLive, spam, spamInJunk, hamInJunk)
	if seen != 0 {
		t.Errorf("%d messages carry \\Seen; mailwarden must never mark mail read", seen)
	}
	if hamInJunk > 1 {
		t.Errorf("%d ham moved to Junk, want at most 1 of %d", hamInJunk, nLive-spam)
	}
	if spam == 0 || float64(spamInJunk) < 0.8*float64(spam) {
		t.Errorf("only %d of %d spam moved to Junk, want at least 80%%", spamInJunk, spam)
	}
	inbox1, _ := srv.Count("test", "INBOX")
	junk1, _ := srv.Count("test", "Junk")
	if inbox1+junk1 != inbox0+junk0+nLive || junk1-junk0 != spamInJunk+hamInJunk {
		t.Errorf("folder totals: INBOX %d->%d, Junk %d->%d after %d deliveries", inbox0, inbox1, junk0, junk1, nLive)
	}

	// A restart processes nothing twice: no new action, no new training, and
	// the next message is still handled.
	r2 := startDaemon(t, cfg, dir)
	s0, h0 := r2.d.Model().Counts()
	extra := []byte("Message-ID: <after-restart@mailwarden.test>\r\nFrom: a@example.com\r\nSubject: hello\r\n\r\nhello\r\n")
	time.Sleep(time.Second) // let it reconnect and look at INBOX first
	if err := srv.Save("test", "INBOX", extra); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 30*time.Second, "the message delivered after the restart judged", func() bool {
		acts, _ := r2.d.Store().Actions(0)
		return len(acts) > len(before)
	})
	time.Sleep(time.Second)
	after, _ := r2.d.Store().Actions(0)
	if len(after) != len(before)+1 || after[len(after)-1].MessageID != "<after-restart@mailwarden.test>" {
		t.Errorf("after restart: %d new actions, want exactly the one new message", len(after)-len(before))
	}
	if s1, h1 := r2.d.Model().Counts(); s1 != s0 || h1 != h0 {
		t.Errorf("restart retrained: counts %d/%d -> %d/%d", s0, h0, s1, h1)
	}
	r2.stop()
	st, err := store.Open(filepath.Join(dir, StateFile))
	if err != nil {
		t.Fatalf("state store after two runs: %v", err)
	}
	st.Close()
}
