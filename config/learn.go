package config

import (
	"errors"
	"fmt"
	"github.com/mailwarden/mailwarden/i18n"
	"os"
	"slices"
	"strings"
	"unicode"
)

// Learning and trusted senders, per account:
//
//	allow_list = ["customer.example.jp", "boss@example.com"]  # never moved to Junk
//	block_list = ["offers.example.net"]                       # always moved to Junk
//	allow_list_only = false    # true: only the allow list (and people you wrote to) reach INBOX
//	trust_spamassassin = false # true: the server's X-Spam-Flag: YES is spam
//	own_domains = ["example.jp"] # your domains (default: from the user name and your sent mail)
//	junk_max_age_days = 0      # > 0: delete messages older than this from Junk
//
// A list entry is an address (sato@example.jp) or a domain (example.jp,
// also written @example.jp), which covers its subdomains; case does not
// matter.

// MaxJunkAgeDays bounds junk_max_age_days (ten years).
const MaxJunkAgeDays = 3650

// NormalizeListEntry checks an allow or block list entry and returns it in
// lower case, a domain without a leading "@". The error (an *i18n.Error)
// says how to write it, as a catalog text a client shows in its own
// language.
func NormalizeListEntry(s string) (string, error) {
	e, m := normalizeEntry(s)
	if m != nil {
		return "", &i18n.Error{Message: *m}
	}
	return e, nil
}

// normalizeEntry is NormalizeListEntry with its error as a catalog text.
func normalizeEntry(s string) (string, *i18n.Message) {
	fail := func(key string, args ...any) (string, *i18n.Message) {
		m := i18n.Msg(key, args...)
		return "", &m
	}
	e := strings.ToLower(strings.TrimSpace(s))
	e = strings.TrimPrefix(e, "@")
	switch {
	case e == "":
		return fail("config empty entry")
	case strings.HasPrefix(e, "*."):
		return fail("config wildcard", s, e[2:])
	case strings.ContainsAny(e, " \t,;<>\"'()[]\\*"):
		return fail("config not entry", s)
	}
	local, domain, isAddr := strings.Cut(e, "@")
	if isAddr && (local == "" || strings.Contains(domain, "@") || !validDomain(domain)) {
		return fail("config not address", s)
	}
	if !isAddr {
		domain = e
	}
	if !validDomain(domain) {
		return fail("config not domain", s, domain)
	}
	return e, nil
}

func validDomain(d string) bool {
	if !strings.Contains(d, ".") || strings.HasPrefix(d, ".") || strings.HasSuffix(d, ".") || strings.Contains(d, "..") {
		return false
	}
	for _, r := range d {
		if !(r == '.' || r == '-' || unicode.IsLetter(r) || unicode.IsDigit(r)) {
			return false
		}
	}
	return true
}

// validateLearn checks the learning settings of every account, and puts
// list entries in their normal form.
func (c *Config) validateLearn(data []byte) error {
	for i := range c.Accounts {
		a := &c.Accounts[i]
		bad := func(key string, m i18n.Message) error {
			return newError(c.Path, lineOf(data, key, i), i18n.Msg("config account", i+1, m))
		}
		for _, l := range []struct {
			key  string
			list *[]string
		}{{"allow_list", &a.AllowList}, {"block_list", &a.BlockList}} {
			seen := map[string]bool{}
			var out []string
			for _, s := range *l.list {
				e, m := normalizeEntry(s)
				if m != nil {
					return bad(l.key, i18n.Msg("config list entry", l.key, *m))
				}
				if !seen[e] {
					seen[e] = true
					out = append(out, e)
				}
			}
			*l.list = out
		}
		for _, e := range a.AllowList {
			if slices.Contains(a.BlockList, e) {
				return bad("block_list", i18n.Msg("config both lists", e))
			}
		}
		for j, d := range a.OwnDomains {
			e, m := normalizeEntry(d)
			if m != nil || strings.Contains(e, "@") {
				return bad("own_domains", i18n.Msg("config own domain", d))
			}
			a.OwnDomains[j] = e
		}
		switch {
		case a.AllowListOnly && len(a.AllowList) == 0:
			return bad("allow_list_only", i18n.Msg("config allow only empty"))
		case a.JunkMaxAgeDays < 0 || a.JunkMaxAgeDays > MaxJunkAgeDays:
			return bad("junk_max_age_days", i18n.Msg("config junk age", a.JunkMaxAgeDays, MaxJunkAgeDays))
		}
	}
	return nil
}

// SetAccountList writes key = [values] (allow_list, block_list, ...) into
// the [[account]] table named account of the config file at path, keeping
// the rest of the file, comments included, as it is. The result is
// validated before it replaces the file.
func SetAccountList(path, account, key string, values []string) error {
	old, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("read config: %w", err)
	}
	c, err := Parse(path, old)
	if err != nil {
		return err
	}
	idx := slices.IndexFunc(c.Accounts, func(a Account) bool { return a.Name == account })
	if idx < 0 {
		return errors.New(lang.T("config no account", account, path))
	}
	lines := strings.SplitAfter(string(old), "\n")
	start := lineOf(old, "", idx) - 1 // the [[account]] line
	end := len(lines)
	for i := start + 1; i < len(lines); i++ {
		if strings.HasPrefix(strings.TrimSpace(lines[i]), "[") {
			end = i // the next table, or a sub-table of this one
			break
		}
	}
	// Find key's lines (a multi-line array runs to its "]"), and the last
	// key/value line of the table.
	from, to, last := -1, -1, start
	for i := start + 1; i < end; i++ {
		t := strings.TrimSpace(lines[i])
		if t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		j := i
		k, v, _ := strings.Cut(t, "=")
		if v = strings.TrimSpace(v); strings.HasPrefix(v, "[") && !strings.Contains(stripComment(v), "]") {
			for j+1 < end && !strings.Contains(stripComment(lines[j]), "]") {
				j++
			}
		}
		if strings.TrimSpace(k) == key {
			from, to = i, j
		}
		last = j
		i = j
	}
	quoted := make([]string, len(values))
	for i, v := range values {
		quoted[i] = `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(v) + `"`
	}
	line := fmt.Sprintf("%s = [%s]\n", key, strings.Join(quoted, ", "))
	var out []string
	if from >= 0 {
		out = append(append(append(out, lines[:from]...), line), lines[to+1:]...)
	} else {
		if !strings.HasSuffix(lines[last], "\n") {
			lines[last] += "\n"
		}
		out = append(append(append(out, lines[:last+1]...), line), lines[last+1:]...)
	}
	return replace(path, []byte(strings.Join(out, "")))
}

func stripComment(s string) string {
	if i := strings.Index(s, "#"); i >= 0 {
		return s[:i]
	}
	return s
}
