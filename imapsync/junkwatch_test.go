package imapsync

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mailwarden/mailwarden/internal/dovecot"
)

// Case 24 with a phone that only knows UID MOVE. mailwarden moved spam
// (s1) and, wrongly, a ham (h2) to Junk; left an unsure spam (u3) and a
// ham (h4) in INBOX. Then the phone:
//  1. moves s1 Junk → Trash: nothing learned (deleting spam is no verdict);
//  2. moves h2 Junk → INBOX: ham, marked $NotJunk, never moved again;
//  3. moves u3 INBOX → Junk: spam, once;
//  4. moves h4 INBOX → Trash: nothing learned;
//  5. moves h2 INBOX → Junk → INBOX within the settle time: the final
//     place wins, nothing new is learned;
//  6. the watcher looks again three times, and restarts: nothing changes.
//
// Every step changes the folders by exactly the message moved; no \Seen;
// mailwarden's own moves are never learned.
func TestLearnFromPhoneMoves(t *testing.T) {
	t.Parallel()
	srv := startServer(t, dovecot.Options{})
	acct := testAccount(srv, user)
	const settle = 1500 * time.Millisecond
	st, h := NewMemState(), newLearnHandler()
	r := startWatcher(t, acct, st, h, fastLearning(settle))
	r.waitEvent(t, "learn-synced", 1, 10*time.Second)

	const s1, h2, u3, h4 = "<24-s1@x>", "<24-h2@x>", "<24-u3@x>", "<24-h4@x>"
	save(t, srv, user, "INBOX", mail(s1, "spam"))
	save(t, srv, user, "INBOX", mail(h2, "spam")) // a ham the classifier gets wrong
	save(t, srv, user, "INBOX", mail(u3, "unsure"))
	save(t, srv, user, "INBOX", mail(h4, "ham"))
	for _, id := range []string{s1, h2, u3, h4} {
		h.waitDone(t, id, 1, 10*time.Second)
	}
	settleOut(t, r, settle)
	if c := h.learned(); len(c) != 0 {
		t.Fatalf("mailwarden's own moves learned as user verdicts: %v", c)
	}
	ph := newPhone(t, srv, user)
	before := placesOf(t, srv, user)
	if !slices.Equal(before[s1], []string{"Junk"}) || !slices.Equal(before[h2], []string{"Junk"}) {
		t.Fatalf("setup: %v", before)
	}
	step := func(name string, do func(), changes map[string]string, wantCalls int) {
		t.Helper()
		do()
		settleOut(t, r, settle)
		after := placesOf(t, srv, user)
		expectChange(t, name, before, after, changes)
		if got := h.learned(); len(got) != wantCalls {
			t.Errorf("%s: learned %v, want %d calls in all", name, got, wantCalls)
		}
		before = after
	}

	step("1 Junk→Trash", func() { ph.move(s1, "Junk", "Trash") }, map[string]string{s1: "Trash"}, 0)
	step("2 Junk→INBOX", func() { ph.move(h2, "Junk", "INBOX") }, map[string]string{h2: "INBOX"}, 1)
	if c := h.learnedFor(h2); len(c) != 1 || c[0].ev.Class != ClassHam || c[0].ev.Source != SourceOutOfJunk {
		t.Errorf("h2 learned %v, want ham, moved out of junk", c)
	}
	if f := flagsIn(t, srv, user, "INBOX", h2); !hasAny(f, "$NotJunk") || hasAny(f, "$Junk", "$MailwardenSpam") {
		t.Errorf("rescued h2 flags %q, want $NotJunk without $Junk or the marker", f)
	}
	step("3 INBOX→Junk", func() { ph.move(u3, "INBOX", "Junk") }, map[string]string{u3: "Junk"}, 2)
	if c := h.learnedFor(u3); len(c) != 1 || c[0].ev.Class != ClassSpam || c[0].ev.Source != SourceIntoJunk {
		t.Errorf("u3 learned %v, want spam, moved into junk", c)
	}
	if f := flagsIn(t, srv, user, "Junk", u3); !hasAny(f, "$Junk") || hasAny(f, "$MailwardenSpam") {
		t.Errorf("u3 flags %q, want the user's $Junk", f)
	}
	step("4 INBOX→Trash", func() { ph.move(h4, "INBOX", "Trash") }, map[string]string{h4: "Trash"}, 2)
	step("5 INBOX→Junk→INBOX", func() {
		ph.move(h2, "INBOX", "Junk")
		time.Sleep(settle / 3)
		ph.move(h2, "Junk", "INBOX")
	}, nil, 2)
	for i := range 3 {
		step(fmt.Sprintf("6 look again %d", i+1), func() { r.w.SyncNow() }, nil, 2)
	}
	r.stop(t)
	r = startWatcher(t, acct, st, h, fastLearning(settle))
	step("6 restart", func() { r.waitEvent(t, "learn-synced", 1, 10*time.Second) }, nil, 2)
	r.stop(t)

	for _, id := range []string{s1, h2, u3, h4} {
		if n := h.judgedCount(id); n != 1 {
			t.Errorf("%s judged %d times, want once", id, n)
		}
	}
	noSeen(t, srv, user)
	assertProtocolRules(t, rawlog(t, srv, nil))
}

