package imapsync

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/mailwarden/mailwarden/internal/dovecot"
)

const (
	spam15 = "<15-spam@campaign.example.jp>"
	ham15  = "<15-ham@campaign.example.jp>"
)

// seed15 delivers case 15's spam and ham and marks the ham \Deleted, as a
// user of Thunderbird's "mark as deleted" mode would.
func seed15(t *testing.T, srv *dovecot.Server) {
	t.Helper()
	save(t, srv, user, "INBOX", caseFile(t, "15-*/spam.eml", mail(spam15, "spam")))
	save(t, srv, user, "INBOX", caseFile(t, "15-*/ham.eml", mail(ham15, "ham")))
	if _, err := srv.Doveadm("flags", "add", "-u", user, `\Deleted`, "mailbox", "INBOX", "header", "Message-ID", ham15); err != nil {
		t.Fatal(err)
	}
}

func withoutRecent(flags []string) []string {
	return slices.DeleteFunc(slices.Clone(flags), func(f string) bool { return f == `\Recent` })
}

// Case 15 A: no MOVE, UIDPLUS: UID COPY, then \Deleted and UID EXPUNGE of
// that UID only. The user's \Deleted ham survives, flags unchanged.
func TestCopyFallbackUIDPlus(t *testing.T) {
	t.Parallel()
	srv := startServer(t, dovecot.Options{Capability: capsNoMove})
	seed15(t, srv)
	acct := testAccount(srv, user)
	st, h := NewMemState(), newHandler()
	judgeExisting(t, srv, st, acct)
	inbox0, junk0 := count(t, srv, user, "INBOX"), count(t, srv, user, "Junk")
	r := startWatcher(t, acct, st, h)
	o := h.waitDone(t, spam15, 1, 10*time.Second)[0]
	if o.Err != nil || o.JunkUID == 0 || o.HandledElsewhere {
		t.Fatalf("outcome %+v", o)
	}
	r.waitEvent(t, "idle", 1, 5*time.Second)
	r.stop(t)
	if i, j := count(t, srv, user, "INBOX"), count(t, srv, user, "Junk"); i != inbox0-1 || j != junk0+1 {
		t.Errorf("INBOX %d→%d, Junk %d→%d; want −1/+1", inbox0, i, junk0, j)
	}
	assertPlaces(t, srv, user, map[string]string{spam15: "Junk", ham15: "INBOX"})
	if f := withoutRecent(flagsOf(t, srv, user, "INBOX", ham15)); !slices.Equal(f, []string{`\Deleted`}) {
		t.Errorf("the user's ham flags changed to %q", f)
	}
	if f := flagsOf(t, srv, user, "Junk", spam15); !slices.Contains(f, "$Junk") || slices.Contains(f, `\Deleted`) {
		t.Errorf("junk copy flags %q", f)
	}
	in := rawlog(t, srv, nil)
	assertProtocolRules(t, in)
	if strings.Contains(in, "MOVE") {
		t.Errorf("MOVE sent although hidden")
	}
	u := regexp.MustCompile(`(?m)^\S+ UID COPY (\d+) "Junk"`).FindStringSubmatch(in)
	if u == nil {
		t.Fatalf("no UID COPY:\n%s", in)
	}
	for _, want := range []string{"UID STORE " + u[1] + ` +FLAGS.SILENT (\Deleted)`, "UID EXPUNGE " + u[1] + "\r"} {
		if !strings.Contains(in, want) {
			t.Errorf("protocol log lacks %q", want)
		}
	}
	if i, j := strings.Index(in, "UID COPY"), strings.Index(in, `(\Deleted)`); j < i {
		t.Errorf("\\Deleted stored before the COPY")
	}
}

