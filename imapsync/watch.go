package imapsync

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/emersion/go-imap/v2"
)

// Reconnection and retry timing.
const (
	backoffMin = time.Second
	backoffMax = 5 * time.Minute
	// healthyAfter: a session that reached the watch loop and lasted this
	// long resets the reconnection backoff.
	healthyAfter = time.Minute
	retryMin     = time.Minute
	retryMax     = 30 * time.Minute
	// shutdownGrace: after ctx is done, a command still running gets this
	// long before the connection is closed under it.
	shutdownGrace = 3 * time.Second
	// pendingSettle: a move cut off less than this long ago is looked up
	// only after this time, so that the server has finished the command
	// the old connection sent (else a second COPY could duplicate it).
	pendingSettle = 5 * time.Second
)

// Watcher watches the INBOX of one account: it connects, runs the
// first-start training scan, resolves moves left pending, then hands every
// new message to the Handler and applies its verdict, with IDLE where the
// server has it and polling otherwise. Run it with Run (once at a time);
// SyncNow may be called from any goroutine.
type Watcher struct {
	acct    Account
	st      StateStore
	h       Handler
	log     *slog.Logger
	syncNow chan struct{}

	// Set per session.
	folders  *Folders
	inbox    FolderState           // INBOX state, mirrored in st
	retries  map[string]*retryItem // failed moves to try again, by retryKey
	attempts map[string]int        // failures so far, by retryKey

	// Timing, shortened by tests.
	backoffMin, backoffMax, healthyAfter, retryMin, retryMax, settle time.Duration
	// Test hooks: beforeMove runs between the header fetch and the move;
	// event reports progress ("watching", "idle", "poll", "synced").
	beforeMove func(*Message)
	// beforeClaim runs before the conditional STORE that claims a message.
	beforeClaim func(*Message)
	event       func(string)
	observe     func(Report)

	learn *learnState // the learning connection, when h is a Learner

	curMu sync.Mutex
	cur   *Session // the live session, for Reconnect
}

type retryItem struct {
	p    PendingMove
	next time.Time
}

// NewWatcher returns a watcher of acct's INBOX. Zero values of acct take
// the defaults (see Account). log may be nil.
func NewWatcher(acct Account, st StateStore, h Handler, log *slog.Logger) *Watcher {
	if log == nil {
		log = slog.Default()
	}
	return &Watcher{
		acct: acct.withDefaults(), st: st, h: h, log: log, syncNow: make(chan struct{}, 1),
		backoffMin: backoffMin, backoffMax: backoffMax, healthyAfter: healthyAfter,
		retryMin: retryMin, retryMax: retryMax, settle: pendingSettle, learn: newLearnState(),
	}
}

// SyncNow wakes the watcher: it checks INBOX at once, tries due retries,
// and cuts a reconnection wait short (after sleep/resume, for example).
func (w *Watcher) SyncNow() {
	select {
	case w.syncNow <- struct{}{}:
	default:
	}
	w.learn.syncNow()
}

// Reconnect drops the current connection at once and reconnects, then
// catches up from the stored last UID. After the machine slept or the
// network changed, the old connection is usually dead without knowing it:
// waiting for it to time out would leave new mail unfiltered for minutes.
func (w *Watcher) Reconnect() {
	w.curMu.Lock()
	s := w.cur
	w.curMu.Unlock()
	if s != nil {
		s.c.Close()
	}
	w.learn.drop() // the learning connection is as dead
	w.SyncNow()    // also cuts a reconnection wait short
}

func (w *Watcher) emit(e string) {
	if w.event != nil {
		w.event(e)
	}
	if e == "watching" {
		w.log.Info("watching INBOX")
		r := Report{State: StateWatching}
		if w.acct.JunkFolder != "" && w.folders != nil && w.folders.JunkBy != "configured" {
			r.JunkMissing, r.JunkUsed = w.acct.JunkFolder, w.folders.Junk
		}
		w.report(r)
	}
}

// State is what a Watcher is doing, for the daemon's account status.
type State string

// Watcher states reported to the observer.
const (
	StateConnecting State = "connecting" // dialing and logging in
	StateTraining   State = "training"   // first-start scan
	StateWatching   State = "watching"   // caught up, waiting for new mail
	StateOffline    State = "offline"    // the session ended; reconnecting after a pause
)

// Report is a state change told to the observer.
type Report struct {
	State State
	Err   error     // StateOffline: why the session ended
	Retry time.Time // StateOffline: when the next connection is tried
	// StateWatching: the configured junk folder when the server has no
	// folder of that name, and the folder used instead.
	JunkMissing, JunkUsed string
}

// Observe sets a function told of every state change. Set it before Run.
func (w *Watcher) Observe(fn func(Report)) { w.observe = fn }

