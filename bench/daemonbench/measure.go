//go:build linux

package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/mailwarden/mailwarden/internal/dovecot"
	"github.com/mailwarden/mailwarden/localapi"
)

// result is what was measured of one program.
type result struct {
	name    string
	failed  string // why the measurement is incomplete ("" = complete)
	startup time.Duration
	// startupNote says what startup covered.
	startupNote string
	loggedIn    bool // every account logged in (checked in Dovecot)
	notLogged   string

	atDelivery idleCheck // just before delivery
	delivered  []delivery
	moved      map[string]time.Time // normID(Message-ID) → when moved (mailwarden: its event's time; Thunderbird: first seen in Junk)
	judged     map[string]time.Time // normID(Message-ID) → when judged (mailwarden: its event's time; Thunderbird: keyword first seen)
	fetched    map[string]time.Time // normID(Message-ID) → when the client was first sent its header (protocol log)
	inJunk     int                  // delivered messages in Junk on the server afterwards
	judgeNote  string

	win   *window
	whole memStats // from start to the end of the window
	notes []string
	lock  sync.Mutex // moved and judged, while a poller fills them
}

// delivery is one held-out message delivered.
type delivery struct {
	id   string
	user string
	at   time.Time // when `doveadm save` returned: the message is in INBOX
	took time.Duration
}

// deliver saves msgs round-robin into the accounts' INBOX, one every
// interval, as the MTA would.
func deliver(ctx context.Context, srv *dovecot.Server, msgs []mail, interval time.Duration) ([]delivery, error) {
	var out []delivery
	start := time.Now()
	for i, m := range msgs {
		if wait := time.Until(start.Add(time.Duration(i) * interval)); wait > 0 {
			select {
			case <-ctx.Done():
				return out, ctx.Err()
			case <-time.After(wait):
			}
		}
		u := users[i%len(users)]
		t0 := time.Now()
		if err := srv.Save(u, "INBOX", m.raw); err != nil {
			return out, fmt.Errorf("deliver %d to %s: %w", i, u, err)
		}
		now := time.Now()
		out = append(out, delivery{id: m.id, user: u, at: now, took: now.Sub(t0)})
	}
	return out, nil
}

// window is one idle measurement.
type window struct {
	dur        time.Duration
	mem        memStats
	ticks      int64
	perName    map[string]int64
	extraTicks int64 // the X server, for Thunderbird
	loadStart  string
	loadEnd    string
	busyPct    float64 // the whole machine, % of all cores
	trace      []int64 // PSS (KiB) at 0, 1/5, ... 5/5 of the window
	before     idleCheck
	after      idleCheck
}

// cpuPct is the window's CPU time in % of one core.
func (w *window) cpuPct(ticks int64) float64 {
	if w.dur <= 0 {
		return 0
	}
	return 100 * float64(ticks) / clkTck / w.dur.Seconds()
}

// idleWindow leaves the program alone for d and measures it: memory
// samples and CPU ticks of tr's process tree (and extra's, if not nil),
// with who is in IDLE checked in Dovecot before and after.
func idleWindow(ctx context.Context, srv *dovecot.Server, d time.Duration, tr, extra *tracker) (*window, error) {
	w := &window{before: checkIdle(srv), loadStart: loadavg()}
	b0, t0 := machineCPU()
	i0 := tr.sample()
	var e0 int
	if extra != nil {
		e0 = extra.sample()
	}
	select {
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-time.After(d):
	}
	i1 := tr.sample()
	b1, t1 := machineCPU()
	w.loadEnd = loadavg()
	w.dur = tr.at(i1).Sub(tr.at(i0))
	w.mem = tr.mem(i0, i1)
	w.ticks, w.perName = tr.cpuTicks(i0, i1)
	w.trace = tr.trace(i0, i1, 5)
	if extra != nil {
		e1 := extra.sample()
		w.extraTicks, _ = extra.cpuTicks(e0, e1)
	}
	if t1 > t0 {
		w.busyPct = 100 * float64(b1-b0) / float64(t1-t0)
	}
	w.after = checkIdle(srv)
	return w, nil
}

