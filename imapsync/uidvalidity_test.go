package imapsync

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/mailwarden/mailwarden/internal/dovecot"
)

// Case 18: INBOX gets a new UIDVALIDITY while mailwarden is stopped, softly
// (same UIDs) or hard (index rebuilt, UIDs renumbered from 1, so an old UID
// names another message). On the next start the change is seen at SELECT,
// before anything is done: no command uses an old UID, known messages
// (handled, the $NotJunk one, the one the user rescued from Junk) are not
// judged again, a move left pending under the old UIDVALIDITY is found by
// Message-ID, and the two messages of the gap are handled exactly once.
func TestUIDValidityChange(t *testing.T) {
	t.Parallel()
	for _, hard := range []bool{false, true} {
		name := "soft"
		if hard {
			name = "hard"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv := startServer(t, dovecot.Options{})
			acct := testAccount(srv, user)
			st, h := NewMemState(), newHandler()
			r := startWatcher(t, acct, st, h)
			r.waitEvent(t, "idle", 1, 10*time.Second)

			// Spam first: after a rebuild the UIDs of the rest shift down.
			first := [][2]string{{"<18-spam-1@x>", "spam"}, {"<18-spam-2@x>", "spam"},
				{"<18-keep-1@x>", "unsure"}, {"<18-keep-2@x>", "unsure"}, {"<18-keep-3@x>", "unsure"}, {"<18-pending@x>", "unsure"}, // left in INBOX
				{"<18-notjunk@x>", "ham"}, // gets $NotJunk
				{"<18-rescued@x>", "spam"}}
			for _, m := range first {
				save(t, srv, user, "INBOX", mail(m[0], m[1]))
			}
			for _, m := range first {
				h.waitDone(t, m[0], 1, 10*time.Second)
			}
			// The user moves it back to INBOX: a new UID, known identity.
			if _, err := srv.Doveadm("move", "-u", user, "INBOX", "mailbox", "Junk", "header", "Message-ID", "<18-rescued@x>"); err != nil {
				t.Fatal(err)
			}
			var rescuedUID imap.UID
			msgs, _ := srv.Messages(user, "INBOX")
			for _, m := range msgs {
				if m.MessageID == "<18-rescued@x>" {
					rescuedUID = imap.UID(m.UID)
				}
			}
			waitFor(t, 5*time.Second, "the rescued message seen", func() bool { // and skipped: Known
				s, _, _ := st.Folder(acct.Name, "INBOX")
				return rescuedUID != 0 && s.LastUID >= rescuedUID
			})
			r.stop(t)
			judged := h.totalJudged()

			// The move of <18-pending@x> was started under the old
			// UIDVALIDITY when mailwarden died.
			oldUV := uidValidity(t, srv, user, "INBOX")
			var pendingUID imap.UID
			msgs, _ = srv.Messages(user, "INBOX")
			for _, m := range msgs {
				if m.MessageID == "<18-pending@x>" {
					pendingUID = imap.UID(m.UID)
				}
			}
			st.SetPending(acct.Name, PendingMove{Mailbox: "INBOX", UIDValidity: oldUV, UID: pendingUID, MessageID: "<18-pending@x>", Started: time.Now()})

			if hard {
				if err := srv.Stop(); err != nil {
					t.Fatal(err)
				}
				md := filepath.Join(srv.Dir, "mail", user, "Maildir")
				for _, pat := range []string{"dovecot-uidlist", "dovecot.index*", "dovecot.list.index*"} {
					files, _ := filepath.Glob(filepath.Join(md, pat))
					for _, f := range files {
						if err := os.Remove(f); err != nil {
							t.Fatal(err)
						}
					}
				}
				if err := srv.Restart(); err != nil {
					t.Fatal(err)
				}
			} else if _, err := srv.Doveadm("mailbox", "update", "-u", user, "--uid-validity", "12345", "INBOX"); err != nil {
				t.Fatal(err)
			}
			newUV := uidValidity(t, srv, user, "INBOX")
			if newUV == oldUV {
				t.Fatalf("UIDVALIDITY unchanged (%d)", oldUV)
			}
			save(t, srv, user, "INBOX", mail("<18-gap-spam@x>", "spam"))
			save(t, srv, user, "INBOX", mail("<18-gap-ham@x>", "ham"))

			// The UIDs the second run may act on: the gap messages and the
			// pending one, by their current UIDs.
			allowed := map[string]bool{}
			msgs, _ = srv.Messages(user, "INBOX")
			for _, m := range msgs {
				switch m.MessageID {
				case "<18-gap-spam@x>", "<18-gap-ham@x>", "<18-pending@x>":
					allowed[strconv.Itoa(int(m.UID))] = true
				}
			}
			if hard {
				if allowed[strconv.Itoa(int(pendingUID))] {
					t.Fatalf("the hard change did not renumber: old UID %d still names the pending message", pendingUID)
				}
			}
			before := rawlogFiles(srv)

			r = startWatcher(t, acct, st, h)
			h.waitDone(t, "<18-gap-spam@x>", 1, 10*time.Second)
			h.waitDone(t, "<18-gap-ham@x>", 1, 10*time.Second)
			h.waitDone(t, "<18-pending@x>", 2, 10*time.Second)
			r.waitEvent(t, "idle", 1, 5*time.Second)
			r.stop(t)

			if got := h.totalJudged() - judged; got != 2 {
				t.Errorf("%d messages judged after the change, want 2 (the gap)", got)
			}
			if o := h.outcomes("<18-pending@x>"); o[1].Err != nil || o[1].JunkUID == 0 {
				t.Errorf("pending move: %+v", o[1])
			}
			if st, _, _ := st.Folder(acct.Name, "INBOX"); st.UIDValidity != newUV {
				t.Errorf("stored UIDVALIDITY %d, want %d", st.UIDValidity, newUV)
			}
			if p, _ := st.Pending(acct.Name); len(p) != 0 {
				t.Errorf("pending left: %+v", p)
			}
			assertPlaces(t, srv, user, map[string]string{
				"<18-keep-1@x>": "INBOX", "<18-keep-2@x>": "INBOX", "<18-keep-3@x>": "INBOX",
				"<18-notjunk@x>": "INBOX", "<18-rescued@x>": "INBOX", "<18-gap-ham@x>": "INBOX",
				"<18-spam-1@x>": "Junk", "<18-spam-2@x>": "Junk", "<18-gap-spam@x>": "Junk", "<18-pending@x>": "Junk",
			})
			if n, j := count(t, srv, user, "INBOX"), count(t, srv, user, "Junk"); n != 6 || j != 4 {
				t.Errorf("INBOX %d, Junk %d; want 6 and 4", n, j)
			}
			in := rawlog(t, srv, before)
			assertProtocolRules(t, in)
			for _, m := range regexp.MustCompile(`(?m)^\S+ UID (?:STORE|MOVE|COPY|EXPUNGE) (\S+)`).FindAllStringSubmatch(in, -1) {
				if !allowed[m[1]] {
					t.Errorf("after the change, a command on UID %s (allowed %v): %q", m[1], allowed, m[0])
				}
			}
			noSeen(t, srv, user)
		})
	}
}

