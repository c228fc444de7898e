package i18n

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"unicode"
)

// Every text exists in both languages, with the same format verbs.
func TestEveryTextInEnglishAndJapanese(t *testing.T) {
	for key, m := range texts {
		en, ja := m[En], m[Ja]
		if en == "" || ja == "" {
			t.Errorf("%q lacks a language: en %q, ja %q", key, en, ja)
			continue
		}
		for _, verb := range []string{"%s", "%d", "%q"} {
			if strings.Count(en, verb) != strings.Count(ja, verb) {
				t.Errorf("%q: %s count differs: %q / %q", key, verb, en, ja)
			}
		}
		// Only a text without words ("%s: %s", to join others) may be
		// the same in both.
		words := strings.NewReplacer("%s", "", "%d", "", "%q", "").Replace(en)
		if en == ja && strings.ContainsFunc(words, unicode.IsLetter) {
			t.Errorf("%q: the Japanese text is the English one", key)
		}
	}
}

func TestDetect(t *testing.T) {
	for _, c := range []struct {
		all, lang string
		want      Lang
	}{{"", "ja_JP.UTF-8", Ja}, {"", "en_US.UTF-8", En}, {"C", "ja_JP.UTF-8", En}, {"", "", En}} {
		t.Setenv("LC_ALL", c.all)
		t.Setenv("LC_MESSAGES", "")
		t.Setenv("LANG", c.lang)
		if got := Detect(); got != c.want {
			t.Errorf("LC_ALL=%q LANG=%q: %v, want %v", c.all, c.lang, got, c.want)
		}
	}
	if got := Ja.T("online"); got != "受信箱を監視中" {
		t.Errorf("Ja online = %q", got)
	}
	if got := En.T("moved to junk", "Win a prize"); got != "Moved to Junk: Win a prize" {
		t.Errorf("formatted: %q", got)
	}
	if got := Ja.T("no such key"); got != "no such key" {
		t.Errorf("unknown key: %q", got)
	}
}

// Messages finds the catalog texts in an error chain, wrapped or joined,
// and Localize puts them in another language in place.
func TestMessagesOfAnError(t *testing.T) {
	inner := &Error{Message: Msg("account cannot start")}
	err := errors.Join(errors.New("first"), fmt.Errorf("%w: %w", inner, &Error{Message: Msg("secrets none in keyring", "work", "work")}))
	msgs := Messages(err)
	if len(msgs) != 2 || msgs[0].Key != "account cannot start" || msgs[1].Key != "secrets none in keyring" {
		t.Fatalf("messages %+v", msgs)
	}
	got := Localize(err.Error(), Ja, msgs)
	want := "first\nアカウントを開始できません: アカウント \"work\" のパスワードがキーリングにありません: `mailwarden account password work` で保存してください"
	if got != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
}

// A Message given as an argument stays a catalog text: the whole is put
// in one language.
func TestNestedMessage(t *testing.T) {
	m := Msg("config account", 2, Msg("config bad port", 70000))
	if got, want := m.In(En), "account 2: port = 70000 is not a TCP port: use 993 for tls or 143 for starttls"; got != want {
		t.Errorf("English: %q, want %q", got, want)
	}
	if got, want := m.In(Ja), "アカウント 2: port = 70000 は TCP のポート番号ではありません: tls なら 993、starttls なら 143 にしてください"; got != want {
		t.Errorf("Japanese: %q, want %q", got, want)
	}
	if e := (&Error{Message: Msg("config no host")}); Msg("config account", 1, e).In(Ja) != "アカウント 1: "+Ja.T("config no host") {
		t.Errorf("an *Error argument is not put in Japanese: %q", Msg("config account", 1, e).In(Ja))
	}
}
