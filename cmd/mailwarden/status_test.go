package main

import (
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mailwarden/mailwarden/i18n"
	"github.com/mailwarden/mailwarden/internal/dovecot"
	"github.com/mailwarden/mailwarden/internal/dovecot/dovecottest"
	"github.com/mailwarden/mailwarden/localapi"
	"github.com/mailwarden/mailwarden/store"
)

// log's SCORE column: a classifier's score for judged messages, "–" for
// an undo or a verdict learned from the user (they had no score: 0.000
// there read like a confident ham).
func TestLogScoreColumn(t *testing.T) {
	for _, c := range []struct {
		a    store.Action
		want string
	}{
		{store.Action{Action: "move-to-junk", Verdict: "spam", Score: 0.9871}, "0.987"},
		{store.Action{Action: "mark-ham", Verdict: "ham", Score: 0.0012}, "0.001"},
		{store.Action{Action: "not-junk", Verdict: "ham"}, "–"},
		{store.Action{Action: "learned-spam", Verdict: "spam"}, "–"},
		{store.Action{Action: "learned-ham", Verdict: "ham"}, "–"},
		{store.Action{Action: "move-to-junk", Verdict: "skipped"}, "–"},
	} {
		if got := scoreText(c.a); got != c.want {
			t.Errorf("%s/%s: %q, want %q", c.a.Action, c.a.Verdict, got, c.want)
		}
	}
}

// sync says what it will really do for an account in each state.
func TestSyncSaysWhatHappens(t *testing.T) {
	defer func(l i18n.Lang) { lang = l }(lang)
	for _, c := range []struct {
		l     i18n.Lang
		state localapi.AccountState
		want  string
	}{
		{i18n.En, localapi.StateOnline, `account "work": checking INBOX now`},
		{i18n.En, localapi.StateOffline, `account "work" is offline: trying to connect now`},
		{i18n.En, localapi.StateAuthFailed, `account "work" is auth-failed: trying to log in again now (see ` + "`mailwarden status`)"},
		{i18n.En, localapi.StateTraining, `account "work" is training from the mail on the server: it checks INBOX when that is done`},
		{i18n.En, localapi.StatePaused, `account "work" is paused: resume it first (` + "`mailwarden resume`)"},
		{i18n.Ja, localapi.StateOffline, `アカウント "work" はオフラインです: 今すぐ接続を試みます`},
		{i18n.Ja, localapi.StatePaused, `アカウント "work" は一時停止中です: 先に再開してください（` + "`mailwarden resume`）"},
		{i18n.En, localapi.StateConfigError, ""},
	} {
		lang = c.l
		if got := syncText(localapi.AccountStatus{Name: "work", State: c.state}); got != c.want {
			t.Errorf("%s %s: %q, want %q", c.l, c.state, got, c.want)
		}
	}
}