// Junk keywords set by another client (Thunderbird's Junk/NonJunk, Apple's
// $Junk/$NotJunk, in any case) are learned once each; mailwarden's own
// $NotJunk (with its marker) is not. Nothing is moved.
func TestLearnKeywordsFromOtherClient(t *testing.T) {
	t.Parallel()
	srv := startServer(t, dovecot.Options{})
	acct := testAccount(srv, user)
	const settle = 800 * time.Millisecond
	st, h := NewMemState(), newLearnHandler()
	r := startWatcher(t, acct, st, h, fastLearning(settle))
	r.waitEvent(t, "learn-synced", 1, 10*time.Second)

	ids := map[string]string{ // id → what the fake classifier says
		"<kw-tb-junk@x>": "unsure", "<kw-tb-nonjunk@x>": "spam", "<kw-apple-junk@x>": "ham",
		"<kw-upper@x>": "unsure", "<kw-own-ham@x>": "ham", "<kw-own-spam@x>": "spam",
	}
	for id, v := range ids {
		save(t, srv, user, "INBOX", mail(id, v))
	}
	for id := range ids {
		h.waitDone(t, id, 1, 10*time.Second)
	}
	settleOut(t, r, settle)
	before := placesOf(t, srv, user)
	ph := newPhone(t, srv, user)
	ph.flag("<kw-tb-junk@x>", "INBOX", true, "Junk")         // Thunderbird: Junk
	ph.flag("<kw-tb-nonjunk@x>", "Junk", true, "NonJunk")    // Thunderbird: Not Junk, left in Junk
	ph.flag("<kw-apple-junk@x>", "INBOX", false, "$NotJunk") // Apple Mail: mark as junk
	ph.flag("<kw-apple-junk@x>", "INBOX", true, "$Junk")     //   ... its form
	ph.flag("<kw-upper@x>", "INBOX", true, "NONJUNK")        // any case
	ph.flag("<kw-own-ham@x>", "INBOX", true, "$NotJunk")     // again: no change
	ph.flag("<kw-own-spam@x>", "Junk", true, `\Flagged`)     // not a junk keyword
	settleOut(t, r, settle)
	r.w.SyncNow()
	settleOut(t, r, settle)

	want := map[string]Class{"<kw-tb-junk@x>": ClassSpam, "<kw-tb-nonjunk@x>": ClassHam, "<kw-apple-junk@x>": ClassSpam, "<kw-upper@x>": ClassHam}
	got := map[string]Class{}
	for _, c := range h.learned() {
		if _, dup := got[c.id]; dup {
			t.Errorf("%s learned twice", c.id)
		}
		got[c.id] = c.ev.Class
		if c.ev.Source != SourceKeyword {
			t.Errorf("%v: source %q", c, c.ev.Source)
		}
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("learned %v, want %v", got, want)
	}
	expectChange(t, "keywords", before, placesOf(t, srv, user), nil)
	// The verdict shows in every client: contradicting keywords are gone.
	if f := flagsIn(t, srv, user, "Junk", "<kw-tb-nonjunk@x>"); hasAny(f, "$Junk", "$MailwardenSpam") || !hasAny(f, "NonJunk") {
		t.Errorf("not-junk in Junk: flags %q", f)
	}
	if f := flagsIn(t, srv, user, "INBOX", "<kw-apple-junk@x>"); hasAny(f, "$MailwardenHam", "$NotJunk") || !hasAny(f, "$Junk") {
		t.Errorf("marked junk: flags %q", f)
	}
	noSeen(t, srv, user)
	assertProtocolRules(t, rawlog(t, srv, nil))
}

