package config

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/mailwarden/mailwarden/i18n"
	"github.com/mailwarden/mailwarden/quota"
)

func TestQuotaDefaultsAndOverride(t *testing.T) {
	c, err := Parse("c.toml", []byte(good))
	if err != nil {
		t.Fatal(err)
	}
	q := c.Accounts[0].Quota
	if q.Levels() != quota.DefaultLevels || q.Limit() != 15<<30 || q.CheckInterval.Duration != 10*time.Minute {
		t.Fatalf("defaults: %+v", q)
	}
	text := good + `quota = { limit_gb = 0.5, critical = 98 }

[[account]]
name = "second"
host = "h"
username = "u"
password_env = "X"

[quota]
warn = 85
limit_gb = 30
check_interval = "30m"
`
	c, err = Parse("c.toml", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	a, b := c.Accounts[0].Quota, c.Accounts[1].Quota
	if a.Show != 75 || a.Warn != 85 || a.Critical != 98 || a.Limit() != 512<<20 || a.CheckInterval.Duration != 30*time.Minute {
		t.Errorf("account with override: %+v", a)
	}
	if b.Warn != 85 || b.Critical != 95 || b.LimitGB != 30 {
		t.Errorf("account without override: %+v", b)
	}
	// The [account.quota] table form is the same.
	c, err = Parse("c.toml", []byte(good+"\n[account.quota]\nlimit_gb = 2\n"))
	if err != nil || c.Accounts[0].Quota.LimitGB != 2 {
		t.Fatalf("[account.quota]: %+v %v", c, err)
	}
}

// Bad quota settings name the file, the line (in [quota] or in the
// account's own quota table) and the fix.
func TestQuotaErrorsNameFileLineFix(t *testing.T) {
	cases := []struct {
		name, text string
		line       int
		fix, ja    string // ja: the fix in the Japanese text ("" for the unknown key, worded elsewhere)
	}{
		{"fractions", good + "\n[quota]\nwarn = 0.8\n", 10, "warn = 80", "80% なら warn = 80"},
		{"over 100", good + "\n[quota]\ncritical = 120\n", 10, "between 1 and 100", "1 から 100 までの百分率"},
		{"falling", good + "\n[quota]\nshow = 85\n", 10, "must rise", "show (85) < warn (80) < critical (95) の順に"},
		{"negative limit", good + "\n[quota]\nlimit_gb = -1\n", 10, "limit_gb", "容量を GB で"},
		{"fast check", good + "\n[quota]\ncheck_interval = \"10ms\"\n", 10, "at least 1s", "1s 以上"},
		{"unknown key", good + "\n[quota]\nwarning = 80\n", 10, "spelling", ""},
		{"account inline", good + "quota = { warn = 70 }\n", 8, "account 1: quota levels must rise", "アカウント 1: quota の段階は"},
		{"account table", good + "\n[account.quota]\nwarn = 99\n", 10, "account 1: quota levels must rise", "アカウント 1: quota の段階は"},
		{"account inherits a bad global", good + "quota = { critical = 99 }\n\n[quota]\nwarn = 96\n", 0, "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("/home/u/.config/mailwarden/config.toml", []byte(tc.text))
			if tc.fix == "" { // the account's override makes it valid for the account, but [quota] itself is bad
				if err == nil || !strings.Contains(err.Error(), ":11:") {
					t.Fatalf("got %v", err)
				}
				return
			}
			var ce *Error
			if !errors.As(err, &ce) {
				t.Fatalf("want *config.Error, got %v", err)
			}
			if ce.Line != tc.line || !strings.Contains(err.Error(), tc.fix) {
				t.Errorf("got %q, want line %d and %q", err, tc.line, tc.fix)
			}
			if ja := ce.Text.In(i18n.Ja); tc.ja != "" && !strings.Contains(ja, tc.ja) {
				t.Errorf("in Japanese %q, want %q", ja, tc.ja)
			}
		})
	}
}
