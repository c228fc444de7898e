package imapsync

import (
	"bufio"
	"fmt"
	"net"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mailwarden/mailwarden/internal/dovecot"
)

// cutProxy sits between the watcher and Dovecot's plain port. The first
// client line matching trigger is forwarded (or, with drop, swallowed), and
// the client side is closed at once: the watcher never hears the reply,
// while the server finishes the command before its side is closed too.
type cutProxy struct {
	t       *testing.T
	ln      net.Listener
	target  string
	trigger *regexp.Regexp
	drop    bool

	mu   sync.Mutex
	cuts int
}

func newCutProxy(t *testing.T, target string, trigger *regexp.Regexp, drop bool) *cutProxy {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &cutProxy{t: t, ln: ln, target: target, trigger: trigger, drop: drop}
	t.Cleanup(func() { ln.Close() })
	go p.serve()
	return p
}

func (p *cutProxy) port() int { return p.ln.Addr().(*net.TCPAddr).Port }

func (p *cutProxy) cutCount() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.cuts
}

func (p *cutProxy) serve() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		go p.handle(c)
	}
}

func (p *cutProxy) handle(client net.Conn) {
	server, err := net.Dial("tcp", p.target)
	if err != nil {
		client.Close()
		return
	}
	var (
		mu      sync.Mutex
		cutTag  string // set once the cut happened
		replied = make(chan struct{})
	)
	// server → client: forwarded until the cut; after it, read until the
	// tagged reply of the cut command, then close the server side.
	go func() {
		defer server.Close()
		defer client.Close()
		r := bufio.NewReader(server)
		for {
			line, err := r.ReadString('\n')
			mu.Lock()
			tag := cutTag
			mu.Unlock()
			if tag == "" {
				if _, werr := client.Write([]byte(line)); werr != nil && tag == "" {
					// the client went away on its own
				}
			} else if strings.HasPrefix(line, tag+" ") {
				close(replied)
				return
			}
			if err != nil {
				return
			}
		}
	}()
	r := bufio.NewReader(client)
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			server.Close()
			return
		}
		p.mu.Lock()
		fire := p.cuts == 0 && p.trigger.MatchString(line)
		if fire {
			p.cuts++
		}
		p.mu.Unlock()
		if !fire {
			if _, err := server.Write([]byte(line)); err != nil {
				client.Close()
				return
			}
			continue
		}
		tag, _, _ := strings.Cut(line, " ")
		mu.Lock()
		cutTag = tag
		mu.Unlock()
		client.Close() // the watcher never hears the reply
		if p.drop {
			server.Close()
			return
		}
		server.Write([]byte(line))
		select {
		case <-replied:
		case <-time.After(5 * time.Second):
			p.t.Errorf("the server did not answer %q", strings.TrimSpace(line))
		}
		server.Close()
		return
	}
}

// Case 22: the connection is cut at every point of a move. After
// reconnecting, the watcher finds the message by Message-ID and finishes
// without a second COPY: every Message-ID is in exactly one folder, the
// INBOX+Junk total is unchanged, the user's \Deleted ham survives, and the
// move is reported once, as done.
func TestConnectionCutMidMove(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name, caps string
		trigger    string
		drop       bool
	}{
		{"b: after UID MOVE", "", `^\S+ UID MOVE `, false},
		{"c: after UID COPY", capsNoMove, `^\S+ UID COPY `, false},
		{"c: after STORE \\Deleted", capsNoMove, `^\S+ UID STORE \d+ \+FLAGS\.SILENT \(\\Deleted\)`, false},
		{"c: before UID EXPUNGE", capsNoMove, `^\S+ UID EXPUNGE `, true},
		{"after STORE $Junk, before the move", "", `^\S+ UID STORE \d+ (\(UNCHANGEDSINCE \d+\) )?\+FLAGS\.SILENT \(\$Junk[ )]`, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			srv := startServer(t, dovecot.Options{Capability: c.caps})
			spam := fmt.Sprintf("<22-spam-%d@campaign.example.jp>", time.Now().UnixNano())
			const userHam, otherHam = "<22-deleted-ham@x>", "<22-ham@campaign.example.jp>"
			save(t, srv, user, "INBOX", mail(userHam, "ham"))
			save(t, srv, user, "INBOX", mail(spam, "spam"))
			save(t, srv, user, "INBOX", caseFile(t, "22-*/ham.eml", mail(otherHam, "ham")))
			if _, err := srv.Doveadm("flags", "add", "-u", user, `\Deleted`, "mailbox", "INBOX", "header", "Message-ID", userHam); err != nil {
				t.Fatal(err)
			}
			total := count(t, srv, user, "INBOX") + count(t, srv, user, "Junk")

			proxy := newCutProxy(t, srv.IMAPAddr, regexp.MustCompile(c.trigger), c.drop)
			acct := testAccount(srv, user)
			acct.TLS, acct.AllowPlaintext, acct.Port = TLSNone, true, proxy.port()
			st, h := NewMemState(), newHandler()
			judgeExisting(t, srv, st, acct)
			r := startWatcher(t, acct, st, h)
			o := h.waitDone(t, spam, 1, 15*time.Second)
			r.waitEvent(t, "idle", 1, 10*time.Second)
			r.stop(t)

			if proxy.cutCount() != 1 {
				t.Fatalf("%d cuts", proxy.cutCount())
			}
			if len(o) != 1 || o[0].Err != nil || o[0].HandledElsewhere || o[0].JunkUID == 0 {
				t.Errorf("outcomes %+v, want one completed move", o)
			}
			if n := h.judgedCount(spam); n != 1 {
				t.Errorf("spam judged %d times", n)
			}
			assertPlaces(t, srv, user, map[string]string{spam: "Junk", userHam: "INBOX", otherHam: "INBOX"})
			if got := count(t, srv, user, "INBOX") + count(t, srv, user, "Junk"); got != total {
				t.Errorf("INBOX+Junk = %d, want %d", got, total)
			}
			if f := withoutRecent(flagsOf(t, srv, user, "INBOX", userHam)); len(f) != 1 || f[0] != `\Deleted` {
				t.Errorf("user's ham flags %q", f)
			}
			if p, _ := st.Pending(acct.Name); len(p) != 0 {
				t.Errorf("pending moves left: %+v", p)
			}
			in := rawlog(t, srv, nil)
			assertProtocolRules(t, in)
			if n := strings.Count(in, "UID COPY"); n > 1 {
				t.Errorf("%d UID COPY commands: a second copy", n)
			}
			if c.caps != "" && strings.Contains(in, "MOVE") {
				t.Errorf("MOVE sent although hidden")
			}
			if !strings.Contains(r.log.String(), "pending move") {
				t.Errorf("no pending-move resolution logged")
			}
		})
	}
}

