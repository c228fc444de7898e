package store

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mailwarden/mailwarden/imapsync"
)

func open(t *testing.T) (*Store, string) {
	t.Helper()
	p := filepath.Join(t.TempDir(), "state.db")
	s, err := Open(p)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, p
}

func TestFolderAndPendingRoundTrip(t *testing.T) {
	s, _ := open(t)
	if _, ok, err := s.Folder("a", "INBOX"); ok || err != nil {
		t.Fatalf("empty store has folder state: %v %v", ok, err)
	}
	want := imapsync.FolderState{UIDValidity: 7, LastUID: 42, Trained: true}
	if err := s.SetFolder("a", "INBOX", want); err != nil {
		t.Fatal(err)
	}
	if got, ok, _ := s.Folder("a", "INBOX"); !ok || got != want {
		t.Fatalf("got %+v %v, want %+v", got, ok, want)
	}
	if _, ok, _ := s.Folder("b", "INBOX"); ok {
		t.Fatal("state leaked across accounts")
	}
	p1 := imapsync.PendingMove{Mailbox: "INBOX", UIDValidity: 7, UID: 5, MessageID: "<x@y>", Started: time.Unix(100, 0).UTC()}
	p2 := p1
	p2.UID = 6
	s.SetPending("a", p1)
	s.SetPending("a", p2)
	s.SetPending("ab", p1) // a prefix of another account's name must not match
	got, err := s.Pending("a")
	if err != nil || len(got) != 2 || got[0].UID != 5 || got[1].UID != 6 || got[0].MessageID != "<x@y>" {
		t.Fatalf("pending: %+v %v", got, err)
	}
	s.ClearPending("a", p1)
	if got, _ := s.Pending("a"); len(got) != 1 || got[0].UID != 6 {
		t.Fatalf("after clear: %+v", got)
	}
}

func TestRecordWritesLogAndLedger(t *testing.T) {
	s, _ := open(t)
	for i, act := range []string{"move-to-junk", "failed", "mark-ham"} {
		a := &Action{Time: time.Now(), Account: "a", UID: uint32(i + 1), Identity: "id" + act, Action: act, Verdict: "spam"}
		if err := s.Record(a); err != nil {
			t.Fatal(err)
		}
		if a.Seq != uint64(i+1) {
			t.Fatalf("seq %d, want %d", a.Seq, i+1)
		}
	}
	if _, ok, _ := s.Handled("a", "idmove-to-junk"); !ok {
		t.Error("a move is not in the handled ledger")
	}
	if _, ok, _ := s.Handled("a", "idfailed"); ok {
		t.Error("a failed action is in the handled ledger: it would never be retried")
	}
	acts, _ := s.Actions(2)
	if len(acts) != 2 || acts[0].Action != "failed" || acts[1].Action != "mark-ham" {
		t.Fatalf("last two actions, oldest first: %+v", acts)
	}
	s.RecordTraining([]Training{{"a", "m1", "spam", false}, {"a", "m2", "ham", false}, {"a", "m3", "ham", false}})
	s.RecordTraining([]Training{{"a", "m2", "spam", false}, {"a", "m3", "", false}})
	if sp, h, _ := s.TrainedCount(); sp != 2 || h != 0 {
		t.Fatalf("trained %d spam %d ham", sp, h)
	}
	if h, ok, _ := s.Handled("a", "m1"); !ok || h.Action != "trained" {
		t.Errorf("a trained message is not handled for its account: %+v", h)
	}
	if _, ok, _ := s.Handled("b", "m1"); ok {
		t.Error("training in account a marked the message handled in account b")
	}
}

func TestCorruptStoreIsSetAsideAndRebuilt(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "state.db")
	if err := os.WriteFile(p, []byte(strings.Repeat("not a bolt file ", 1000)), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(p); !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), p) {
		t.Fatalf("Open of garbage: %v, want ErrCorrupt naming the file", err)
	}
	s, note, err := OpenOrRecover(p)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if !strings.Contains(note, "corrupt") {
		t.Errorf("note %q does not say what happened", note)
	}
	aside, _ := filepath.Glob(p + ".corrupt-*")
	if len(aside) != 1 {
		t.Fatalf("corrupt file not kept aside: %v", aside)
	}
	if err := s.SetFolder("a", "INBOX", imapsync.FolderState{LastUID: 1}); err != nil {
		t.Fatalf("rebuilt store unusable: %v", err)
	}
}
