package imapsync

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/mailwarden/mailwarden/internal/dovecot"
	"github.com/mailwarden/mailwarden/internal/dovecot/dovecottest"
)

// learnCall is one Learner.Learn call.
type learnCall struct {
	id, mailbox string
	ev          LearnEvent
}

func (c learnCall) String() string {
	return fmt.Sprintf("%s %s in %s (%s)", c.id, c.ev.Class, c.mailbox, c.ev.Source)
}

// learnHandler is testHandler plus a Learner with the daemon's bookkeeping
// in small: mailwarden's own moves (from Done), the verdicts learned, the
// folder last seen.
type learnHandler struct {
	*testHandler
	lmu      sync.Mutex
	moved    map[string]string // identity → header digest of the copy moved
	verdict  map[string]Class
	folder   map[string]string
	calls    []learnCall
	sent     []string
	settings LearnSettings
}

func newLearnHandler() *learnHandler {
	return &learnHandler{testHandler: newHandler(), moved: map[string]string{}, verdict: map[string]Class{}, folder: map[string]string{}}
}

func (h *learnHandler) Done(ctx context.Context, account string, m *Message, o Outcome) {
	h.testHandler.Done(ctx, account, m, o)
	if o.Action == MoveToJunk && o.Err == nil && !o.HandledElsewhere {
		h.lmu.Lock()
		h.moved[m.Identity()] = m.Digest()
		h.lmu.Unlock()
	}
}

func (h *learnHandler) Prior(account string, m *Message) Prior {
	h.lmu.Lock()
	defer h.lmu.Unlock()
	id := m.Identity()
	d, moved := h.moved[id]
	if moved && d != "" && m.Header != nil && d != m.digest() {
		moved = false // another copy with the same Message-ID
	}
	h.testHandler.mu.Lock()
	known := h.known[id] || len(h.done[id]) > 0
	h.testHandler.mu.Unlock()
	return Prior{Moved: moved, Verdict: h.verdict[id], Folder: h.folder[id], Trained: h.verdict[id], Known: known}
}

func (h *learnHandler) Learn(ctx context.Context, account string, m *Message, ev LearnEvent) error {
	if m.Raw == nil || !strings.HasPrefix(string(m.Raw), string(m.Header)) {
		return fmt.Errorf("Learn without Raw")
	}
	h.lmu.Lock()
	defer h.lmu.Unlock()
	id := m.Identity()
	h.calls = append(h.calls, learnCall{id: id, mailbox: m.Mailbox, ev: ev})
	h.verdict[id] = ev.Class
	h.folder[id] = m.Mailbox
	h.testHandler.mu.Lock()
	h.known[id] = true
	h.testHandler.mu.Unlock()
	return nil
}

func (h *learnHandler) Sent(account string, m *Message) {
	h.lmu.Lock()
	defer h.lmu.Unlock()
	if v, ok := headerField(m.Header, "To"); ok {
		h.sent = append(h.sent, v)
	}
}

func (h *learnHandler) LearnSettings(account string) LearnSettings {
	h.lmu.Lock()
	defer h.lmu.Unlock()
	return h.settings
}

func (h *learnHandler) learned() []learnCall {
	h.lmu.Lock()
	defer h.lmu.Unlock()
	return slices.Clone(h.calls)
}

// learnedFor returns the calls for one identity.
func (h *learnHandler) learnedFor(id string) []learnCall {
	var out []learnCall
	for _, c := range h.learned() {
		if c.id == id {
			out = append(out, c)
		}
	}
	return out
}

// fastLearning shortens the learning timing for tests.
func fastLearning(settle time.Duration) func(*Watcher) {
	return func(w *Watcher) {
		w.learn.settle = settle
		w.learn.poll = 200 * time.Millisecond
		w.learn.expireEvery = 200 * time.Millisecond
	}
}

// phone is a second IMAP connection doing what a phone's mail app does:
// UID MOVE between folders, keywords, nothing else.
type phone struct {
	t *testing.T
	s *Session
}

func newPhone(t *testing.T, srv *dovecot.Server, user string) *phone {
	t.Helper()
	s, err := Dial(t.Context(), testAccount(srv, user))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return &phone{t: t, s: s}
}

// uidOf selects mailbox and returns the UID of the message with Message-ID id.
func (p *phone) uidOf(mailbox, id string) imap.UID {
	p.t.Helper()
	if _, err := p.s.selectMailbox(mailbox, false); err != nil {
		p.t.Fatal(err)
	}
	uids, err := p.s.search(&imap.SearchCriteria{Header: []imap.SearchCriteriaHeaderField{{Key: "Message-ID", Value: strings.Trim(id, "<>")}}})
	if err != nil || len(uids) != 1 {
		p.t.Fatalf("phone: %s in %s: %v %v", id, mailbox, uids, err)
	}
	return uids[0]
}

// move moves the message id from one folder to another with UID MOVE.
func (p *phone) move(id, from, to string) {
	p.t.Helper()
	uid := p.uidOf(from, id)
	if _, err := p.s.uidMove(uid, to); err != nil {
		p.t.Fatalf("phone: move %s %s → %s: %v", id, from, to, err)
	}
}

// flag adds (or removes) keywords on the message id in mailbox.
func (p *phone) flag(id, mailbox string, add bool, flags ...imap.Flag) {
	p.t.Helper()
	uid := p.uidOf(mailbox, id)
	if err := p.s.storeFlags(uid, add, flags...); err != nil {
		p.t.Fatalf("phone: store %v on %s: %v", flags, id, err)
	}
}

// places is every Message-ID of user and the folders holding it.
type places map[string][]string

func placesOf(t *testing.T, srv *dovecot.Server, user string) places {
	t.Helper()
	boxes, _ := where(t, srv, user)
	return places(boxes)
}

// totals counts messages per folder.
func (p places) totals() map[string]int {
	out := map[string]int{}
	for _, bs := range p {
		for _, b := range bs {
			out[b]++
		}
	}
	return out
}

// expectChange checks that after differs from before by exactly changes; see
// dovecottest.ExpectPlaces.
func expectChange(t *testing.T, step string, before, after places, changes map[string]string) {
	t.Helper()
	dovecottest.ExpectPlaces(t, step, before, after, changes)
}

// waitLearned waits for n Learn calls in all.
func (h *learnHandler) waitLearned(t *testing.T, n int, timeout time.Duration) []learnCall {
	t.Helper()
	waitFor(t, timeout, fmt.Sprintf("%d Learn calls", n), func() bool { return len(h.learned()) >= n })
	return h.learned()
}

// settleOut waits until the learning connection has decided everything
// done on the server by now: a second for it to notice (Dovecot's IDLE
// notice comes after about 0.5 s), then until no candidate waits, over two
// more synced passes.
func settleOut(t *testing.T, r *running, settle time.Duration) {
	t.Helper()
	time.Sleep(time.Second)
	deadline := time.Now().Add(settle + 10*time.Second)
	for {
		n := r.count("learn-synced")
		r.waitEvent(t, "learn-synced", n+2, 10*time.Second)
		if r.w.learn.waiting.Load() == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("candidates still waiting after %v", settle+10*time.Second)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func flagsIn(t *testing.T, srv *dovecot.Server, user, mailbox, id string) []string {
	t.Helper()
	return withoutRecent(flagsOf(t, srv, user, mailbox, id))
}

func hasAny(flags []string, want ...string) bool {
	for _, f := range flags {
		for _, w := range want {
			if strings.EqualFold(f, w) {
				return true
			}
		}
	}
	return false
}
