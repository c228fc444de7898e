package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mailwarden/mailwarden/internal/dovecot"
	"github.com/mailwarden/mailwarden/internal/dovecot/dovecottest"
	"github.com/mailwarden/mailwarden/localapi"
	"github.com/mailwarden/mailwarden/store"
)

// buildBinary builds this command once per test binary.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "mailwarden")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// mw runs the binary and returns stdout and the exit code.
func mw(t *testing.T, bin string, args ...string) (string, int) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("%v: %v", args, err)
	}
	return string(out) + stderr.String(), code
}

// TestCLIAgainstRunningDaemon runs `mailwarden run` on three accounts, one
// good, one with a wrong password, one whose server certificate is not
// trusted, and drives it with the client commands.
func TestCLIAgainstRunningDaemon(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs Dovecot")
	}
	srv := dovecottest.Start(t, dovecot.Options{})
	bin := buildBinary(t)
	for _, arg := range []string{"--version", "version"} {
		if out, code := mw(t, bin, arg); code != 0 || !strings.HasPrefix(out, "mailwarden ") || !strings.Contains(out, runtime.Version()) {
			t.Errorf("%s: exit %d, %q", arg, code, out)
		}
	}
	dir := t.TempDir()
	ca := filepath.Join(dir, "ca.pem")
	os.WriteFile(ca, srv.CertPEM(), 0o644)
	host, port, _ := strings.Cut(srv.IMAPSAddr, ":")
	account := func(name, caFile, pwEnv string) string {
		s := fmt.Sprintf("[[account]]\nname = %q\nhost = %q\nport = %s\nusername = \"test\"\npassword_env = %q\npoll_interval = \"2s\"\n", name, host, port, pwEnv)
		if caFile != "" {
			s += fmt.Sprintf("ca_file = %q\n", caFile)
		}
		return s + "\n"
	}
	cfgPath := filepath.Join(dir, "config.toml")
	full := "version = 1\n\n" + account("good", ca, "MW_PW") + account("wrongpw", ca, "MW_BADPW") + account("badcert", "", "MW_PW")
	os.WriteFile(cfgPath, []byte(full), 0o600)
	sock := filepath.Join(dir, "api.sock")

	// No daemon yet: exit code 3 and a hint.
	if out, code := mw(t, bin, "status", "--socket", sock); code != exitNotRunning || !strings.Contains(out, "mailwarden run") {
		t.Fatalf("status without a daemon: code %d, %q", code, out)
	}

	run := exec.Command(bin, "run", "--config", cfgPath, "--store", filepath.Join(dir, "store"), "--socket", sock)
	run.Env = append(os.Environ(), "MW_PW=secret", "MW_BADPW=wrong")
	logf, _ := os.Create(filepath.Join(dir, "daemon.log"))
	run.Stderr = logf
	if err := run.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- run.Wait() }()
	defer func() {
		run.Process.Kill()
		if t.Failed() {
			b, _ := os.ReadFile(logf.Name())
			t.Logf("daemon log:\n%s", b)
		}
	}()

	status := func() (localapi.Status, int) {
		out, code := mw(t, bin, "status", "--json", "--socket", sock)
		var st localapi.Status
		if code == exitOK || code == exitAccount {
			if err := json.Unmarshal([]byte(out), &st); err != nil {
				t.Fatalf("status --json: %v: %q", err, out)
			}
		}
		return st, code
	}
	states := func(st localapi.Status) map[string]localapi.AccountState {
		m := map[string]localapi.AccountState{}
		for _, a := range st.Accounts {
			m[a.Name] = a.State
		}
		return m
	}
	want := map[string]localapi.AccountState{"good": localapi.StateOnline, "wrongpw": localapi.StateAuthFailed, "badcert": localapi.StateTLSError}
	var st localapi.Status
	var code int
	for deadline := time.Now().Add(30 * time.Second); ; {
		st, code = status()
		if fmt.Sprint(states(st)) == fmt.Sprint(want) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("account states %v, want %v", states(st), want)
		}
		time.Sleep(200 * time.Millisecond)
	}
	if code != exitAccount {
		t.Errorf("status exit code %d with failing accounts, want %d", code, exitAccount)
	}
	for _, a := range st.Accounts {
		switch a.Name {
		case "wrongpw":
			if !strings.Contains(a.Error, "if the password changed, store the new one with `mailwarden account password wrongpw`") || a.NextRetry.Before(time.Now().Add(30*time.Second)) {
				t.Errorf("wrong password: error %q, next retry %v: want the fix and a backoff of a minute or more", a.Error, a.NextRetry)
			}
		case "badcert":
			if !strings.Contains(a.Error, "certificate") {
				t.Errorf("bad certificate: error %q does not name the certificate", a.Error)
			}
		}
	}
	human, _ := mw(t, bin, "status", "--socket", sock)
	for _, w := range []string{"good", "online", "auth-failed", "tls-error"} {
		if !strings.Contains(human, w) {
			t.Errorf("status output lacks %q:\n%s", w, human)
		}
	}
	// A refused password: one sentence with the command that fixes it,
	// all in Japanese under LANG=ja but for the server's own words.
	for _, line := range strings.Split(human, "\n") {
		if strings.HasPrefix(line, "wrongpw") && (strings.Count(line, "password") != 2 || strings.Contains(line, "check it")) {
			t.Errorf("the wrong password's row says it more than once:\n%s", line)
		}
	}
	ja, _ := mwEnv(t, []string{"LANG=ja_JP.UTF-8", "LC_ALL=", "LC_MESSAGES="}, bin, "status", "--socket", sock)
	if !strings.Contains(ja, "のログインを拒否しました（サーバーの応答: ") || !strings.Contains(ja, "`mailwarden account password wrongpw` で新しいパスワードを保存してください") || strings.Contains(ja, "refused") || strings.Contains(ja, "check") {
		t.Errorf("Japanese status of a refused password:\n%s", ja)
	}

	// The good account works although the others fail.
	deliver := func(id string) {
		raw := fmt.Sprintf("Message-ID: <%s@mailwarden.test>\r\nFrom: a@example.com\r\nSubject: hello %s\r\n\r\nhello\r\n", id, id)
		if err := srv.Save("test", "INBOX", []byte(raw)); err != nil {
			t.Fatal(err)
		}
	}
	logged := func(id string) bool {
		out, code := mw(t, bin, "log", "--json", "-n", "100", "--socket", sock)
		if code != 0 {
			t.Fatalf("log: %d %s", code, out)
		}
		var acts []store.Action
		json.Unmarshal([]byte(out), &acts)
		for _, a := range acts {
			if a.MessageID == "<"+id+"@mailwarden.test>" {
				return true
			}
		}
		return false
	}
	waitUntil := func(what string, cond func() bool) {
		t.Helper()
		for deadline := time.Now().Add(20 * time.Second); !cond(); time.Sleep(200 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("timed out waiting for %s", what)
			}
		}
	}
	deliver("one")
	waitUntil("the first message in the log", func() bool { return logged("one") })

	// Paused: new mail waits; resumed: it is handled.
	if out, code := mw(t, bin, "pause", "--socket", sock); code != 0 {
		t.Fatalf("pause: %d %s", code, out)
	}
	if st, _ := status(); !st.Paused || states(st)["good"] != localapi.StatePaused {
		t.Fatalf("after pause: paused=%v states %v", st.Paused, states(st))
	}
	deliver("two")
	time.Sleep(3 * time.Second)
	if logged("two") {
		t.Fatal("a message was handled while paused")
	}
	mw(t, bin, "resume", "--socket", sock)
	waitUntil("the message delivered while paused", func() bool { return logged("two") })

	// Reload with the failing accounts removed: status is clean again.
	os.WriteFile(cfgPath, []byte("version = 1\n\n"+account("good", ca, "MW_PW")), 0o600)
	if out, code := mw(t, bin, "reload", "--socket", sock); code != 0 || out != "config reloaded: accounts watched (1): good\n" {
		t.Fatalf("reload: %d %q", code, out)
	}
	waitUntil("one online account after reload", func() bool {
		st, code := status()
		return code == 0 && len(st.Accounts) == 1 && st.Accounts[0].State == localapi.StateOnline
	})
	// A broken config is refused and the running one stays.
	os.WriteFile(cfgPath, []byte("version = 1\n[[account]]\nhost = \"h\"\n"), 0o600)
	if out, code := mw(t, bin, "reload", "--socket", sock); code == 0 || !strings.Contains(out, "config.toml:2") {
		t.Errorf("reload of a broken config: code %d, %q", code, out)
	}
	if st, code := status(); code != 0 || len(st.Accounts) != 1 {
		t.Errorf("after a refused reload: code %d, %d accounts", code, len(st.Accounts))
	}

	run.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-exited:
		if err != nil {
			t.Errorf("daemon exit after SIGTERM: %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("daemon did not stop on SIGTERM")
	}
}