// A message moved out of Junk into an ordinary folder (Archive) is a ham
// verdict too; into Trash it is none; a copy of a moved message's
// Message-ID delivered again is not a rescue.
func TestLearnRescueToArchive(t *testing.T) {
	t.Parallel()
	srv := startServer(t, dovecot.Options{})
	acct := testAccount(srv, user)
	const settle = 800 * time.Millisecond
	st, h := NewMemState(), newLearnHandler()
	r := startWatcher(t, acct, st, h, fastLearning(settle))
	r.waitEvent(t, "learn-synced", 1, 10*time.Second)
	save(t, srv, user, "INBOX", mail("<ar-1@x>", "spam"))
	save(t, srv, user, "INBOX", mail("<ar-2@x>", "spam"))
	h.waitDone(t, "<ar-1@x>", 1, 10*time.Second)
	h.waitDone(t, "<ar-2@x>", 1, 10*time.Second)
	settleOut(t, r, settle)
	before := placesOf(t, srv, user)
	ph := newPhone(t, srv, user)
	ph.move("<ar-1@x>", "Junk", "Archive")
	// Another delivery with ar-2's Message-ID (a list copy): not a rescue.
	dup := strings.Replace(string(mail("<ar-2@x>", "spam")), "Subject:", "Received: from list.example\r\nSubject:", 1)
	save(t, srv, user, "INBOX", []byte(dup))
	settleOut(t, r, settle)
	after := placesOf(t, srv, user)
	if !slices.Equal(after["<ar-1@x>"], []string{"Archive"}) || len(after["<ar-2@x>"]) != 2 || after.totals()["INBOX"] != before.totals()["INBOX"]+1 {
		t.Errorf("places %v", after)
	}
	if c := h.learned(); len(c) != 1 || c[0].id != "<ar-1@x>" || c[0].ev.Class != ClassHam || c[0].mailbox != "Archive" {
		t.Errorf("learned %v, want only ar-1 as ham in Archive", c)
	}
	if f := flagsIn(t, srv, user, "Archive", "<ar-1@x>"); !hasAny(f, "$NotJunk") || hasAny(f, "$Junk") {
		t.Errorf("rescued flags %q", f)
	}
}

// Undo (mailwarden notjunk): the message mailwarden moved is found in Junk
// by Message-ID, even after Junk got a new UIDVALIDITY (its old UID is
// stale), learned as ham once, marked $NotJunk and moved back with UID
// MOVE (or UID COPY + UID EXPUNGE without MOVE); it is never judged again.
// A message in no junk folder is ErrNotInJunk.
func TestRestore(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name, caps string
	}{{"move", ""}, {"copy", capsNoMove}} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			srv := startServer(t, dovecot.Options{Capability: c.caps})
			acct := testAccount(srv, user)
			save(t, srv, user, "Junk", mail("<undo-other@x>", "spam"))
			st, h := NewMemState(), newLearnHandler()
			r := startWatcher(t, acct, st, h, fastLearning(500*time.Millisecond))
			r.waitEvent(t, "learn-synced", 1, 10*time.Second)
			const id = "<undo-1@x>"
			save(t, srv, user, "INBOX", mail(id, "spam"))
			o := h.waitDone(t, id, 1, 10*time.Second)[0]
			if o.JunkUID == 0 {
				t.Fatalf("outcome %+v", o)
			}
			if _, err := srv.Doveadm("mailbox", "update", "-u", user, "--uid-validity", "4242", "Junk"); err != nil {
				t.Fatal(err)
			}
			settleOut(t, r, 500*time.Millisecond)
			before := placesOf(t, srv, user)
			res, err := r.w.Restore(t.Context(), RestoreRequest{Identity: id})
			if err != nil {
				t.Fatal(err)
			}
			if res.Folder != "Junk" || res.AlreadyInInbox {
				t.Errorf("result %+v", res)
			}
			settleOut(t, r, 500*time.Millisecond)
			expectChange(t, "undo", before, placesOf(t, srv, user), map[string]string{id: "INBOX"})
			if f := flagsIn(t, srv, user, "INBOX", id); !hasAny(f, "$NotJunk") || hasAny(f, "$Junk", "$MailwardenSpam") {
				t.Errorf("flags %q", f)
			}
			if calls := h.learned(); len(calls) != 1 || calls[0].ev.Class != ClassHam || calls[0].ev.Source != SourceUndo {
				t.Errorf("learned %v, want one ham by undo", calls)
			}
			if n := h.judgedCount(id); n != 1 {
				t.Errorf("judged %d times", n)
			}
			// Twice: it is in INBOX already; nothing moves, nothing more is learned.
			if res, err := r.w.Restore(t.Context(), RestoreRequest{Identity: id}); err != nil || !res.AlreadyInInbox {
				t.Errorf("second undo: %+v %v", res, err)
			}
			if _, err := r.w.Restore(t.Context(), RestoreRequest{Identity: "<nowhere@x>"}); !errors.Is(err, ErrNotInJunk) {
				t.Errorf("undo of a missing message: %v", err)
			}
			r.stop(t)
			if calls := h.learned(); len(calls) != 1 {
				t.Errorf("learned %v", calls)
			}
			if p, _ := st.Pending(acct.Name); len(p) != 0 {
				t.Errorf("pending left: %+v", p)
			}
			in := rawlog(t, srv, nil)
			assertProtocolRules(t, in)
			if c.caps == "" && !strings.Contains(in, `UID MOVE `+fmt.Sprint(res.JunkUID)+` INBOX`) {
				t.Errorf("no UID MOVE %d INBOX in the protocol log", res.JunkUID)
			}
			if c.caps != "" && (!strings.Contains(in, "UID COPY "+fmt.Sprint(res.JunkUID)+" INBOX") || !strings.Contains(in, "UID EXPUNGE "+fmt.Sprint(res.JunkUID))) {
				t.Errorf("no UID COPY + UID EXPUNGE of %d in the protocol log", res.JunkUID)
			}
			noSeen(t, srv, user)
		})
	}
}

