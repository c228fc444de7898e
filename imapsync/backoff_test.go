package imapsync

import (
	"context"
	"errors"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mailwarden/mailwarden/internal/dovecot"
)

// The reconnection waits: doubling while the server stays away, from the
// first small delay again after a session that logged in and selected
// INBOX (one step higher per short session, so a flapping server is not
// hammered), and never longer because the user asked for a retry.
func TestBackoffPolicy(t *testing.T) {
	const (
		minW = time.Second
		maxW = 5 * time.Minute
	)
	b := newBackoff(minW, maxW, time.Minute)
	now := time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)
	in := func(d time.Duration, lo, hi time.Duration, what string) {
		t.Helper()
		if d < lo || d > hi {
			t.Fatalf("%s: wait %v, want [%v, %v]", what, d, lo, hi)
		}
	}
	// A 60 s outage: 1, 2, 4, 8, 16, 32 s (each drawn from [w/2, w]).
	for i := range 6 {
		w := minW << i
		in(b.next(now, false, 0), w/2, w, "outage attempt "+strconv.Itoa(i))
	}
	if b.wait != 64*time.Second {
		t.Fatalf("wait after the outage %v, want 64s", b.wait)
	}
	// Online 15 s, then the server goes away again: the first retry comes
	// after at most a second, not the 64 s the outage had reached.
	in(b.next(now, true, 15*time.Second), minW/2, minW, "after a short healthy session")
	in(b.next(now, false, 0), minW, 2*minW, "second try of the short outage")
	// A flapping server (logs in, drops at once): one step more per flap.
	in(b.next(now, true, time.Second), minW, 2*minW, "second flap")
	in(b.next(now, true, time.Second), 2*minW, 4*minW, "third flap")
	// A session that lasted: from the start again.
	in(b.next(now, true, 2*time.Minute), minW/2, minW, "after a long session")
	if b.flaps != 0 {
		t.Errorf("flaps %d after a long session", b.flaps)
	}
	// The cap holds.
	for range 20 {
		b.next(now, false, 0)
	}
	in(b.next(now, false, 0), maxW/2, maxW, "capped")

	// A sync while offline: the attempt it causes fails, and the timed
	// retry stays where it was (57 s away must not become 1m56s).
	b = newBackoff(minW, maxW, time.Minute)
	for range 6 {
		b.next(now, false, 0)
	}
	d := b.next(now, false, 0) // wait was 64 s: d in [32, 64] s
	due := now.Add(d)
	later := now.Add(10 * time.Second)
	b.wake() // sync: the attempt is made now, and fails
	if got := b.next(later, false, 0); !later.Add(got).Equal(due) {
		t.Errorf("after a failed sync the retry is at %v, want %v as before", later.Add(got), due)
	}
	b.wake() // and again: still the same time
	if got := b.next(later.Add(time.Second), false, 0); !later.Add(time.Second).Add(got).Equal(due) {
		t.Errorf("after a second failed sync the retry is at %v, want %v", later.Add(time.Second).Add(got), due)
	}
	// The timed retry itself fails: the wait doubles from where it was.
	in(b.next(due, false, 0), 64*time.Second, 128*time.Second, "timed retry after syncs")
}

