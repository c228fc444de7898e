package daemon

import (
	"errors"
	"fmt"
	"testing"

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
	} {
		if got := loginFailure(c.err); got != c.kind {
			t.Errorf("%v: kind %d, want %d", c.err, got, c.kind)
		}
	}
	if got, want := addLoginError(starttls), "h:143 refused STARTTLS (BAD no STARTTLS): use --tls tls (port 993)"; got != want {
		t.Errorf("STARTTLS refusal in account add:\n got %q\nwant %q", got, want)
	}
	if got := starttls.Error(); got != `dial: h:143 refused STARTTLS (BAD no STARTTLS): use tls = "tls" on the implicit-TLS port (993)` {
		t.Errorf("STARTTLS refusal for the config: %q", got)
	}
}
