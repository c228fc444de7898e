package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestAppendAndRemoveAccountKeepComments(t *testing.T) {
	p := filepath.Join(t.TempDir(), "mailwarden", "config.toml")
	if err := AppendAccount(p, Account{Name: "work", Host: "mail.example.jp", Port: 993, TLS: "tls", Username: "sato@mail.example.jp"}); err != nil {
		t.Fatal(err)
	}
	// A comment the user wrote must survive edits; the account's own
	// sub-table goes with it.
	f, _ := os.OpenFile(p, os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString("[account.quota]\nlimit_gb = 30\n# my note\n")
	f.Close()
	if err := AppendAccount(p, Account{Name: "home", Host: "imap.example.com", Port: 143, TLS: "starttls", Username: "u", DryRun: true}); err != nil {
		t.Fatal(err)
	}
	if err := AppendAccount(p, Account{Name: "home", Host: "x", Port: 1, TLS: "tls", Username: "u"}); err == nil {
		t.Fatal("a second account with the same name was added")
	}
	c, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Accounts) != 2 || c.Accounts[1].TLS != "starttls" || !c.Accounts[1].DryRun || c.Accounts[0].Username != "sato@mail.example.jp" {
		t.Fatalf("accounts: %+v", c.Accounts)
	}
	if err := RemoveAccount(p, "work"); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(p)
	if !strings.Contains(string(data), "# my note") {
		t.Errorf("comment lost:\n%s", data)
	}
	c, err = Load(p)
	if err != nil || len(c.Accounts) != 1 || c.Accounts[0].Name != "home" {
		t.Fatalf("after remove: %+v %v", c, err)
	}
	if c.Accounts[0].Quota.LimitGB == 30 {
		t.Error("the removed account's [account.quota] now belongs to the next account")
	}
	if err := RemoveAccount(p, "nope"); err == nil || !strings.Contains(err.Error(), "account list") {
		t.Fatalf("removing a missing account: %v", err)
	}
	if fi, _ := os.Stat(p); fi.Mode().Perm() != 0o600 {
		t.Errorf("config mode %v, want 0600", fi.Mode().Perm())
	}
}

func TestInitCreatesAnEmptyConfigOnce(t *testing.T) {
	p := filepath.Join(t.TempDir(), "mailwarden", "config.toml")
	created, err := Init(p)
	if err != nil || !created {
		t.Fatalf("Init: %v %v", created, err)
	}
	c, err := Load(p)
	if err != nil || len(c.Accounts) != 0 || c.Version != Version {
		t.Fatalf("the created config: %+v %v", c, err)
	}
	os.WriteFile(p, []byte("version = 1\n# mine\n"), 0o600)
	if created, _ := Init(p); created {
		t.Fatal("Init overwrote an existing config")
	}
	if b, _ := os.ReadFile(p); !strings.Contains(string(b), "# mine") {
		t.Fatal("the user's config was changed")
	}
}