// Case 15 B: neither MOVE nor UIDPLUS. Policy: nothing is moved (no COPY,
// no EXPUNGE, no CLOSE); the spam stays in INBOX marked $Junk and the
// outcome says the server cannot move safely. The next message is handled
// normally.
func TestNoMoveNoUIDPlus(t *testing.T) {
	t.Parallel()
	srv := startServer(t, dovecot.Options{Capability: capsNoMoveUIDPlus})
	seed15(t, srv)
	acct := testAccount(srv, user)
	st, h := NewMemState(), newHandler()
	judgeExisting(t, srv, st, acct)
	r := startWatcher(t, acct, st, h)
	o := h.waitDone(t, spam15, 1, 10*time.Second)[0]
	if !errors.Is(o.Err, ErrNoSafeMove) || o.Action != MoveToJunk {
		t.Fatalf("outcome %+v", o)
	}
	t.Log(o.Err)
	save(t, srv, user, "INBOX", mail("<15b-next-ham@x>", "ham"))
	h.waitDone(t, "<15b-next-ham@x>", 1, 5*time.Second)
	r.stop(t)
	assertPlaces(t, srv, user, map[string]string{spam15: "INBOX", ham15: "INBOX", "<15b-next-ham@x>": "INBOX"})
	if n := count(t, srv, user, "Junk"); n != 0 {
		t.Errorf("Junk has %d", n)
	}
	// $Junk with the marker that says mailwarden set it (not the user).
	if f := withoutRecent(flagsOf(t, srv, user, "INBOX", spam15)); !slices.Equal(f, []string{"$Junk", "$MailwardenSpam"}) {
		t.Errorf("spam flags %q, want only $Junk and $MailwardenSpam", f)
	}
	if f := withoutRecent(flagsOf(t, srv, user, "INBOX", ham15)); !slices.Equal(f, []string{`\Deleted`}) {
		t.Errorf("the user's ham flags changed to %q", f)
	}
	if n := h.judgedCount(spam15); n != 1 {
		t.Errorf("spam judged %d times", n)
	}
	in := rawlog(t, srv, nil)
	assertProtocolRules(t, in)
	for _, bad := range []string{"MOVE", "COPY", "EXPUNGE", "CLOSE", `\Deleted`} {
		if strings.Contains(in, bad) {
			t.Errorf("protocol log contains %s", bad)
		}
	}
}

// quotaKiB returns small's STORAGE usage in KiB.
func quotaKiB(t *testing.T, srv *dovecot.Server, user string) int {
	t.Helper()
	out, err := srv.Doveadm("-f", "flow", "quota", "get", "-u", user)
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(out), "\n") {
		if !strings.Contains(line, "Type=STORAGE") {
			continue
		}
		for _, f := range strings.Fields(line) {
			if v, ok := strings.CutPrefix(f, "Value="); ok {
				n, _ := strconv.Atoi(v)
				return n
			}
		}
	}
	t.Fatalf("no STORAGE in %q", out)
	return 0
}

// fillQuota brings user small to 1012 of 1024 KiB with Archive mail.
func fillQuota(t *testing.T, srv *dovecot.Server) {
	t.Helper()
	const target = 1012
	if used := quotaKiB(t, srv, dovecot.SmallUser); used < target-20 {
		save(t, srv, dovecot.SmallUser, "Archive", mailSized("<filler-big@x>", "ham", (target-16-used)*1024))
	}
	for i := 0; quotaKiB(t, srv, dovecot.SmallUser) < target; i++ {
		save(t, srv, dovecot.SmallUser, "Archive", mailSized(fmt.Sprintf("<filler-%d@x>", i), "ham", 900))
	}
}

// seed16 delivers case 16's 20 KiB spam to small and fills the quota to
// 99%. It returns the spam's Message-ID.
func seed16(t *testing.T, srv *dovecot.Server) string {
	t.Helper()
	raw := caseFile(t, "16-*/spam-20k.eml", mailSized("<c16-spam20k@campaign.example.jp>", "spam", 20*1024))
	save(t, srv, dovecot.SmallUser, "INBOX", raw)
	fillQuota(t, srv)
	return messageIDOf(raw)
}

