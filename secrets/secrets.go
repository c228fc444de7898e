// Package secrets keeps account passwords out of the config file: in the OS
// keyring (Secret Service on Linux, Keychain on macOS, Credential Manager on
// Windows) where one answers, else in a file only the user can read, beside
// the config, with a warning the daemon shows in its log and status.
package secrets

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"

	"github.com/zalando/go-keyring"

	"github.com/mailwarden/mailwarden/i18n"
)

// Service is the keyring service name passwords are filed under.
const Service = "mailwarden"

// FileName is the fallback file, beside config.toml.
const FileName = "passwords.json"

// ErrNotFound means no password is stored for the account.
var ErrNotFound = errors.New("no password stored")

// Store reads and writes account passwords.
type Store struct {
	dir     string
	keyring bool
	mu      sync.Mutex
}

// Open returns a Store for the config directory dir. It probes the keyring
// once; when none answers (a headless box without a Secret Service), the
// file fallback is used and Warning says so.
func Open(dir string) *Store {
	_, err := keyring.Get(Service, "mailwarden-probe")
	return &Store{dir: dir, keyring: err == nil || errors.Is(err, keyring.ErrNotFound)}
}

// OpenFile returns a Store that uses only the file fallback (tests, or a
// user who asked for it).
func OpenFile(dir string) *Store { return &Store{dir: dir} }

// Backend names where passwords go: "keyring" or the file's path.
func (s *Store) Backend() string {
	if s.keyring {
		return "keyring"
	}
	return s.path()
}

// Warning is non-empty when passwords are kept in a file: the catalog
// text (Key "" when there is nothing to say).
func (s *Store) Warning() i18n.Message {
	if s.keyring {
		return i18n.Message{}
	}
	return i18n.Msg("secrets in file", s.path())
}

func (s *Store) path() string { return filepath.Join(s.dir, FileName) }

// Get returns the stored password of an account.
func (s *Store) Get(account string) (string, error) {
	if s.keyring {
		pw, err := keyring.Get(Service, account)
		if errors.Is(err, keyring.ErrNotFound) {
			return "", &i18n.Error{Message: i18n.Msg("secrets none in keyring", account, account), Err: ErrNotFound}
		}
		if err != nil {
			return "", fmt.Errorf("read the password of %q from the keyring: %w", account, err)
		}
		return pw, nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	m, err := s.readFile()
	if err != nil {
		return "", err
	}
	pw, ok := m[account]
	if !ok {
		return "", &i18n.Error{Message: i18n.Msg("secrets none in file", account, s.path(), account), Err: ErrNotFound}
	}
	return pw, nil
}

// Set stores the password of an account.
func (s *Store) Set(account, password string) error {
	if s.keyring {
		if err := keyring.Set(Service, account, password); err != nil {
			return fmt.Errorf("store the password of %q in the keyring: %w", account, err)
		}
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	m, err := s.readFile()
	if err != nil {
		return err
	}
	m[account] = password
	return s.writeFile(m)
}

// Delete forgets the password of an account; a missing one is not an error.
func (s *Store) Delete(account string) error {
	if s.keyring {
		if err := keyring.Delete(Service, account); err != nil && !errors.Is(err, keyring.ErrNotFound) {
			return fmt.Errorf("delete the password of %q from the keyring: %w", account, err)
		}
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	m, err := s.readFile()
	if err != nil {
		return err
	}
	delete(m, account)
	return s.writeFile(m)
}

func (s *Store) readFile() (map[string]string, error) {
	m := map[string]string{}
	f, err := os.Open(s.path())
	if errors.Is(err, os.ErrNotExist) {
		return m, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read passwords: %w", err)
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && runtime.GOOS != "windows" && fi.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("password file %s can be read by other users (mode %v): run chmod 600 %s", s.path(), fi.Mode().Perm(), s.path())
	}
	if err := json.NewDecoder(f).Decode(&m); err != nil {
		return nil, fmt.Errorf("password file %s is damaged (%v): remove it and add the accounts' passwords again with `mailwarden account add`", s.path(), err)
	}
	return m, nil
}

func (s *Store) writeFile(m map[string]string) error {
	if err := os.MkdirAll(s.dir, 0o700); err != nil {
		return err
	}
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(s.dir, ".passwords-*")
	if err != nil {
		return fmt.Errorf("write passwords: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), s.path()); err != nil {
		return fmt.Errorf("write passwords: %w", err)
	}
	return nil
}