// Two mailwardens on one account (two PCs, separate state): every spam is
// moved once (the other's move finds it gone), neither learns the other's
// moves as user verdicts (the $MailwardenSpam marker travels with the
// message), each learns the user's rescue and swipe once, and nothing is
// moved back and forth.
func TestTwoWatchersOneAccount(t *testing.T) {
	t.Parallel()
	srv := startServer(t, dovecot.Options{})
	const settle = 800 * time.Millisecond
	acct := testAccount(srv, user)
	h1, h2 := newLearnHandler(), newLearnHandler()
	r1 := startWatcher(t, acct, NewMemState(), h1, fastLearning(settle))
	r2 := startWatcher(t, acct, NewMemState(), h2, fastLearning(settle))
	r1.waitEvent(t, "learn-synced", 1, 10*time.Second)
	r2.waitEvent(t, "learn-synced", 1, 10*time.Second)
	var spam, ham []string
	for i := range 6 {
		s, h := fmt.Sprintf("<two-spam-%d@x>", i), fmt.Sprintf("<two-ham-%d@x>", i)
		spam, ham = append(spam, s), append(ham, h)
		save(t, srv, user, "INBOX", mail(s, "spam"))
		save(t, srv, user, "INBOX", mail(h, "unsure"))
	}
	// Each message is judged by one or both; a message the other moved
	// before this one looked is never seen here at all.
	for _, id := range append(slices.Clone(spam), ham...) {
		waitFor(t, 10*time.Second, "an outcome for "+id, func() bool { return len(h1.outcomes(id))+len(h2.outcomes(id)) > 0 })
	}
	settleOut(t, r1, settle)
	settleOut(t, r2, settle)
	for _, id := range append(slices.Clone(spam), ham...) {
		moves, marks := 0, 0
		all := append(h1.outcomes(id), h2.outcomes(id)...)
		for _, o := range all {
			switch {
			case o.Err != nil:
				t.Errorf("%s: outcome %+v", id, o)
			case o.HandledElsewhere:
			case o.Action == MoveToJunk:
				moves++
			case o.Action == MarkHam:
				marks++
			}
		}
		if strings.Contains(id, "spam") && moves != 1 || strings.Contains(id, "ham") && moves != 0 {
			t.Errorf("%s moved %d times: %+v", id, moves, all)
		}
	}
	if c1, c2 := h1.learned(), h2.learned(); len(c1)+len(c2) != 0 {
		t.Fatalf("a mailwarden's moves learned as user verdicts: %v / %v", c1, c2)
	}
	before := placesOf(t, srv, user)
	ph := newPhone(t, srv, user)
	ph.move(spam[0], "Junk", "INBOX")
	ph.move(ham[0], "INBOX", "Junk")
	settleOut(t, r1, settle)
	settleOut(t, r2, settle)
	r1.w.SyncNow()
	r2.w.SyncNow()
	settleOut(t, r1, settle)
	settleOut(t, r2, settle)
	expectChange(t, "phone", before, placesOf(t, srv, user), map[string]string{spam[0]: "INBOX", ham[0]: "Junk"})
	for i, h := range []*learnHandler{h1, h2} {
		got := map[string]Class{}
		for _, c := range h.learned() {
			if _, dup := got[c.id]; dup {
				t.Errorf("watcher %d learned %s twice", i+1, c.id)
			}
			got[c.id] = c.ev.Class
		}
		if len(got) != 2 || got[spam[0]] != ClassHam || got[ham[0]] != ClassSpam {
			t.Errorf("watcher %d learned %v, want the rescue as ham and the swipe as spam", i+1, h.learned())
		}
		for _, id := range append(slices.Clone(spam), ham...) {
			if n := h.judgedCount(id); n > 1 {
				t.Errorf("watcher %d judged %s %d times", i+1, id, n)
			}
		}
	}
	r1.stop(t)
	r2.stop(t)
	in := rawlog(t, srv, nil)
	assertProtocolRules(t, in)
	if n := regexp.MustCompile(`(?m)^\S+ UID MOVE \d+ "?INBOX"?\r?$`).FindAllString(in, -1); len(n) != 1 {
		t.Errorf("moves into INBOX: %q, want only the phone's", n)
	}
	noSeen(t, srv, user)
}

