package main

import (
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// mwEnv runs the binary with extra environment variables and returns its
// stdout and stderr and the exit code.
func mwEnv(t *testing.T, env []string, bin string, args ...string) (string, int) {
	t.Helper()
	return mwRun(t, env, nil, bin, args...)
}

// mwRun runs the binary with extra environment variables and standard
// input (nil: none) and returns its output, both streams, and exit code.
func mwRun(t *testing.T, env []string, stdin io.Reader, bin string, args ...string) (string, int) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdin = stdin
	out, err := cmd.CombinedOutput()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("%v: %v", args, err)
	}
	return string(out), code
}

// startDaemon runs `mailwarden run` on a config of the given text (no
// IMAP server needed for one without accounts, or whose accounts cannot
// start) and returns the socket and the config path.
func startDaemon(t *testing.T, bin, text string) (sock, cfg string) {
	t.Helper()
	dir, err := os.MkdirTemp("", "mwcli") // short: a Unix socket path is limited
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	cfg = filepath.Join(dir, "config.toml")
	if err := os.WriteFile(cfg, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	sock = filepath.Join(dir, "s.sock")
	run := exec.Command(bin, "run", "--config", cfg, "--store", filepath.Join(dir, "store"), "--socket", sock)
	run.Env = append(os.Environ(), "LANG=C")
	if err := run.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { run.Process.Kill(); run.Wait() })
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		if _, err := os.Stat(sock); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the daemon did not start")
		}
	}
	return sock, cfg
}

