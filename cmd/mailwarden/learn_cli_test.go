package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mailwarden/mailwarden/config"
	"github.com/mailwarden/mailwarden/internal/dovecot"
	"github.com/mailwarden/mailwarden/internal/dovecot/dovecottest"
	"github.com/mailwarden/mailwarden/localapi"
	"github.com/mailwarden/mailwarden/store"
)

// `mailwarden notjunk` and `mailwarden allow` against a running daemon:
// the commands only talk to the daemon's API; the daemon moves the message
// back and edits the config file (comments kept) and reloads it.
func TestNotJunkAndAllowCommands(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs Dovecot")
	}
	srv := dovecottest.Start(t, dovecot.Options{})
	bin := buildBinary(t)
	dir := t.TempDir()
	ca := filepath.Join(dir, "ca.pem")
	os.WriteFile(ca, srv.CertPEM(), 0o644)
	host, port, _ := strings.Cut(srv.IMAPSAddr, ":")
	cfgPath := filepath.Join(dir, "config.toml")
	os.WriteFile(cfgPath, []byte(fmt.Sprintf(`version = 1

[[account]]
name = "good"
host = %q
port = %s
ca_file = %q
username = "test"
password_env = "MW_PW"
poll_interval = "2s"
# senders we never want
block_list = ["pest.example.net"]
`, host, port, ca)), 0o600)
	sockDir, _ := os.MkdirTemp("", "mwcli")
	defer os.RemoveAll(sockDir)
	sock := filepath.Join(sockDir, "api.sock")
	run := exec.Command(bin, "run", "--config", cfgPath, "--store", filepath.Join(dir, "store"), "--socket", sock)
	run.Env = append(os.Environ(), "MW_PW=secret")
	logf, _ := os.Create(filepath.Join(dir, "daemon.log"))
	run.Stderr = logf
	if err := run.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		run.Process.Kill()
		run.Wait()
		if t.Failed() {
			b, _ := os.ReadFile(logf.Name())
			t.Logf("daemon log:\n%s", b)
		}
	}()
	waitCLI(t, 30*time.Second, "the account online", func() bool {
		out, _ := mw(t, bin, "status", "--json", "--socket", sock)
		var st localapi.Status
		return json.Unmarshal([]byte(out), &st) == nil && len(st.Accounts) == 1 && st.Accounts[0].State == localapi.StateOnline
	})
	for _, id := range []string{"<cli-a@pest.example.net>", "<cli-b@pest.example.net>"} {
		raw := "From: deals@pest.example.net\r\nTo: test@example.jp\r\nSubject: deal\r\nMessage-ID: " + id + "\r\n\r\nbuy\r\n"
		if err := srv.Save("test", "INBOX", []byte(raw)); err != nil {
			t.Fatal(err)
		}
	}
	var moves map[string]uint64
	waitCLI(t, 20*time.Second, "both moved (block list)", func() bool {
		out, _ := mw(t, bin, "log", "--json", "--socket", sock)
		var acts []store.Action
		json.Unmarshal([]byte(out), &acts)
		moves = map[string]uint64{}
		for _, a := range acts {
			if a.Action == "move-to-junk" {
				moves[a.MessageID] = a.Seq
			}
		}
		return len(moves) == 2
	})
	out, code := mw(t, bin, "notjunk", "--socket", sock, fmt.Sprint(moves["<cli-a@pest.example.net>"]))
	if code != exitOK || !strings.Contains(out, "back in INBOX") {
		t.Fatalf("notjunk SEQ: code %d: %s", code, out)
	}
	if out, code := mw(t, bin, "notjunk", "--socket", sock, "cli-b@pest.example.net"); code != exitOK || !strings.Contains(out, "back in INBOX") {
		t.Fatalf("notjunk MESSAGE-ID: code %d: %s", code, out)
	}
	if out, code := mw(t, bin, "notjunk", "--socket", sock, "99999"); code != exitError || !strings.Contains(out, "no action #99999") {
		t.Errorf("notjunk of an unknown action: code %d: %s", code, out)
	}
	for _, id := range []string{"<cli-a@pest.example.net>", "<cli-b@pest.example.net>"} {
		msgs, _ := srv.Messages("test", "INBOX")
		found := false
		for _, m := range msgs {
			if m.MessageID == id {
				found = m.HasFlag("$NotJunk") && !m.HasFlag("$Junk")
			}
		}
		if !found {
			t.Errorf("%s not back in INBOX with $NotJunk: %+v", id, msgs)
		}
	}

	if out, code := mw(t, bin, "allow", "add", "--socket", sock, "customer.example.jp", "Boss@Example.com"); code != exitOK || !strings.Contains(out, "customer.example.jp") {
		t.Fatalf("allow add: code %d: %s", code, out)
	}
	// Added again: said so, and counted once.
	if out, code := mw(t, bin, "allow", "add", "--socket", sock, "customer.example.jp"); code != exitOK ||
		!strings.Contains(out, "customer.example.jp was already on the allow list of ") || !strings.Contains(out, " saved (2 entries)") {
		t.Errorf("allow add of a listed entry: code %d: %s", code, out)
	}
	if out, code := mw(t, bin, "allow", "remove", "--socket", sock, "customer.example.jp"); code != exitOK || !strings.Contains(out, " saved (1 entry)") {
		t.Fatalf("allow remove: code %d: %s", code, out)
	}
	out, _ = mw(t, bin, "allow", "list", "--json", "--socket", sock)
	var l localapi.AllowList
	if err := json.Unmarshal([]byte(out), &l); err != nil || !slices.Equal(l.Allow, []string{"boss@example.com"}) || l.Config != cfgPath {
		t.Errorf("allow list: %+v %v %s", l, err, out)
	}
	data, _ := os.ReadFile(cfgPath)
	c, err := config.Parse(cfgPath, data)
	if err != nil || !slices.Equal(c.Accounts[0].AllowList, []string{"boss@example.com"}) || !strings.Contains(string(data), "# senders we never want") {
		t.Errorf("config file after the edits (%v):\n%s", err, data)
	}
	if out, code := mw(t, bin, "allow", "add", "--socket", sock, "*.bad.example"); code != exitError || !strings.Contains(out, `write "bad.example"`) {
		t.Errorf("allow add of a wildcard: code %d: %s", code, out)
	}
	if out, code := mw(t, bin, "allow", "add", "--socket", sock, "pest.example.net"); code != exitError || !strings.Contains(out, "block list") {
		t.Errorf("allow add of a blocked domain: code %d: %s", code, out)
	}
	t.Setenv("LANG", "ja_JP.UTF-8")
	t.Setenv("LC_ALL", "")
	if out, _ := mw(t, bin, "allow", "list", "--socket", sock); !strings.Contains(out, "許可リスト") {
		t.Errorf("allow list in Japanese: %s", out)
	}
	// The daemon started in English; the entry's error is worded for the client.
	if out, code := mw(t, bin, "allow", "add", "--socket", sock, "*.bad.example"); code != exitError || !strings.Contains(out, `"bad.example" と書いてください`) || strings.Contains(out, "write") {
		t.Errorf("allow add of a wildcard in Japanese: code %d: %s", code, out)
	}
	for _, bad := range []string{"not", "a b"} {
		if out, code := mw(t, bin, "allow", "add", "--socket", sock, bad); code != exitError || !strings.Contains(out, "ありません") {
			t.Errorf("allow add %q in Japanese: code %d: %s", bad, code, out)
		}
	}
	if out, code := mw(t, bin, "allow", "--socket", sock); code != exitUsage {
		t.Errorf("allow without a command: code %d: %s", code, out)
	}
}

func waitCLI(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", timeout, what)
		}
		time.Sleep(200 * time.Millisecond)
	}
}