// Case 16 B: at 99% quota COPY is refused (OVERQUOTA): the original stays
// untouched (no $Junk, no \Deleted, no EXPUNGE), the outcome says the
// mailbox is full, retries back off, other mail is still handled, and the
// quarantine resumes by itself once space is freed.
func TestOverQuotaCopyRefused(t *testing.T) {
	srv := startServer(t, dovecot.Options{Capability: capsNoMove})
	spam16 := seed16(t, srv)
	acct := testAccount(srv, dovecot.SmallUser)
	st, h := NewMemState(), newHandler()
	judgeExisting(t, srv, st, acct)
	inbox0, junk0, used0 := count(t, srv, dovecot.SmallUser, "INBOX"), count(t, srv, dovecot.SmallUser, "Junk"), quotaKiB(t, srv, dovecot.SmallUser)
	flags0 := withoutRecent(flagsOf(t, srv, dovecot.SmallUser, "INBOX", spam16))

	r := startWatcher(t, acct, st, h)
	o := h.waitDone(t, spam16, 1, 10*time.Second)[0]
	if !errors.Is(o.Err, ErrOverQuota) || o.JunkUID != 0 || o.HandledElsewhere {
		t.Fatalf("outcome %+v", o)
	}
	t.Log(o.Err)
	if !strings.Contains(o.Err.Error(), "free space") {
		t.Errorf("the error does not say what to do: %v", o.Err)
	}
	save(t, srv, dovecot.SmallUser, "INBOX", mail("<16-next-ham@x>", "ham"))
	h.waitDone(t, "<16-next-ham@x>", 1, 5*time.Second)

	// Backoff: 100 ms doubling in this test (1 min doubling to 30 min in
	// the product): a handful of attempts in 1.5 s, not a tight loop.
	time.Sleep(1500 * time.Millisecond)
	if n := strings.Count(rawlog(t, srv, nil), "UID COPY"); n < 2 || n > 6 {
		t.Errorf("%d COPY attempts in 1.5 s", n)
	}
	if i, j := count(t, srv, dovecot.SmallUser, "INBOX"), count(t, srv, dovecot.SmallUser, "Junk"); i != inbox0+1 || j != junk0 {
		t.Errorf("counts changed while refused: INBOX %d→%d Junk %d→%d", inbox0, i, junk0, j)
	}
	if f := withoutRecent(flagsOf(t, srv, dovecot.SmallUser, "INBOX", spam16)); !slices.Equal(f, flags0) {
		t.Errorf("original flags %q → %q", flags0, f)
	}
	in := rawlog(t, srv, nil)
	if strings.Contains(in, `\Deleted`) || strings.Contains(in, "EXPUNGE") {
		t.Errorf("\\Deleted or EXPUNGE after a refused COPY")
	}
	if used := quotaKiB(t, srv, dovecot.SmallUser); used < used0 {
		t.Errorf("mailwarden freed space itself: %d → %d KiB", used0, used)
	}

	// The user frees space: the next retry moves it.
	if _, err := srv.Doveadm("expunge", "-u", dovecot.SmallUser, "mailbox", "Archive", "all"); err != nil {
		t.Fatal(err)
	}
	o = h.waitDone(t, spam16, 2, 10*time.Second)[1]
	if o.Err != nil || o.JunkUID == 0 {
		t.Fatalf("after freeing space: %+v", o)
	}
	r.stop(t)
	assertPlaces(t, srv, dovecot.SmallUser, map[string]string{spam16: "Junk", "<16-next-ham@x>": "INBOX"})
	assertProtocolRules(t, rawlog(t, srv, nil))
	if n := h.judgedCount(spam16); n != 1 {
		t.Errorf("spam judged %d times", n)
	}
}

// Case 16 A: with MOVE the same spam moves at 99% (MOVE does not add to the
// usage).
func TestOverQuotaMoveAllowed(t *testing.T) {
	t.Parallel()
	srv := startServer(t, dovecot.Options{})
	spam16 := seed16(t, srv)
	acct := testAccount(srv, dovecot.SmallUser)
	st, h := NewMemState(), newHandler()
	judgeExisting(t, srv, st, acct)
	used0 := quotaKiB(t, srv, dovecot.SmallUser)
	startWatcher(t, acct, st, h)
	if o := h.waitDone(t, spam16, 1, 10*time.Second)[0]; o.Err != nil || o.JunkUID == 0 {
		t.Fatalf("outcome %+v", o)
	}
	assertPlaces(t, srv, dovecot.SmallUser, map[string]string{spam16: "Junk"})
	if used := quotaKiB(t, srv, dovecot.SmallUser); used != used0 {
		t.Errorf("usage %d → %d KiB", used0, used)
	}
}

// Case 21: another client moves (or deletes) the message between our
// FETCH and our move. The move finds nothing: HandledElsewhere, no error,
// exactly one copy (or none).
func TestOtherClientFirst(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name, caps string
		phone      func(srv *dovecot.Server, uid string) error
		wantBox    string // "" = expunged
	}{
		{"phone moves to Junk", "", func(srv *dovecot.Server, uid string) error {
			_, err := srv.Doveadm("move", "-u", user, "Junk", "mailbox", "INBOX", "uid", uid)
			return err
		}, "Junk"},
		{"phone moves to Trash", "", func(srv *dovecot.Server, uid string) error {
			_, err := srv.Doveadm("move", "-u", user, "Trash", "mailbox", "INBOX", "uid", uid)
			return err
		}, "Trash"},
		{"phone expunges", "", func(srv *dovecot.Server, uid string) error {
			_, err := srv.Doveadm("expunge", "-u", user, "mailbox", "INBOX", "uid", uid)
			return err
		}, ""},
		{"phone moves to Junk, no MOVE here", capsNoMove, func(srv *dovecot.Server, uid string) error {
			_, err := srv.Doveadm("move", "-u", user, "Junk", "mailbox", "INBOX", "uid", uid)
			return err
		}, "Junk"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			srv := startServer(t, dovecot.Options{Capability: c.caps})
			acct := testAccount(srv, user)
			h := newHandler()
			var phoneErr error
			r := startWatcher(t, acct, NewMemState(), h, func(w *Watcher) {
				w.beforeMove = func(m *Message) {
					if m.MessageID == "<21-spam@campaign.example.jp>" {
						phoneErr = c.phone(srv, strconv.Itoa(int(m.UID)))
					}
				}
			})
			r.waitEvent(t, "watching", 1, 10*time.Second)
			const id = "<21-spam@campaign.example.jp>"
			save(t, srv, user, "INBOX", caseFile(t, "21-*/spam.eml", mail(id, "spam")))
			o := h.waitDone(t, id, 1, 10*time.Second)[0]
			if phoneErr != nil {
				t.Fatal(phoneErr)
			}
			if !o.HandledElsewhere || o.Err != nil || o.JunkUID != 0 {
				t.Fatalf("outcome %+v", o)
			}
			save(t, srv, user, "INBOX", mail("<21-next@x>", "spam"))
			if o := h.waitDone(t, "<21-next@x>", 1, 5*time.Second)[0]; o.Err != nil || o.JunkUID == 0 {
				t.Fatalf("next message: %+v", o)
			}
			r.stop(t)
			boxes, _ := where(t, srv, user)
			if c.wantBox == "" && len(boxes[id]) != 0 || c.wantBox != "" && !slices.Equal(boxes[id], []string{c.wantBox}) {
				t.Errorf("%s is in %v, want %q", id, boxes[id], c.wantBox)
			}
			assertProtocolRules(t, rawlog(t, srv, nil))
		})
	}
}

