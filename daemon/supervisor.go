package daemon

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-imap/v2"

	"github.com/mailwarden/mailwarden/config"
	"github.com/mailwarden/mailwarden/i18n"
	"github.com/mailwarden/mailwarden/imapsync"
	"github.com/mailwarden/mailwarden/localapi"
)

// Backoff of an account whose watcher stopped on a permanent error (wrong
// password, bad certificate, bad setting): retrying soon cannot help, but
// the user may fix the server side without telling us.
const (
	failBackoffMin = time.Minute
	failBackoffMax = 30 * time.Minute
)

// supervisor runs one account: it (re)starts its watcher, keeps its state
// for the status, and backs off when the account fails. Accounts are
// independent: one failing never touches another.
type supervisor struct {
	d      *Daemon
	cfg    config.Account
	log    *slog.Logger
	cancel context.CancelFunc
	done   chan struct{}
	wake   chan struct{}

	mu        sync.Mutex
	status    localapi.AccountStatus
	watcher   *imapsync.Watcher
	wasOnline bool // the watcher reached INBOX since the last failure
}

func newSupervisor(d *Daemon, cfg config.Account) *supervisor {
	s := &supervisor{
		d: d, cfg: cfg, log: d.log.With("account", cfg.Name),
		done: make(chan struct{}), wake: make(chan struct{}, 1),
	}
	s.status = localapi.AccountStatus{Name: cfg.Name, State: localapi.StateStarting, Since: time.Now(), DryRun: d.dryRun(cfg)}
	return s
}

func (s *supervisor) start(parent context.Context) {
	ctx, cancel := context.WithCancel(parent)
	s.cancel = cancel
	go s.run(ctx)
}

// stop ends the account's watcher and waits for it; a supervisor never
// started (paused) has nothing to stop.
func (s *supervisor) stop() {
	if s.cancel == nil {
		return
	}
	s.cancel()
	<-s.done
}

func (s *supervisor) run(ctx context.Context) {
	defer close(s.done)
	defer s.d.quotaLoop(ctx, s.cfg)() // the account's quota checks, until ctx ends (quota.go)
	b := failBackoff{wait: failBackoffMin}
	for {
		err := s.once(ctx)
		if ctx.Err() != nil {
			return
		}
		state := localapi.StateOffline
		switch {
		case errors.Is(err, imapsync.ErrAuth):
			state = localapi.StateAuthFailed
		case errors.Is(err, imapsync.ErrTLS):
			state = localapi.StateTLSError
		case errors.Is(err, imapsync.ErrConfig), errors.Is(err, imapsync.ErrPlaintext), errors.Is(err, errConfig):
			state = localapi.StateConfigError
		}
		s.mu.Lock()
		wasOnline := s.wasOnline
		s.wasOnline = false
		s.mu.Unlock()
		now := time.Now()
		d := b.next(now, wasOnline)
		s.setState(state, err, now.Add(d))
		s.log.Error("account failed; retrying later", "state", state, "err", err, "retry_in", d.Round(time.Second))
		t := time.NewTimer(d)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-s.wake:
			t.Stop()
			b.woken = true
		case <-t.C:
		}
	}
}

// failBackoff is the wait after a permanent failure: failBackoffMin
// doubling to failBackoffMax, from failBackoffMin again once the account
// was online in between. A retry the user asked for (sync, a wake) that
// fails keeps the timed retry where it was: a user's action never
// lengthens the wait.
type failBackoff struct {
	wait  time.Duration
	due   time.Time
	woken bool
}

func (b *failBackoff) next(now time.Time, wasOnline bool) time.Duration {
	woken := b.woken
	b.woken = false
	if wasOnline {
		b.wait = failBackoffMin
	} else if woken && b.due.After(now) {
		return b.due.Sub(now)
	}
	d := b.wait
	b.wait = min(2*b.wait, failBackoffMax)
	b.due = now.Add(d)
	return d
}

// errConfig marks an account that cannot even be built (no password).
var errConfig = &i18n.Error{Message: i18n.Msg("account cannot start")}

// once runs one watcher until it stops.
func (s *supervisor) once(ctx context.Context) error {
	acct, err := s.d.imapAccount(s.cfg)
	if err != nil {
		return fmt.Errorf("%w: %w", errConfig, err)
	}
	w := imapsync.NewWatcher(acct, s.d.st, &handler{d: s.d, s: s, dryRun: s.d.dryRun(s.cfg)}, s.log)
	w.Observe(func(r imapsync.Report) {
		switch r.State {
		case imapsync.StateConnecting:
			if s.snapshot().State != localapi.StateOffline {
				s.setState(localapi.StateStarting, nil, time.Time{})
			}
		case imapsync.StateTraining:
			s.setState(localapi.StateTraining, nil, time.Time{})
		case imapsync.StateWatching:
			s.mu.Lock()
			s.wasOnline = true
			s.mu.Unlock()
			s.setNotes(s.junkNote(r))
			s.setState(localapi.StateOnline, nil, time.Time{})
		case imapsync.StateOffline:
			s.setState(localapi.StateOffline, offlineError(r.Err, acct.Host, acct.Port), r.Retry)
		}
	})
	s.mu.Lock()
	s.watcher = w
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.watcher = nil
		s.mu.Unlock()
	}()
	return loginError(w.Run(ctx), s.cfg.Name, wordsConfig)
}

