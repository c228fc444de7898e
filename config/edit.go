package config

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/BurntSushi/toml"
)

// AppendAccount adds an [[account]] table to the config file at path
// (creating the file when missing), keeping the rest of the file, comments
// included, as it is. The result is validated before it replaces the file.
func AppendAccount(path string, a Account) error {
	old, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("read config: %w", err)
	}
	if len(old) == 0 {
		old = []byte(fmt.Sprintf("# mailwarden configuration (see README.md)\nversion = %d\n", Version))
	}
	c, err := Parse(path, old)
	if err != nil {
		return err
	}
	for _, x := range c.Accounts {
		if x.Name == a.Name {
			return errors.New(lang.T("config account exists", a.Name))
		}
	}
	var b bytes.Buffer
	b.Write(old)
	if !bytes.HasSuffix(old, []byte("\n")) {
		b.WriteByte('\n')
	}
	b.WriteString("\n[[account]]\n")
	enc := toml.NewEncoder(&b)
	enc.Indent = ""
	if err := enc.Encode(accountTable(a)); err != nil {
		return fmt.Errorf("encode account: %w", err)
	}
	return replace(path, b.Bytes())
}

// accountTable is the subset of an Account worth writing: set fields only.
func accountTable(a Account) map[string]any {
	m := map[string]any{"name": a.Name, "host": a.Host, "port": a.Port, "tls": string(a.TLS), "username": a.Username}
	if a.PasswordEnv != "" {
		m["password_env"] = a.PasswordEnv
	}
	if a.PasswordFile != "" {
		m["password_file"] = a.PasswordFile
	}
	if a.AllowPlaintext {
		m["allow_plaintext"] = true
	}
	if a.CAFile != "" {
		m["ca_file"] = a.CAFile
	}
	if a.JunkFolder != "" {
		m["junk_folder"] = a.JunkFolder
	}
	if a.DryRun {
		m["dry_run"] = true
	}
	return m
}

// RemoveAccount deletes the [[account]] table named name from the config
// file at path, keeping everything else as it is.
func RemoveAccount(path, name string) error {
	old, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("read config: %w", err)
	}
	c, err := Parse(path, old)
	if err != nil {
		return err
	}
	idx := -1
	for i, a := range c.Accounts {
		if a.Name == name {
			idx = i
		}
	}
	if idx < 0 {
		return errors.New(lang.T("config no account", name, path))
	}
	lines := strings.SplitAfter(string(old), "\n")
	start := lineOf(old, "", idx) - 1
	end := len(lines)
	for i := start + 1; i < len(lines); i++ {
		// The account's own sub-tables ([account.quota]) go with it.
		if t := strings.TrimSpace(lines[i]); strings.HasPrefix(t, "[") && !strings.HasPrefix(t, "[account.") {
			end = i
			break
		}
	}
	// Comments just above the next table belong to it: keep them.
	for end > start+1 {
		t := strings.TrimSpace(lines[end-1])
		if t != "" && !strings.HasPrefix(t, "#") {
			break
		}
		end--
	}
	out := strings.Join(lines[:start], "") + strings.Join(lines[end:], "")
	return replace(path, []byte(out))
}

// replace validates data as a config and writes it over path atomically
// (mode 0600: the file may name password files and hosts).
func replace(path string, data []byte) error {
	if _, err := Parse(path, data); err != nil {
		return fmt.Errorf("the edited config would not be valid, nothing was changed: %w", err)
	}
	tmp := path + ".tmp"
	if err := os.MkdirAll(dirOf(path), 0o700); err != nil {
		return err
	}
	if err := os.WriteFile(tmp, data, 0o600); err != nil {
		return fmt.Errorf("write config: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write config: %w", err)
	}
	return nil
}

func dirOf(path string) string {
	if i := strings.LastIndexAny(path, `/\`); i >= 0 {
		return path[:i]
	}
	return "."
}

// Init writes a config file with no account at path when none exists, so
// the daemon can start before the first `mailwarden account add`. It
// reports whether it created the file.
func Init(path string) (bool, error) {
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		return false, err
	}
	data := fmt.Sprintf("# mailwarden configuration (see README.md); add accounts with `mailwarden account add`\nversion = %d\n", Version)
	if err := replace(path, []byte(data)); err != nil {
		return false, err
	}
	return true, nil
}
