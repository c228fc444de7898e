package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mailwarden/mailwarden/internal/dovecot"
	"github.com/mailwarden/mailwarden/internal/dovecot/dovecottest"
	"github.com/mailwarden/mailwarden/localapi"
)

// mwIn is mw with standard input.
func mwIn(t *testing.T, bin, stdin string, args ...string) (string, int) {
	t.Helper()
	return mwRun(t, nil, strings.NewReader(stdin), bin, args...)
}

// TestAccountAddListRemove starts a daemon with no account and adds one the
// way a user would: a wrong password saves nothing, the right one saves the
// account without its password in the config, and watching starts.
func TestAccountAddListRemove(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs Dovecot")
	}
	srv := dovecottest.Start(t, dovecot.Options{})
	bin := buildBinary(t)
	dir := t.TempDir()
	ca := filepath.Join(dir, "ca.pem")
	os.WriteFile(ca, srv.CertPEM(), 0o644)
	cfgPath := filepath.Join(dir, "config.toml")
	os.WriteFile(cfgPath, []byte("version = 1\n"), 0o600)
	sock := filepath.Join(dir, "api.sock")
	run := exec.Command(bin, "run", "--config", cfgPath, "--store", filepath.Join(dir, "store"), "--socket", sock)
	if err := run.Start(); err != nil {
		t.Fatal(err)
	}
	defer run.Process.Kill()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		if _, code := mw(t, bin, "status", "--socket", sock); code == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("daemon with no account did not come up")
		}
	}
	host, port, _ := strings.Cut(srv.IMAPSAddr, ":")
	add := []string{"account", "add", "--socket", sock, "--name", "work", "--address", "test@example.jp", "--host", host, "--port", port, "--username", "test", "--ca-file", ca, "--password-stdin"}

	out, code := mwIn(t, bin, "wrong\n", add...)
	if code == 0 || !strings.Contains(out, "check the password") {
		t.Fatalf("wrong password: code %d\n%s", code, out)
	}
	if cfg, _ := os.ReadFile(cfgPath); strings.Contains(string(cfg), "[[account]]") {
		t.Fatal("an account with a wrong password was saved")
	}

	out, code = mwIn(t, bin, "secret\n", add...)
	if code != 0 || !strings.Contains(out, "login works") {
		t.Fatalf("account add: code %d\n%s", code, out)
	}
	cfg, _ := os.ReadFile(cfgPath)
	if !strings.Contains(string(cfg), `name = "work"`) || strings.Contains(string(cfg), "secret") {
		t.Fatalf("config after add:\n%s", cfg)
	}
	out, _ = mw(t, bin, "account", "list", "--json", "--socket", sock)
	var accts []localapi.AccountConfig
	if err := json.Unmarshal([]byte(out), &accts); err != nil || len(accts) != 1 || accts[0].Username != "test" {
		t.Fatalf("account list: %v %q", err, out)
	}
	// No Secret Service here: the password went to the private file.
	if fi, err := os.Stat(filepath.Join(dir, "passwords.json")); accts[0].PasswordSource != "keyring" && (err != nil || fi.Mode().Perm() != 0o600) {
		t.Fatalf("password file: %v %v (source %q)", err, fi, accts[0].PasswordSource)
	}
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		out, _ := mw(t, bin, "status", "--json", "--socket", sock)
		var st localapi.Status
		json.Unmarshal([]byte(out), &st)
		if len(st.Accounts) == 1 && st.Accounts[0].State == localapi.StateOnline {
			if accts[0].PasswordSource != "keyring" && len(st.Warnings) == 0 {
				t.Error("status does not warn that the password is kept in a file")
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the added account is not watched: %s", out)
		}
	}
	// Adding another account under the taken name is refused before any
	// login (so before its password could be stored under that name), and
	// the account keeps its own password. The login would work: the
	// refusal must not come from it.
	pwBefore, _ := os.ReadFile(filepath.Join(dir, "passwords.json"))
	other := append([]string{}, add...)
	other[7] = "other@example.jp"
	out, code = mwIn(t, bin, "secret\n", other...)
	if code == 0 || !strings.Contains(out, `an account named "work" exists already`) || strings.Contains(out, "login works") {
		t.Fatalf("a second account named work: code %d\n%s", code, out)
	}
	if pwAfter, _ := os.ReadFile(filepath.Join(dir, "passwords.json")); string(pwAfter) != string(pwBefore) {
		t.Fatal("a refused account add changed the stored passwords")
	}
	if out, code := mw(t, bin, "account", "remove", "work", "--socket", sock); code != 0 {
		t.Fatalf("remove: %d %s", code, out)
	}
	if cfg, _ := os.ReadFile(cfgPath); strings.Contains(string(cfg), "[[account]]") {
		t.Fatalf("config after remove:\n%s", cfg)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "passwords.json")); strings.Contains(string(b), "secret") {
		t.Fatal("the password outlived its account")
	}
}
