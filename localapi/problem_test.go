package localapi

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/mailwarden/mailwarden/i18n"
)

// A Problem crosses the API as its catalog key and arguments: the client
// shows it in its own user's language, whatever the daemon's is, and no
// HTTP word reaches the user.
func TestProblemsInTheClientsLanguage(t *testing.T) {
	b := &problemBackend{err: NotFound("api no account", "work")}
	c := NewClient(serve(t, b))
	ctx := context.Background()
	err := c.SyncNow(ctx, "work")
	var ae *APIError
	if !errors.As(err, &ae) || ae.Status != 404 || ae.Code != "api no account" || fmt.Sprint(ae.Args) != "[work]" {
		t.Fatalf("got %#v", err)
	}
	if got, want := err.Error(), "no account \"work\": `mailwarden account list` shows the names"; got != want {
		t.Errorf("English: %q, want %q", got, want)
	}
	if got, want := Localize(err, i18n.Ja), "アカウント \"work\" はありません: 名前は `mailwarden account list` で確認できます"; got != want {
		t.Errorf("Japanese: %q, want %q", got, want)
	}
	// Wrapped with context, the context stays.
	if got, want := Localize(fmt.Errorf("sync: %w", err), i18n.Ja), "sync: アカウント \"work\" はありません: 名前は `mailwarden account list` で確認できます"; got != want {
		t.Errorf("wrapped: %q, want %q", got, want)
	}

	// A plain error marked as the caller's mistake loses the marker's words.
	b.err = fmt.Errorf("%w: no such thing", ErrBadRequest)
	err = c.SyncNow(ctx, "x")
	if !errors.As(err, &ae) || ae.Status != 400 || err.Error() != "no such thing" || ae.Code != "" {
		t.Errorf("plain bad request: %#v", err)
	}
	b.err = errors.Join(ErrNotFound, errors.New("gone"))
	if err = c.SyncNow(ctx, "x"); err == nil || err.Error() != "gone" {
		t.Errorf("joined not found: %v", err)
	}

	// An argument that is a catalog text itself (a config error, nested
	// texts inside) crosses as one too, and is put in the same language.
	inner := &i18n.Error{Message: i18n.Msg("api not an address", "x")}
	b.err = BadRequest("api reload refused", inner)
	err = c.SyncNow(ctx, "x")
	if got, want := err.Error(), `"x" is not a mail address: write it like sato@example.jp (the running config stays in force)`; got != want {
		t.Errorf("nested, English: %q, want %q", got, want)
	}
	if got, want := Localize(err, i18n.Ja), `"x" はメールアドレスではありません: sato@example.jp のように書いてください（現在の設定のまま動作を続けます）`; got != want {
		t.Errorf("nested, Japanese: %q, want %q", got, want)
	}

	// The server's own checks too.
	if _, err := c.Actions(ctx, -5); err == nil || Localize(err, i18n.Ja) != "表示する件数は 0 以上にしてください（例: -n 20）" {
		t.Errorf("bad limit: %v", err)
	}
}

func TestNotRunningInJapanese(t *testing.T) {
	_, err := NewClient("/nonexistent/mw.sock").Status(context.Background())
	if !errors.Is(err, ErrNotRunning) {
		t.Fatalf("got %v", err)
	}
	if got, want := Localize(err, i18n.Ja), "mailwarden デーモンが動いていません（/nonexistent/mw.sock に応答がありません）。`mailwarden run` で起動してください"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// problemBackend answers SyncNow with err.
type problemBackend struct {
	fakeBackend
	err error
}

func (p *problemBackend) SyncNow(string) error { return p.err }
