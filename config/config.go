// Package config owns mailwarden's configuration file: its TOML schema, its
// defaults, its validation (every error names the file, the line and the fix)
// and the migration of older schema versions.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/BurntSushi/toml"

	"github.com/mailwarden/mailwarden/i18n"
)

// lang is the language of the errors: the user's, as the command line's.
var lang = i18n.Detect()

// Version is the schema version this build writes and understands.
const Version = 1

// Config is the whole configuration file.
type Config struct {
	Version    int              `toml:"version"`
	DryRun     bool             `toml:"dry_run"`
	KeepAwake  bool             `toml:"keep_awake"` // keep the PC from idle sleep while mailwarden runs
	Classifier ClassifierConfig `toml:"classifier"`
	Quota      QuotaConfig      `toml:"quota"` // see quota.go
	Accounts   []Account        `toml:"account"`

	// Path is the file the config was read from ("" when built in memory).
	Path string `toml:"-"`
}

// ClassifierConfig holds the verdict cutoffs; zero means the classifier's default.
type ClassifierConfig struct {
	HamCutoff  float64 `toml:"ham_cutoff"`
	SpamCutoff float64 `toml:"spam_cutoff"`
}

// Account is one IMAP account to keep clean.
type Account struct {
	Name           string   `toml:"name"`
	Host           string   `toml:"host"`
	Port           int      `toml:"port"`
	TLS            TLSMode  `toml:"tls"`
	Username       string   `toml:"username"`
	PasswordEnv    string   `toml:"password_env"`
	PasswordFile   string   `toml:"password_file"`
	AllowPlaintext bool     `toml:"allow_plaintext"`
	CAFile         string   `toml:"ca_file"`
	JunkFolder     string   `toml:"junk_folder"`
	TrainFolders   []string `toml:"train_folders"`
	TrainCap       int      `toml:"train_cap"`
	MaxFetchKiB    int      `toml:"max_fetch_kib"`
	PollInterval   Duration `toml:"poll_interval"`
	DryRun         bool     `toml:"dry_run"`
	// Learning and trusted senders (see learn.go).
	AllowList         []string `toml:"allow_list"`
	BlockList         []string `toml:"block_list"`
	AllowListOnly     bool     `toml:"allow_list_only"`
	TrustSpamAssassin bool     `toml:"trust_spamassassin"`
	OwnDomains        []string `toml:"own_domains"`
	JunkMaxAgeDays    int      `toml:"junk_max_age_days"`
	// Quota overrides [quota] for this account; after loading it holds
	// the account's effective settings.
	Quota QuotaConfig `toml:"quota"`
}

// TLSMode is how the connection is secured: "tls" (implicit TLS, port 993),
// "starttls" (port 143 upgraded) or "none" (only with allow_plaintext).
type TLSMode string

// UnmarshalText validates the mode while decoding, so the error carries a line.
func (m *TLSMode) UnmarshalText(b []byte) error {
	switch s := TLSMode(strings.ToLower(string(b))); s {
	case "tls", "starttls", "none":
		*m = s
		return nil
	}
	return errors.New(lang.T("config bad tls", b))
}

// A value the decoder's UnmarshalText refused (tls = "tsl") reaches Parse
// as a toml.ParseError though the file is valid TOML: valueError tells the
// two apart by decoding the file again without the schema.
func valueError(data []byte) bool {
	var m map[string]any
	return toml.Unmarshal(data, &m) == nil
}

// Duration is a time.Duration written as "90s", "5m".
type Duration struct{ time.Duration }

// UnmarshalText parses a Go duration string.
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	if err != nil {
		return errors.New(lang.T("config bad duration", b))
	}
	d.Duration = v
	return nil
}

// MarshalText writes the duration back in the same form.
func (d Duration) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// Error is a configuration problem: the file, the line (0 when unknown), what
// is wrong and how to fix it.
type Error struct {
	File string
	Line int
	Msg  string       // in the user's language (this process's)
	Text i18n.Message // Msg as a catalog text, for a client in another language
}

// newError is the Error at file:line (line 0: unknown) worded by m.
func newError(file string, line int, m i18n.Message) *Error {
	return &Error{File: file, Line: line, Msg: m.In(lang), Text: m}
}

// CatalogText is the whole error, file and line included, as a catalog
// text (an i18n.Texter): the daemon's reload sends it so.
func (e *Error) CatalogText() i18n.Message {
	t := e.Text
	if t.Key == "" {
		t = i18n.Msg("config text", e.Msg)
	}
	if e.Line > 0 {
		return i18n.Msg("config error at", e.File, e.Line, t)
	}
	return i18n.Msg("config error in", e.File, t)
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Msg)
}

// DefaultPath is os.UserConfigDir()/mailwarden/config.toml.
func DefaultPath() (string, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("find the config directory: %w", err)
	}
	return filepath.Join(dir, "mailwarden", "config.toml"), nil
}

// Load reads, migrates, defaults and validates the config file at path.
func Load(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, newError(path, 0, i18n.Msg("config no file"))
		}
		return nil, fmt.Errorf("read config: %w", err)
	}
	return Parse(path, data)
}