// An account whose server does not answer: status names the reason and
// the next try (no internals, no zero time in JSON), warns that the
// untrained classifier moves nothing; sync says it tries now, and refuses
// while paused.
func TestStatusAndSyncOfOfflineAccount(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs the daemon")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	t.Setenv("MW_TEST_OFFLINE_PW", "secret")
	bin := buildBinary(t)
	sock, _ := startDaemon(t, bin, fmt.Sprintf("version = 1\n[[account]]\nname = \"work\"\nhost = \"127.0.0.1\"\nport = %d\nusername = \"u\"\npassword_env = \"MW_TEST_OFFLINE_PW\"\n", port))
	en := []string{"LANG=C", "LC_ALL=", "LC_MESSAGES="}
	var out string
	var code int
	deadline := time.Now().Add(15 * time.Second)
	for {
		out, code = mwEnv(t, en, bin, "status", "--socket", sock)
		if strings.Contains(out, "retry at") || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	want := fmt.Sprintf("127.0.0.1:%d did not answer (connection refused); retry at ", port)
	if code != exitAccount || !strings.Contains(out, want) || strings.Contains(out, "closed network connection") || strings.Contains(out, "server unreachable, retrying") {
		t.Errorf("status: exit %d\n%s\nwant exit %d and %q", code, out, exitAccount, want)
	}
	if !strings.Contains(out, "warning: the classifier has not learned both kinds yet (0 spam, 0 ham): it moves nothing to Junk") {
		t.Errorf("status without the untrained warning:\n%s", out)
	}
	js, _ := mwEnv(t, en, bin, "status", "--json", "--socket", sock)
	var st localapi.Status
	if err := json.Unmarshal([]byte(js), &st); err != nil || len(st.Accounts) != 1 {
		t.Fatalf("status --json: %v\n%s", err, js)
	}
	if a := st.Accounts[0]; a.State != localapi.StateOffline || a.NextRetry.IsZero() || time.Until(a.NextRetry) > time.Minute {
		t.Errorf("status --json account %+v", a)
	}
	if out, code := mwEnv(t, en, bin, "sync", "work", "--socket", sock); code != exitOK || out != "account \"work\" is offline: trying to connect now\n" {
		t.Errorf("sync while offline: exit %d %q", code, out)
	}
	mwEnv(t, en, bin, "pause", "--socket", sock)
	if out, code := mwEnv(t, en, bin, "sync", "work", "--socket", sock); code != exitError || out != "mailwarden sync: account \"work\" is paused: resume it first (`mailwarden resume`)\n" {
		t.Errorf("sync while paused: exit %d %q", code, out)
	}
	if js, _ := mwEnv(t, en, bin, "status", "--json", "--socket", sock); strings.Contains(js, "0001-01-01") {
		t.Errorf("status --json while paused has a zero time:\n%s", js)
	}
}

// A junk_folder the server does not have: status shows, as a note of the
// account, which folder spam goes to instead and how to fix the config,
// in the user's language.
func TestStatusNotesMissingJunkFolder(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs Dovecot")
	}
	srv, bin, _, ca := serverAndBinary(t)
	host, port, _ := strings.Cut(srv.IMAPSAddr, ":")
	t.Setenv("MW_TEST_JUNK_PW", dovecot.Password)
	sock, cfg := startDaemon(t, bin, fmt.Sprintf("version = 1\n[[account]]\nname = \"work\"\nhost = %q\nport = %s\nusername = \"test\"\npassword_env = \"MW_TEST_JUNK_PW\"\nca_file = %q\njunk_folder = \"迷惑メール\"\n", host, port, ca))
	var out string
	deadline := time.Now().Add(30 * time.Second)
	for {
		out, _ = mwEnv(t, []string{"LANG=C", "LC_ALL=", "LC_MESSAGES="}, bin, "status", "--socket", sock)
		if strings.Contains(out, "online") || time.Now().After(deadline) {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	want := "the junk folder \"迷惑メール\" set in the config does not exist on the server: spam goes to \"Junk\" instead; create \"迷惑メール\" on the server, or change junk_folder in " + cfg + " (or remove the line to use \"Junk\"), then run `mailwarden reload`"
	if !strings.Contains(out, want) {
		t.Errorf("status:\n%s\nwant the note\n%s", out, want)
	}
	ja, _ := mwEnv(t, []string{"LANG=ja_JP.UTF-8", "LC_ALL=", "LC_MESSAGES="}, bin, "status", "--socket", sock)
	if want := "設定の迷惑メールフォルダー \"迷惑メール\" がサーバーにありません。代わりに \"Junk\" へ移しています"; !strings.Contains(ja, want) {
		t.Errorf("status in Japanese:\n%s\nwant %q", ja, want)
	}
}

// serverAndBinary starts Dovecot and builds the binary; dir is a fresh
// directory holding the server's CA certificate as ca.
func serverAndBinary(t *testing.T) (srv *dovecot.Server, bin, dir, ca string) {
	t.Helper()
	srv = dovecottest.Start(t, dovecot.Options{})
	bin = buildBinary(t)
	dir = t.TempDir()
	ca = filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(ca, srv.CertPEM(), 0o644); err != nil {
		t.Fatal(err)
	}
	return srv, bin, dir, ca
}
