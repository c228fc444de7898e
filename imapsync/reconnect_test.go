package imapsync

import (
	"io"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mailwarden/mailwarden/internal/dovecot"
)

// freezeProxy forwards TCP; freeze makes every connection it holds go
// silent for good without closing, like a connection across a suspend or a
// changed network. Connections made after the freeze work.
type freezeProxy struct {
	ln    net.Listener
	gen   atomic.Int64 // connections of an older generation are dead
	mu    sync.Mutex
	conns int
}

func (p *freezeProxy) freeze() { p.gen.Add(1) }

func newFreezeProxy(t *testing.T, target string) *freezeProxy {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &freezeProxy{ln: ln}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s, err := net.Dial("tcp", target)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns++
			p.mu.Unlock()
			gen := p.gen.Load()
			pipe := func(dst, src net.Conn) {
				buf := make([]byte, 32<<10)
				for {
					n, err := src.Read(buf)
					if n > 0 && p.gen.Load() == gen {
						dst.Write(buf[:n])
					}
					if err != nil {
						if err != io.EOF {
							dst.Close()
						}
						return
					}
				}
			}
			go pipe(s, c)
			go pipe(c, s)
		}
	}()
	return p
}

func (p *freezeProxy) connCount() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.conns
}

// After a suspend the old connection is dead but does not know it.
// Reconnect must not wait for it to time out: a new session starts at once
// and the mail that arrived meanwhile is handled.
func TestReconnectAfterDeadConnection(t *testing.T) {
	srv := startServer(t, dovecot.Options{})
	p := newFreezeProxy(t, srv.IMAPSAddr)
	acct := testAccount(srv, "test")
	acct.Port = p.ln.Addr().(*net.TCPAddr).Port
	h := newHandler()
	r := startWatcher(t, acct, NewMemState(), h)
	r.waitEvent(t, "watching", 1, 10*time.Second)

	p.freeze() // the "suspend": the IDLE connection goes silent for good
	save(t, srv, "test", "INBOX", mail("<while-asleep@x>", "spam"))
	time.Sleep(time.Second) // IDLE would have announced it by now, were the line alive
	if h.judgedCount("<while-asleep@x>") != 0 {
		t.Fatal("judged through a frozen connection: the proxy does not freeze")
	}
	// "Resume": the network is back, the old TCP stream is not.
	r.w.SyncNow()
	time.Sleep(500 * time.Millisecond)
	if h.judgedCount("<while-asleep@x>") != 0 {
		t.Fatal("judged through a dead connection")
	}
	before := p.connCount()
	start := time.Now()
	r.w.Reconnect()
	h.waitDone(t, "<while-asleep@x>", 1, 10*time.Second)
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("mail from the sleep handled %v after resume; want a few seconds at most", took)
	}
	if p.connCount() <= before {
		t.Error("no new connection after Reconnect")
	}
	assertPlaces(t, srv, "test", map[string]string{"<while-asleep@x>": "Junk"})
}
