package config

import (
	"errors"
	"strings"
	"testing"

	"github.com/mailwarden/mailwarden/i18n"
)

// In a Japanese session the errors are in Japanese, and still name the
// file and the line.
func TestParseErrorsInJapanese(t *testing.T) {
	old := lang
	lang = i18n.Ja
	defer func() { lang = old }()
	for _, c := range []struct {
		text, want string
		line       int
	}{
		{good + "tls = \"none\"\n", "暗号化されずに", 8},
		{good + "port = 70000\n", "port = 70000 は TCP のポート番号ではありません", 8},
		{good + "tls = \"ssl\"\n", `tls = "ssl" は指定できません: "tls"（ポート 993）`, 8},
		{strings.Replace(good, `name = "work"`, `name = "wo\nrk"`, 1), `アカウント 1: 名前 "wo\nrk" に制御文字（改行など）か、先頭・末尾の空白があります`, 4},
		{good + "port = \"993\"\n", "port は数値にしてください。例: port = 993（引用符なし）", 8},
	} {
		_, err := Parse("c.toml", []byte(c.text))
		var ce *Error
		if !errors.As(err, &ce) || ce.File != "c.toml" || ce.Line != c.line || !strings.Contains(ce.Msg, c.want) {
			t.Errorf("got %v, want c.toml:%d with %q", err, c.line, c.want)
		}
	}
}

// Made in English (a daemon run with LANG=C), an error carries its catalog
// text, so a Japanese client shows it in Japanese: file and line as they are.
func TestErrorCarriesItsCatalogText(t *testing.T) {
	for _, c := range []struct{ text, want string }{
		{good + "tls = \"tsl\"\n", `c.toml:8: tls = "tsl" は指定できません: "tls"（ポート 993）`},
		{good + "poll_interval = \"often\"\n", `c.toml:8: poll_interval = "often" は指定できません: "60s" や "5m"`},
		{good + "port = 70000\n", "c.toml:8: アカウント 1: port = 70000 は TCP のポート番号ではありません"},
		{good + "allow_list = [\"*.example.jp\"]\n", `c.toml:8: アカウント 1: allow_list: "*.example.jp": "example.jp" と書いてください`},
	} {
		_, err := Parse("c.toml", []byte(c.text))
		var ce *Error
		if !errors.As(err, &ce) || !strings.HasPrefix(ce.CatalogText().In(i18n.Ja), c.want) || ce.CatalogText().In(i18n.En) != err.Error() {
			t.Errorf("got %v\n%q, want it to start with %q", err, ce.CatalogText().In(i18n.Ja), c.want)
		}
	}
}