// reconnect drops the account's connection and connects again at once
// (after sleep or a network change), or cuts a failure backoff short.
func (s *supervisor) reconnect() {
	s.mu.Lock()
	w := s.watcher
	s.mu.Unlock()
	if w != nil {
		w.Reconnect()
	}
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// syncNow wakes the watcher, or cuts a failure backoff short.
func (s *supervisor) syncNow() {
	s.mu.Lock()
	w := s.watcher
	s.mu.Unlock()
	if w != nil {
		w.SyncNow()
	}
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

func (s *supervisor) setState(st localapi.AccountState, err error, next time.Time) {
	s.mu.Lock()
	changed := s.status.State != st
	s.status.State = st
	s.status.NextRetry = next
	s.status.Error, s.status.ErrorTexts = "", nil
	if err != nil {
		s.status.Error, s.status.ErrorTexts = err.Error(), i18n.Messages(err)
	}
	if changed {
		s.status.Since = time.Now()
	}
	snap := s.status
	s.mu.Unlock()
	if changed {
		s.d.hub.publish(localapi.Event{Time: time.Now(), Kind: localapi.EventState, Account: s.cfg.Name, State: &snap})
	}
}

func (s *supervisor) count(judged, moved bool) {
	s.mu.Lock()
	if judged {
		s.status.Judged++
	}
	if moved {
		s.status.Moved++
	}
	s.mu.Unlock()
}

// carryCounts gives s, not started yet, the counts of prev when prev ran
// the same account before it (stopped by a pause, a reload or a new
// password), so that they stay totals since the daemon started.
func (s *supervisor) carryCounts(prev *supervisor) *supervisor {
	if prev.cfg.Name != s.cfg.Name {
		return s
	}
	st := prev.snapshot()
	s.mu.Lock()
	s.status.Judged, s.status.Moved = st.Judged, st.Moved
	s.mu.Unlock()
	return s
}

func (s *supervisor) snapshot() localapi.AccountStatus {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.status
}

// setNotes replaces the account's standing notes (shown by status).
func (s *supervisor) setNotes(notes []i18n.Message) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.status.Notes, s.status.NoteTexts = nil, nil
	for _, n := range notes {
		s.status.Notes = append(s.status.Notes, n.In(i18n.En))
		s.status.NoteTexts = append(s.status.NoteTexts, n)
	}
}

// junkNote is the note of a configured junk folder the server does not
// have: which folder is used instead and how to fix the config.
func (s *supervisor) junkNote(r imapsync.Report) []i18n.Message {
	if r.JunkMissing == "" {
		return nil
	}
	s.d.mu.Lock()
	path := s.d.cfg.Path
	s.d.mu.Unlock()
	return []i18n.Message{i18n.Msg("junk folder missing", r.JunkMissing, r.JunkUsed, r.JunkMissing, path, r.JunkUsed)}
}

// offlineError is why a session ended, worded for the user: a server
// that did not answer (with the network's reason), a server's own
// refusal, or a lost connection. The internals (which command was
// running when the connection broke) stay in the log.
func offlineError(err error, host string, port int) error {
	if err == nil {
		return nil
	}
	addr := net.JoinHostPort(host, strconv.Itoa(port))
	var (
		op *net.OpError
		de *net.DNSError
		ie *imap.Error
	)
	switch {
	case errors.As(err, &de):
		reason := de.Err
		if de.IsNotFound {
			reason = "no such host"
		}
		return &i18n.Error{Message: i18n.Msg("offline unreachable", addr, reason), Err: err}
	case errors.As(err, &op) && op.Op == "dial":
		reason := op.Err
		var se *os.SyscallError
		if errors.As(reason, &se) {
			reason = se.Err
		}
		return &i18n.Error{Message: i18n.Msg("offline unreachable", addr, reason), Err: err}
	case errors.Is(err, context.DeadlineExceeded) || errors.Is(err, os.ErrDeadlineExceeded):
		return &i18n.Error{Message: i18n.Msg("offline unreachable", addr, "timeout"), Err: err}
	case errors.As(err, &ie):
		return &i18n.Error{Message: i18n.Msg("offline server", addr, strings.TrimSpace(ie.Text)), Err: err}
	}
	return &i18n.Error{Message: i18n.Msg("offline lost", addr), Err: err}
}
