package config

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"strings"
)

// ErrNoPasswordSource means the account names neither password_env nor
// password_file: its password lives in the keyring (see package secrets).
var ErrNoPasswordSource = errors.New("no password_env or password_file")

// Password returns the account's password from its environment variable or
// its password file. A password file readable by others is refused: the
// password would not be secret.
func (a *Account) Password() (string, error) {
	if a.PasswordEnv == "" && a.PasswordFile == "" {
		return "", ErrNoPasswordSource
	}
	if a.PasswordEnv != "" {
		if v, ok := os.LookupEnv(a.PasswordEnv); ok && v != "" {
			return v, nil
		}
		if a.PasswordFile == "" {
			return "", errors.New(lang.T("config env empty", a.Name, a.PasswordEnv))
		}
	}
	fi, err := os.Stat(a.PasswordFile)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return "", errors.New(lang.T("config pwfile missing", a.Name, a.PasswordFile))
		}
		return "", fmt.Errorf("account %s: password file: %w", a.Name, err)
	}
	if runtime.GOOS != "windows" && fi.Mode().Perm()&0o077 != 0 {
		return "", errors.New(lang.T("config pwfile open", a.Name, a.PasswordFile, fi.Mode().Perm().String(), a.PasswordFile))
	}
	b, err := os.ReadFile(a.PasswordFile)
	if err != nil {
		return "", fmt.Errorf("account %s: read password file: %w", a.Name, err)
	}
	pw := strings.TrimRight(string(b), "\r\n")
	if pw == "" {
		return "", errors.New(lang.T("config pwfile empty", a.Name, a.PasswordFile))
	}
	return pw, nil
}
