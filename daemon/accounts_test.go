package daemon

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/mailwarden/mailwarden/i18n"
	"github.com/mailwarden/mailwarden/imapsync"
)

func TestCandidates(t *testing.T) {
	c, err := Candidates("Sato <sato@example.jp>")
	if err != nil {
		t.Fatal(err)
	}
	got := fmt.Sprint(c)
	want := "[mail.example.jp:993 (tls) as sato@mail.example.jp mail.example.jp:993 (tls) as sato@example.jp " +
		"mail.example.jp:143 (starttls) as sato@mail.example.jp mail.example.jp:143 (starttls) as sato@example.jp " +
		"example.jp:993 (tls) as sato@example.jp example.jp:143 (starttls) as sato@example.jp]"
	if got != want {
		t.Fatalf("candidates\n got %s\nwant %s", got, want)
	}
	if _, err := Candidates("not an address"); err == nil {
		t.Fatal("a non-address was accepted")
	}
}

// A failed test login is sorted for its advice, and account add words the
// STARTTLS refusal's fix as a flag, not as a config key.
func TestLoginFailure(t *testing.T) {
	starttls := fmt.Errorf("dial: %w", &imapsync.StartTLSError{Addr: "h:143", Err: errors.New("BAD no STARTTLS")})
	for _, c := range []struct {
		err  error
		kind int
	}{
		{&imapsync.AuthError{Host: "h:993", User: "u", Server: "no"}, failAuth},
		{&imapsync.TLSError{Addr: "h:993", Err: errors.New("x509")}, failOther},
		{starttls, failOther},
		{fmt.Errorf("%w: LOGINDISABLED", imapsync.ErrPlaintext), failOther},
		{errors.New("connect to h:1: connection refused"), failConnect},
		{&imapsync.NotTLSError{Addr: "h:143", Err: errors.New("tls: first record does not look like a TLS handshake")}, failOther},
	} {
		if got := loginFailure(c.err); got != c.kind {
			t.Errorf("%v: kind %d, want %d", c.err, got, c.kind)
		}
	}
	if got, want := loginError(starttls, "", wordsAdd).Error(), "h:143 refused STARTTLS (BAD no STARTTLS): use --tls tls (port 993)"; got != want {
		t.Errorf("STARTTLS refusal in account add:\n got %q\nwant %q", got, want)
	}
	if got := starttls.Error(); got != `dial: h:143 refused STARTTLS (BAD no STARTTLS): use tls = "tls" on the implicit-TLS port (993)` {
		t.Errorf("STARTTLS refusal for the config: %q", got)
	}
	// A refused password: one sentence naming the fix, in either
	// language, the server's words quoted as they are.
	auth := fmt.Errorf("dial: %w", &imapsync.AuthError{Host: "h:993", User: "u", Server: "NO [AUTHENTICATIONFAILED] Authentication failed."})
	st := loginError(auth, "work", wordsConfig)
	if !errors.Is(st, imapsync.ErrAuth) {
		t.Errorf("the worded error lost ErrAuth: %v", st)
	}
	if got, want := st.Error(), "h:993 refused the login of \"u\" (the server said: NO [AUTHENTICATIONFAILED] Authentication failed.): if the password changed, store the new one with `mailwarden account password work`; if not, check username in the config"; got != want {
		t.Errorf("refused password for status:\n got %q\nwant %q", got, want)
	}
	msgs := i18n.Messages(st)
	if got, want := i18n.Localize(st.Error(), i18n.Ja, msgs), "h:993 が \"u\" のログインを拒否しました（サーバーの応答: NO [AUTHENTICATIONFAILED] Authentication failed.）: パスワードを変えたなら `mailwarden account password work` で新しいパスワードを保存してください。変えていなければ設定の username を確認してください"; got != want {
		t.Errorf("refused password in Japanese:\n got %q\nwant %q", got, want)
	}
	notTLS := &imapsync.NotTLSError{Addr: "h:143", Err: errors.New("tls: first record does not look like a TLS handshake")}
	if got, want := loginError(notTLS, "", wordsAdd).Error(), "h:143 answered, but without TLS: use --tls starttls for this port (143), or --port 993 with --tls tls"; got != want {
		t.Errorf("implicit TLS on a plain port:\n got %q\nwant %q", got, want)
	}
	// The advice names the port actually used (item: it said 143 always).
	notTLS = &imapsync.NotTLSError{Addr: "h:21143", Err: errors.New("tls: first record does not look like a TLS handshake")}
	if got, want := loginError(notTLS, "", wordsAdd).Error(), "h:21143 answered, but without TLS: use --tls starttls for this port (21143), or --port 993 with --tls tls"; got != want {
		t.Errorf("implicit TLS on plain port 21143:\n got %q\nwant %q", got, want)
	}
	if got, want := loginError(notTLS, "work", wordsConfig).Error(), `h:21143 answered, but without TLS: set tls = "starttls" for this port (21143), or port = 993 with tls = "tls"`; got != want {
		t.Errorf("implicit TLS on plain port 21143, status:\n got %q\nwant %q", got, want)
	}
	// STARTTLS on an implicit-TLS port: a server answered, with TLS.
	implicit := fmt.Errorf("dial: %w", &imapsync.ImplicitTLSError{Addr: "h:993", Err: errors.New("unexpected EOF")})
	if loginFailure(implicit) != failOther {
		t.Errorf("STARTTLS on a TLS port counted as no server answering")
	}
	if got, want := loginError(implicit, "", wordsAdd).Error(), "h:993 answered with TLS at once, not with a plain IMAP greeting: use --tls tls for this port (993), or --port 143 with --tls starttls"; got != want {
		t.Errorf("STARTTLS on a TLS port, account add:\n got %q\nwant %q", got, want)
	}
	ie := loginError(implicit, "work", wordsConfig)
	if got, want := i18n.Localize(ie.Error(), i18n.Ja, i18n.Messages(ie)), "h:993 は平文の IMAP の挨拶ではなく、すぐに TLS で応答しました: このポート（993）なら tls = \"tls\" に、または port = 143 と tls = \"starttls\" にしてください"; got != want {
		t.Errorf("STARTTLS on a TLS port, status in Japanese:\n got %q\nwant %q", got, want)
	}
	dir := t.TempDir()
	notPEM := filepath.Join(dir, "ca.pem")
	os.WriteFile(notPEM, []byte("hello"), 0o644)
	for _, c := range []struct {
		path  string
		words fixWords
		want  string
	}{
		{filepath.Join(dir, "none.pem"), wordsAdd, "--ca-file " + filepath.Join(dir, "none.pem") + " does not exist: check the path"},
		{filepath.Join(dir, "none.pem"), wordsConfig, "ca_file " + filepath.Join(dir, "none.pem") + " does not exist: check the path in the config"},
		{notPEM, wordsAdd, "--ca-file " + notPEM + " holds no PEM certificate: give the server's CA certificate, a file that starts with -----BEGIN CERTIFICATE-----"},
	} {
		if _, err := readCAFile(c.path, c.words); err == nil || err.Error() != c.want {
			t.Errorf("readCAFile(%s): %v, want %q", c.path, err, c.want)
		}
	}
}