// Parse is Load on bytes already read; path is used in errors.
func Parse(path string, data []byte) (*Config, error) {
	var c Config
	md, err := toml.NewDecoder(bytes.NewReader(data)).Decode(&c)
	if err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			if valueError(data) {
				// The value is well-formed but not allowed: the message
				// (from UnmarshalText) lists the allowed ones.
				return nil, newError(path, pe.Position.Line, i18n.Msg("config value", shortKey(pe.LastKey), refusedValue(data, pe)))
			}
			return nil, newError(path, syntaxLine(data, pe), parseMsg(pe))
		}
		return nil, decodeError(path, data, err)
	}
	if und := md.Undecoded(); len(und) > 0 {
		k := und[0]
		return nil, newError(path, lineOf(data, k[len(k)-1], 0), i18n.Msg("config unknown setting", k.String()))
	}
	c.Path = path
	if m := c.migrate(); m != nil {
		return nil, newError(path, lineOf(data, "version", 0), *m)
	}
	c.applyDefaults()
	if err := c.validate(data); err != nil {
		return nil, err
	}
	return &c, nil
}

// syntaxLine is the line of a syntax error, from the byte offset of what
// the decoder refused: its Line is one too far when that is a line's end
// ("[[account" followed by a line break reported the next line).
func syntaxLine(data []byte, pe toml.ParseError) int {
	if start := pe.Position.Start; pe.Position.Len > 0 && start >= 0 && start < len(data) {
		return 1 + bytes.Count(data[:start], []byte("\n"))
	}
	return pe.Position.Line
}

func parseMsg(pe toml.ParseError) i18n.Message {
	msg := pe.Message
	if pe.LastKey != "" && !strings.Contains(msg, pe.LastKey) {
		msg = fmt.Sprintf("%s: %s", pe.LastKey, msg)
	}
	return i18n.Msg("config syntax", msg)
}

// refusedValue is the catalog text of the error of a value an
// UnmarshalText refused, found again from the value as written: the
// decoder keeps only the error's text (pe.Message), which stays the
// answer when no text matches.
func refusedValue(data []byte, pe toml.ParseError) any {
	lines := strings.Split(string(data), "\n")
	if line := pe.Position.Line; line >= 1 && line <= len(lines) {
		_, raw, _ := strings.Cut(lines[line-1], "=")
		v := rawValue(raw)
		for _, m := range []i18n.Message{i18n.Msg("config bad tls", v), i18n.Msg("config bad duration", v)} {
			if m.In(lang) == pe.Message {
				return m
			}
		}
	}
	return pe.Message
}

// typeErrRE matches the TOML decoder's error for a value of the wrong type:
// `toml: line 6 (last key "account.port"): incompatible types: TOML value
// has type string; destination has type integer`.
var typeErrRE = regexp.MustCompile(`^toml: line (\d+) \(last key "([^"]*)"\): incompatible types: .*destination has type (\w+)`)

// shortKey is the last part of a dotted key: "account.port" → "port".
func shortKey(k string) string { return k[strings.LastIndex(k, ".")+1:] }

// decodeError is a decoding error other than a syntax error (a value of the
// wrong type), with its line and the value written as it should be.
func decodeError(path string, data []byte, err error) error {
	m := typeErrRE.FindStringSubmatch(err.Error())
	if m == nil {
		return newError(path, 0, i18n.Msg("config wrong type", err.Error()))
	}
	line, _ := strconv.Atoi(m[1])
	key := shortKey(m[2])
	raw := ""
	if lines := strings.Split(string(data), "\n"); line >= 1 && line <= len(lines) {
		_, raw, _ = strings.Cut(lines[line-1], "=")
	}
	return newError(path, line, typeMsg(key, rawValue(raw), m[3]))
}

// rawValue is a value as written, without its quotes and a trailing comment.
func rawValue(s string) string {
	s = strings.TrimSpace(s)
	if q := s[:min(len(s), 1)]; q == `"` || q == "'" {
		if end := strings.Index(s[1:], q); end >= 0 {
			return s[1 : end+1]
		}
	}
	v, _, _ := strings.Cut(s, "#")
	return strings.TrimSpace(v)
}

// examples are values to show for keys whose written value cannot serve.
var examples = map[string]string{
	"port": "993", "version": "1", "train_cap": "2000", "max_fetch_kib": "64", "junk_max_age_days": "30",
	"show": "75", "warn": "80", "critical": "95", "limit_gb": "15", "ham_cutoff": "0.2", "spam_cutoff": "0.9",
	"host": `"mail.example.jp"`, "username": `"sato@example.jp"`, "name": `"work"`, "tls": `"tls"`,
}