// junk_max_age: messages that arrived in Junk before the limit go, by UID
// EXPUNGE after SELECT Junk; a bad Date header (case 06) does not matter,
// arrival (INTERNALDATE) does; no other folder is touched, and nothing is
// learned from the deletions.
func TestJunkExpiry(t *testing.T) {
	t.Parallel()
	srv := startServer(t, dovecot.Options{})
	ph := newPhone(t, srv, user)
	seedCleanup(t, srv, ph.s)
	old := time.Now().AddDate(0, 0, -40)
	for _, f := range []string{"a-year-99999", "d-hour-29", "h-missing"} {
		raw := caseFile(t, "06-*/"+f+".eml", mail("<06-"+f+"@example.jp>", "spam"))
		appendAt(t, ph.s, "Junk", raw, time.Now()) // recent: stays
	}
	oldBadDate := caseFile(t, "06-*/e-iso8601.eml", mail("<06-e-iso8601@example.jp>", "spam"))
	appendAt(t, ph.s, "Junk", oldBadDate, old)
	oldIDs := map[string]bool{"<junk-old-0@x>": true, "<junk-old-1@x>": true, messageIDOf(oldBadDate): true}
	before := placesOf(t, srv, user)
	phoneLog := rawlogFiles(srv) // the phone's APPENDs carry 8-bit mail
	acct := testAccount(srv, user)
	h := newLearnHandler()
	h.settings.JunkMaxAge = 30 * 24 * time.Hour
	r := startWatcher(t, acct, NewMemState(), h, fastLearning(500*time.Millisecond))
	r.waitEvent(t, "expired", 1, 15*time.Second)
	settleOut(t, r, 500*time.Millisecond)
	r.stop(t)
	after := placesOf(t, srv, user)
	changes := map[string]string{}
	for id := range oldIDs {
		changes[id] = ""
	}
	if len(oldIDs) != 3 {
		t.Fatalf("old junk %v", oldIDs)
	}
	expectChange(t, "expiry", before, after, changes)
	if c := h.learned(); len(c) != 0 {
		t.Errorf("learned from deletions: %v", c)
	}
	in := rawlog(t, srv, phoneLog)
	assertProtocolRules(t, in)
	if !strings.Contains(in, "UID EXPUNGE") {
		t.Errorf("no UID EXPUNGE")
	}
}

