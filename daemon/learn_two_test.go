package daemon

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mailwarden/mailwarden/classifier"
	"github.com/mailwarden/mailwarden/internal/dovecot"
	"github.com/mailwarden/mailwarden/internal/dovecot/dovecottest"
)

// Two PCs run mailwarden on one account, each with its own state. Every
// new message is claimed with a conditional STORE (UNCHANGEDSINCE) of a
// verdict keyword and its marker ($MailwardenSpam / $MailwardenHam): the
// first claim wins, the other daemon records "handled-elsewhere", so no
// message is moved twice, even when the two classifiers disagree. The
// marker travels with a moved message, so neither learns the other's move
// as the user's. A user's rescue and swipe are learned once by each; no
// message is moved back and forth.
func TestTwoDaemonsOneAccount(t *testing.T) {
	const settle = 2 * time.Second
	fastLearn(t, settle)
	force := forceVerdicts(t)
	srv := dovecottest.Start(t, dovecot.Options{Rawlog: true})
	cfg := testConfig(t, srv)
	a := startDaemon(t, cfg, t.TempDir())
	b := startDaemon(t, cfg, t.TempDir())
	waitOnline(t, a.d)
	waitOnline(t, b.d)
	spam, ham := caseMail(t, "24-*/spam.eml"), caseMail(t, "24-*/ham.eml")
	var ids []string
	kind := map[string]string{}
	for i := range 5 {
		s, h := fmt.Sprintf("<two-s%d@campaign.example.jp>", i), fmt.Sprintf("<two-h%d@corp.example.jp>", i)
		force.set(s, classifier.Spam)
		force.set(h, classifier.Ham)
		kind[s], kind[h] = "spam", "ham"
		ids = append(ids, s, h)
	}
	for i := range 3 { // the two classifiers disagree
		x := fmt.Sprintf("<two-x%d@corp.example.jp>", i)
		force.setFor(a.d, x, classifier.Spam)
		force.setFor(b.d, x, classifier.Ham)
		kind[x] = "disputed"
		ids = append(ids, x)
	}
	for _, id := range ids {
		raw := ham
		if kind[id] == "spam" {
			raw = spam
		}
		if err := srv.Save("test", "INBOX", withID(raw, id)); err != nil {
			t.Fatal(err)
		}
	}
	judged := func(id string) []string {
		return append(actionsOf(t, a.d.Store(), id), actionsOf(t, b.d.Store(), id)...)
	}
	waitFor(t, 30*time.Second, "every message judged", func() bool {
		for _, id := range ids {
			if len(judged(id)) == 0 {
				return false
			}
		}
		return true
	})
	settled(t, a.d, settle)
	settled(t, b.d, settle)

	where, _ := places(t, srv)
	for _, id := range ids {
		acts := judged(id)
		moves := 0
		for _, x := range acts {
			if x == "move-to-junk" {
				moves++
			}
			if x == "failed" {
				t.Errorf("%s: a failed action: %v", id, acts)
			}
		}
		switch {
		case kind[id] == "spam" && (moves != 1 || !slices.Equal(where[id], []string{"Junk"})):
			t.Errorf("%s: moved %d times (%v), in %v; want moved once, in Junk", id, moves, acts, where[id])
		case kind[id] == "ham" && (moves != 0 || !slices.Equal(where[id], []string{"INBOX"})):
			t.Errorf("%s: moved %d times (%v), in %v; want in INBOX", id, moves, acts, where[id])
		case kind[id] == "disputed":
			want := []string{"INBOX"}
			if moves == 1 {
				want = []string{"Junk"}
			}
			if moves > 1 || !slices.Equal(where[id], want) {
				t.Errorf("%s: moved %d times (%v), in %v", id, moves, acts, where[id])
			}
			t.Logf("%s: %v, in %v", id, acts, where[id])
		}
	}
	for _, r := range []*running{a, b} {
		if l := learnedActions(t, r.d.Store()); len(l) != 0 {
			t.Fatalf("a mailwarden's moves or marks learned as the user's: %v", l)
		}
	}

	before, _ := places(t, srv)
	sa0, ha0 := a.d.Model().Counts()
	sb0, hb0 := b.d.Model().Counts()
	ph := newPhone(t, srv)
	ph.move("<two-s0@campaign.example.jp>", "Junk", "INBOX")
	ph.move("<two-h0@corp.example.jp>", "INBOX", "Junk")
	settled(t, a.d, settle)
	settled(t, b.d, settle)
	for _, r := range []*running{a, b} {
		r.d.SyncNow("t")
	}
	settled(t, a.d, settle)
	settled(t, b.d, settle)
	after, _ := places(t, srv)
	expectPlaces(t, "phone", before, after, map[string]string{"<two-s0@campaign.example.jp>": "INBOX", "<two-h0@corp.example.jp>": "Junk"})
	for i, r := range []*running{a, b} {
		l := learnedActions(t, r.d.Store())
		if len(l) != 2 || l["<two-s0@campaign.example.jp>"] != "learned-ham" || l["<two-h0@corp.example.jp>"] != "learned-spam" {
			t.Errorf("daemon %d learned %v, want the rescue as ham and the swipe as spam, once each", i+1, l)
		}
		if err := r.d.Save(); err != nil {
			t.Fatal(err)
		}
		for id, want := range map[string]string{"<two-s0@campaign.example.jp>": "ham", "<two-h0@corp.example.jp>": "spam"} {
			if got, _ := r.d.Store().Trained(id); got != want {
				t.Errorf("daemon %d trained %s as %q", i+1, id, got)
			}
			if v, _, _ := r.d.Store().Verdict("t", id); v.Changes != 1 {
				t.Errorf("daemon %d: verdict of %s changed %d times", i+1, id, v.Changes)
			}
		}
	}
	if s, h := a.d.Model().Counts(); s != sa0+1 || h != ha0+1 {
		t.Errorf("daemon 1 counts %d/%d → %d/%d, want +1/+1", sa0, ha0, s, h)
	}
	if s, h := b.d.Model().Counts(); s != sb0+1 || h != hb0+1 {
		t.Errorf("daemon 2 counts %d/%d → %d/%d, want +1/+1", sb0, hb0, s, h)
	}
	a.stop()
	b.stop()
	in := rawlogIn(t, srv)
	if n := regexp.MustCompile(`(?m)^\S+ UID MOVE \d+ "?INBOX"?\r?$`).FindAllString(in, -1); len(n) != 1 {
		t.Errorf("%d moves into INBOX, want only the phone's", len(n))
	}
	if n := strings.Count(in, "UNCHANGEDSINCE"); n < len(ids) {
		t.Errorf("%d conditional STOREs for %d messages", n, len(ids))
	}
	noSeen(t, srv)
}