// Case 22 d: Dovecot restarts in the middle of a batch of 20 spam
// deliveries. Every message ends in Junk exactly once, judged once.
func TestServerRestartMidBatch(t *testing.T) {
	t.Parallel()
	srv := startServer(t, dovecot.Options{})
	acct := testAccount(srv, user)
	st, h := NewMemState(), newHandler()
	r := startWatcher(t, acct, st, h)
	r.waitEvent(t, "idle", 1, 10*time.Second)
	want := map[string]string{}
	for i := range 20 {
		id := "<22d-" + strconv.Itoa(i) + "@x>"
		want[id] = "Junk"
		save(t, srv, user, "INBOX", mail(id, "spam"))
		if i == 9 {
			if err := srv.Restart(); err != nil {
				t.Fatal(err)
			}
		}
	}
	for id := range want {
		h.waitDone(t, id, 1, 20*time.Second)
	}
	r.waitEvent(t, "idle", 2, 10*time.Second)
	r.stop(t)
	assertPlaces(t, srv, user, want)
	for id := range want {
		o := h.outcomes(id)
		if h.judgedCount(id) != 1 || len(o) != 1 || o[0].Err != nil {
			t.Errorf("%s: judged %d, outcomes %+v", id, h.judgedCount(id), o)
		}
	}
	if n := count(t, srv, user, "INBOX"); n != 0 {
		t.Errorf("INBOX has %d", n)
	}
}

// A message without Message-ID, cut after UID COPY: found again by size
// and header digest, the INBOX original is expunged, no duplicate stays.
func TestConnectionCutNoMessageID(t *testing.T) {
	t.Parallel()
	srv := startServer(t, dovecot.Options{Capability: capsNoMove})
	save(t, srv, user, "INBOX", mail("<22n-ham@x>", "ham"))
	save(t, srv, user, "INBOX", mail("", "spam")) // no Message-ID
	proxy := newCutProxy(t, srv.IMAPAddr, regexp.MustCompile(`^\S+ UID COPY `), false)
	acct := testAccount(srv, user)
	acct.TLS, acct.AllowPlaintext, acct.Port = TLSNone, true, proxy.port()
	st, h := NewMemState(), newHandler()
	judgeExisting(t, srv, st, acct)
	r := startWatcher(t, acct, st, h)
	var id string
	waitFor(t, 15*time.Second, "the spam's outcome", func() bool {
		h.mu.Lock()
		defer h.mu.Unlock()
		for k := range h.done {
			if strings.HasPrefix(k, "sha256:") {
				id = k
				return true
			}
		}
		return false
	})
	r.waitEvent(t, "idle", 1, 10*time.Second)
	r.stop(t)
	if o := h.outcomes(id); len(o) != 1 || o[0].Err != nil || o[0].JunkUID == 0 {
		t.Errorf("outcomes %+v", o)
	}
	if proxy.cutCount() != 1 {
		t.Fatalf("%d cuts", proxy.cutCount())
	}
	boxes, _ := where(t, srv, user)
	if !slices.Equal(boxes[""], []string{"Junk"}) || !slices.Equal(boxes["<22n-ham@x>"], []string{"INBOX"}) {
		t.Errorf("placement %v", boxes)
	}
	if n := strings.Count(rawlog(t, srv, nil), "UID COPY"); n != 1 {
		t.Errorf("%d UID COPY commands", n)
	}
}
