package localapi

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/mailwarden/mailwarden/store"
)

func (f *fakeBackend) NotJunkMessage(ctx context.Context, account, messageID string) (store.Action, error) {
	if messageID != "<m@x>" {
		return store.Action{}, errors.Join(ErrNotFound, errors.New("mailwarden did not move "+messageID))
	}
	return store.Action{Seq: 9, Action: "not-junk", Account: account, MessageID: messageID}, nil
}

func (f *fakeBackend) AllowList(account string) (AllowList, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if account != "" && account != "work" {
		return AllowList{}, errors.Join(ErrNotFound, errors.New(`no account "`+account+`"`))
	}
	return AllowList{Account: "work", Allow: slices.Clone(f.allow)}, nil
}

func (f *fakeBackend) EditAllowList(req AllowEdit) (AllowList, error) {
	f.mu.Lock()
	for _, a := range req.Add {
		if strings.Contains(a, "*") {
			f.mu.Unlock()
			return AllowList{}, errors.Join(ErrBadRequest, errors.New(`"`+a+`": write the domain`))
		}
		f.allow = append(f.allow, a)
	}
	for _, r := range req.Remove {
		f.allow = slices.DeleteFunc(f.allow, func(s string) bool { return s == r })
	}
	f.mu.Unlock()
	return f.AllowList(req.Account)
}

// The undo by Message-ID and the allow list through the API: requests,
// answers and error statuses.
func TestLearnEndpoints(t *testing.T) {
	c := NewClient(serve(t, &fakeBackend{}))
	ctx := context.Background()
	var apiErr *APIError
	if a, err := c.NotJunkMessage(ctx, "work", "<m@x>"); err != nil || a.Seq != 9 || a.Account != "work" {
		t.Fatalf("notjunk by Message-ID: %+v %v", a, err)
	}
	if _, err := c.NotJunkMessage(ctx, "", "<other@x>"); !errors.As(err, &apiErr) || apiErr.Status != 404 || !strings.Contains(err.Error(), "did not move") {
		t.Fatalf("notjunk of a message not moved: %v", err)
	}
	if l, err := c.EditAllowList(ctx, AllowEdit{Add: []string{"customer.example.jp", "boss@example.com"}}); err != nil || !slices.Equal(l.Allow, []string{"customer.example.jp", "boss@example.com"}) {
		t.Fatalf("allow add: %+v %v", l, err)
	}
	if l, err := c.EditAllowList(ctx, AllowEdit{Remove: []string{"boss@example.com"}}); err != nil || !slices.Equal(l.Allow, []string{"customer.example.jp"}) {
		t.Fatalf("allow remove: %+v %v", l, err)
	}
	if l, err := c.AllowList(ctx, ""); err != nil || l.Account != "work" || len(l.Allow) != 1 {
		t.Fatalf("allow list: %+v %v", l, err)
	}
	if _, err := c.EditAllowList(ctx, AllowEdit{Add: []string{"*.x.example"}}); !errors.As(err, &apiErr) || apiErr.Status != 400 {
		t.Fatalf("bad entry: %v", err)
	}
	if _, err := c.EditAllowList(ctx, AllowEdit{}); !errors.As(err, &apiErr) || apiErr.Status != 400 {
		t.Fatalf("empty change: %v", err)
	}
	if _, err := c.AllowList(ctx, "nope"); !errors.As(err, &apiErr) || apiErr.Status != 404 {
		t.Fatalf("unknown account: %v", err)
	}
}