// With no account configured every command says so and how to add one,
// in one line without HTTP words, in the user's language.
func TestNoAccountsSaysHowToAddOne(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs the daemon")
	}
	bin := buildBinary(t)
	sock, cfg := startDaemon(t, bin, "version = 1\n")
	en := []string{"LANG=C", "LC_ALL=", "LC_MESSAGES="}
	ja := []string{"LANG=ja_JP.UTF-8", "LC_ALL=", "LC_MESSAGES="}
	const hint = "there is no account yet: add one with `mailwarden account add`\n"
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"status"}, exitOK, "classifier trained on 0 spam, 0 ham\n" + hint},
		{[]string{"allow", "list"}, exitError, "mailwarden allow: " + hint},
		{[]string{"allow", "add", "example.jp"}, exitError, "mailwarden allow: " + hint},
		{[]string{"sync"}, exitError, "mailwarden sync: " + hint},
		{[]string{"quota"}, exitOK, hint},
		{[]string{"allow", "-h"}, exitOK, "usage: mailwarden allow list|add|remove [--account NAME] [DOMAIN|ADDRESS...]\n(`mailwarden allow COMMAND -h` lists a command's flags)\n"},
		{[]string{"account", "--help"}, exitOK, "usage: mailwarden account add|list|remove|password ...\n(`mailwarden account COMMAND -h` lists a command's flags)\n"},
		{[]string{"sync", "work"}, exitError, "mailwarden sync: " + hint},
		{[]string{"cleanup", "junk", "--yes"}, exitError, "mailwarden cleanup: " + hint},
		{[]string{"account", "remove", "work"}, exitError, "mailwarden account: " + hint},
		{[]string{"notjunk", "3"}, exitError, "mailwarden notjunk: 3: no action #3: `mailwarden log` shows the numbers\n"},
		{[]string{"log", "-n", "-5"}, exitUsage, "mailwarden log: the number of actions must be 0 or more, like -n 20\n"},
		{[]string{"log", "-n", "1", "extra"}, exitUsage, "mailwarden log: log takes no arguments (unexpected \"extra\"): mailwarden log [-n N]\n"},
		{[]string{"account", "list"}, exitOK, hint},
		// No terminal on stdin: refused before the question, nothing counted.
		{[]string{"cleanup", "trash"}, exitUsage, "mailwarden cleanup: no terminal to confirm: pass --yes (or --dry-run to only count)\n"},
	} {
		out, code := mwEnv(t, en, bin, append(c.args, "--socket", sock)...)
		if code != c.code || !strings.HasSuffix(out, c.want) {
			t.Errorf("%v: exit %d\n%s\nwant exit %d, ending in\n%s", c.args, code, out, c.code, c.want)
		}
		for _, jargon := range []string{"bad request", "not found", "ACCOUNT"} {
			if strings.Contains(out, jargon) {
				t.Errorf("%v says %q: %s", c.args, jargon, out)
			}
		}
	}
	if out, _ := mwEnv(t, en, bin, "status", "--json", "--socket", sock); !strings.Contains(out, `"accounts": []`) {
		t.Errorf("status --json without accounts: %s", out)
	}
	// Empty lists are [] in JSON, never null.
	for _, args := range [][]string{{"log", "--json"}, {"account", "list", "--json"}, {"quota", "--json"}} {
		if out, code := mwEnv(t, en, bin, append(args, "--socket", sock)...); code != exitOK || out != "[]\n" {
			t.Errorf("%v without accounts: exit %d %q, want []", args, code, out)
		}
	}
	if out, _ := mwEnv(t, ja, bin, "sync", "--socket", sock); out != "mailwarden sync: アカウントがまだありません: `mailwarden account add` で追加してください\n" {
		t.Errorf("sync in Japanese: %q", out)
	}

	// A reload of a file with no accounts (one cut short, say) says so.
	out, code := mwEnv(t, en, bin, "reload", "--socket", sock)
	if code != exitOK || !strings.Contains(out, "config reloaded, but "+cfg+" has no accounts: mailwarden now watches nothing") {
		t.Errorf("reload without accounts: exit %d %q", code, out)
	}
	if out, _ := mwEnv(t, ja, bin, "reload", "--socket", sock); !strings.Contains(out, cfg+" にアカウントがありません") {
		t.Errorf("reload without accounts, in Japanese: %q", out)
	}

	// A value that is not allowed, on reload: the line, the allowed
	// values, and no talk of TOML syntax.
	os.WriteFile(cfg, []byte("version = 1\n[[account]]\nhost = \"h\"\nusername = \"u\"\ntls = \"tsl\"\n"), 0o600)
	out, code = mwEnv(t, en, bin, "reload", "--socket", sock)
	want := "mailwarden reload: " + cfg + `:5: tls = "tsl" is not allowed: use "tls" (port 993), "starttls" (port 143) or "none" (only with allow_plaintext = true) (the running config stays in force)` + "\n"
	if code != exitError || out != want {
		t.Errorf("reload of tls = \"tsl\": exit %d\n%q\nwant\n%q", code, out, want)
	}
	// In Japanese, though the daemon runs with LANG=C: only the path stays.
	out, code = mwEnv(t, ja, bin, "reload", "--socket", sock)
	want = "mailwarden reload: " + cfg + `:5: tls = "tsl" は指定できません: "tls"（ポート 993）、"starttls"（ポート 143）、"none"（allow_plaintext = true のときのみ）のいずれかにしてください（現在の設定のまま動作を続けます）` + "\n"
	if code != exitError || out != want {
		t.Errorf("reload of tls = \"tsl\" in Japanese: exit %d\n%q\nwant\n%q", code, out, want)
	}
	os.WriteFile(cfg, []byte("version = 1\n[[account]]\nname = \"wo\\nrk\"\nhost = \"h\"\nusername = \"u\"\n"), 0o600)
	out, code = mwEnv(t, ja, bin, "reload", "--socket", sock)
	want = "mailwarden reload: " + cfg + `:3: アカウント 1: 名前 "wo\nrk" に制御文字（改行など）か、先頭・末尾の空白があります: name = "work" のように 1 行の素直な名前にしてください（現在の設定のまま動作を続けます）` + "\n"
	if code != exitError || out != want {
		t.Errorf("reload of a name with a line break in Japanese: exit %d\n%q\nwant\n%q", code, out, want)
	}
	// The config file deleted: the advice fits reload, which takes no
	// --config (the daemon reads the file it was started with).
	os.Remove(cfg)
	out, code = mwEnv(t, en, bin, "reload", "--socket", sock)
	want = "mailwarden reload: the config file " + cfg + " that this daemon was started with is gone: put it back, or write a new one at that path, and run `mailwarden reload` again; to use another file, restart the daemon with `mailwarden run --config FILE` (the running config stays in force)\n"
	if code != exitError || out != want {
		t.Errorf("reload with the config file gone: exit %d\n%q\nwant\n%q", code, out, want)
	}
	if out, _ := mwEnv(t, ja, bin, "reload", "--socket", sock); !strings.Contains(out, "起動時の設定ファイル "+cfg+" がなくなっています") || strings.Contains(out, "gone") {
		t.Errorf("reload with the config file gone, in Japanese: %q", out)
	}
}

