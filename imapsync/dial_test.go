package imapsync

import (
	"context"
	"crypto/x509"
	"errors"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/mailwarden/mailwarden/internal/dovecot"
)

// Implicit TLS and STARTTLS both verify the certificate against RootCAs;
// plaintext works only with AllowPlaintext.
func TestDialModes(t *testing.T) {
	t.Parallel()
	srv := startServer(t, dovecot.Options{})
	ctx := context.Background()
	acct := testAccount(srv, user)
	s, err := Dial(ctx, acct)
	if err != nil {
		t.Fatal(err)
	}
	if !s.Caps().Has(imap.CapMove) || !s.Caps().Has(imap.CapIdle) {
		t.Errorf("capabilities after login: %v", s.Caps())
	}
	s.Close()

	small := testAccount(srv, dovecot.SmallUser)
	if s, err = Dial(ctx, small); err != nil {
		t.Fatal(err)
	}
	q, ok, err := s.Quota()
	if err != nil || !ok || q.LimitKiB != 1024 || q.Root != "User quota" {
		t.Errorf("Quota = %+v %v %v", q, ok, err)
	}
	s.Close()

	_, port, _ := net.SplitHostPort(srv.IMAPAddr)
	acct.TLS, acct.Port = TLSStartTLS, atoi(port)
	acct.Host = "localhost" // the certificate names localhost too
	s, err = Dial(ctx, acct)
	if err != nil {
		t.Fatalf("STARTTLS: %v", err)
	}
	s.Close()

	acct.TLS = TLSNone
	if _, err := Dial(ctx, acct); !errors.Is(err, ErrPlaintext) {
		t.Fatalf("TLSNone without AllowPlaintext: %v", err)
	}
	acct.AllowPlaintext = true
	s, err = Dial(ctx, acct)
	if err != nil {
		t.Fatalf("TLSNone with AllowPlaintext: %v", err)
	}
	s.Close()
}

func atoi(s string) int { n, _ := strconv.Atoi(s); return n }

// A wrong password and a certificate that does not verify are permanent,
// typed errors that name the fix; Run stops on them at once. A refused
// connection is not permanent.
func TestDialErrors(t *testing.T) {
	srv := startServer(t, dovecot.Options{})
	ctx := context.Background()

	bad := testAccount(srv, user)
	bad.Password = "wrong"
	_, err := Dial(ctx, bad)
	var ae *AuthError
	if !errors.Is(err, ErrAuth) || !errors.As(err, &ae) || !IsPermanent(err) || !strings.Contains(err.Error(), "check the password") {
		t.Fatalf("wrong password: %v", err)
	}
	t.Log(err)

	start := time.Now()
	err = NewWatcher(bad, NewMemState(), newHandler(), slog.New(slog.NewTextHandler(testWriter{t}, nil))).Run(ctx)
	if !errors.Is(err, ErrAuth) || time.Since(start) > 5*time.Second {
		t.Fatalf("Run with a wrong password: %v after %v", err, time.Since(start))
	}

	other := startServer(t, dovecot.Options{}) // another self-signed CA
	for _, mode := range []TLSMode{TLSImplicit, TLSStartTLS} {
		acct := testAccount(srv, user)
		acct.RootCAs = other.CAPool
		if mode == TLSStartTLS {
			_, port, _ := net.SplitHostPort(srv.IMAPAddr)
			acct.TLS, acct.Port = TLSStartTLS, atoi(port)
		}
		_, err := Dial(ctx, acct)
		var te *TLSError
		if !errors.Is(err, ErrTLS) || !errors.As(err, &te) || !IsPermanent(err) ||
			!strings.Contains(err.Error(), net.JoinHostPort("127.0.0.1", strconv.Itoa(acct.Port))) || !strings.Contains(err.Error(), "does not verify") {
			t.Fatalf("%s with an untrusted certificate: %v", mode, err)
		}
		var ua x509.UnknownAuthorityError
		if !errors.As(err, &ua) {
			t.Errorf("%s: the x509 cause is not kept: %v", mode, err)
		}
		t.Log(err)
	}
	// The right CA, the wrong name.
	acct := testAccount(srv, user)
	acct.Host = "127.0.0.2"
	if _, err := Dial(ctx, acct); err == nil {
		t.Fatal("127.0.0.2 accepted")
	} else if !errors.Is(err, ErrTLS) && !strings.Contains(err.Error(), "refused") {
		t.Fatalf("wrong host name: %v", err)
	}

	// Nothing listens on a stopped server's port.
	down := startServer(t, dovecot.Options{})
	acct = testAccount(down, user)
	down.Stop()
	_, err = Dial(ctx, acct)
	if err == nil || IsPermanent(err) || !strings.Contains(err.Error(), "connection refused") || !strings.Contains(err.Error(), down.IMAPSAddr) {
		t.Fatalf("connection refused: %v", err)
	}
}