// typeMsg says how to write key's value for the decoder's destination type
// (integer, float, boolean, string, slice, map), with an example built from
// what was written where it can be.
func typeMsg(key, raw, dst string) i18n.Message {
	example := func(ok bool, v string) string {
		if ok {
			return key + " = " + v
		}
		if e, found := examples[key]; found {
			return key + " = " + e
		}
		if dst == "integer" || dst == "float" {
			return key + " = 1"
		}
		return key + " = " + v
	}
	switch dst {
	case "integer":
		_, err := strconv.Atoi(raw)
		return i18n.Msg("config want number", key, example(err == nil, raw))
	case "float":
		_, err := strconv.ParseFloat(raw, 64)
		return i18n.Msg("config want number", key, example(err == nil, raw))
	case "boolean":
		v := strings.ToLower(raw)
		return i18n.Msg("config want bool", key, example(v == "true" || v == "false", "true"))
	case "string", "primitive":
		return i18n.Msg("config want text", key, example(false, strconv.Quote(raw)))
	case "slice":
		return i18n.Msg("config want list", key, key+" = ["+strconv.Quote(raw)+"]")
	}
	return i18n.Msg("config wrong type", key)
}

// migrate brings an older schema up to Version. Version 0 (no version line)
// is the same shape as 1.
func (c *Config) migrate() *i18n.Message {
	switch {
	case c.Version == 0:
		c.Version = Version
	case c.Version > Version:
		m := i18n.Msg("config newer", c.Version, Version)
		return &m
	}
	return nil
}

func (c *Config) applyDefaults() {
	defer c.applyQuotaDefaults()
	for i := range c.Accounts {
		a := &c.Accounts[i]
		if a.TLS == "" {
			a.TLS = "tls"
		}
		if a.Port == 0 {
			switch a.TLS {
			case "tls":
				a.Port = 993
			default:
				a.Port = 143
			}
		}
		if a.Name == "" {
			a.Name = a.Username
		}
		if a.TrainCap == 0 {
			a.TrainCap = 2000
		}
		if a.MaxFetchKiB == 0 {
			a.MaxFetchKiB = 64
		}
		if a.PollInterval.Duration == 0 {
			a.PollInterval.Duration = time.Minute
		}
	}
}

func (c *Config) validate(data []byte) error {
	bad := func(i int, key string, m i18n.Message) error {
		return newError(c.Path, lineOf(data, key, i), i18n.Msg("config account", i+1, m))
	}
	names := map[string]bool{}
	for i, a := range c.Accounts {
		switch {
		case a.Host == "":
			return bad(i, "", i18n.Msg("config no host"))
		case a.Username == "":
			return bad(i, "", i18n.Msg("config no username"))
		case a.Port < 1 || a.Port > 65535:
			return bad(i, "port", i18n.Msg("config bad port", a.Port))
		case a.TLS == "none" && !a.AllowPlaintext:
			return bad(i, "tls", i18n.Msg("config plaintext"))
		case a.TrainCap < 0:
			return bad(i, "train_cap", i18n.Msg("config train cap"))
		case a.MaxFetchKiB < 1 || a.MaxFetchKiB > 10240:
			return bad(i, "max_fetch_kib", i18n.Msg("config max fetch"))
		case a.PollInterval.Duration < time.Second:
			return bad(i, "poll_interval", i18n.Msg("config poll interval"))
		case !plainName(a.Name):
			key := "name"
			if lineOf(data, key, i) == 0 { // the name is the user name
				key = "username"
			}
			return bad(i, key, i18n.Msg("config bad name", a.Name))
		case names[a.Name]:
			return bad(i, "name", i18n.Msg("config name used", a.Name))
		}
		names[a.Name] = true
	}
	for _, v := range []float64{c.Classifier.HamCutoff, c.Classifier.SpamCutoff} {
		if v < 0 || v > 1 {
			return newError(c.Path, lineOf(data, "ham_cutoff", 0), i18n.Msg("config cutoff range"))
		}
	}
	if c.Classifier.SpamCutoff != 0 && c.Classifier.HamCutoff >= c.Classifier.SpamCutoff {
		return newError(c.Path, lineOf(data, "spam_cutoff", 0), i18n.Msg("config cutoff order"))
	}
	if err := c.validateLearn(data); err != nil {
		return err
	}
	return c.validateQuota(data)
}

// plainName reports whether an account name can be shown and typed: no
// control characters (a line break would split status lines and log
// records), no space at either end.
func plainName(s string) bool {
	return strings.TrimSpace(s) == s && !strings.ContainsFunc(s, unicode.IsControl)
}

// lineOf finds the line of key inside the n-th [[account]] table (n < 0:
// anywhere). With key "" it returns the line of the table header. 0 if not found.
func lineOf(data []byte, key string, n int) int {
	tables := -1
	for i, line := range strings.Split(string(data), "\n") {
		t := strings.TrimSpace(line)
		if strings.HasPrefix(t, "[[account]]") {
			tables++
			if key == "" && tables == n {
				return i + 1
			}
			continue
		}
		if key == "" || (n >= 0 && tables != n && tables >= 0) {
			continue
		}
		if k, _, ok := strings.Cut(t, "="); ok && strings.TrimSpace(k) == key {
			return i + 1
		}
	}
	return 0
}
