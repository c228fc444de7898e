package config

import (
	"strings"
	"time"

	"github.com/mailwarden/mailwarden/i18n"
	"github.com/mailwarden/mailwarden/quota"
)

// QuotaConfig is the [quota] table, and an account's [account.quota]
// table, which overrides it key by key:
//
//	[quota]
//	show = 75              # percent: the tray shows the meter
//	warn = 80              # percent: a desktop notification
//	critical = 95          # percent: mail will soon bounce
//	limit_gb = 15          # the plan's size, used where the server reports no quota
//	check_interval = "10m" # how often the quota is read
//
//	[[account]]
//	...
//	quota = { limit_gb = 30, warn = 70 }   # this account bought 30 GB
//
// (An [account.quota] table after the account's keys works too, but
// `mailwarden account remove` only removes the [[account]] table itself:
// prefer the inline form.) limit_gb counts 1 GB as 1024 MiB, as mail hosts
// do (Dovecot "15G").
type QuotaConfig struct {
	Show          float64  `toml:"show"`
	Warn          float64  `toml:"warn"`
	Critical      float64  `toml:"critical"`
	LimitGB       float64  `toml:"limit_gb"`
	CheckInterval Duration `toml:"check_interval"`
}

// Quota defaults.
const (
	DefaultQuotaLimitGB       = 15
	DefaultQuotaCheckInterval = 10 * time.Minute
)

// Levels returns the thresholds as fractions for the quota package.
func (q QuotaConfig) Levels() quota.Levels {
	return quota.Levels{Show: q.Show / 100, Warn: q.Warn / 100, Critical: q.Critical / 100}
}

// Limit is LimitGB in bytes.
func (q QuotaConfig) Limit() int64 { return int64(q.LimitGB * (1 << 30)) }

// inherit fills q's unset (zero) keys from d.
func (q *QuotaConfig) inherit(d QuotaConfig) {
	if q.Show == 0 {
		q.Show = d.Show
	}
	if q.Warn == 0 {
		q.Warn = d.Warn
	}
	if q.Critical == 0 {
		q.Critical = d.Critical
	}
	if q.LimitGB == 0 {
		q.LimitGB = d.LimitGB
	}
	if q.CheckInterval.Duration == 0 {
		q.CheckInterval = d.CheckInterval
	}
}

// applyQuotaDefaults fills [quota] from the defaults and each account's
// quota table from [quota].
func (c *Config) applyQuotaDefaults() {
	l := quota.DefaultLevels
	c.Quota.inherit(QuotaConfig{Show: l.Show * 100, Warn: l.Warn * 100, Critical: l.Critical * 100,
		LimitGB: DefaultQuotaLimitGB, CheckInterval: Duration{DefaultQuotaCheckInterval}})
	for i := range c.Accounts {
		c.Accounts[i].Quota.inherit(c.Quota)
	}
}

// validateQuota checks [quota] and every account's effective settings.
func (c *Config) validateQuota(data []byte) error {
	if err := c.checkQuota(data, c.Quota, -1); err != nil {
		return err
	}
	for i, a := range c.Accounts {
		if err := c.checkQuota(data, a.Quota, i); err != nil {
			return err
		}
	}
	return nil
}

func (c *Config) checkQuota(data []byte, q QuotaConfig, account int) error {
	// bad points at the first of keys set in the account's quota table,
	// else in [quota] (inherited).
	bad := func(key string, m i18n.Message, more ...string) error {
		scopes := []int{-1}
		if account >= 0 {
			scopes = []int{account, -1}
		}
		line := 0
		for _, sc := range scopes {
			for _, k := range append([]string{key}, more...) {
				if line == 0 {
					line = quotaLine(data, k, sc)
				}
			}
		}
		if account >= 0 {
			m = i18n.Msg("config account", account+1, m)
		}
		return newError(c.Path, line, m)
	}
	for _, l := range []struct {
		key string
		v   float64
	}{{"show", q.Show}, {"warn", q.Warn}, {"critical", q.Critical}} {
		switch {
		case l.v > 0 && l.v <= 1:
			return bad(l.key, i18n.Msg("config quota fraction", l.key, l.v, l.v*100))
		case l.v <= 0 || l.v > 100:
			return bad(l.key, i18n.Msg("config quota percent", l.key, l.v))
		}
	}
	if !(q.Show < q.Warn && q.Warn < q.Critical) {
		key := "warn"
		if q.Warn < q.Critical {
			key = "show"
		}
		return bad(key, i18n.Msg("config quota rise", q.Show, q.Warn, q.Critical),
			"show", "warn", "critical")
	}
	if q.LimitGB <= 0 || q.LimitGB > 1<<20 {
		return bad("limit_gb", i18n.Msg("config quota limit", q.LimitGB))
	}
	if q.CheckInterval.Duration < time.Second {
		return bad("check_interval", i18n.Msg("config quota interval"))
	}
	return nil
}

// quotaLine finds the line of key in [quota] (account < 0) or in the quota
// table of the account-th [[account]] (inline, or [account.quota]). 0 if
// not found.
func quotaLine(data []byte, key string, account int) int {
	n := -1
	in, main := false, false
	for i, line := range strings.Split(string(data), "\n") {
		t := strings.TrimSpace(line)
		if strings.HasPrefix(t, "[") {
			array := strings.HasPrefix(t, "[[")
			h, _, _ := strings.Cut(strings.TrimLeft(t, "["), "]")
			h = strings.Join(strings.Fields(h), "")
			if array && h == "account" {
				n++
			}
			in = !array && ((account < 0 && h == "quota") || (account >= 0 && n == account && h == "account.quota"))
			main = array && h == "account" && n == account
			continue
		}
		k, v, ok := strings.Cut(t, "=")
		k = strings.TrimSpace(k)
		if ok && ((in && k == key) || (main && k == "quota" && strings.Contains(v, key))) {
			return i + 1
		}
	}
	return 0
}