// A soft change while connected takes effect at the next SELECT (here after
// a kick): nothing is judged twice, new mail still moves.
func TestUIDValidityChangeWhileConnected(t *testing.T) {
	t.Parallel()
	srv := startServer(t, dovecot.Options{})
	acct := testAccount(srv, user)
	st, h := NewMemState(), newHandler()
	r := startWatcher(t, acct, st, h)
	r.waitEvent(t, "idle", 1, 10*time.Second)
	save(t, srv, user, "INBOX", mail("<18c-ham@x>", "ham"))
	h.waitDone(t, "<18c-ham@x>", 1, 10*time.Second)
	if _, err := srv.Doveadm("mailbox", "update", "-u", user, "--uid-validity", "777", "INBOX"); err != nil {
		t.Fatal(err)
	}
	save(t, srv, user, "INBOX", mail("<18c-spam-1@x>", "spam"))
	h.waitDone(t, "<18c-spam-1@x>", 1, 10*time.Second)
	if err := srv.Kick(user); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 10*time.Second, "UIDVALIDITY 777 stored", func() bool {
		s, _, _ := st.Folder(acct.Name, "INBOX")
		return s.UIDValidity == 777
	})
	save(t, srv, user, "INBOX", mail("<18c-spam-2@x>", "spam"))
	h.waitDone(t, "<18c-spam-2@x>", 1, 10*time.Second)
	r.stop(t)
	for _, id := range []string{"<18c-ham@x>", "<18c-spam-1@x>", "<18c-spam-2@x>"} {
		if n, d := h.judgedCount(id), len(h.outcomes(id)); n != 1 || d != 1 {
			t.Errorf("%s judged %d, done %d", id, n, d)
		}
	}
	assertPlaces(t, srv, user, map[string]string{"<18c-ham@x>": "INBOX", "<18c-spam-1@x>": "Junk", "<18c-spam-2@x>": "Junk"})
}
