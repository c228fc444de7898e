package imapsync

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/emersion/go-imap/v2"
)

// ErrNotInJunk: the message to restore is in no junk folder (and not in
// INBOX either): the user deleted it or moved it elsewhere.
var ErrNotInJunk = errors.New("the message is not in the junk folder")

// RestoreRequest names the message to move back from the junk folder.
type RestoreRequest struct {
	// Identity is the message's Identity(): "<message-id>", or "sha256:..."
	// of its header when it has none.
	Identity string
	// Digest is the header digest of the copy to restore ("" = any copy
	// with that identity).
	Digest string
	// Size is RFC822.SIZE, to find a message without a Message-ID.
	Size int64
}

// RestoreResult says what Restore did.
type RestoreResult struct {
	Folder   string   // the junk folder the message was in ("" when it was in INBOX already)
	JunkUID  imap.UID // its UID there
	InboxUID imap.UID // its UID in INBOX, 0 if the server did not say
	// AlreadyInInbox: the message was back in INBOX already; it was only
	// learned as ham and marked $NotJunk.
	AlreadyInInbox bool
}

type restoreReq struct {
	req  RestoreRequest
	done chan restoreResult
}

type restoreResult struct {
	res   RestoreResult
	err   error
	retry bool // the connection broke: try again on the next one
}

// Restore undoes a move to the junk folder, on the learning connection: it
// finds the message by identity (never by a UID that may be stale) in the
// junk folders, has the Learner learn it as ham (SourceUndo), marks it
// $NotJunk (taking off $Junk and the marker) and moves it to INBOX with
// UID MOVE, or UID COPY then UID EXPUNGE of that UID alone. The move is
// recorded as pending first: after a crash the copy left in the junk folder
// is removed, never duplicated. Without MOVE and UIDPLUS the message is
// learned and marked, not moved (ErrNoSafeMove).
//
// Errors: ErrNotConnected when the account is offline, ErrNotInJunk when
// the message is nowhere to be found.
func (w *Watcher) Restore(ctx context.Context, req RestoreRequest) (RestoreResult, error) {
	if _, ok := w.h.(Learner); !ok {
		return RestoreResult{}, errors.New("imapsync: Restore needs a Handler that is a Learner")
	}
	var res restoreResult
	for attempt := 0; attempt < 2; attempt++ {
		// A connection being made (after a cut, or resume) is waited for.
		deadline := time.Now().Add(restoreWait)
		for !w.learn.live.Load() {
			if time.Now().After(deadline) {
				return RestoreResult{}, fmt.Errorf("%w: account %s", ErrNotConnected, w.acct.Name)
			}
			select {
			case <-time.After(50 * time.Millisecond):
			case <-ctx.Done():
				return RestoreResult{}, ctx.Err()
			}
		}
		r := &restoreReq{req: req, done: make(chan restoreResult, 1)}
		t := time.NewTimer(cmdTimeout)
		select {
		case w.learn.restores <- r:
			t.Stop()
		case <-t.C:
			return RestoreResult{}, fmt.Errorf("%w: account %s is busy", ErrNotConnected, w.acct.Name)
		case <-ctx.Done():
			t.Stop()
			return RestoreResult{}, ctx.Err()
		}
		select {
		case res = <-r.done:
		case <-ctx.Done():
			return RestoreResult{}, ctx.Err()
		}
		if !res.retry {
			break
		}
		// The connection broke under it: what was done is settled by the
		// next connection (pending record) before the undo is tried again.
	}
	return res.res, res.err
}

// restoreWait is how long Restore waits for the learning connection.
const restoreWait = 15 * time.Second

// serveRestores answers the restore requests waiting now.
func (lw *learnWatch) serveRestores(ctx context.Context) error {
	for {
		select {
		case r := <-lw.w.learn.restores:
			lw.restore(ctx, r)
		default:
			return nil
		}
	}
}

// endRestores refuses requests once the session is over.
func (lw *learnWatch) endRestores() {
	lw.w.learn.live.Store(false)
	for {
		select {
		case r := <-lw.w.learn.restores:
			r.done <- restoreResult{err: fmt.Errorf("%w: account %s", ErrNotConnected, lw.w.acct.Name)}
		default:
			return
		}
	}
}

func (lw *learnWatch) restore(ctx context.Context, r *restoreReq) {
	res, err := lw.doRestore(ctx, r.req)
	broken := false
	select {
	case <-lw.s.c.Closed():
		broken = err != nil
	default:
	}
	switch {
	case broken:
		lw.log.Warn("undo cut short by the connection; trying again on the next one", "identity", r.req.Identity, "err", err)
	case err != nil:
		lw.log.Warn("undo failed", "identity", r.req.Identity, "err", err)
	default:
		lw.log.Info("undo: message moved back to INBOX", "identity", r.req.Identity, "from", res.Folder, "junk_uid", res.JunkUID, "inbox_uid", res.InboxUID, "already_in_inbox", res.AlreadyInInbox)
	}
	r.done <- restoreResult{res: res, err: err, retry: broken}
}

