package imapsync

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/emersion/go-imap/v2"
)

// Learning timing.
const (
	// DefaultLearnSettle is how long a message must stay where the user put
	// it before the move is learned: INBOX → Junk → INBOX within this time
	// is one verdict (the final place), not three.
	DefaultLearnSettle = 15 * time.Second
	// learnPoll is how often INBOX and the ordinary folders are checked
	// (STATUS) for messages coming out of the junk folder and for keyword
	// changes. The junk folder itself is watched with IDLE.
	learnPoll = 30 * time.Second
	// expireEvery is how often old junk is looked for.
	expireEvery = time.Hour
	// sentHarvest is how many of the newest Sent messages are read for
	// their recipients the first time the Sent folder is seen.
	sentHarvest = 2000
)

// ErrNotConnected: the account's learning connection is not up (offline,
// paused, or still training), so the request cannot be done now.
var ErrNotConnected = errors.New("the account is not connected right now")

// learnState is the Watcher's side of learning.
type learnState struct {
	settle, poll, expireEvery time.Duration

	trainedOnce sync.Once
	trained     chan struct{} // closed once INBOX has been trained
	now         chan struct{} // SyncNow
	restores    chan *restoreReq
	live        atomic.Bool  // a learning session is up and serves restores
	waiting     atomic.Int32 // candidates waiting to settle (for tests and the status)

	curMu sync.Mutex
	cur   *Session // the live learning session, for Reconnect
}

// drop closes the learning connection (Watcher.Reconnect): it reconnects.
func (ls *learnState) drop() {
	ls.curMu.Lock()
	s := ls.cur
	ls.curMu.Unlock()
	if s != nil {
		s.c.Close()
	}
}

func newLearnState() *learnState {
	return &learnState{
		settle: DefaultLearnSettle, poll: learnPoll, expireEvery: expireEvery,
		trained: make(chan struct{}), now: make(chan struct{}, 1), restores: make(chan *restoreReq),
	}
}

func (ls *learnState) markTrained() { ls.trainedOnce.Do(func() { close(ls.trained) }) }

func (ls *learnState) syncNow() {
	select {
	case ls.now <- struct{}{}:
	default:
	}
}

// startLearning runs the learning connection until ctx is done; the
// returned function stops it and waits.
func (w *Watcher) startLearning(ctx context.Context, l Learner) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	lw := &learnWatch{w: w, l: l, log: w.log.With("conn", "learn")}
	go func() {
		defer close(done)
		lw.run(ctx)
	}()
	return func() {
		cancel()
		<-done
	}
}

// learnWatch is the learning connection of one account.
type learnWatch struct {
	w   *Watcher
	l   Learner
	log *slog.Logger

	// Set per session.
	s        *Session
	junk     string // the junk folder mailwarden moves to
	roles    map[string]folderRole
	sent     map[string]bool
	state    map[string]FolderState        // by folder name (stored under learnKey)
	kwCache  map[string]map[imap.UID]Class // no CONDSTORE: user keyword verdicts by UID
	kwNext   map[string]time.Time          // no CONDSTORE: when to search keywords again
	cands    map[candKey]*candidate
	settings LearnSettings
	nextPoll time.Time
	expired  time.Time
}

type candKey struct {
	mailbox     string
	uidValidity uint32
	uid         imap.UID
}

type candidate struct {
	arrived bool
	due     time.Time
}

// learnKey is where the learning connection keeps a folder's state: apart
// from the first-start records, which use the plain name.
func learnKey(name string) string { return "\x00learn\x00" + name }

func (lw *learnWatch) run(ctx context.Context) {
	select {
	case <-lw.w.learn.trained:
	case <-ctx.Done():
		return
	}
	b := newBackoff(lw.w.backoffMin, lw.w.backoffMax, lw.w.healthyAfter)
	for {
		start := time.Now()
		err := lw.session(ctx)
		if ctx.Err() != nil {
			return
		}
		now := time.Now()
		d := b.next(now, now.Sub(start) >= lw.w.healthyAfter, now.Sub(start))
		lw.log.Warn("learning connection ended; reconnecting", "err", err, "in", d.Round(time.Millisecond))
		t := time.NewTimer(d)
		select {
		case <-t.C:
		case <-lw.w.learn.now:
			t.Stop()
			b.wake()
		case <-ctx.Done():
			t.Stop()
			return
		}
	}
}

