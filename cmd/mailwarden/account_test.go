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
	srv, bin, dir, ca := serverAndBinary(t)
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
	last := out[strings.LastIndex(strings.TrimSuffix(out, "\n"), "\n")+1:]
	if code == 0 || !strings.HasSuffix(last, "check the password and the user name)\n") || strings.Count(last, "check") != 1 {
		t.Fatalf("wrong password: code %d, one piece of advice wanted in the last line\n%s", code, out)
	}
	if cfg, _ := os.ReadFile(cfgPath); strings.Contains(string(cfg), "[[account]]") {
		t.Fatal("an account with a wrong password was saved")
	}
	ja := []string{"LANG=ja_JP.UTF-8", "LC_ALL=", "LC_MESSAGES="}
	out, code = mwRun(t, ja, strings.NewReader("wrong\n"), bin, add...)
	if want := "mailwarden account: ログインできませんでした（1 通り試行。最後の応答: " + srv.IMAPSAddr + " が \"test\" のログインを拒否しました（サーバーの応答: NO [AUTHENTICATIONFAILED] Authentication failed.）: パスワードとユーザー名を確認してください）\n"; code != exitError || out != want {
		t.Errorf("wrong password in Japanese: code %d\n got %q\nwant %q", code, out, want)
	}
	// A --ca-file that is not there: said so, nothing about the server.
	missingCA := append(append([]string{}, add[:len(add)-3]...), "--ca-file", filepath.Join(dir, "none.pem"), "--password-stdin")
	if out, code := mwIn(t, bin, "secret\n", missingCA...); code != exitError || out != "mailwarden account: --ca-file "+filepath.Join(dir, "none.pem")+" does not exist: check the path\n" {
		t.Errorf("a missing --ca-file: code %d %q", code, out)
	}
	// Implicit TLS against the plain port: a server answered, without TLS.
	_, plainPort, _ := strings.Cut(srv.IMAPAddr, ":")
	plain := []string{"account", "add", "--socket", sock, "--name", "work", "--address", "test@example.jp", "--host", host, "--port", plainPort, "--tls", "tls", "--username", "test", "--ca-file", ca, "--password-stdin"}
	if out, code := mwIn(t, bin, "secret\n", plain...); code != exitError || !strings.HasSuffix(out, srv.IMAPAddr+" answered, but without TLS: use --tls starttls for this port ("+plainPort+"), or --port 993 with --tls tls)\n") || strings.Contains(out, "no IMAP server answered") {
		t.Errorf("implicit TLS on the plain port: code %d %q", code, out)
	}
	// STARTTLS against the implicit-TLS port: a server answered, with TLS.
	_, tlsPort, _ := strings.Cut(srv.IMAPSAddr, ":")
	starttls := []string{"account", "add", "--socket", sock, "--name", "work", "--address", "test@example.jp", "--host", host, "--port", tlsPort, "--tls", "starttls", "--username", "test", "--ca-file", ca, "--password-stdin"}
	if out, code := mwIn(t, bin, "secret\n", starttls...); code != exitError || !strings.HasSuffix(out, srv.IMAPSAddr+" answered with TLS at once, not with a plain IMAP greeting: use --tls tls for this port ("+tlsPort+"), or --port 143 with --tls starttls)\n") || strings.Contains(out, "no IMAP server answered") {
		t.Errorf("STARTTLS on the implicit-TLS port: code %d %q", code, out)
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

// An account written by hand without a password: status says how to store
// one; `account password` with a wrong password stores nothing, with the
// right one the account goes online.
func TestAccountPassword(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs Dovecot")
	}
	srv := dovecottest.Start(t, dovecot.Options{})
	bin := buildBinary(t)
	ca := filepath.Join(t.TempDir(), "ca.pem")
	os.WriteFile(ca, srv.CertPEM(), 0o644)
	host, port, _ := strings.Cut(srv.IMAPSAddr, ":")
	sock, cfgPath := startDaemon(t, bin, "version = 1\n[[account]]\nname = \"work\"\nhost = \""+host+"\"\nport = "+port+
		"\ntls = \"tls\"\nusername = \"test\"\nca_file = \""+ca+"\"\n")
	en := []string{"LANG=C", "LC_ALL=", "LC_MESSAGES="}
	state := func() (localapi.AccountStatus, string) {
		out, _ := mwEnv(t, en, bin, "status", "--json", "--socket", sock)
		var st localapi.Status
		json.Unmarshal([]byte(out), &st)
		if len(st.Accounts) != 1 {
			t.Fatalf("status: %s", out)
		}
		return st.Accounts[0], out
	}
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		a, out := state()
		if a.State == localapi.StateConfigError {
			if !strings.Contains(a.Error, "run `mailwarden account password work` to store it") {
				t.Fatalf("the missing password's advice: %s", a.Error)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no config-error: %s", out)
		}
	}
	pwFile := filepath.Join(filepath.Dir(cfgPath), "passwords.json")
	out, code := mwRun(t, en, strings.NewReader("wrong\n"), bin, "account", "password", "work", "--password-stdin", "--socket", sock)
	if code != exitError || !strings.HasPrefix(out, `mailwarden account: the login of account "work" with this password failed, so it was not stored: 127.0.0.1:`) ||
		!strings.HasSuffix(out, ` refused the login of "test" (the server said: NO [AUTHENTICATIONFAILED] Authentication failed.): check the password and the user name`+"\n") {
		t.Fatalf("a wrong password: exit %d %q", code, out)
	}
	if b, err := os.ReadFile(pwFile); err == nil && strings.Contains(string(b), "wrong") {
		t.Fatal("a refused password was stored")
	}
	if a, _ := state(); a.State != localapi.StateConfigError {
		t.Fatalf("after a refused password the account is %s", a.State)
	}
	out, code = mwRun(t, en, strings.NewReader("secret\n"), bin, "account", "password", "work", "--password-stdin", "--socket", sock)
	if code != exitOK || !strings.HasPrefix(out, `password of account "work" stored in `) {
		t.Fatalf("the right password: exit %d %q", code, out)
	}
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		a, out := state()
		if a.State == localapi.StateOnline {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the account did not go online with its new password: %s", out)
		}
	}
	// Not an account, no name: the usual answers.
	if out, code := mwRun(t, en, strings.NewReader("secret\n"), bin, "account", "password", "home", "--password-stdin", "--socket", sock); code != exitError ||
		out != "mailwarden account: no account \"home\": `mailwarden account list` shows the names\n" {
		t.Errorf("an unknown account: exit %d %q", code, out)
	}
	if out, code := mwRun(t, en, nil, bin, "account", "password", "--socket", sock); code != exitUsage || !strings.Contains(out, "usage: mailwarden account password NAME") {
		t.Errorf("no name: exit %d %q", code, out)
	}
}
