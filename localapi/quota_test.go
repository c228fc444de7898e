package localapi

import (
	"context"
	"errors"
	"strings"
	"testing"
)

func (f *fakeBackend) Cleanup(ctx context.Context, req CleanupRequest) ([]CleanupReport, error) {
	if req.Account == "nope" {
		return nil, errors.Join(ErrNotFound, errors.New(`no account "nope"`))
	}
	r := CleanupReport{Account: "work", Folder: "Junk", DryRun: req.DryRun, OlderThanDays: req.OlderThanDays, Messages: 3, Size: 3000,
		Bound: CleanupBound{UIDValidity: 7, MaxUID: 9}}
	if b, ok := req.Confirm["work"]; ok && !req.DryRun {
		r.Bound, r.Freed = b, 3072
	}
	return []CleanupReport{r}, nil
}

func TestCleanupAPI(t *testing.T) {
	c := NewClient(serve(t, &fakeBackend{}))
	ctx := context.Background()
	r, err := c.Cleanup(ctx, CleanupRequest{Folder: "junk", DryRun: true, OlderThanDays: 30})
	if err != nil || len(r) != 1 || !r[0].DryRun || r[0].OlderThanDays != 30 || r[0].Bound.MaxUID != 9 {
		t.Fatalf("dry run: %+v %v", r, err)
	}
	r, err = c.Cleanup(ctx, CleanupRequest{Folder: "junk", Confirm: map[string]CleanupBound{"work": {UIDValidity: 7, MaxUID: 8}}})
	if err != nil || r[0].Bound.MaxUID != 8 || r[0].Freed != 3072 {
		t.Fatalf("confirmed: %+v %v", r, err)
	}
	var apiErr *APIError
	for _, bad := range []CleanupRequest{{Folder: "inbox"}, {Folder: "Archive"}, {Folder: "trash", OlderThanDays: -1}} {
		if _, err := c.Cleanup(ctx, bad); !errors.As(err, &apiErr) || apiErr.Status != 400 {
			t.Errorf("%+v: %v", bad, err)
		}
	}
	if _, err := c.Cleanup(ctx, CleanupRequest{Folder: "trash", Account: "nope"}); !errors.As(err, &apiErr) || apiErr.Status != 404 || !strings.Contains(err.Error(), "nope") {
		t.Errorf("unknown account: %v", err)
	}
}