// junkFolders lists the junk folders, the one mailwarden moves to first.
func (lw *learnWatch) junkFolders() []string {
	out := []string{lw.junk}
	var other []string
	for name, r := range lw.roles {
		if r == roleJunk && name != lw.junk {
			other = append(other, name)
		}
	}
	slices.Sort(other)
	return append(out, other...)
}

func (lw *learnWatch) doRestore(ctx context.Context, req RestoreRequest) (RestoreResult, error) {
	s, acct := lw.s, lw.w.acct.Name
	for _, j := range lw.junkFolders() {
		found, err := lw.find(j, req)
		if err != nil {
			if _, refused := serverRefusal(err); refused {
				continue
			}
			return RestoreResult{}, err
		}
		if len(found) > 0 {
			return lw.restoreFrom(ctx, j, found[len(found)-1])
		}
	}
	found, err := lw.find("INBOX", req)
	if err != nil {
		return RestoreResult{}, err
	}
	if len(found) == 0 {
		return RestoreResult{}, fmt.Errorf("%w: %s is in no junk folder and not in INBOX (deleted, or moved elsewhere)", ErrNotInJunk, req.Identity)
	}
	m := found[0]
	if err := s.fetchBodies([]*Message{m}, lw.w.acct.MaxFetch); err != nil {
		return RestoreResult{}, err
	}
	if m.Raw != nil && lw.l.Prior(acct, m).Verdict != ClassHam {
		if err := lw.l.Learn(ctx, acct, m, LearnEvent{Class: ClassHam, Source: SourceUndo}); err != nil {
			return RestoreResult{}, err
		}
	}
	if !lw.settings.DryRun {
		if err := lw.showVerdict(m, ClassHam); err != nil {
			return RestoreResult{}, err
		}
	}
	return RestoreResult{InboxUID: m.UID, AlreadyInInbox: true}, nil
}

// restoreFrom moves m (found in junk folder j, which is selected
// read-write) back to INBOX.
func (lw *learnWatch) restoreFrom(ctx context.Context, j string, m *Message) (RestoreResult, error) {
	s, acct := lw.s, lw.w.acct.Name
	res := RestoreResult{Folder: j, JunkUID: m.UID}
	if err := s.fetchBodies([]*Message{m}, lw.w.acct.MaxFetch); err != nil {
		return res, err
	}
	if m.Raw == nil {
		return res, fmt.Errorf("%w: %s left %q just now", ErrNotInJunk, m.Identity(), j)
	}
	// Learned first: when the message shows up in INBOX it is known, and
	// never judged or moved again.
	if err := lw.l.Learn(ctx, acct, m, LearnEvent{Class: ClassHam, Source: SourceUndo}); err != nil {
		return res, err
	}
	canMove, uidPlus := s.caps.Has(imap.CapMove), s.caps.Has(imap.CapUIDPlus)
	if !canMove && !uidPlus {
		if err := lw.showVerdict(m, ClassHam); err != nil {
			return res, err
		}
		return res, fmt.Errorf("UID %d %s in %q was learned as not junk and marked $NotJunk, but not moved: %w; move it to INBOX in your mail client",
			m.UID, m.MessageID, j, ErrNoSafeMove)
	}
	p := PendingMove{Mailbox: j, UIDValidity: m.UIDValidity, UID: m.UID, MessageID: m.Identity(), Started: time.Now(), Digest: m.digest(), Size: m.Size}
	if err := lw.w.st.SetPending(acct, p); err != nil {
		return res, fmt.Errorf("UID %d %s not moved: %w", m.UID, m.MessageID, err)
	}
	if err := lw.showVerdict(m, ClassHam); err != nil {
		return res, err // connection lost: the pending record is resolved later
	}
	clear := func() {
		if err := lw.w.st.ClearPending(acct, p); err != nil {
			lw.log.Error("clear pending undo", "uid", p.UID, "message_id", p.MessageID, "err", err)
		}
	}
	if canMove {
		data, err := s.uidMove(m.UID, "INBOX")
		if err != nil {
			if _, refused := serverRefusal(err); !refused {
				return res, err
			}
			clear()
			return res, fmt.Errorf("move UID %d %s from %q to INBOX refused: %w", m.UID, m.MessageID, j, err)
		}
		clear()
		if len(data.DestUIDs) == 0 && uidPlus {
			return res, fmt.Errorf("%w: another client moved or deleted %s just now", ErrNotInJunk, m.Identity())
		}
		res.InboxUID = lastUID(data.DestUIDs)
		return res, nil
	}
	data, err := s.uidCopy(m.UID, "INBOX")
	if err != nil {
		if _, refused := serverRefusal(err); !refused {
			return res, err
		}
		clear() // nothing copied
		return res, fmt.Errorf("copy UID %d %s from %q to INBOX refused: %w", m.UID, m.MessageID, j, err)
	}
	if len(data.DestUIDs) == 0 {
		clear()
		return res, fmt.Errorf("%w: another client moved or deleted %s just now", ErrNotInJunk, m.Identity())
	}
	res.InboxUID = lastUID(data.DestUIDs)
	if err := s.expungeUIDs([]imap.UID{m.UID}); err != nil {
		// Copied, the junk copy stays: the pending record removes it later.
		return res, fmt.Errorf("UID %d %s was copied to INBOX but the copy in %q could not be removed yet (%v): mailwarden removes it on the next connection", m.UID, m.MessageID, j, err)
	}
	clear()
	return res, nil
}

