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

// Message is a catalog text with its arguments as strings, to be put in a
// language later, maybe by another process: the daemon sends Messages
// through the local API and each client shows them in its user's
// language. Keys used so take only %s and %q verbs.
type Message struct {
	Key  string   `json:"key"`
	Args []string `json:"args,omitempty"`
	// Texts are the arguments that are catalog texts themselves, by
	// their place in Args (nil where an argument is plain text; Args
	// holds their English): they are put in the same language.
	Texts []*Message `json:"texts,omitempty"`
}

// Texter is a value, such as an error, that is worded by a Message.
type Texter interface{ CatalogText() Message }

// Msg makes a Message; each argument is formatted with %v, but a Message
// or a Texter stays a catalog text, put in the message's language.
func Msg(key string, args ...any) Message {
	m := Message{Key: key}
	for i, a := range args {
		var sub *Message
		switch v := a.(type) {
		case Message:
			sub = &v
		case Texter:
			t := v.CatalogText()
			sub = &t
		}
		if sub == nil {
			m.Args = append(m.Args, fmt.Sprint(a))
			continue
		}
		m.Args = append(m.Args, sub.In(En))
		if m.Texts == nil {
			m.Texts = make([]*Message, len(args))
		}
		m.Texts[i] = sub
	}
	return m
}

// In is the message in l.
func (m Message) In(l Lang) string {
	args := make([]any, len(m.Args))
	for i, a := range m.Args {
		args[i] = a
		if i < len(m.Texts) && m.Texts[i] != nil {
			args[i] = m.Texts[i].In(l)
		}
	}
	return l.T(m.Key, args...)
}

// Error is an error worded by a Message; its Error is the English text.
// Err, if set, is what errors.Is and errors.As find beneath it.
type Error struct {
	Message
	Err error
}

func (e *Error) Error() string { return e.In(En) }

// CatalogText makes an *Error a Texter: an argument of Msg that stays a
// catalog text.
func (e *Error) CatalogText() Message { return e.Message }
func (e *Error) Unwrap() error        { return e.Err }

// Messages are the Messages of the *Error values in err's chain, outermost
// first.
func Messages(err error) []Message {
	var out []Message
	var walk func(error)
	walk = func(err error) {
		if err == nil {
			return
		}
		if e, ok := err.(*Error); ok {
			out = append(out, e.Message)
		}
		switch u := err.(type) {
		case interface{ Unwrap() error }:
			walk(u.Unwrap())
		case interface{ Unwrap() []error }:
			for _, e := range u.Unwrap() {
				walk(e)
			}
		}
	}
	walk(err)
	return out
}

// Localize puts the English texts of msgs found in s into l.
func Localize(s string, l Lang, msgs []Message) string {
	for _, m := range msgs {
		s = strings.Replace(s, m.In(En), m.In(l), 1)
	}
	return s
}
