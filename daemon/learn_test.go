package daemon

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mailwarden/mailwarden/classifier"
	"github.com/mailwarden/mailwarden/internal/dovecot"
	"github.com/mailwarden/mailwarden/internal/dovecot/dovecottest"
	"github.com/mailwarden/mailwarden/store"
)

// Case 24 end to end: the daemon, its classifier and its ledgers, a phone
// that only knows UID MOVE. The classifier's verdicts are forced (the
// case is about learning, not classifying): s1 spam, h2 a ham it gets
// wrong, u3 unsure, h4 ham. h2b is a ham the user had put in Junk before
// mailwarden started (trained as spam on first start).
//
//  1. s1 Junk → Trash: nothing learned.
//  2. h2 Junk → INBOX: ham trained once, $NotJunk, never moved again;
//     h2b Junk → INBOX: its spam training undone (−1 spam), ham trained.
//  3. u3 INBOX → Junk: spam trained once.
//  4. h4 INBOX → Trash: nothing learned.
//  5. h2 INBOX → Junk → INBOX within the settle time: nothing new.
//  6. three more looks and a restart: nothing changes.
//
// mailwarden does not train its own moves (no self-training), so the
// rescue of h2 is +1 ham and no −1 spam; h2b shows the untraining.
// Every step changes the folders by exactly the message moved; no \Seen.
func TestLearnCase24AgainstDovecot(t *testing.T) {
	const settle = 2 * time.Second
	fastLearn(t, settle)
	force := forceVerdicts(t)
	srv := dovecottest.Start(t, dovecot.Options{})
	spam, ham := caseMail(t, "24-*/spam.eml"), caseMail(t, "24-*/ham.eml")
	const s1, h2, h2b, u3, h4 = "<24-s1@campaign.example.jp>", "<24-h2@corp.example.jp>", "<24-h2b@corp.example.jp>", "<24-u3@campaign.example.jp>", "<24-h4@corp.example.jp>"
	if err := srv.Save("test", "Junk", withID(ham, h2b)); err != nil { // the user's old mistake
		t.Fatal(err)
	}
	force.set(s1, classifier.Spam)
	force.set(h2, classifier.Spam)
	force.set(u3, classifier.Unsure)
	force.set(h4, classifier.Ham)

	cfg := testConfig(t, srv)
	dir := t.TempDir()
	r := startDaemon(t, cfg, dir)
	waitOnline(t, r.d)
	if sp, hm := r.d.Model().Counts(); sp != 1 || hm != 0 {
		t.Fatalf("first start trained %d spam %d ham, want h2b as spam", sp, hm)
	}
	for _, m := range []struct {
		id  string
		raw []byte
	}{{s1, spam}, {h2, ham}, {u3, spam}, {h4, ham}} {
		if err := srv.Save("test", "INBOX", withID(m.raw, m.id)); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, 20*time.Second, "four judged", func() bool {
		for _, id := range []string{s1, h2, u3, h4} {
			if len(actionsOf(t, r.d.Store(), id)) == 0 {
				return false
			}
		}
		return true
	})
	settled(t, r.d, settle)
	if l := learnedActions(t, r.d.Store()); len(l) != 0 {
		t.Fatalf("mailwarden's own moves learned as user verdicts: %v", l)
	}
	if err := r.d.Save(); err != nil {
		t.Fatal(err)
	}
	ph := newPhone(t, srv)
	before, _ := places(t, srv)
	if !slices.Equal(before[s1], []string{"Junk"}) || !slices.Equal(before[h2], []string{"Junk"}) || !slices.Equal(before[u3], []string{"INBOX"}) {
		t.Fatalf("setup: %v", before)
	}
	type counts struct{ spam, ham int }
	model := func() counts {
		s, h := r.d.Model().Counts()
		return counts{int(s), int(h)}
	}
	step := func(name string, do func(), changes map[string]string, delta counts) {
		t.Helper()
		c0 := model()
		do()
		settled(t, r.d, settle)
		after, _ := places(t, srv)
		expectPlaces(t, name, before, after, changes)
		if c1 := model(); c1.spam-c0.spam != delta.spam || c1.ham-c0.ham != delta.ham {
			t.Errorf("%s: classifier counts %+v → %+v, want spam %+d ham %+d", name, c0, c1, delta.spam, delta.ham)
		}
		before = after
	}
	step("1 s1 Junk→Trash", func() { ph.move(s1, "Junk", "Trash") }, map[string]string{s1: "Trash"}, counts{})
	step("2 h2 Junk→INBOX", func() { ph.move(h2, "Junk", "INBOX") }, map[string]string{h2: "INBOX"}, counts{0, 1})
	step("2 h2b Junk→INBOX", func() { ph.move(h2b, "Junk", "INBOX") }, map[string]string{h2b: "INBOX"}, counts{-1, 1})
	step("3 u3 INBOX→Junk", func() { ph.move(u3, "INBOX", "Junk") }, map[string]string{u3: "Junk"}, counts{1, 0})
	step("4 h4 INBOX→Trash", func() { ph.move(h4, "INBOX", "Trash") }, map[string]string{h4: "Trash"}, counts{})
	step("5 h2 INBOX→Junk→INBOX", func() {
		ph.move(h2, "INBOX", "Junk")
		time.Sleep(settle / 3)
		ph.move(h2, "Junk", "INBOX")
	}, nil, counts{})
	for i := range 3 {
		step(fmt.Sprintf("6 look again %d", i+1), func() { r.d.SyncNow("t") }, nil, counts{})
	}
	r.stop()
	r = startDaemon(t, cfg, dir)
	step("6 restart", func() { waitOnline(t, r.d) }, nil, counts{})

	// The ledgers list exactly these verdicts, each learned once.
	st := r.d.Store()
	for id, want := range map[string]string{h2: "ham", h2b: "ham", u3: "spam", s1: "", h4: ""} {
		if got, _ := st.Trained(id); got != want {
			t.Errorf("training ledger: %s = %q, want %q", id, got, want)
		}
		v, _, _ := st.Verdict("t", id)
		if v.User != want || (want != "" && v.Changes != 1) {
			t.Errorf("verdict of %s: %+v, want %q learned once", id, v, want)
		}
	}
	if l := learnedActions(t, st); len(l) != 3 || l[h2] != "learned-ham" || l[h2b] != "learned-ham" || l[u3] != "learned-spam" {
		t.Errorf("action log of learning: %v", l)
	}
	for _, id := range []string{h2, h2b} {
		if acts := actionsOf(t, st, id); slices.Contains(acts[1:], "move-to-junk") {
			t.Errorf("%s moved again after the rescue: %v", id, acts)
		}
	}
	_, flags := places(t, srv)
	if f := flags[h2]; !strings.Contains(f, "$NotJunk") || strings.Contains(f, "$Junk") || strings.Contains(f, "$MailwardenSpam") {
		t.Errorf("rescued h2 flags %q", f)
	}
	if f := flags[u3]; !strings.Contains(f, "$Junk") {
		t.Errorf("swiped u3 flags %q", f)
	}
	noSeen(t, srv)
	r.stop()
	if _, err := store.Open(dir + "/" + StateFile); err != nil {
		t.Fatal(err)
	}
}