// find returns the copies of a message in folder (selected read-write,
// or examined in a dry run), by Message-ID (else by size), matched on
// identity and, where given, header digest; \Deleted copies are skipped.
func (lw *learnWatch) find(folder string, req RestoreRequest) ([]*Message, error) {
	s := lw.s
	if _, err := s.selectCond(folder, lw.settings.DryRun); err != nil {
		return nil, err
	}
	var found []imap.UID
	var err error
	if strings.HasPrefix(req.Identity, "<") {
		id := strings.TrimSuffix(strings.TrimPrefix(req.Identity, "<"), ">")
		if found, err = s.search(&imap.SearchCriteria{Header: []imap.SearchCriteriaHeaderField{{Key: "Message-ID", Value: id}}}); err != nil {
			return nil, err
		}
	}
	if len(found) == 0 && req.Size > 0 {
		if found, err = s.search(&imap.SearchCriteria{Larger: req.Size - 1, Smaller: req.Size + 1}); err != nil {
			return nil, err
		}
	}
	slices.Sort(found)
	var out []*Message
	for len(found) > 0 {
		chunk := found[:min(batchSize, len(found))]
		found = found[len(chunk):]
		msgs, err := s.fetchHeaders(chunk)
		if err != nil {
			return nil, err
		}
		for _, m := range msgs {
			if m.Identity() == req.Identity && (req.Digest == "" || m.digest() == req.Digest) && !m.HasFlag(imap.FlagDeleted) {
				out = append(out, m)
			}
		}
	}
	return out, nil
}

// resolveRestores settles undos cut short by a crash or a lost connection:
// a message found both in a junk folder and in INBOX loses its junk copy
// (UID EXPUNGE of that UID alone); anything else needs nothing.
func (lw *learnWatch) resolveRestores(ctx context.Context) error {
	pending, err := lw.w.st.Pending(lw.w.acct.Name)
	if err != nil {
		return err
	}
	for _, p := range pending {
		if p.Mailbox == "INBOX" {
			continue // a move to junk: the INBOX watcher resolves it
		}
		if wait := lw.w.settle - time.Since(p.Started); wait > 0 {
			select {
			case <-time.After(wait):
			case <-ctx.Done():
				return nil
			}
		}
		req := RestoreRequest{Identity: p.MessageID, Digest: p.Digest, Size: p.Size}
		inInbox, err := lw.find("INBOX", req)
		if err != nil {
			return err
		}
		inJunk, err := lw.find(p.Mailbox, req)
		if err != nil {
			if _, refused := serverRefusal(err); !refused {
				return err
			}
		}
		log := lw.log.With("uid", p.UID, "message_id", p.MessageID, "in_inbox", len(inInbox), "in_junk", len(inJunk))
		switch {
		case len(inInbox) > 0 && len(inJunk) > 0 && lw.s.caps.Has(imap.CapUIDPlus):
			var uids []imap.UID
			for _, m := range inJunk {
				uids = append(uids, m.UID)
			}
			if err := lw.s.expungeUIDs(uids); err != nil {
				if _, refused := serverRefusal(err); !refused {
					return err
				}
				log.Warn("undo copied but the junk copy could not be removed", "err", err)
				continue
			}
			log.Info("interrupted undo: removed the copy left in the junk folder")
		case len(inInbox) > 0 && len(inJunk) > 0:
			log.Warn("interrupted undo left a copy in the junk folder and the server cannot expunge one message safely (no UIDPLUS): delete it by hand")
		case len(inJunk) > 0:
			log.Info("interrupted undo had not moved the message: it stays in the junk folder, marked $NotJunk; run the undo again")
		default:
			log.Info("interrupted undo had completed")
		}
		if err := lw.w.st.ClearPending(lw.w.acct.Name, p); err != nil {
			return err
		}
	}
	return nil
}
