// Package dovecottest starts a throw-away Dovecot for one test.
package dovecottest

import (
	"os"
	"testing"

	"github.com/mailwarden/mailwarden/internal/dovecot"
)

// Required reports whether this run must not skip Dovecot tests:
// MAILWARDEN_REQUIRE_DOVECOT=1 or CI=true.
func Required() bool {
	return os.Getenv("MAILWARDEN_REQUIRE_DOVECOT") == "1" || os.Getenv("CI") == "true"
}

// Start starts a Dovecot for t (in t.TempDir() unless opts.Dir is set) and
// stops it when the test ends. Without Dovecot installed the test is skipped
// with the install command, except under Required(), where it fails, so CI
// can never skip silently.
func Start(t testing.TB, opts dovecot.Options) *dovecot.Server {
	t.Helper()
	if err := dovecot.Available(); err != nil {
		if Required() {
			t.Fatalf("%v (MAILWARDEN_REQUIRE_DOVECOT=1 or CI=true: Dovecot tests may not be skipped)", err)
		}
		t.Skip(err)
	}
	if opts.Dir == "" {
		opts.Dir = t.TempDir()
	}
	srv, err := dovecot.Start(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := srv.Stop(); err != nil {
			t.Errorf("stop dovecot: %v", err)
		}
	})
	return srv
}