// After a long outage, a short stay online and a short outage, the watcher
// is back within a few short delays of the server's return, and the
// observer is told when each retry comes.
func TestReconnectAfterShortOutage(t *testing.T) {
	srv := startServer(t, dovecot.Options{})
	acct := testAccount(srv, "test")
	var (
		mu      sync.Mutex
		reports []Report
		at      []time.Time // when each report came
	)
	r := startWatcher(t, acct, NewMemState(), newHandler(), func(w *Watcher) {
		w.backoffMin, w.backoffMax, w.healthyAfter = 100*time.Millisecond, time.Minute, time.Minute
		w.Observe(func(rep Report) {
			mu.Lock()
			reports = append(reports, rep)
			at = append(at, time.Now())
			mu.Unlock()
		})
	})
	r.waitEvent(t, "watching", 1, 15*time.Second)

	// The long outage: the waits grow to several seconds.
	if err := srv.Stop(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(8 * time.Second)
	if err := srv.Restart(); err != nil {
		t.Fatal(err)
	}
	r.waitEvent(t, "watching", 2, 20*time.Second)
	mu.Lock()
	var offline []Report
	for _, rep := range reports {
		if rep.State == StateOffline {
			offline = append(offline, rep)
		}
	}
	mu.Unlock()
	if len(offline) < 4 {
		t.Fatalf("%d offline reports in an 8 s outage, want a retry every doubling delay", len(offline))
	}
	for _, rep := range offline {
		if rep.Retry.IsZero() || rep.Err == nil {
			t.Errorf("offline report without its retry time or reason: %+v", rep)
		}
	}
	var op *net.OpError
	if last := offline[len(offline)-1]; !errors.As(last.Err, &op) || op.Op != "dial" {
		t.Errorf("the last offline report is not a refused connection: %v", last.Err)
	}

	// Online a moment (less than healthyAfter), then a short outage.
	time.Sleep(time.Second)
	mu.Lock()
	before := len(reports)
	mu.Unlock()
	if err := srv.Stop(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(500 * time.Millisecond)
	if err := srv.Restart(); err != nil {
		t.Fatal(err)
	}
	back := time.Now()
	r.waitEvent(t, "watching", 3, 20*time.Second)
	// Before, the wait went on from the long outage's (3.2 s to 12.8 s
	// here); now it starts again from 100 ms. The first wait of the short
	// outage says so whatever the machine's load; the time back online
	// (100+200+400 ms cover the outage) only bounds it loosely.
	mu.Lock()
	first := time.Duration(-1)
	for i := before; i < len(reports) && first < 0; i++ {
		if reports[i].State == StateOffline {
			first = reports[i].Retry.Sub(at[i])
		}
	}
	mu.Unlock()
	t.Logf("first retry of the short outage after %v", first)
	if first < 0 || first > 400*time.Millisecond {
		t.Errorf("first retry of the short outage after %v (-1: no offline report); want the backoff started again (100 ms, one step up at most)", first)
	}
	if took := time.Since(back); took > 5*time.Second {
		t.Errorf("back online %v after the server returned; want well under 5s", took)
	}
}

// account add --tls starttls on an implicit-TLS port: the server answered,
// with TLS; the error says so and names the port.
func TestStartTLSOnImplicitTLSPort(t *testing.T) {
	t.Parallel()
	srv := startServer(t, dovecot.Options{})
	acct := testAccount(srv, "test")
	acct.TLS = TLSStartTLS
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	_, err := Dial(ctx, acct)
	var it *ImplicitTLSError
	if !errors.As(err, &it) {
		t.Fatalf("Dial: %v (%T), want *ImplicitTLSError", err, err)
	}
	if it.Port() != acct.Port || it.Addr != net.JoinHostPort("127.0.0.1", strconv.Itoa(acct.Port)) {
		t.Errorf("error names %s (port %d), want port %d", it.Addr, it.Port(), acct.Port)
	}
	// And the mirror: implicit TLS on the plain port names that port.
	acct = testAccount(srv, "test")
	_, p, _ := net.SplitHostPort(srv.IMAPAddr)
	acct.Port, _ = strconv.Atoi(p)
	_, err = Dial(ctx, acct)
	var nt *NotTLSError
	if !errors.As(err, &nt) || nt.Port() != acct.Port {
		t.Fatalf("Dial with TLS on the plain port: %v, want *NotTLSError naming port %d", err, acct.Port)
	}
	if want := "use tls = \"starttls\" on this port (" + p + ")"; !strings.Contains(nt.Error(), want) {
		t.Errorf("%q lacks %q", nt.Error(), want)
	}
}

// A configured junk folder the server does not have: the watcher uses the
// detected one and tells the observer which, for status.
func TestMissingJunkFolderReported(t *testing.T) {
	t.Parallel()
	srv := startServer(t, dovecot.Options{})
	acct := testAccount(srv, "test")
	acct.JunkFolder = "迷惑メール"
	got := make(chan Report, 10)
	r := startWatcher(t, acct, NewMemState(), newHandler(), func(w *Watcher) {
		w.Observe(func(rep Report) {
			if rep.State == StateWatching {
				got <- rep
			}
		})
	})
	r.waitEvent(t, "watching", 1, 15*time.Second)
	rep := <-got
	if rep.JunkMissing != "迷惑メール" || rep.JunkUsed != "Junk" {
		t.Errorf("report %+v, want 迷惑メール missing, Junk used", rep)
	}
}