// Without IDLE and CONDSTORE (hidden): the junk folder is polled and
// keyword changes are found by searching the junk keywords; swipes and
// keywords are still learned, and neither IDLE nor CHANGEDSINCE is sent.
func TestLearnWithoutIdleOrCondstore(t *testing.T) {
	t.Parallel()
	srv := startServer(t, dovecot.Options{Capability: capsNoIdle})
	const settle = 800 * time.Millisecond
	acct := testAccount(srv, user)
	h := newLearnHandler()
	r := startWatcher(t, acct, NewMemState(), h, fastLearning(settle))
	r.waitEvent(t, "learn-synced", 2, 10*time.Second)
	save(t, srv, user, "INBOX", mail("<nc-swipe@x>", "unsure"))
	save(t, srv, user, "INBOX", mail("<nc-kw@x>", "unsure"))
	h.waitDone(t, "<nc-swipe@x>", 1, 10*time.Second)
	h.waitDone(t, "<nc-kw@x>", 1, 10*time.Second)
	settleOut(t, r, settle)
	ph := newPhone(t, srv, user)
	ph.move("<nc-swipe@x>", "INBOX", "Junk")
	ph.flag("<nc-kw@x>", "INBOX", true, "Junk")
	settleOut(t, r, settle)
	time.Sleep(1500 * time.Millisecond) // keywords are searched every 5 polls
	settleOut(t, r, settle)
	got := map[string]string{}
	for _, c := range h.learned() {
		got[c.id] = c.ev.Class.String() + "/" + c.ev.Source
	}
	want := map[string]string{"<nc-swipe@x>": "spam/" + SourceIntoJunk, "<nc-kw@x>": "spam/" + SourceKeyword}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("learned %v, want %v", got, want)
	}
	r.stop(t)
	in := rawlog(t, srv, nil)
	assertProtocolRules(t, in)
	for _, bad := range []string{"IDLE", "CHANGEDSINCE", "CONDSTORE"} {
		if strings.Contains(in, bad) {
			t.Errorf("%s sent to a server without it", bad)
		}
	}
}

// The Sent folder tells whom the user writes to: its newest messages when
// it is first seen, then every new one.
func TestSentRecipients(t *testing.T) {
	t.Parallel()
	srv := startServer(t, dovecot.Options{})
	to := func(addr, id string) []byte {
		return []byte("From: test@example.jp\r\nTo: " + addr + "\r\nMessage-ID: " + id + "\r\nSubject: hi\r\n\r\nhello\r\n")
	}
	save(t, srv, user, "Sent", to("customer@example.com", "<sent-1@x>"))
	h := newLearnHandler()
	r := startWatcher(t, testAccount(srv, user), NewMemState(), h, fastLearning(500*time.Millisecond))
	r.waitEvent(t, "learn-synced", 1, 10*time.Second)
	save(t, srv, user, "Sent", to("other@example.org", "<sent-2@x>"))
	waitFor(t, 10*time.Second, "two Sent messages", func() bool {
		h.lmu.Lock()
		defer h.lmu.Unlock()
		return len(h.sent) == 2
	})
	h.lmu.Lock()
	defer h.lmu.Unlock()
	if !slices.Equal(h.sent, []string{"customer@example.com", "other@example.org"}) {
		t.Errorf("sent %q", h.sent)
	}
}

// Reconnect (after sleep or a network change) drops the learning
// connection too; the new one goes on learning.
func TestLearnReconnect(t *testing.T) {
	t.Parallel()
	srv := startServer(t, dovecot.Options{})
	const settle = 500 * time.Millisecond
	h := newLearnHandler()
	r := startWatcher(t, testAccount(srv, user), NewMemState(), h, fastLearning(settle))
	r.waitEvent(t, "learn-synced", 1, 10*time.Second)
	r.w.Reconnect()
	r.waitEvent(t, "learn-connected", 2, 10*time.Second)
	save(t, srv, user, "INBOX", mail("<rc-swipe@x>", "unsure"))
	h.waitDone(t, "<rc-swipe@x>", 1, 10*time.Second)
	newPhone(t, srv, user).move("<rc-swipe@x>", "INBOX", "Junk")
	settleOut(t, r, settle)
	if c := h.learned(); len(c) != 1 || c[0].ev.Class != ClassSpam {
		t.Errorf("learned %v after the reconnection", c)
	}
}