// The other branch of case 21: our session already knows the UID is gone
// (the expunge reached it), so UID MOVE / UID COPY answer OK without
// COPYUID: handled elsewhere, nothing stored on another message.
func TestMoveVanishedUIDAnswersOK(t *testing.T) {
	t.Parallel()
	for _, caps := range []string{"", capsNoMove} {
		srv := startServer(t, dovecot.Options{Capability: caps})
		save(t, srv, user, "INBOX", mail("<gone@x>", "spam"))
		save(t, srv, user, "INBOX", mail("<stays@x>", "ham"))
		acct := testAccount(srv, user)
		s, err := Dial(t.Context(), acct)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		w := NewWatcher(acct, NewMemState(), newHandler(), nil)
		if w.folders, err = s.Folders(t.Context(), true); err != nil {
			t.Fatal(err)
		}
		if _, err := s.selectMailbox("INBOX", false); err != nil {
			t.Fatal(err)
		}
		msgs, err := s.fetchHeaders([]imap.UID{1})
		if err != nil || len(msgs) != 1 {
			t.Fatal(msgs, err)
		}
		if _, err := srv.Doveadm("move", "-u", user, "Trash", "mailbox", "INBOX", "uid", "1"); err != nil {
			t.Fatal(err)
		}
		if err := s.c.Noop().Wait(); err != nil { // the expunge reaches the session
			t.Fatal(err)
		}
		o, retry, err := w.moveToJunk(s, msgs[0], w.pendingFor(msgs[0]))
		if err != nil || retry || !o.HandledElsewhere || o.Err != nil {
			t.Errorf("caps %q: outcome %+v retry %v err %v", caps, o, retry, err)
		}
		assertPlaces(t, srv, user, map[string]string{"<gone@x>": "Trash", "<stays@x>": "INBOX"})
		if f := withoutRecent(flagsOf(t, srv, user, "INBOX", "<stays@x>")); len(f) != 0 {
			t.Errorf("the other message got flags %q", f)
		}
	}
}

// Without the ACL "w" right PERMANENTFLAGS shrinks to (\Deleted \Seen) and
// keyword stores would be silently ignored: mailwarden sends none, and
// still moves the spam.
func TestNoKeywordsAllowed(t *testing.T) {
	t.Parallel()
	acl := filepath.Join(t.TempDir(), "global-acl")
	if err := os.WriteFile(acl, []byte("* owner lrstipekx\n"), 0o644); err != nil { // no w(rite flags), no a(dmin)
		t.Fatal(err)
	}
	srv := startServer(t, dovecot.Options{ExtraConf: "protocol imap {\n  mail_plugins = $mail_plugins acl imap_acl\n}\n" +
		"plugin {\n  acl = vfile:" + acl + "\n}\n"})
	acct := testAccount(srv, user)
	h := newHandler()
	r := startWatcher(t, acct, NewMemState(), h)
	r.waitEvent(t, "idle", 1, 10*time.Second)
	save(t, srv, user, "INBOX", mail("<acl-spam@x>", "spam"))
	save(t, srv, user, "INBOX", mail("<acl-ham@x>", "ham"))
	for _, id := range []string{"<acl-spam@x>", "<acl-ham@x>"} {
		if o := h.waitDone(t, id, 1, 10*time.Second)[0]; o.Err != nil {
			t.Fatalf("%s: %+v", id, o)
		}
	}
	r.stop(t)
	assertPlaces(t, srv, user, map[string]string{"<acl-spam@x>": "Junk", "<acl-ham@x>": "INBOX"})
	in := rawlog(t, srv, nil)
	if strings.Contains(in, "$Junk") || strings.Contains(in, "$NotJunk") {
		t.Errorf("keyword STORE sent although PERMANENTFLAGS has no \\*")
	}
	assertProtocolRules(t, in)
}