// measureMailwarden runs steps 2 and 3 of the benchmark for mailwarden.
func measureMailwarden(ctx context.Context, o options, sp *split) (*result, error) {
	r := &result{name: "mailwarden", moved: map[string]time.Time{}, judged: map[string]time.Time{}}
	work := filepath.Join(o.work, "mw")
	storeDir := filepath.Join(work, "store")
	if err := os.MkdirAll(storeDir, 0o700); err != nil {
		return nil, err
	}
	say("mailwarden: training the token store on %d spam + %d ham", sp.trainSpam, sp.trainHam)
	t0 := time.Now()
	trained, err := trainStore(ctx, o.mailwarden, storeDir, sp)
	if err != nil {
		return nil, err
	}
	r.notes = append(r.notes, fmt.Sprintf("token store: `mailwarden train` in %.1f s (%s), %s on disk",
		time.Since(t0).Seconds(), trained, mb(dirSize(storeDir))))

	srv, err := startServer(filepath.Join(work, "dovecot"), sp)
	if err != nil {
		return nil, err
	}
	defer srv.Stop()
	cfg := filepath.Join(work, "config.toml")
	if err := writeConfig(cfg, srv); err != nil {
		return nil, err
	}
	say("mailwarden: Dovecot on %s (TLS), seeded; starting mailwarden run", srv.IMAPSAddr)
	start := time.Now()
	d, err := startDaemon(o.mailwarden, work, cfg, storeDir)
	if err != nil {
		return nil, err
	}
	defer d.Stop()
	tr := track(d.cmd.Process.Pid, o.sample)
	defer tr.Stop()

	st, err := d.waitOnline(ctx, 10*time.Minute)
	if err != nil {
		return nil, err
	}
	r.startup = time.Since(start)
	r.startupNote = fmt.Sprintf("start → Status online for all 3 (first start: trains the %d seeded messages; store then %d spam + %d ham)",
		seedCount(sp), st.Spam, st.Ham)
	r.atDelivery = waitIdle(ctx, srv, 30*time.Second)
	r.loggedIn = r.atDelivery.accountsLoggedIn() == len(users)
	if r.atDelivery.accountsIdling() < len(users) {
		r.notes = append(r.notes, "NOT every account was in IDLE on INBOX before delivery: "+r.atDelivery.String())
	}

	fctx, stopFollow := context.WithCancel(ctx)
	defer stopFollow()
	if err := d.follow(fctx); err != nil {
		return nil, fmt.Errorf("event stream: %w", err)
	}
	say("mailwarden: all online in %.1f s; delivering %d spam, one every %v", r.startup.Seconds(), len(sp.heldOut), o.interval)
	r.delivered, err = deliver(ctx, srv, sp.heldOut, o.interval)
	if err != nil {
		return nil, err
	}
	// Wait for the daemon's verdict on each (at most a minute).
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		n := 0
		for _, dl := range r.delivered {
			if _, ok := d.action(dl.id); ok {
				n++
			}
		}
		if n == len(r.delivered) {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	for _, dl := range r.delivered {
		a, ok := d.action(dl.id)
		if !ok {
			continue
		}
		r.judged[normID(dl.id)] = a.Time
		if a.Action == "move-to-junk" {
			r.moved[normID(dl.id)] = a.Time
		}
	}
	r.inJunk, err = countInJunk(srv, r.delivered)
	if err != nil {
		return nil, err
	}
	r.noteFetched(srv)
	say("mailwarden: %d of %d judged, %d moved (%d in Junk on the server); %v quiet, then the %v idle window",
		len(r.judged), len(r.delivered), len(r.moved), r.inJunk, o.settle, o.idle)
	select {
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-time.After(o.settle):
	}
	r.win, err = idleWindow(ctx, srv, o.idle, tr, nil)
	if err != nil {
		return nil, err
	}
	r.whole = tr.mem(0, tr.last())
	select {
	case <-d.exited:
		return nil, fmt.Errorf("mailwarden run exited during the window (%v); see %s", d.err, d.logPath)
	default:
	}
	// The heap as the window ends (after the window: the request itself
	// allocates), for `go tool pprof` on a kept scratch directory.
	if err := saveHeapProfile(ctx, d, work); err != nil {
		r.notes = append(r.notes, "no heap profile: "+err.Error())
	} else if o.keep {
		r.notes = append(r.notes, "heap profile at the window's end: "+filepath.Join(work, "mailwarden-heap.{pprof,txt}")+" (the .txt ends with the runtime's MemStats)")
	}
	r.notes = append(r.notes, "the benchmark stays subscribed to the event stream through the window, as the tray would")
	d.Stop()
	if b, err := os.ReadFile(d.logPath); err == nil {
		r.notes = append(r.notes, fmt.Sprintf("its log: %d warnings, %d errors (run and stop)",
			strings.Count(string(b), `"level":"WARN"`), strings.Count(string(b), `"level":"ERROR"`)))
	}
	return r, nil
}

// measureThunderbird runs steps 4 and 5 of the benchmark for Thunderbird.
func measureThunderbird(ctx context.Context, o options, sp *split) (*result, error) {
	bin, err := tbBinary()
	if err != nil {
		return nil, fmt.Errorf("thunderbird not installed (bench/daemon.sh installs it): %w", err)
	}
	r := &result{name: tbVersion(bin), moved: map[string]time.Time{}, judged: map[string]time.Time{}}
	work := filepath.Join(o.work, "tb")
	if err := os.MkdirAll(work, 0o755); err != nil {
		return r, err
	}
	srv, err := startServer(filepath.Join(work, "dovecot"), sp)
	if err != nil {
		return r, err
	}
	defer srv.Stop()
	say("thunderbird: Dovecot on %s (plain), seeded; starting %s under Xvfb", srv.IMAPAddr, bin)
	start := time.Now()
	t, err := startTB(bin, work, srv)
	if err != nil {
		return r, err
	}
	defer t.Stop()
	tr := track(t.cmd.Process.Pid, o.sample)
	defer tr.Stop()
	xtr := track(t.x.cmd.Process.Pid, o.sample)
	defer xtr.Stop()

	c, err := t.login(ctx, srv, o.loginTimeout)
	if err != nil {
		r.notLogged = err.Error()
		say("thunderbird: NOT logged in: %v; measuring it with the accounts configured but not logged in", err)
	} else {
		r.loggedIn = true
		c = waitIdle(ctx, srv, time.Minute)
		r.startup = time.Since(start)
		r.startupNote = fmt.Sprintf("start → every account in IDLE on INBOX (incl. answering %d password prompts with xdotool)", t.prompts)
		if t.remembered() {
			r.notes = append(r.notes, "Thunderbird saved the passwords (logins.json): \"remember\" was ticked")
		}
	}
	r.atDelivery = c
	say("thunderbird: %s", c)

	if r.loggedIn {
		say("thunderbird: delivering the same %d spam, one every %v; watching the server for its junk verdicts", len(sp.heldOut), o.interval)
		pctx, stopPoll := context.WithCancel(ctx)
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			pollVerdicts(pctx, srv, sp.heldOut, r)
		}()
		r.delivered, err = deliver(ctx, srv, sp.heldOut, o.interval)
		if err == nil {
			// Give its filter a minute after the last delivery.
			deadline := time.Now().Add(time.Minute)
			for time.Now().Before(deadline) && ctx.Err() == nil {
				if r.verdicts() == len(r.delivered) {
					break
				}
				time.Sleep(500 * time.Millisecond)
			}
		}
		stopPoll()
		wg.Wait()
		if err != nil {
			return r, err
		}
		if r.inJunk, err = countInJunk(srv, r.delivered); err != nil {
			return r, err
		}
		r.noteFetched(srv)
		r.judgeNote = "verdict = a Junk/NonJunk keyword on the message, read from the server every 0.5 s"
		say("thunderbird: %d of %d judged (keyword on the server), %d moved to Junk", len(r.judged), len(r.delivered), r.inJunk)
	}
	select {
	case <-ctx.Done():
		return r, ctx.Err()
	case <-time.After(o.settle):
	}
	say("thunderbird: the %v idle window", o.idle)
	r.win, err = idleWindow(ctx, srv, o.idle, tr, xtr)
	if err != nil {
		return r, err
	}
	r.whole = tr.mem(0, tr.last())
	select {
	case <-t.exited:
		return r, fmt.Errorf("thunderbird exited during the window; see %s", t.logPath)
	default:
	}
	return r, nil
}

