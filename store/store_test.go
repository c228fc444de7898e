package store

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"

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

// filledStore writes a state store with enough records to span many pages
// and returns its bytes.
func filledStore(t *testing.T) []byte {
	t.Helper()
	s, p := open(t)
	for i := range 600 {
		a := &Action{Time: time.Unix(int64(i), 0), Account: "a", UID: uint32(i + 1), Identity: fmt.Sprintf("<%d@example.jp>", i), Action: "mark-ham", Verdict: "ham", Subject: strings.Repeat("meeting notes ", 8)}
		if err := s.Record(a); err != nil {
			t.Fatal(err)
		}
		if err := s.SetFolder("a", fmt.Sprintf("folder%d", i%40), imapsync.FolderState{UIDValidity: 1, LastUID: imap.UID(i)}); err != nil {
			t.Fatal(err)
		}
	}
	s.Close()
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if len(data) < 128<<10 {
		t.Fatalf("filled store is only %d bytes", len(data))
	}
	return data
}

// A state store cut short or damaged anywhere makes bbolt panic ("invalid
// freelist page") or fault on its memory map; Open must turn each into
// ErrCorrupt, and OpenOrRecover set the file aside and start afresh, with
// the store-recovered note. An empty file (what is left of one truncated to
// nothing) is corrupt too: it was a store once, its state is lost.
func TestDamagedStoreNeverCrashes(t *testing.T) {
	data := filledStore(t)
	// In order: the first cases fault on the memory map (a page number
	// past the mapping) while no earlier case's leftovers are mapped there.
	type damaged struct {
		name string
		data []byte
	}
	var cases []damaged
	for _, n := range []int{8192, 16384, 65536, 0, 100, 4096, 12288, 32768, len(data) / 2, len(data) - 4096} {
		cases = append(cases, damaged{fmt.Sprintf("truncated to %d", n), data[:n]})
	}
	// Overwrite single pages with garbage: the meta pages, the freelist,
	// branch and leaf pages.
	for pg := 0; pg*4096 < len(data); pg += 3 {
		d := bytes.Clone(data)
		for i := pg * 4096; i < (pg+1)*4096 && i < len(d); i++ {
			d[i] = byte(i*7 + pg)
		}
		cases = append(cases, damaged{fmt.Sprintf("page %d garbled", pg), d})
	}
	// Page numbers pointing far away: the 8-byte words of a page set high.
	for pg := 2; pg*4096 < len(data); pg += 5 {
		d := bytes.Clone(data)
		for i := pg*4096 + 16; i+8 <= (pg+1)*4096 && i+8 <= len(d); i += 64 {
			binary.LittleEndian.PutUint64(d[i:], 1<<40+uint64(i))
		}
		cases = append(cases, damaged{fmt.Sprintf("page %d wild pointers", pg), d})
	}
	for _, c := range cases {
		d := c.data
		t.Run(c.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "state.db")
			if err := os.WriteFile(p, d, 0o600); err != nil {
				t.Fatal(err)
			}
			if InUse(p) { // train's look at it must not crash either
				t.Errorf("InUse of a damaged store nobody holds: true")
			}
			s, err := Open(p)
			if err == nil {
				// Damage bbolt cannot see (in data it never reads) is
				// allowed, but the store must work.
				defer s.Close()
				if _, err := s.Actions(10); err != nil {
					t.Fatalf("opened store fails a read: %v", err)
				}
				return
			}
			if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), p) {
				t.Fatalf("Open: %v, want ErrCorrupt naming the file", err)
			}
			s, note, err := OpenOrRecover(p)
			if err != nil {
				t.Fatalf("OpenOrRecover: %v", err)
			}
			defer s.Close()
			if !strings.Contains(note, "corrupt") || !strings.Contains(note, p) {
				t.Errorf("note %q", note)
			}
			if aside, _ := filepath.Glob(p + ".corrupt-*"); len(aside) != 1 {
				t.Errorf("set aside: %v", aside)
			}
			if err := s.SetFolder("a", "INBOX", imapsync.FolderState{LastUID: 9}); err != nil {
				t.Fatalf("rebuilt store unusable: %v", err)
			}
			if acts, err := s.Actions(10); err != nil || len(acts) != 0 {
				t.Fatalf("rebuilt store has %d actions, %v", len(acts), err)
			}
		})
	}
}

// In a process of its own (no earlier test's memory map next to the
// store's), a truncated store makes bbolt fault on its memory map
// (SIGSEGV) rather than panic: the daemon's start must survive that too.
// The test binary runs itself on each file, as mailwarden run would.
func TestTruncatedStoreFaultInFreshProcess(t *testing.T) {
	if p := os.Getenv("MW_STORE_CHILD"); p != "" {
		// train looks first (InUse); its look must not keep a lock.
		if InUse(p) {
			fmt.Println("error: a damaged store is in use")
			os.Exit(1)
		}
		s, note, err := OpenOrRecover(p)
		if err != nil {
			fmt.Println("error:", err)
			os.Exit(1)
		}
		s.Close()
		fmt.Println("note:", note)
		os.Exit(0)
	}
	data := filledStore(t)
	for _, n := range []int{8192, 16384, 65536} {
		p := filepath.Join(t.TempDir(), "state.db")
		if err := os.WriteFile(p, data[:n], 0o600); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(os.Args[0], "-test.run=^TestTruncatedStoreFaultInFreshProcess$")
		cmd.Env = append(os.Environ(), "MW_STORE_CHILD="+p)
		out, err := cmd.CombinedOutput()
		if err != nil || !strings.Contains(string(out), "note: state store "+p+" was corrupt") {
			t.Errorf("truncated to %d: %v\n%s", n, err, out)
		}
	}
}

func TestRebuiltMarksAndKnown(t *testing.T) {
	s, _ := open(t)
	if m, err := s.Rebuilt(); err != nil || len(m) != 0 {
		t.Fatalf("new store: rebuilt %v %v", m, err)
	}
	if err := s.MarkRebuilt([]string{"a", "b"}); err != nil {
		t.Fatal(err)
	}
	if err := s.ForgetRebuilt("a"); err != nil {
		t.Fatal(err)
	}
	if m, _ := s.Rebuilt(); len(m) != 1 || !m["b"] {
		t.Fatalf("rebuilt %v, want b", m)
	}
	s.Record(&Action{Time: time.Now(), Account: "b", Identity: "<judged@x>", Action: "move-to-junk", Verdict: "spam"})
	err := s.RecordKnown([]Known{{"b", "<old@x>", "ham", 1234}, {"b", "<judged@x>", "ham", 1}})
	if err != nil {
		t.Fatal(err)
	}
	if h, ok, _ := s.Handled("b", "<old@x>"); !ok || h.Action != "rebuilt" || h.Verdict != "ham" || h.Size != 1234 {
		t.Errorf("known message: %+v %v", h, ok)
	}
	if h, _, _ := s.Handled("b", "<judged@x>"); h.Action != "move-to-junk" {
		t.Errorf("a message already in the ledger was overwritten: %+v", h)
	}
	if c, _ := s.Trained("<old@x>"); c != "" {
		t.Errorf("a known message is in the training ledger as %q", c)
	}
}