func (w *Watcher) notify(s State, err error) { w.report(Report{State: s, Err: err}) }

func (w *Watcher) report(r Report) {
	if w.observe != nil {
		w.observe(r)
	}
}

// Run watches until ctx is done (then it returns ctx.Err()) or a permanent
// error occurs: a refused login (ErrAuth), a certificate that does not
// verify (ErrTLS), a refused plaintext connection (ErrPlaintext) or an
// impossible setting (ErrConfig). Anything else, a refused connection, a
// dropped one, a server restart, ends the session and Run reconnects with
// exponential backoff (1 s doubling to 5 min; a session that logged in
// and selected INBOX starts it again from 1 s, see backoff), catching up
// from the stored last UID.
func (w *Watcher) Run(ctx context.Context) error {
	if err := w.acct.validate(); err != nil {
		return err
	}
	if l, ok := w.h.(Learner); ok {
		defer w.startLearning(ctx, l)()
	}
	b := newBackoff(w.backoffMin, w.backoffMax, w.healthyAfter)
	for {
		start := time.Now()
		w.notify(StateConnecting, nil)
		healthy, err := w.session(ctx)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if IsPermanent(err) {
			w.log.Error("IMAP account stopped", "err", err)
			return err
		}
		now := time.Now()
		d := b.next(now, healthy, now.Sub(start))
		w.log.Warn("IMAP session ended; reconnecting", "err", err, "in", d.Round(time.Millisecond))
		w.report(Report{State: StateOffline, Err: err, Retry: now.Add(d)})
		t := time.NewTimer(d)
		select {
		case <-t.C:
		case <-w.syncNow:
			t.Stop()
			b.wake()
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		}
	}
}

// session runs one connection. healthy reports that it reached the watch
// loop.
func (w *Watcher) session(ctx context.Context) (healthy bool, err error) {
	s, err := Dial(ctx, w.acct)
	if err != nil {
		return false, err
	}
	defer s.Close()
	w.curMu.Lock()
	w.cur = s
	w.curMu.Unlock()
	defer func() {
		w.curMu.Lock()
		w.cur = nil
		w.curMu.Unlock()
	}()
	stop := context.AfterFunc(ctx, func() {
		time.AfterFunc(shutdownGrace, func() { s.c.Close() })
	})
	defer stop()

	if w.folders, err = s.Folders(ctx, true); err != nil {
		return false, err
	}
	w.log.Info("IMAP connected", "server", s.addr, "junk", w.folders.Junk, "junk_by", w.folders.JunkBy,
		"junk_candidates", w.folders.JunkCandidates, "move", s.caps.Has(imap.CapMove),
		"uidplus", s.caps.Has(imap.CapUIDPlus), "idle", s.caps.Has(imap.CapIdle))
	if w.acct.JunkFolder != "" && w.folders.JunkBy != "configured" {
		w.log.Warn("the configured junk folder does not exist: using the detected one", "configured", w.acct.JunkFolder, "junk", w.folders.Junk)
	}
	if len(w.folders.JunkCandidates) > 1 {
		w.log.Warn("several junk folders: moving only to one", "junk", w.folders.Junk, "candidates", w.folders.JunkCandidates)
	}

	sel, err := s.selectMailbox(w.folders.Inbox, false)
	if err != nil {
		return false, err
	}
	st, ok, err := w.st.Folder(w.acct.Name, w.folders.Inbox)
	if err != nil {
		return false, err
	}
	if !ok || !st.Trained {
		if err := w.firstStart(ctx, s, sel); err != nil {
			return false, err
		}
		if ctx.Err() != nil {
			return false, ctx.Err()
		}
		if st, _, err = w.st.Folder(w.acct.Name, w.folders.Inbox); err != nil {
			return false, err
		}
		if sel, err = s.selectMailbox(w.folders.Inbox, false); err != nil {
			return false, err
		}
	}
	if st.UIDValidity != sel.UIDValidity {
		// The UIDs we know name other messages now (or nothing): forget
		// them. Known messages are recognised by identity (Handler.Known),
		// pending moves by Message-ID.
		w.log.Warn("UIDVALIDITY of INBOX changed: stored UIDs dropped, known messages are matched by Message-ID",
			"old", st.UIDValidity, "new", sel.UIDValidity, "last_uid", st.LastUID)
		st = FolderState{UIDValidity: sel.UIDValidity, Trained: true}
		if err := w.st.SetFolder(w.acct.Name, w.folders.Inbox, st); err != nil {
			return false, err
		}
	}
	w.inbox = st
	w.learn.markTrained()
	w.retries, w.attempts = map[string]*retryItem{}, map[string]int{}
	if err := w.resolvePending(ctx, s); err != nil {
		return false, err
	}
	return w.watch(ctx, s)
}