// noteFetched fills r.fetched from the server's protocol log.
func (r *result) noteFetched(srv *dovecot.Server) {
	want := map[string]bool{}
	for _, d := range r.delivered {
		want[normID(d.id)] = true
	}
	r.fetched = fetchedAt(srv, want)
}

// verdicts counts delivered messages with a verdict seen.
func (r *result) verdicts() int {
	r.lock.Lock()
	defer r.lock.Unlock()
	return len(r.judged)
}

// pollVerdicts reads the accounts from the server every 0.5 s and notes
// when each held-out message first carries a junk keyword, and when it is
// first seen in Junk.
func pollVerdicts(ctx context.Context, srv *dovecot.Server, msgs []mail, r *result) {
	want := map[string]bool{}
	for _, m := range msgs {
		want[normID(m.id)] = true
	}
	for {
		for _, u := range users {
			locs, err := locate(srv, u)
			if err != nil {
				continue
			}
			now := time.Now()
			r.lock.Lock()
			for id, l := range locs {
				if !want[id] {
					continue
				}
				if _, ok := r.judged[id]; !ok && hasJunkKeyword(l.flags) {
					r.judged[id] = now
				}
				if _, ok := r.moved[id]; !ok && strings.EqualFold(l.mailbox, "Junk") {
					r.moved[id] = now
				}
			}
			r.lock.Unlock()
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(500 * time.Millisecond):
		}
	}
}