// Without a daemon, a Japanese user reads Japanese only; a bad flag value
// is put in a Japanese line too.
func TestJapaneseOnlyErrors(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildBinary(t)
	ja := []string{"LANG=ja_JP.UTF-8", "LC_ALL=", "LC_MESSAGES="}
	sock := filepath.Join(t.TempDir(), "none.sock")
	out, code := mwEnv(t, ja, bin, "status", "--socket", sock)
	want := "mailwarden status: mailwarden デーモンが動いていません（" + sock + " に応答がありません）。`mailwarden run` で起動してください\n"
	if code != exitNotRunning || out != want {
		t.Errorf("status without a daemon: exit %d %q, want %q", code, out, want)
	}
	out, code = mwEnv(t, ja, bin, "log", "-n", "abc", "--socket", sock)
	if code != exitUsage || !strings.HasPrefix(out, "mailwarden log: コマンドラインを読めません（invalid value \"abc\" for flag -n") || !strings.Contains(out, "`mailwarden log -h`") {
		t.Errorf("log -n abc: exit %d %q", code, out)
	}
}

// An account whose password was never stored: status shows why on one
// line with the command that fixes it, and sync says it cannot sync.
func TestConfigErrorAccount(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs the daemon")
	}
	bin := buildBinary(t)
	sock, _ := startDaemon(t, bin, "version = 1\n[[account]]\nname = \"work\"\nhost = \"127.0.0.1\"\nport = 1\nusername = \"u\"\n")
	en := []string{"LANG=C", "LC_ALL=", "LC_MESSAGES="}
	var out string
	var code int
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		out, code = mwEnv(t, en, bin, "status", "--socket", sock)
		if strings.Contains(out, "config-error") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no config-error: %s", out)
		}
	}
	var row string
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, "work ") {
			row = l
		}
		if strings.HasPrefix(l, "no password") {
			t.Errorf("the error broke the table's row: %q", l)
		}
	}
	if code != exitAccount || !strings.Contains(row, `account cannot start: no password stored for account "work"`) ||
		!strings.Contains(row, "run `mailwarden account password work` to store it") || strings.Contains(row, "again") {
		t.Errorf("status: exit %d, row %q\n%s", code, row, out)
	}
	out, code = mwEnv(t, en, bin, "sync", "work", "--socket", sock)
	if code != exitError || !strings.HasPrefix(out, `mailwarden sync: account "work" cannot sync: account cannot start: no password stored for account "work"`) || strings.Count(out, "\n") != 1 {
		t.Errorf("sync of a config-error account: exit %d %q", code, out)
	}
	if out, code := mwEnv(t, en, bin, "allow", "list", "--account", "work", "--json", "--socket", sock); code != exitOK || !strings.Contains(out, `"allow": []`) {
		t.Errorf("allow list --json of an account without one: exit %d %s", code, out)
	}
	// An account never read: no zero time or empty level in quota --json,
	// but the error and the thresholds in force.
	out, code = mwEnv(t, en, bin, "quota", "--json", "--socket", sock)
	var reps []map[string]any
	if err := json.Unmarshal([]byte(out), &reps); err != nil || len(reps) != 1 || code != exitAccount {
		t.Fatalf("quota --json: exit %d %v %s", code, err, out)
	}
	if _, ok := reps[0]["time"]; ok || reps[0]["level"] != nil || reps[0]["error"] == nil ||
		reps[0]["levels"].(map[string]any)["warn"] != float64(80) {
		t.Errorf("quota --json of an account never read: %s", out)
	}
	// No IMAP server on the port given: the advice is about the server,
	// not the password.
	out, code = mwRun(t, en, strings.NewReader("pw\n"), bin, "account", "add", "--name", "other", "--address", "a@example.jp",
		"--host", "127.0.0.1", "--port", "1", "--password-stdin", "--socket", sock)
	last := out[strings.LastIndex(strings.TrimSuffix(out, "\n"), "\n")+1:]
	if code != exitError || !strings.HasPrefix(last, "mailwarden account: no login worked (1 tried; the last said: connect to 127.0.0.1:1: ") ||
		!strings.HasSuffix(last, "no IMAP server answered there: check --host and --port (993 with --tls tls, 143 with --tls starttls) and the network\n") ||
		strings.Contains(out, "password") {
		t.Errorf("account add without a server: exit %d %q", code, out)
	}
	ja := []string{"LANG=ja_JP.UTF-8", "LC_ALL=", "LC_MESSAGES="}
	out, _ = mwEnv(t, ja, bin, "status", "--socket", sock)
	for _, want := range []string{"設定エラー", "アカウントを開始できません: アカウント \"work\" のパスワードが", "`mailwarden account password work` で保存してください"} {
		if !strings.Contains(out, want) {
			t.Errorf("Japanese status lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "no OS keyring answered") || strings.Contains(out, "no password stored") || strings.Contains(out, "cannot start") {
		t.Errorf("English in the Japanese status:\n%s", out)
	}
}

// account add checks what it can before it asks or tries anything, and
// its advice names command-line options.
func TestAccountAddChecksFirst(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildBinary(t)
	sock := filepath.Join(t.TempDir(), "none.sock")
	en := []string{"LANG=C", "LC_ALL=", "LC_MESSAGES="}
	for _, c := range []struct {
		args []string
		want string
	}{
		{nil, "mailwarden account: no address given: pass --address (it is asked for only when standard input is a terminal; in a script, also pass the password with --password-stdin)\n"}, // no prompt from a pipe
		{[]string{"--address", "notanaddress"}, "mailwarden account: \"notanaddress\" is not a mail address: write it like sato@example.jp\n"},
		{[]string{"--address", "a@example.jp", "--host", "h", "--port", "99999"}, "mailwarden account: --port 99999 is not a TCP port: use 1 to 65535 (993 with --tls tls, 143 with --tls starttls)\n"},
		{[]string{"--address", "a@example.jp", "--port", "-1"}, "mailwarden account: --port -1 is not a TCP port: use 1 to 65535 (993 with --tls tls, 143 with --tls starttls)\n"},
		{[]string{"--address", "a@example.jp", "--tls", "bogus"}, "mailwarden account: --tls \"bogus\": use tls (port 993), starttls (port 143) or none (with --allow-plaintext)\n"},
		{[]string{"--address", "a@example.jp", "--host", "h", "--tls", "none"}, "mailwarden account: --tls none sends the password in clear text: use --tls tls or --tls starttls, or add --allow-plaintext if you really mean it\n"},
	} {
		out, code := mwRun(t, en, strings.NewReader("pw\n"), bin, append([]string{"account", "add", "--socket", sock}, c.args...)...)
		if code != exitUsage || out != c.want {
			t.Errorf("%v: exit %d %q, want %d %q", c.args, code, out, exitUsage, c.want)
		}
	}
}
