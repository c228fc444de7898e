package config

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestLearnSettings(t *testing.T) {
	c, err := Parse("c.toml", []byte(good+`allow_list = ["Customer.example.JP", "@partner.example.com", "boss@Example.com", "customer.example.jp"]
block_list = ["offers.example.net"]
allow_list_only = true
trust_spamassassin = true
own_domains = ["Example.jp"]
junk_max_age_days = 30
`))
	if err != nil {
		t.Fatal(err)
	}
	a := c.Accounts[0]
	if !slices.Equal(a.AllowList, []string{"customer.example.jp", "partner.example.com", "boss@example.com"}) ||
		!slices.Equal(a.BlockList, []string{"offers.example.net"}) || !a.AllowListOnly || !a.TrustSpamAssassin ||
		!slices.Equal(a.OwnDomains, []string{"example.jp"}) || a.JunkMaxAgeDays != 30 {
		t.Fatalf("parsed %+v", a)
	}
	d, _ := Parse("c.toml", []byte(good))
	if a := d.Accounts[0]; a.AllowListOnly || a.TrustSpamAssassin || a.JunkMaxAgeDays != 0 {
		t.Errorf("defaults: allow_list_only, trust_spamassassin and junk expiry must be off: %+v", a)
	}
}

// Each bad learning setting names the file, the line and the fix.
func TestLearnSettingErrors(t *testing.T) {
	for _, tc := range []struct {
		name, text, fix string
	}{
		{"wildcard", `allow_list = ["*.example.jp"]`, `write "example.jp"`},
		{"two in one", `allow_list = ["a.example, b.example"]`, "one per entry"},
		{"no domain", `block_list = ["sato@"]`, "sato@example.jp"},
		{"not a domain", `block_list = ["localhost"]`, "example.jp"},
		{"both lists", "allow_list = [\"x.example\"]\nblock_list = [\"X.example\"]", "remove it from one"},
		{"allow only without list", `allow_list_only = true`, "add your customers' domains"},
		{"junk age", `junk_max_age_days = -1`, "0 (keep junk)"},
		{"own domain address", `own_domains = ["sato@example.jp"]`, "like example.jp"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			text := good + tc.text + "\n"
			_, err := Parse("/home/u/.config/mailwarden/config.toml", []byte(text))
			var ce *Error
			if !errors.As(err, &ce) {
				t.Fatalf("want *config.Error, got %v", err)
			}
			if ce.Line < 8 || ce.File != "/home/u/.config/mailwarden/config.toml" {
				t.Errorf("%v: want the line of the setting (8 or later)", err)
			}
			if !strings.Contains(err.Error(), tc.fix) {
				t.Errorf("%v does not say the fix %q", err, tc.fix)
			}
		})
	}
}

// The allow list is edited in place: comments, other accounts and the
// rest of the file stay as they are; a one-line, a multi-line and a
// missing list all work; the result is valid or nothing is written.
func TestSetAccountList(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "config.toml")
	orig := `# my mail
version = 1

[[account]]
name = "work"   # the office
host = "mail.example.jp"
username = "sato@mail.example.jp"
password_env = "MW_PW"
allow_list = [
  "a.example",  # first customer
  "b.example",
]

[account.quota]
warn = 80

[[account]]
name = "home"
host = "mail.example.com"
username = "me@example.com"
password_env = "MW_PW2"
# end
`
	if err := os.WriteFile(p, []byte(orig), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := SetAccountList(p, "work", "allow_list", []string{"a.example", "c.example"}); err != nil {
		t.Fatal(err)
	}
	if err := SetAccountList(p, "home", "allow_list", []string{"friend@example.org"}); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(p)
	c, err := Parse(p, data)
	if err != nil {
		t.Fatalf("%v\n%s", err, data)
	}
	if !slices.Equal(c.Accounts[0].AllowList, []string{"a.example", "c.example"}) || !slices.Equal(c.Accounts[1].AllowList, []string{"friend@example.org"}) {
		t.Errorf("lists %v %v\n%s", c.Accounts[0].AllowList, c.Accounts[1].AllowList, data)
	}
	for _, keep := range []string{"# my mail", `name = "work"   # the office`, "[account.quota]\nwarn = 80", "# end"} {
		if !strings.Contains(string(data), keep) {
			t.Errorf("lost %q:\n%s", keep, data)
		}
	}
	if c.Accounts[0].Quota.Warn != 80 {
		t.Errorf("quota override lost: %+v", c.Accounts[0].Quota)
	}
	if err := SetAccountList(p, "work", "allow_list", []string{"*.bad"}); err == nil || !strings.Contains(err.Error(), "nothing was changed") {
		t.Errorf("invalid entry written: %v", err)
	}
	if err := SetAccountList(p, "nope", "allow_list", nil); err == nil || !strings.Contains(err.Error(), "account list") {
		t.Errorf("unknown account: %v", err)
	}
	if after, _ := os.ReadFile(p); string(after) != string(data) {
		t.Errorf("a refused edit changed the file")
	}
	if fi, _ := os.Stat(p); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v", fi.Mode())
	}
}