// countInJunk counts delivered messages that are in Junk on the server.
func countInJunk(srv *dovecot.Server, ds []delivery) (int, error) {
	n := 0
	byUser := map[string]map[string]location{}
	for _, u := range users {
		l, err := locate(srv, u)
		if err != nil {
			return 0, err
		}
		byUser[u] = l
	}
	for _, d := range ds {
		if l, ok := byUser[d.user][normID(d.id)]; ok && strings.EqualFold(l.mailbox, "Junk") {
			n++
		}
	}
	return n, nil
}

func seedCount(sp *split) int {
	n := 0
	for _, s := range sp.seed {
		n += len(s)
	}
	return n
}

// dirSize is the bytes of the regular files under dir.
func dirSize(dir string) int64 {
	var n int64
	filepath.Walk(dir, func(_ string, fi os.FileInfo, err error) error {
		if err == nil && fi.Mode().IsRegular() {
			n += fi.Size()
		}
		return nil
	})
	return n
}

// saveHeapProfile writes the daemon's heap profile (local API) into dir,
// as mailwarden-heap.pprof and in text form as mailwarden-heap.txt.
func saveHeapProfile(ctx context.Context, d *daemon, dir string) error {
	for _, p := range []struct {
		file string
		o    localapi.ProfileOptions
	}{{"mailwarden-heap.pprof", localapi.ProfileOptions{}}, {"mailwarden-heap.txt", localapi.ProfileOptions{Text: true}}} {
		f, err := os.Create(filepath.Join(dir, p.file))
		if err != nil {
			return err
		}
		pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		err = d.client.Profile(pctx, "heap", p.o, f)
		cancel()
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return fmt.Errorf("heap profile: %w", err)
		}
	}
	return nil
}
