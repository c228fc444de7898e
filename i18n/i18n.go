// Package i18n holds mailwarden's user-facing texts in English and
// Japanese and picks the language from the environment. Texts are keyed by
// a short English id; every key has both languages (a test checks it).
package i18n

import (
	"fmt"
	"os"
	"strings"
)

// Lang is a user interface language.
type Lang string

// The languages mailwarden speaks.
const (
	En Lang = "en"
	Ja Lang = "ja"
)

// Detect picks the language from LC_ALL, LC_MESSAGES or LANG (the first
// set): Japanese for ja*, English otherwise.
func Detect() Lang {
	for _, v := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if s := os.Getenv(v); s != "" {
			if strings.HasPrefix(strings.ToLower(s), "ja") {
				return Ja
			}
			return En
		}
	}
	return En
}

// T returns the text for key in l, formatted with args. An unknown key is
// returned as it is, so a missing text shows rather than vanishes.
func (l Lang) T(key string, args ...any) string {
	m, ok := texts[key]
	if !ok {
		return key
	}
	s, ok := m[l]
	if !ok {
		s = m[En]
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}

// Has reports whether key has a text.
func Has(key string) bool {
	_, ok := texts[key]
	return ok
}

// add merges a file's texts into the table (texts are grouped by topic in
// several files).
func add(m map[string]map[Lang]string) {
	for k, v := range m {
		texts[k] = v
	}
}
