package store

import (
	"testing"
	"time"

	"github.com/mailwarden/mailwarden/imapsync"
	"github.com/mailwarden/mailwarden/quota"
)

// The monitor state and the last report survive a reopen; accounts are
// kept apart.
func TestQuotaStateRoundTrip(t *testing.T) {
	s, p := open(t)
	if _, ok, err := s.QuotaState("a"); ok || err != nil {
		t.Fatalf("empty store: %v %v", ok, err)
	}
	at := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	want := QuotaState{Monitor: quota.MonitorState{Level: quota.Warn, LastAlert: at}, Report: []byte(`{"account":"a"}`)}
	if err := s.SetQuotaState("a", want); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s2, err := Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	got, ok, err := s2.QuotaState("a")
	if err != nil || !ok || got.Monitor != want.Monitor || string(got.Report) != string(want.Report) {
		t.Fatalf("got %+v %v %v", got, ok, err)
	}
	if _, ok, _ := s2.QuotaState("b"); ok {
		t.Fatal("state leaked across accounts")
	}
}

// The history keeps one reading per period, drops old ones, and is per
// account.
func TestQuotaHistory(t *testing.T) {
	s, _ := open(t)
	t0 := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	for i := range 48 * 6 { // every 10 minutes for two days
		u := quota.Usage{Time: t0.Add(time.Duration(i) * 10 * time.Minute), Used: int64(i), Limit: 100}
		if _, err := s.AddQuotaReading("a", u, time.Hour, 36*time.Hour); err != nil {
			t.Fatal(err)
		}
	}
	s.AddQuotaReading("ab", quota.Usage{Time: t0, Used: 1, Limit: 1}, time.Hour, time.Hour)
	s.AddQuotaReading("", quota.Usage{Time: t0.Add(72 * time.Hour), Used: 1, Limit: 1}, time.Hour, time.Hour)
	h, err := s.QuotaHistory("a", time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if len(h) != 37 || !h[0].Time.Equal(t0.Add(11*time.Hour)) || h[len(h)-1].Time.Sub(h[len(h)-2].Time) != time.Hour {
		t.Fatalf("%d readings from %v to %v", len(h), h[0].Time, h[len(h)-1].Time)
	}
	if h, _ := s.QuotaHistory("a", t0.Add(46*time.Hour)); len(h) != 2 {
		t.Fatalf("since: %d readings", len(h))
	}
	if h, _ := s.QuotaHistory("ab", time.Time{}); len(h) != 1 {
		t.Fatalf("account ab: %d readings", len(h))
	}
}

func TestSizeIndexes(t *testing.T) {
	s, _ := open(t)
	x := &imapsync.FolderIndex{UIDValidity: 3, UIDNext: 9, Entries: []imapsync.SizeEntry{{UID: 8, Size: 1000, Date: time.Unix(1e9, 0).UTC()}}}
	if err := s.SaveSizes("a", "INBOX", x); err != nil {
		t.Fatal(err)
	}
	s.SaveSizes("a", "Junk", x)
	s.SaveSizes("b", "INBOX", x)
	if got, err := s.LoadSizes("a", "INBOX"); err != nil || got == nil || got.Size() != 1000 || got.UIDNext != 9 {
		t.Fatalf("got %+v %v", got, err)
	}
	if names, _ := s.SizeFolders("a"); len(names) != 2 || names[0] != "INBOX" || names[1] != "Junk" {
		t.Fatalf("folders %v", names)
	}
	s.SaveSizes("a", "Junk", nil)
	if got, _ := s.LoadSizes("a", "Junk"); got != nil {
		t.Fatal("deleted index still there")
	}
}