// In a dry run the learning connection learns but changes nothing on the
// server: no keywords stored, no old junk deleted.
func TestLearnDryRun(t *testing.T) {
	t.Parallel()
	srv := startServer(t, dovecot.Options{})
	ph := newPhone(t, srv, user)
	appendAt(t, ph.s, "Junk", mail("<dry-old@x>", "spam"), time.Now().AddDate(0, 0, -90))
	const settle = 500 * time.Millisecond
	h := newLearnHandler()
	h.settings = LearnSettings{DryRun: true, JunkMaxAge: 24 * time.Hour}
	r := startWatcher(t, testAccount(srv, user), NewMemState(), h, fastLearning(settle))
	r.waitEvent(t, "learn-synced", 2, 10*time.Second)
	save(t, srv, user, "INBOX", mail("<dry-swipe@x>", "unsure"))
	h.waitDone(t, "<dry-swipe@x>", 1, 10*time.Second)
	before := placesOf(t, srv, user)
	ph.move("<dry-swipe@x>", "INBOX", "Junk")
	settleOut(t, r, settle)
	if c := h.learned(); len(c) != 1 || c[0].ev.Class != ClassSpam {
		t.Errorf("learned %v", c)
	}
	if f := flagsIn(t, srv, user, "Junk", "<dry-swipe@x>"); len(f) != 0 {
		t.Errorf("flags %q stored in a dry run", f)
	}
	expectChange(t, "dry run", before, placesOf(t, srv, user), map[string]string{"<dry-swipe@x>": "Junk"})
	if n := r.count("expired"); n != 0 {
		t.Errorf("old junk deleted in a dry run")
	}
}

// Mail the server's own filter delivers straight into Junk (Sieve,
// SpamAssassin) is no user verdict: mailwarden never saw it and it arrived
// moments ago. An old message the user moves into Junk from Archive is
// one, although mailwarden never saw it either.
func TestServerFilingIntoJunkNotLearned(t *testing.T) {
	t.Parallel()
	srv := startServer(t, dovecot.Options{})
	const settle = 500 * time.Millisecond
	h := newLearnHandler()
	r := startWatcher(t, testAccount(srv, user), NewMemState(), h, fastLearning(settle))
	r.waitEvent(t, "learn-synced", 2, 10*time.Second)
	ph := newPhone(t, srv, user)
	save(t, srv, user, "Junk", mail("<filed-by-server@x>", "spam")) // delivery, like Sieve's fileinto
	appendAt(t, ph.s, "Archive", mail("<old-archived@x>", "spam"), time.Now().AddDate(0, -2, 0))
	settleOut(t, r, settle)
	ph.move("<old-archived@x>", "Archive", "Junk")
	settleOut(t, r, settle)
	if c := h.learned(); len(c) != 1 || c[0].id != "<old-archived@x>" || c[0].ev.Class != ClassSpam {
		t.Errorf("learned %v, want only the old message the user moved", c)
	}
}

// The claim before a move, when something happens between reading the
// message and claiming it: another client moved it (the UID STORE answers
// OK for a missing UID: no copy may follow), another mailwarden claimed it
// ([MODIFIED], its marker: leave it), or the phone only read it ([MODIFIED],
// \Seen decides nothing: claim again and move).
func TestClaimRaces(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name  string
		phone func(p *phone, id string)
		box   string
		moved bool
	}{
		{"moved by another client", func(p *phone, id string) { p.move(id, "INBOX", "Junk") }, "Junk", false},
		{"claimed by another mailwarden", func(p *phone, id string) { p.flag(id, "INBOX", true, "$Junk", "$MailwardenSpam") }, "INBOX", false},
		{"read on the phone", func(p *phone, id string) { p.flag(id, "INBOX", true, `\Seen`) }, "Junk", true},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			srv := startServer(t, dovecot.Options{})
			ph := newPhone(t, srv, user)
			phoneLog := rawlogFiles(srv)
			h := newHandler()
			const id = "<claim@x>"
			r := startWatcher(t, testAccount(srv, user), NewMemState(), h, func(w *Watcher) {
				w.beforeClaim = func(m *Message) {
					if m.MessageID == id {
						c.phone(ph, id)
					}
				}
			})
			r.waitEvent(t, "idle", 1, 10*time.Second)
			save(t, srv, user, "INBOX", mail(id, "spam"))
			o := h.waitDone(t, id, 1, 10*time.Second)[0]
			if o.Err != nil || (o.JunkUID != 0) != c.moved || o.HandledElsewhere == c.moved {
				t.Errorf("outcome %+v, want moved=%v", o, c.moved)
			}
			r.stop(t)
			assertPlaces(t, srv, user, map[string]string{id: c.box})
			assertProtocolRules(t, rawlog(t, srv, phoneLog))
		})
	}
}