// watch handles new mail until ctx is done or the connection fails.
func (w *Watcher) watch(ctx context.Context, s *Session) (healthy bool, err error) {
	for {
		if err := w.processNew(ctx, s); err != nil {
			return healthy, err
		}
		if err := w.runRetries(ctx, s); err != nil {
			return healthy, err
		}
		if ctx.Err() != nil {
			return healthy, ctx.Err()
		}
		if !healthy {
			healthy = true
			w.emit("watching")
		}
		w.emit("synced")
		select {
		case <-s.updates: // new mail announced while busy
			continue
		default:
		}
		if s.caps.Has(imap.CapIdle) {
			err = w.idle(ctx, s)
		} else {
			err = w.poll(ctx, s)
		}
		if err != nil {
			return healthy, err
		}
		if ctx.Err() != nil {
			return healthy, ctx.Err()
		}
	}
}

// retryTimer fires when the next retry is due (nil channel: no retry).
func (w *Watcher) retryTimer() (<-chan time.Time, func()) {
	var next time.Time
	for _, r := range w.retries {
		if next.IsZero() || r.next.Before(next) {
			next = r.next
		}
	}
	if next.IsZero() {
		return nil, func() {}
	}
	t := time.NewTimer(max(time.Until(next), 0))
	return t.C, func() { t.Stop() }
}

// idle waits in IDLE for new mail, SyncNow, a due retry, the refresh
// interval or ctx. Untagged "OK Still here" and flag updates are ignored.
func (w *Watcher) idle(ctx context.Context, s *Session) error {
	stopGuard := s.guard(cmdTimeout)
	cmd, err := s.c.Idle()
	stopGuard()
	if err != nil {
		return fmt.Errorf("IDLE: %w", err)
	}
	w.emit("idle")
	refresh := time.NewTimer(w.acct.IdleRefresh)
	defer refresh.Stop()
	retryC, stopRetry := w.retryTimer()
	defer stopRetry()
	closed := false
	select {
	case <-s.updates:
	case <-w.syncNow:
	case <-refresh.C:
	case <-retryC:
	case <-ctx.Done():
	case <-s.c.Closed():
		closed = true
	}
	defer s.guard(cmdTimeout)()
	if err := cmd.Close(); err != nil {
		return fmt.Errorf("end IDLE: %w", err)
	}
	if err := cmd.Wait(); err != nil {
		return fmt.Errorf("IDLE: %w", err)
	}
	if closed {
		return errors.New("connection closed during IDLE")
	}
	return nil
}

// poll waits PollInterval (or for SyncNow, a due retry, ctx); the next
// UID SEARCH then shows new mail.
func (w *Watcher) poll(ctx context.Context, s *Session) error {
	w.emit("poll")
	t := time.NewTimer(w.acct.PollInterval)
	defer t.Stop()
	retryC, stopRetry := w.retryTimer()
	defer stopRetry()
	select {
	case <-t.C:
	case <-w.syncNow:
	case <-retryC:
	case <-ctx.Done():
	case <-s.c.Closed():
		return errors.New("connection closed")
	}
	return nil
}

// processNew handles every INBOX message above LastUID, in UID order.
func (w *Watcher) processNew(ctx context.Context, s *Session) error {
	var set imap.UIDSet
	set.AddRange(w.inbox.LastUID+1, 0) // LastUID+1:*
	found, err := s.searchUIDs(set)
	if err != nil {
		return err
	}
	onRetry := map[imap.UID]bool{}
	for _, r := range w.retries {
		if r.p.UIDValidity == w.inbox.UIDValidity {
			onRetry[r.p.UID] = true
		}
	}
	var uids []imap.UID
	for _, u := range found {
		if u > w.inbox.LastUID && !onRetry[u] {
			uids = append(uids, u)
		}
	}
	for len(uids) > 0 && ctx.Err() == nil {
		chunk := uids[:min(batchSize, len(uids))]
		uids = uids[len(chunk):]
		msgs, err := s.fetchHeaders(chunk)
		if err != nil {
			return err
		}
		var judge []*Message
		skip := map[imap.UID]string{}
		elsewhere := map[imap.UID]Action{}
		for _, m := range msgs {
			switch {
			case hasUserVerdict(m.Flags):
				skip[m.UID] = "junk keyword set by the user"
			case m.HasFlag(imap.FlagDeleted):
				skip[m.UID] = "marked \\Deleted"
			case w.h.Known(w.acct.Name, m):
				skip[m.UID] = "already handled"
			default:
				if a, ok := decidedElsewhere(m.Flags); ok {
					elsewhere[m.UID] = a // another mailwarden's verdict: not judged again
					continue
				}
				judge = append(judge, m)
			}
		}
		if err := s.fetchBodies(judge, w.acct.MaxFetch); err != nil {
			return err
		}
		for _, m := range msgs {
			if ctx.Err() != nil {
				return nil
			}
			if why, ok := skip[m.UID]; ok {
				w.log.Debug("skipped", "uid", m.UID, "message_id", m.MessageID, "why", why)
			} else if a, ok := elsewhere[m.UID]; ok {
				w.log.Debug("judged by another mailwarden", "uid", m.UID, "message_id", m.MessageID, "action", a)
				w.h.Done(ctx, w.acct.Name, m, Outcome{Action: a, HandledElsewhere: true})
			} else if m.Raw != nil {
				if err := w.handle(ctx, s, m); err != nil {
					return err
				}
			}
			w.advance(m.UID)
		}
		w.advance(chunk[len(chunk)-1]) // expunged meanwhile
	}
	return nil
}