func (lw *learnWatch) session(ctx context.Context) error {
	acct := lw.w.acct
	s, err := Dial(ctx, acct)
	if err != nil {
		return err
	}
	defer s.Close()
	stop := context.AfterFunc(ctx, func() {
		time.AfterFunc(shutdownGrace, func() { s.c.Close() })
	})
	defer stop()
	lw.s = s
	lw.w.learn.curMu.Lock()
	lw.w.learn.cur = s
	lw.w.learn.curMu.Unlock()
	defer func() {
		lw.w.learn.curMu.Lock()
		lw.w.learn.cur = nil
		lw.w.learn.curMu.Unlock()
	}()
	lw.settings = lw.l.LearnSettings(acct.Name)
	if lw.settings.Settle > 0 {
		lw.w.learn.settle = lw.settings.Settle
	}
	if lw.settings.Poll > 0 {
		lw.w.learn.poll = lw.settings.Poll
	}
	f, err := s.Folders(ctx, false)
	if err != nil {
		return err
	}
	if f.Junk == "" {
		return fmt.Errorf("no junk folder on %s yet", s.addr)
	}
	lw.junk = f.Junk
	lw.setRoles(f.All)
	lw.state, lw.cands = map[string]FolderState{}, map[candKey]*candidate{}
	lw.kwCache, lw.kwNext = map[string]map[imap.UID]Class{}, map[string]time.Time{}
	lw.nextPoll = time.Time{}
	lw.log.Info("learning from the user's moves and junk keywords", "junk", lw.junk, "watched", len(lw.roles),
		"idle", s.caps.Has(imap.CapIdle), "condstore", s.caps.Has(imap.CapCondStore), "junk_max_age", lw.settings.JunkMaxAge)

	lw.w.learn.live.Store(true)
	defer lw.endRestores()
	lw.w.emit("learn-connected")
	if err := lw.resolveRestores(ctx); err != nil {
		return err
	}
	force := map[string]bool{}
	for {
		if err := lw.serveRestores(ctx); err != nil {
			return err
		}
		if err := lw.poll(ctx, force); err != nil {
			return err
		}
		if err := lw.processDue(ctx); err != nil {
			return err
		}
		if err := lw.expireJunk(ctx); err != nil {
			return err
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		lw.w.learn.waiting.Store(int32(len(lw.cands)))
		lw.w.emit("learn-synced")
		if force, err = lw.wait(ctx); err != nil {
			return err
		}
	}
}

// setRoles works out the role of every mailbox: INBOX, the junk folders
// (the one mailwarden moves to and any other junk candidate), the ordinary
// folders and, among them, Sent.
func (lw *learnWatch) setRoles(all []Mailbox) {
	f := classify(all, lw.junk, nil)
	lw.roles = map[string]folderRole{f.Inbox: roleInbox, lw.junk: roleJunk}
	for _, j := range f.JunkCandidates {
		lw.roles[j] = roleJunk
	}
	for _, h := range f.Ham {
		lw.roles[h] = roleHam
	}
	lw.sent = map[string]bool{}
	for _, m := range all {
		if lw.roles[m.Name] == roleHam && (m.Has(imap.MailboxAttrSent) || nameIn(m, sentNames)) {
			lw.sent[m.Name] = true
		}
	}
}

var sentNames = []string{"Sent", "Sent Items", "Sent Messages", "Sent Mail", "送信済み", "送信済みアイテム", "送信済みメール"}

func (lw *learnWatch) isJunk(name string) bool { return name != "" && lw.roles[name] == roleJunk }

// poll checks every watched folder with LIST-STATUS (or STATUS) and scans
// those that changed, plus those in force. It runs when due, or forced.
func (lw *learnWatch) poll(ctx context.Context, force map[string]bool) error {
	if time.Now().Before(lw.nextPoll) && len(force) == 0 {
		return nil
	}
	lw.nextPoll = time.Now().Add(lw.pollEvery())
	statuses, err := lw.statuses()
	if err != nil {
		return err
	}
	names := make([]string, 0, len(statuses))
	for n := range statuses {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, name := range names {
		if ctx.Err() != nil {
			return nil
		}
		st := statuses[name]
		old, ok := lw.state[name]
		if !ok {
			if old, ok, err = lw.w.st.Folder(lw.w.acct.Name, learnKey(name)); err != nil {
				return err
			}
			if ok {
				lw.state[name] = old
			}
		}
		changed := !ok || force[name] || old.UIDValidity != st.UIDValidity || (st.UIDNext != 0 && st.UIDNext-1 > old.LastUID) ||
			(st.HighestModSeq != 0 && st.HighestModSeq != old.ModSeq)
		if !lw.s.caps.Has(imap.CapCondStore) && !time.Now().Before(lw.kwNext[name]) {
			changed = true // keyword changes are invisible to STATUS: look now and then
		}
		if !changed {
			continue
		}
		if err := lw.scan(ctx, name, st); err != nil {
			if _, refused := serverRefusal(err); refused {
				lw.log.Warn("cannot look at a folder; skipping it until the next connection", "folder", name, "err", err)
				delete(lw.roles, name)
				continue
			}
			return err
		}
	}
	return nil
}

func (lw *learnWatch) pollEvery() time.Duration {
	if lw.s.caps.Has(imap.CapIdle) {
		return lw.w.learn.poll
	}
	return min(lw.w.learn.poll, lw.w.acct.PollInterval)
}

// statuses returns UIDVALIDITY, UIDNEXT and HIGHESTMODSEQ of every watched
// folder, refreshing the roles from the LIST.
func (lw *learnWatch) statuses() (map[string]*imap.StatusData, error) {
	s := lw.s
	condstore := s.caps.Has(imap.CapCondStore)
	opts := &imap.StatusOptions{UIDNext: true, UIDValidity: true, HighestModSeq: condstore}
	out := map[string]*imap.StatusData{}
	if s.caps.Has(imap.CapListStatus) {
		stop := s.guard(cmdTimeout)
		data, err := s.c.List("", "*", &imap.ListOptions{ReturnSpecialUse: s.caps.Has(imap.CapSpecialUse), ReturnStatus: opts}).Collect()
		stop()
		if err == nil {
			all := make([]Mailbox, 0, len(data))
			for _, d := range data {
				all = append(all, Mailbox{Name: d.Mailbox, Delim: d.Delim, Attrs: d.Attrs})
			}
			lw.setRoles(all)
			for _, d := range data {
				if d.Status != nil && lw.roles[d.Mailbox] != roleOther {
					out[d.Mailbox] = d.Status
				}
			}
			return out, nil
		}
		if _, refused := serverRefusal(err); !refused {
			return nil, fmt.Errorf("list mailboxes with status: %w", err)
		}
	}
	all, err := s.list()
	if err != nil {
		return nil, err
	}
	lw.setRoles(all)
	for name, r := range lw.roles {
		if r == roleOther {
			continue
		}
		stop := s.guard(cmdTimeout)
		d, err := s.c.Status(name, opts).Wait()
		stop()
		if err != nil {
			if _, refused := serverRefusal(err); refused {
				continue // gone or not selectable
			}
			return nil, fmt.Errorf("status %q: %w", name, err)
		}
		out[name] = d
	}
	return out, nil
}

// selectCond selects (or examines) a folder with CONDSTORE where the
// server has it, unless it is selected already in a fitting mode.
func (s *Session) selectCond(name string, readOnly bool) (*imap.SelectData, error) {
	if s.selected == name && s.sel != nil && (readOnly || !s.readOnly) {
		return s.sel, nil
	}
	defer s.guard(cmdTimeout)()
	data, err := s.c.Select(name, &imap.SelectOptions{ReadOnly: readOnly, CondStore: s.caps.Has(imap.CapCondStore)}).Wait()
	if err != nil {
		s.selected, s.sel = "", nil
		return nil, fmt.Errorf("select %q: %w", name, err)
	}
	s.selected, s.sel, s.readOnly = name, data, readOnly
	return data, nil
}

// scan looks at one folder: messages that arrived since the last look,
// and (CONDSTORE) messages whose flags changed. What may be a user verdict
// becomes a candidate, decided once it has settled; Sent messages are
// reported at once. A folder seen for the first time (or with a new
// UIDVALIDITY) is only taken as the starting point.
func (lw *learnWatch) scan(ctx context.Context, name string, st *imap.StatusData) error {
	s, acct := lw.s, lw.w.acct.Name
	sel, err := s.selectCond(name, true)
	if err != nil {
		return err
	}
	if sel.UIDValidity != st.UIDValidity {
		return fmt.Errorf("UIDVALIDITY of %q changed while looking at it", name)
	}
	old, ok := lw.state[name]
	if !ok || old.UIDValidity != st.UIDValidity {
		return lw.baseline(ctx, name, sel, st, ok)
	}
	// STATUS was read before the searches below: a change after it has a
	// higher MODSEQ and is seen on the next look.
	next := FolderState{UIDValidity: st.UIDValidity, LastUID: old.LastUID, ModSeq: st.HighestModSeq}

	var set imap.UIDSet
	set.AddRange(old.LastUID+1, 0)
	found, err := s.searchUIDs(set)
	if err != nil {
		return err
	}
	var uids []imap.UID
	for _, u := range found {
		if u > old.LastUID {
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
		for _, m := range msgs {
			if lw.sent[name] {
				lw.l.Sent(acct, m)
			}
			lw.consider(name, m, true)
		}
		next.LastUID = max(next.LastUID, chunk[len(chunk)-1])
	}
	if ctx.Err() != nil {
		return nil
	}

	switch {
	case s.caps.Has(imap.CapCondStore) && old.ModSeq != 0 && st.HighestModSeq > old.ModSeq && old.LastUID > 0:
		var known imap.UIDSet
		known.AddRange(1, old.LastUID)
		stop := s.guard(cmdTimeout)
		bufs, err := s.c.Fetch(known, &imap.FetchOptions{UID: true, Flags: true, ChangedSince: old.ModSeq}).Collect()
		stop()
		if err != nil {
			return fmt.Errorf("fetch changed flags in %q: %w", name, err)
		}
		for _, b := range bufs {
			if b.UID != 0 && b.UID <= old.LastUID {
				lw.consider(name, &Message{Mailbox: name, UIDValidity: sel.UIDValidity, UID: b.UID, Flags: b.Flags}, false)
			}
		}
	case !s.caps.Has(imap.CapCondStore):
		if err := lw.keywordScan(name, sel, old.LastUID); err != nil {
			return err
		}
	}
	lw.state[name] = next
	return lw.w.st.SetFolder(acct, learnKey(name), next)
}

// baseline takes a folder's current end as the starting point. The first
// time a Sent folder is seen, its newest messages tell whom the user
// writes to.
func (lw *learnWatch) baseline(ctx context.Context, name string, sel *imap.SelectData, st *imap.StatusData, hadState bool) error {
	s := lw.s
	last := imap.UID(0)
	if st.UIDNext > 0 {
		last = st.UIDNext - 1
	}
	if st.UIDNext == 0 || lw.sent[name] {
		all, err := s.searchAll()
		if err != nil {
			return err
		}
		if len(all) > 0 {
			last = max(last, all[len(all)-1])
		}
		if lw.sent[name] && !hadState {
			if len(all) > sentHarvest {
				all = all[len(all)-sentHarvest:]
			}
			for len(all) > 0 && ctx.Err() == nil {
				chunk := all[:min(batchSize, len(all))]
				all = all[len(chunk):]
				msgs, err := s.fetchHeaders(chunk)
				if err != nil {
					return err
				}
				for _, m := range msgs {
					lw.l.Sent(lw.w.acct.Name, m)
				}
			}
		}
	}
	if hadState {
		lw.log.Warn("UIDVALIDITY changed: learning starts again from the folder's end", "folder", name)
	}
	fs := FolderState{UIDValidity: st.UIDValidity, LastUID: last, ModSeq: st.HighestModSeq}
	lw.state[name] = fs
	if !s.caps.Has(imap.CapCondStore) {
		if err := lw.keywordScan(name, sel, last); err != nil {
			return err
		}
	}
	return lw.w.st.SetFolder(lw.w.acct.Name, learnKey(name), fs)
}

// keywordScan finds keyword changes without CONDSTORE: it searches every
// junk keyword the folder knows (its FLAGS list) and compares the result
// with the last look. The first look in a session is only the start.
func (lw *learnWatch) keywordScan(name string, sel *imap.SelectData, lastUID imap.UID) error {
	s := lw.s
	flags := map[imap.UID][]imap.Flag{}
	for _, kw := range sel.Flags {
		if junkForm(kw) == ClassNone && !equalFold(string(kw), string(KeywordAutoSpam)) && !equalFold(string(kw), string(KeywordAutoHam)) {
			continue
		}
		uids, err := s.search(&imap.SearchCriteria{Flag: []imap.Flag{kw}})
		if err != nil {
			return err
		}
		for _, u := range uids {
			flags[u] = append(flags[u], kw)
		}
	}
	now := map[imap.UID]Class{}
	for u, fl := range flags {
		if c, _ := userKeywordClass(fl); c != ClassNone {
			now[u] = c
		}
	}
	prev, seen := lw.kwCache[name]
	lw.kwCache[name] = now
	lw.kwNext[name] = time.Now().Add(5 * lw.pollEvery())
	if !seen {
		return nil
	}
	for u, c := range now {
		if u <= lastUID && prev[u] != c {
			lw.consider(name, &Message{Mailbox: name, UIDValidity: sel.UIDValidity, UID: u, Flags: flags[u]}, false)
		}
	}
	return nil
}

// consider makes a candidate of a message that may carry a user verdict:
// anything that arrived in a junk folder; elsewhere, a message with a junk
// keyword or one mailwarden knows. Whether it is one is decided when it
// has settled, on what the message looks like then.
func (lw *learnWatch) consider(name string, m *Message, arrived bool) {
	role := lw.roles[name]
	if role == roleOther {
		return
	}
	maybe := role == roleJunk && arrived
	if !maybe {
		kw, _ := userKeywordClass(m.Flags)
		maybe = kw != ClassNone || hasFlag(m.Flags, KeywordAutoSpam)
	}
	if !maybe && arrived && m.Header != nil {
		p := lw.l.Prior(lw.w.acct.Name, m)
		maybe = p.Moved || p.Verdict != ClassNone || lw.isJunk(p.Folder) || p.Trained == ClassSpam
	}
	if !maybe {
		return
	}
	k := candKey{name, m.UIDValidity, m.UID}
	c := lw.cands[k]
	if c == nil {
		c = &candidate{arrived: arrived}
		lw.cands[k] = c
	}
	c.due = time.Now().Add(lw.w.learn.settle)
	lw.log.Debug("maybe a user verdict; waiting for it to settle", "folder", name, "uid", m.UID, "message_id", m.MessageID, "arrived", arrived)
}

// processDue decides the candidates that have settled, folder by folder.
func (lw *learnWatch) processDue(ctx context.Context) error {
	now := time.Now()
	byFolder := map[string][]candKey{}
	for k, c := range lw.cands {
		if !c.due.After(now) {
			byFolder[k.mailbox] = append(byFolder[k.mailbox], k)
		}
	}
	names := make([]string, 0, len(byFolder))
	for n := range byFolder {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, name := range names {
		if ctx.Err() != nil {
			return nil
		}
		keys := byFolder[name]
		err := lw.processFolder(ctx, name, keys)
		for _, k := range keys {
			delete(lw.cands, k)
		}
		if err != nil {
			if _, refused := serverRefusal(err); refused {
				lw.log.Warn("cannot learn from a folder", "folder", name, "err", err)
				continue
			}
			return err
		}
	}
	return nil
}

func (lw *learnWatch) processFolder(ctx context.Context, name string, keys []candKey) error {
	s := lw.s
	role := lw.roles[name]
	if role == roleOther {
		return nil
	}
	// Read-only: a read-write SELECT makes a Maildir server move new mail
	// from new/ to cur/, racing the watcher's MOVE of the same message on
	// its own connection (Dovecot then left a copy in both folders, about
	// one test run in eight). showVerdict selects read-write only when it
	// has a keyword to store.
	sel, err := s.selectCond(name, true)
	if err != nil {
		return err
	}
	var uids []imap.UID
	arrived := map[imap.UID]bool{}
	for _, k := range keys {
		if k.uidValidity == sel.UIDValidity {
			uids = append(uids, k.uid)
			arrived[k.uid] = lw.cands[k].arrived
		}
	}
	slices.Sort(uids)
	// Expunges other sessions made must be known before asking for UIDs.
	stop := s.guard(cmdTimeout)
	err = s.c.Noop().Wait()
	stop()
	if err != nil {
		return fmt.Errorf("NOOP: %w", err)
	}
	for len(uids) > 0 && ctx.Err() == nil {
		chunk := uids[:min(batchSize, len(uids))]
		uids = uids[len(chunk):]
		msgs, err := s.fetchHeaders(chunk) // gone meanwhile: not returned
		if err != nil {
			return err
		}
		for _, m := range msgs {
			if err := lw.learnOne(ctx, name, role, m, arrived[m.UID]); err != nil {
				return err
			}
		}
	}
	return nil
}

// learnOne decides one settled message and, for a verdict, has the
// Learner train it and makes the keywords show it.
func (lw *learnWatch) learnOne(ctx context.Context, name string, role folderRole, m *Message, arrived bool) error {
	s, acct := lw.s, lw.w.acct.Name
	if m.HasFlag(imap.FlagDeleted) {
		return nil // on its way out: a delete teaches nothing
	}
	p := lw.l.Prior(acct, m)
	fresh := !m.InternalDate.IsZero() && time.Since(m.InternalDate) < freshDelivery
	ev := decide(role, arrived, fresh, m.Flags, p, lw.isJunk)
	log := lw.log.With("folder", name, "uid", m.UID, "message_id", m.MessageID)
	if ev.Class == ClassNone {
		log.Debug("no new user verdict", "prior_verdict", p.Verdict, "moved_by_mailwarden", p.Moved, "known", p.Known, "fresh", fresh)
		return nil
	}
	if role == roleJunk && arrived && lw.movePending(m) {
		log.Debug("mailwarden's own move, still pending")
		return nil
	}
	if err := s.fetchBodies([]*Message{m}, lw.w.acct.MaxFetch); err != nil {
		return err
	}
	if m.Raw == nil {
		return nil // expunged meanwhile
	}
	if err := lw.l.Learn(ctx, acct, m, ev); err != nil {
		log.Error("learning a user verdict failed", "class", ev.Class, "source", ev.Source, "err", err)
		return nil
	}
	log.Info("learned a user verdict", "class", ev.Class, "source", ev.Source, "keyword", ev.Keyword)
	lw.w.emit("learned")
	if lw.settings.DryRun {
		return nil
	}
	return lw.showVerdict(m, ev.Class)
}

// showVerdict stores the user's form of verdict c on m (in the selected
// folder) and takes off the keywords that contradict it: the new keyword
// first, so that no client ever sees the message without a verdict.
func (lw *learnWatch) showVerdict(m *Message, c Class) error {
	s := lw.s
	if s.readOnly {
		if _, err := s.selectCond(s.selected, false); err != nil {
			return err
		}
	}
	add, remove := keywordChanges(m.Flags, c)
	add = slices.DeleteFunc(add, func(f imap.Flag) bool { return !s.keywordsAllowed(f) })
	remove = slices.DeleteFunc(remove, func(f imap.Flag) bool { return !s.keywordsAllowed(f) })
	for _, step := range []struct {
		add   bool
		flags []imap.Flag
	}{{true, add}, {false, remove}} {
		if len(step.flags) == 0 {
			continue
		}
		if err := s.storeFlags(m.UID, step.add, step.flags...); err != nil {
			if _, ok := serverRefusal(err); !ok {
				return err
			}
			lw.log.Warn("could not update the junk keywords", "uid", m.UID, "message_id", m.MessageID, "err", err)
		}
	}
	return nil
}

// movePending reports a move of m's identity that is still in flight.
func (lw *learnWatch) movePending(m *Message) bool {
	pending, err := lw.w.st.Pending(lw.w.acct.Name)
	if err != nil {
		return false
	}
	id := m.Identity()
	for _, p := range pending {
		if p.MessageID == id && p.Mailbox == "INBOX" {
			return true
		}
	}
	return false
}

// wait idles in the junk folder (or sleeps without IDLE) until the next
// poll or candidate is due, a restore is asked for, SyncNow, or the junk
// folder changes; force names the folders to scan at once.
func (lw *learnWatch) wait(ctx context.Context) (force map[string]bool, err error) {
	s := lw.s
	next := lw.nextPoll
	for _, c := range lw.cands {
		if c.due.Before(next) {
			next = c.due
		}
	}
	d := max(time.Until(next), 0)
	timer := time.NewTimer(min(d, lw.w.acct.IdleRefresh))
	defer timer.Stop()
	force = map[string]bool{}
	junkChanged := func() {
		force[lw.junk] = true
		lw.nextPoll = time.Now() // something left Junk: look everywhere
	}
	if !s.caps.Has(imap.CapIdle) {
		lw.w.emit("learn-poll")
		select {
		case <-timer.C:
		case <-lw.w.learn.now:
			lw.nextPoll = time.Now()
		case r := <-lw.w.learn.restores:
			lw.restore(ctx, r)
		case <-ctx.Done():
		case <-s.c.Closed():
			return nil, errors.New("connection closed")
		}
		return force, nil
	}
	if _, err := s.selectCond(lw.junk, true); err != nil {
		return nil, err
	}
	select { // changes seen before IDLE
	case <-s.updates:
		junkChanged()
		return force, nil
	case <-s.changes:
		junkChanged()
		return force, nil
	default:
	}
	stopGuard := s.guard(cmdTimeout)
	cmd, err := s.c.Idle()
	stopGuard()
	if err != nil {
		return nil, fmt.Errorf("IDLE in %q: %w", lw.junk, err)
	}
	lw.w.emit("learn-idle")
	var req *restoreReq
	closed := false
	select {
	case <-s.updates:
		junkChanged()
	case <-s.changes:
		junkChanged()
	case <-timer.C:
	case <-lw.w.learn.now:
		lw.nextPoll = time.Now()
	case req = <-lw.w.learn.restores:
	case <-ctx.Done():
	case <-s.c.Closed():
		closed = true
	}
	defer s.guard(cmdTimeout)()
	if err := cmd.Close(); err != nil {
		if req != nil {
			req.done <- restoreResult{err: fmt.Errorf("%w: %v", ErrNotConnected, err)}
		}
		return nil, fmt.Errorf("end IDLE: %w", err)
	}
	if err := cmd.Wait(); err != nil {
		if req != nil {
			req.done <- restoreResult{err: fmt.Errorf("%w: %v", ErrNotConnected, err)}
		}
		return nil, fmt.Errorf("IDLE: %w", err)
	}
	if closed {
		return nil, errors.New("connection closed during IDLE")
	}
	if req != nil {
		lw.restore(ctx, req)
	}
	return force, nil
}

// roleName is for logs and tests.
func (r folderRole) String() string {
	return [...]string{"other", "inbox", "ordinary", "junk"}[r]
}

// Learning reports whether the learning connection is up (it serves
// Restore).
func (w *Watcher) Learning() bool { return w.learn.live.Load() }

// LearnWaiting is how many possible user verdicts wait to settle, as of
// the learning connection's last pass.
func (w *Watcher) LearnWaiting() int { return int(w.learn.waiting.Load()) }
