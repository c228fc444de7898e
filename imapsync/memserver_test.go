package imapsync

import (
	"bytes"
	"context"
	"net"
	"slices"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
)

// memServer serves go-imap's in-memory server on loopback, plaintext, for
// fast tests of paths that need no Dovecot behaviour.
func memServer(t *testing.T, caps imap.CapSet, mailboxes ...string) (*imapmemserver.User, Account) {
	t.Helper()
	u := imapmemserver.NewUser("mem", "pw")
	for _, name := range append([]string{"INBOX"}, mailboxes...) {
		if err := u.Create(name, nil); err != nil {
			t.Fatal(err)
		}
	}
	mem := imapmemserver.New()
	mem.AddUser(u)
	srv := imapserver.New(&imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return mem.NewSession(), nil, nil
		},
		Caps:         caps,
		InsecureAuth: true,
		Logger:       testLogger{t},
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return u, Account{
		Name: "mem", Host: "127.0.0.1", Port: ln.Addr().(*net.TCPAddr).Port, TLS: TLSNone, AllowPlaintext: true,
		Username: "mem", Password: "pw", PollInterval: 100 * time.Millisecond,
	}
}

// testLogger sends the in-memory server's complaints to t.Log.
type testLogger struct{ t *testing.T }

func (l testLogger) Printf(format string, args ...any) {
	defer func() { recover() }() // after the test ended
	l.t.Logf("imapserver: "+format, args...)
}

type literal struct{ *bytes.Reader }

func (l literal) Size() int64 { return l.Reader.Size() }

func appendMail(t *testing.T, u *imapmemserver.User, mailbox string, raw []byte, flags ...imap.Flag) {
	t.Helper()
	if _, err := u.Append(mailbox, literal{bytes.NewReader(raw)}, &imap.AppendOptions{Flags: flags}); err != nil {
		t.Fatal(err)
	}
}

var rev1Move = imap.CapSet{imap.CapIMAP4rev1: {}, imap.CapMove: {}, imap.CapUIDPlus: {}, imap.CapNamespace: {}}

// A name in the usual list is the junk folder when nothing has \Junk.
func TestMemJunkByName(t *testing.T) {
	_, acct := memServer(t, rev1Move, "Sent", "Spam Email", "Projects")
	f := folders(t, acct, true)
	if f.Junk != "Spam Email" || f.JunkBy != "name" || !slices.Equal(f.Ham, []string{"Projects", "Sent"}) && !slices.Equal(f.Ham, []string{"Sent", "Projects"}) {
		t.Fatalf("junk %q by %s, ham %q", f.Junk, f.JunkBy, f.Ham)
	}
}

// The whole walk against the in-memory server: plaintext login (allowed),
// Junk created because none exists, first-start training (existing INBOX
// mail is ham, not judged), then a move and a ham mark, \Seen untouched.
func TestMemWatcher(t *testing.T) {
	u, acct := memServer(t, rev1Move, "Archive")
	appendMail(t, u, "INBOX", mail("<mem-old@x>", "spam"))
	appendMail(t, u, "Archive", mail("<mem-archived@x>", "ham"))
	st, h := NewMemState(), newHandler()
	r := startWatcher(t, acct, st, h)
	r.waitEvent(t, "watching", 1, 5*time.Second)
	h.mu.Lock()
	trained := maps(h.trained)
	h.mu.Unlock()
	if len(trained) != 2 || trained["<mem-old@x>"] || trained["<mem-archived@x>"] {
		t.Fatalf("trained %v", trained)
	}
	appendMail(t, u, "INBOX", mail("<mem-spam@x>", "spam"))
	appendMail(t, u, "INBOX", mail("<mem-ham@x>", "ham"), imap.FlagSeen)
	r.w.SyncNow()
	o := h.waitDone(t, "<mem-spam@x>", 1, 5*time.Second)
	if o[0].Err != nil || o[0].JunkUID == 0 {
		t.Fatalf("spam outcome %+v", o[0])
	}
	h.waitDone(t, "<mem-ham@x>", 1, 5*time.Second)
	r.stop(t)

	s, err := Dial(context.Background(), acct)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	f, _ := s.Folders(context.Background(), false)
	if f.Junk != "Junk" {
		t.Fatalf("junk folder %q", f.Junk)
	}
	if _, err := s.selectMailbox("Junk", true); err != nil {
		t.Fatal(err)
	}
	uids, _ := s.searchAll()
	msgs, _ := s.fetchHeaders(uids)
	if len(msgs) != 1 || msgs[0].MessageID != "<mem-spam@x>" || !msgs[0].HasFlag(KeywordJunk) || msgs[0].HasFlag(imap.FlagSeen) {
		t.Fatalf("Junk holds %+v", msgs)
	}
	if _, err := s.selectMailbox("INBOX", true); err != nil {
		t.Fatal(err)
	}
	uids, _ = s.searchAll()
	msgs, _ = s.fetchHeaders(uids)
	if len(msgs) != 2 || msgs[1].MessageID != "<mem-ham@x>" || !msgs[1].HasFlag(KeywordNotJunk) || !msgs[1].HasFlag(imap.FlagSeen) || msgs[0].HasFlag(imap.FlagSeen) {
		t.Fatalf("INBOX holds %+v", msgs)
	}
}

// Case 21 on go-imap's server, which answers the MOVE of a UID another
// session expunged with a COPYUID the client cannot parse: the session
// breaks mid-move, and the pending record resolves as handled elsewhere.
func TestMemMoveVanishedBreaksSession(t *testing.T) {
	u, acct := memServer(t, rev1Move, "Junk")
	st, h := NewMemState(), newHandler()
	r := startWatcher(t, acct, st, h, func(w *Watcher) {
		w.beforeMove = func(m *Message) { // the phone deletes it first
			s, err := Dial(context.Background(), acct)
			if err != nil {
				t.Error(err)
				return
			}
			defer s.Close()
			if _, err := s.selectMailbox("INBOX", false); err != nil {
				t.Error(err)
				return
			}
			if err := s.expungeUIDs([]imap.UID{m.UID}); err != nil {
				t.Error(err)
			}
		}
	})
	r.waitEvent(t, "watching", 1, 5*time.Second)
	appendMail(t, u, "INBOX", mail("<mem21@x>", "spam"))
	r.w.SyncNow()
	o := h.waitDone(t, "<mem21@x>", 1, 5*time.Second)
	if !o[0].HandledElsewhere || o[0].Err != nil {
		t.Fatalf("outcome %+v", o[0])
	}
}
