package store

import (
	"slices"
	"testing"
	"time"
)

func TestVerdictsContactsAndUndoLookups(t *testing.T) {
	s, _ := open(t)
	if _, ok, err := s.Verdict("a", "<m@x>"); ok || err != nil {
		t.Fatalf("empty store: %v %v", ok, err)
	}
	s.UpdateVerdict("a", "<m@x>", func(v *Verdict) { v.Moved, v.Digest = true, "sha256:1" })
	s.UpdateVerdict("a", "<m@x>", func(v *Verdict) { v.User, v.Changes = "ham", v.Changes+1 })
	v, ok, _ := s.Verdict("a", "<m@x>")
	if !ok || !v.Moved || v.Digest != "sha256:1" || v.User != "ham" || v.Changes != 1 {
		t.Fatalf("verdict %+v", v)
	}
	if _, ok, _ := s.Verdict("ab", "<m@x>"); ok {
		t.Error("verdict leaked to another account")
	}
	all, _ := s.Verdicts("a")
	if len(all) != 1 || all["<m@x>"].User != "ham" {
		t.Errorf("verdicts %+v", all)
	}

	s.AddContacts("a", []string{"Customer@Example.com", "x@example.org"}, []string{"Sato@example.jp"})
	s.AddContacts("a", []string{"customer@example.com"}, nil)
	if c, ok, _ := s.Contact("a", "CUSTOMER@example.com"); !ok || c.Count != 2 || c.Own {
		t.Errorf("contact %+v %v", c, ok)
	}
	if _, ok, _ := s.Contact("b", "customer@example.com"); ok {
		t.Error("contact leaked to another account")
	}
	if own, _ := s.OwnAddresses("a"); !slices.Equal(own, []string{"sato@example.jp"}) {
		t.Errorf("own %v", own)
	}

	for i, act := range []string{"move-to-junk", "mark-ham", "move-to-junk"} {
		s.Record(&Action{Time: time.Now(), Account: "a", UID: uint32(i + 1), MessageID: "<m@x>", Identity: "<m@x>", Action: act})
	}
	if a, ok, _ := s.ActionBySeq(2); !ok || a.Action != "mark-ham" {
		t.Errorf("action 2: %+v", a)
	}
	if _, ok, _ := s.ActionBySeq(99); ok {
		t.Error("action 99 found")
	}
	if a, ok, _ := s.LastMove("a", "<m@x>"); !ok || a.Seq != 3 {
		t.Errorf("last move %+v", a)
	}
	if _, ok, _ := s.LastMove("b", "<m@x>"); ok {
		t.Error("move found in another account")
	}
}

// The ledger records which trainings were the user's corrections, so that
// they are untrained with the matching inverse; a ledger without the
// record (written before it existed) means Train.
func TestTrainedByCorrection(t *testing.T) {
	s, _ := open(t)
	s.RecordTraining([]Training{{Account: "a", Identity: "m1", Class: "spam"}, {Account: "a", Identity: "m2", Class: "ham", Correction: true}})
	for _, c := range []struct {
		id, class  string
		correction bool
	}{{"m1", "spam", false}, {"m2", "ham", true}, {"m3", "", false}} {
		if class, corr, err := s.TrainedBy(c.id); err != nil || class != c.class || corr != c.correction {
			t.Errorf("TrainedBy(%s) = %q, %v, %v; want %q, %v", c.id, class, corr, err, c.class, c.correction)
		}
	}
	// A correction retrained by Train (first start of a wiped token
	// store) is a Train again; a forgotten training forgets both.
	s.RecordTraining([]Training{{Account: "a", Identity: "m2", Class: "spam"}})
	if class, corr, _ := s.TrainedBy("m2"); class != "spam" || corr {
		t.Errorf("m2 retrained by Train: %q, correction %v", class, corr)
	}
	s.RecordTraining([]Training{{Account: "a", Identity: "m1", Class: "spam", Correction: true}})
	s.RecordTraining([]Training{{Account: "a", Identity: "m1", Class: ""}})
	if class, corr, _ := s.TrainedBy("m1"); class != "" || corr {
		t.Errorf("m1 forgotten: %q, correction %v", class, corr)
	}
	if sp, h, _ := s.TrainedCount(); sp != 1 || h != 0 {
		t.Errorf("trained %d spam %d ham", sp, h)
	}
}
