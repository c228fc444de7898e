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
