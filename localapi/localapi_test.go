package localapi

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mailwarden/mailwarden/store"
)

// fakeBackend records calls and serves canned data.
type fakeBackend struct {
	mu     sync.Mutex
	allow  []string // learn_test.go
	paused bool
	synced []string
	subs   []chan Event
}

func (f *fakeBackend) Status() Status {
	f.mu.Lock()
	defer f.mu.Unlock()
	return Status{PID: 42, Paused: f.paused, Accounts: []AccountStatus{{Name: "work", State: StateOnline}}}
}
func (f *fakeBackend) Actions(limit int) ([]store.Action, error) {
	return []store.Action{{Seq: 7, Action: "move-to-junk", Score: 0.99}}[:min(limit, 1)], nil
}
func (f *fakeBackend) NotJunk(ctx context.Context, seq uint64) (store.Action, error) {
	if seq != 7 {
		return store.Action{}, ErrNotFound
	}
	return store.Action{Seq: 8, Action: "not-junk"}, nil
}
func (f *fakeBackend) SyncNow(account string) error {
	if account == "nope" {
		return errors.Join(ErrNotFound, errors.New(`no account "nope"`))
	}
	f.mu.Lock()
	f.synced = append(f.synced, account)
	f.mu.Unlock()
	return nil
}
func (f *fakeBackend) SetPaused(p bool) { f.mu.Lock(); f.paused = p; f.mu.Unlock() }
func (f *fakeBackend) Reload() error    { return errors.New("config.toml:3: bad") }
func (f *fakeBackend) Quota(ctx context.Context) ([]QuotaReport, error) {
	return []QuotaReport{{Account: "work", Used: 80, Limit: 100, Level: "warn"}}, nil
}
func (f *fakeBackend) Accounts() ([]AccountConfig, error) {
	return []AccountConfig{{Name: "work", PasswordSource: "keyring"}}, nil
}
func (f *fakeBackend) AddAccount(ctx context.Context, req AccountAdd) (AccountAdded, error) {
	if req.Password != "pw" {
		return AccountAdded{}, errors.Join(ErrBadRequest, errors.New("login refused: check the password"))
	}
	return AccountAdded{Account: AccountConfig{Name: req.Name}, Attempts: []string{"ok"}}, nil
}
func (f *fakeBackend) RemoveAccount(name string) error { return nil }
func (f *fakeBackend) Subscribe() (<-chan Event, func()) {
	ch := make(chan Event, 8)
	f.mu.Lock()
	f.subs = append(f.subs, ch)
	f.mu.Unlock()
	return ch, func() {}
}
func (f *fakeBackend) publish(e Event) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, s := range f.subs {
		s <- e
	}
}

func serve(t *testing.T, b Backend) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "mwapi")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	path := filepath.Join(dir, "run", "mailwarden.sock")
	ln, err := Listen(path)
	if err != nil {
		t.Fatal(err)
	}
	s := NewServer(b, nil)
	go s.Serve(ln)
	t.Cleanup(func() { s.Shutdown(context.Background()) })
	return path
}

