package secrets

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mailwarden/mailwarden/i18n"
	"github.com/zalando/go-keyring"
)

func TestKeyring(t *testing.T) {
	keyring.MockInit()
	s := Open(t.TempDir())
	if s.Backend() != "keyring" || s.Warning().Key != "" {
		t.Fatalf("with a keyring: backend %q, warning %q", s.Backend(), s.Warning().In(i18n.En))
	}
	if _, err := s.Get("work"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("missing password: %v", err)
	}
	if err := s.Set("work", "pw1"); err != nil {
		t.Fatal(err)
	}
	if pw, err := s.Get("work"); err != nil || pw != "pw1" {
		t.Fatalf("got %q %v", pw, err)
	}
	s.Delete("work")
	if _, err := s.Get("work"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("after delete: %v", err)
	}
}

func TestFileFallbackIsPrivate(t *testing.T) {
	dir := t.TempDir()
	s := OpenFile(dir)
	if !strings.Contains(s.Warning().In(i18n.En), "0600") {
		t.Fatalf("no warning for the file fallback: %q", s.Warning().In(i18n.En))
	}
	if err := s.Set("work", "pw1"); err != nil {
		t.Fatal(err)
	}
	s.Set("home", "pw2")
	fi, err := os.Stat(filepath.Join(dir, FileName))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("password file mode %v %v, want 0600", fi.Mode().Perm(), err)
	}
	if pw, _ := OpenFile(dir).Get("home"); pw != "pw2" {
		t.Fatalf("read back %q", pw)
	}
	os.Chmod(filepath.Join(dir, FileName), 0o644)
	if _, err := s.Get("work"); err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Fatalf("a world-readable password file was used: %v", err)
	}
	os.WriteFile(filepath.Join(dir, FileName), []byte("{garbage"), 0o600)
	os.Chmod(filepath.Join(dir, FileName), 0o600)
	if _, err := s.Get("work"); err == nil || !strings.Contains(err.Error(), "damaged") {
		t.Fatalf("damaged file: %v", err)
	}
}