// advance records that every INBOX message up to uid is handled.
func (w *Watcher) advance(uid imap.UID) {
	if uid <= w.inbox.LastUID {
		return
	}
	w.inbox.LastUID = uid
	if err := w.st.SetFolder(w.acct.Name, w.folders.Inbox, w.inbox); err != nil {
		w.log.Error("save sync state", "last_uid", uid, "err", err)
	}
}

// handle judges one new message and applies the verdict. It returns an
// error only when the session must end.
func (w *Watcher) handle(ctx context.Context, s *Session, m *Message) error {
	action, err := w.h.Judge(ctx, w.acct.Name, m)
	if err != nil {
		w.h.Done(ctx, w.acct.Name, m, Outcome{Action: Leave, Err: fmt.Errorf("judge UID %d %s: %w", m.UID, m.MessageID, err)})
		return nil
	}
	switch action {
	case MoveToJunk:
		return w.moveAndRecord(ctx, s, m)
	case MarkHam:
		o := Outcome{Action: MarkHam}
		if s.keywordsAllowed(KeywordNotJunk) {
			taken, err := s.claim(m, withMarker(s, KeywordNotJunk, KeywordAutoHam))
			switch {
			case errors.Is(err, errClaimBusy):
				o.Err = err
			case err != nil:
				if _, ok := serverRefusal(err); !ok {
					return err
				}
				o.Err = fmt.Errorf("mark UID %d %s %s: %w", m.UID, m.MessageID, KeywordNotJunk, err)
			case taken:
				o.HandledElsewhere = true // another mailwarden (or the user) decided first
			}
		}
		w.h.Done(ctx, w.acct.Name, m, o)
	default:
		w.h.Done(ctx, w.acct.Name, m, Outcome{Action: Leave})
	}
	return nil
}

// moveAndRecord moves m, reports the outcome and clears the pending record
// or schedules a retry.
func (w *Watcher) moveAndRecord(ctx context.Context, s *Session, m *Message) error {
	p := w.pendingFor(m)
	o, retry, err := w.moveToJunk(s, m, p)
	if err != nil {
		return err // the pending record stays: resolved after reconnecting
	}
	if !retry || w.attempts[retryKey(p)] == 0 {
		// A failure is reported once; the retries stay quiet until the
		// final outcome.
		w.h.Done(ctx, w.acct.Name, m, o)
	}
	if retry {
		w.scheduleRetry(p)
		if ie, ok := serverRefusal(o.Err); ok && (ie.Code == imap.ResponseCodeTryCreate || ie.Code == imap.ResponseCodeNonExistent) {
			return fmt.Errorf("junk folder %q is gone: finding the folders again: %w", w.folders.Junk, o.Err)
		}
		return nil
	}
	w.clearPending(p)
	return nil
}

func (w *Watcher) clearPending(p PendingMove) {
	delete(w.attempts, retryKey(p))
	if err := w.st.ClearPending(w.acct.Name, p); err != nil {
		w.log.Error("clear pending move", "uid", p.UID, "message_id", p.MessageID, "err", err)
	}
}

// scheduleRetry puts a failed move on the retry list; the delay doubles
// with every failure of the same message (retryMin up to retryMax).
func (w *Watcher) scheduleRetry(p PendingMove) {
	key := retryKey(p)
	n := w.attempts[key]
	w.attempts[key] = n + 1
	d := min(w.retryMin<<min(n, 16), w.retryMax)
	w.retries[key] = &retryItem{p: p, next: time.Now().Add(d)}
	w.log.Info("move will be retried", "uid", p.UID, "message_id", p.MessageID, "in", d, "failures", n+1)
}

func retryKey(p PendingMove) string { return p.MessageID + " " + p.Digest }

// runRetries resolves the failed moves that are due.
func (w *Watcher) runRetries(ctx context.Context, s *Session) error {
	now := time.Now()
	for key, r := range w.retries {
		if r.next.After(now) || ctx.Err() != nil {
			continue
		}
		delete(w.retries, key)
		if err := w.resolve(ctx, s, r.p); err != nil {
			return err
		}
	}
	return nil
}