func TestClientAgainstServer(t *testing.T) {
	b := &fakeBackend{}
	path := serve(t, b)
	c := NewClient(path)
	ctx := context.Background()

	st, err := c.Status(ctx)
	if err != nil || st.PID != 42 || st.Accounts[0].State != StateOnline {
		t.Fatalf("status: %+v %v", st, err)
	}
	if err := c.SetPaused(ctx, true); err != nil || !b.Status().Paused {
		t.Fatalf("pause: %v", err)
	}
	acts, err := c.Actions(ctx, 5)
	if err != nil || len(acts) != 1 || acts[0].Seq != 7 {
		t.Fatalf("actions: %+v %v", acts, err)
	}
	if a, err := c.NotJunk(ctx, 7); err != nil || a.Action != "not-junk" {
		t.Fatalf("notjunk: %+v %v", a, err)
	}
	var apiErr *APIError
	if _, err := c.NotJunk(ctx, 99); !errors.As(err, &apiErr) || apiErr.Status != 404 {
		t.Fatalf("notjunk of an unknown action: %v", err)
	}
	if err := c.SyncNow(ctx, "nope"); err == nil || !strings.Contains(err.Error(), `no account "nope"`) {
		t.Fatalf("sync of an unknown account: %v", err)
	}
	if err := c.Reload(ctx); err == nil || !strings.Contains(err.Error(), "config.toml:3") {
		t.Fatalf("reload error not passed through: %v", err)
	}
	if q, err := c.Quota(ctx); err != nil || q[0].Level != "warn" {
		t.Fatalf("quota: %+v %v", q, err)
	}

	if r, err := c.AddAccount(ctx, AccountAdd{Name: "new", Password: "pw"}); err != nil || r.Account.Name != "new" {
		t.Fatalf("add account: %+v %v", r, err)
	}
	if _, err := c.AddAccount(ctx, AccountAdd{Name: "new", Password: "x"}); !errors.As(err, &apiErr) || apiErr.Status != 400 || !strings.Contains(err.Error(), "check the password") {
		t.Fatalf("add account with a bad password: %v", err)
	}
	if a, err := c.Accounts(ctx); err != nil || a[0].PasswordSource != "keyring" {
		t.Fatalf("accounts: %+v %v", a, err)
	}

	// Events arrive in order on the stream.
	got := make(chan Event, 4)
	ectx, cancel := context.WithCancel(ctx)
	defer cancel()
	go c.Events(ectx, func(e Event) bool { got <- e; return true })
	deadline := time.Now().Add(5 * time.Second)
	for {
		b.mu.Lock()
		n := len(b.subs)
		b.mu.Unlock()
		if n > 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	b.publish(Event{Kind: EventNotice, Message: "one"})
	b.publish(Event{Kind: EventState, Account: "work"})
	for _, want := range []EventKind{EventNotice, EventState} {
		select {
		case e := <-got:
			if e.Kind != want {
				t.Fatalf("event %v, want %v", e.Kind, want)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("no %v event", want)
		}
	}
}

func TestClientSaysDaemonNotRunning(t *testing.T) {
	c := NewClient(filepath.Join(t.TempDir(), "none.sock"))
	_, err := c.Status(context.Background())
	if !errors.Is(err, ErrNotRunning) || !strings.Contains(err.Error(), "mailwarden run") {
		t.Fatalf("got %v", err)
	}
}

func TestProfile(t *testing.T) {
	c := NewClient(serve(t, &fakeBackend{}))
	var buf bytes.Buffer
	if err := c.Profile(context.Background(), "heap", ProfileOptions{GC: true}, &buf); err != nil {
		t.Fatal(err)
	}
	// pprof's format is gzip-compressed protobuf.
	if b := buf.Bytes(); len(b) < 100 || b[0] != 0x1f || b[1] != 0x8b {
		t.Fatalf("heap profile: %d bytes, starts % x", len(b), b[:min(len(b), 4)])
	}
	buf.Reset()
	if err := c.Profile(context.Background(), "heap", ProfileOptions{Text: true}, &buf); err != nil || !strings.Contains(buf.String(), "# HeapInuse = ") {
		t.Fatalf("heap profile as text (%v): %.200q", err, buf.String())
	}
	var ae *APIError
	if err := c.Profile(context.Background(), "nosuch", ProfileOptions{}, io.Discard); !errors.As(err, &ae) || ae.Status != 404 {
		t.Fatalf("unknown profile: %v", err)
	}
}

func (f *fakeBackend) SetPassword(ctx context.Context, req AccountPassword) (AccountConfig, error) {
	if req.Name != "work" {
		return AccountConfig{}, NotFound("api no account", req.Name)
	}
	if req.Password != "pw" {
		return AccountConfig{}, BadRequest("api password login", req.Name, "login refused")
	}
	return AccountConfig{Name: req.Name, PasswordSource: "keyring"}, nil
}

// SetPassword sends the name and the password; the daemon's refusal
// arrives as its catalog text.
func TestClientSetPassword(t *testing.T) {
	c := NewClient(serve(t, &fakeBackend{}))
	ctx := context.Background()
	if a, err := c.SetPassword(ctx, "work", "pw"); err != nil || a.Name != "work" || a.PasswordSource != "keyring" {
		t.Fatalf("set password: %+v %v", a, err)
	}
	var ae *APIError
	if _, err := c.SetPassword(ctx, "work", "bad"); !errors.As(err, &ae) || ae.Status != 400 || ae.Code != "api password login" || ae.Args[0] != "work" {
		t.Fatalf("a refused password: %#v", err)
	}
	if _, err := c.SetPassword(ctx, "nope", "pw"); !errors.As(err, &ae) || ae.Status != 404 {
		t.Fatalf("an unknown account: %v", err)
	}
}
