package imapsync

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/emersion/go-imap/v2"
)

// errUIDValidityChanged ends a session whose INBOX got a new UIDVALIDITY
// under it; the next session starts over from the identities.
var errUIDValidityChanged = errors.New("UIDVALIDITY of INBOX changed during the session")

// resolvePending settles every move left pending by a crash, a cut
// connection or a refusal, before anything else happens in the session.
func (w *Watcher) resolvePending(ctx context.Context, s *Session) error {
	pending, err := w.st.Pending(w.acct.Name)
	if err != nil {
		return err
	}
	for _, p := range pending {
		if p.Mailbox != w.folders.Inbox {
			continue // an undo out of the junk folder: the learning connection resolves it
		}
		// The old connection's last command may still be running on the
		// server: give it time to finish before looking.
		if wait := w.settle - time.Since(p.Started); wait > 0 {
			w.log.Info("waiting for the server to finish the interrupted move", "uid", p.UID, "message_id", p.MessageID, "for", wait.Round(time.Millisecond))
			select {
			case <-time.After(wait):
			case <-ctx.Done():
			}
		}
		if ctx.Err() != nil {
			return nil
		}
		if err := w.resolve(ctx, s, p); err != nil {
			return err
		}
	}
	return nil
}

// resolve finds a pending move's message by Message-ID (or, without one,
// by size and header digest) in the junk folder and in INBOX, assuming
// neither success nor failure, and finishes it:
//
//   - only in the junk folder: the move happened; Done once;
//   - in neither: another client moved or deleted it (HandledElsewhere);
//   - only in INBOX: the move is tried once more (unless the user has
//     marked it since, or deleted it);
//   - in both (COPY done, delete not): \Deleted and UID EXPUNGE of the
//     INBOX copy only, no second COPY.
//
// Old UIDs are never acted on: with a new UIDVALIDITY the INBOX copy is
// found again by identity.
func (w *Watcher) resolve(ctx context.Context, s *Session, p PendingMove) error {
	inJunk, err := w.locate(s, w.folders.Junk, p)
	if err != nil {
		return err
	}
	inInbox, err := w.locate(s, w.folders.Inbox, p)
	if err != nil {
		return err
	}
	if p.UIDValidity == w.inbox.UIDValidity {
		w.advance(p.UID)
	}
	m := pendingMessage(p)
	if len(inInbox) > 0 {
		m = inInbox[0]
	}
	o := Outcome{Action: MoveToJunk}
	log := w.log.With("uid", p.UID, "message_id", p.MessageID, "in_inbox", len(inInbox), "in_junk", len(inJunk))
	switch {
	case len(inInbox) == 0 && len(inJunk) > 0:
		log.Info("pending move had completed")
		o.JunkUID = inJunk[len(inJunk)-1].UID
	case len(inInbox) == 0:
		log.Info("pending move: message gone from INBOX, not in the junk folder: handled by another client")
		o.HandledElsewhere = true
	case len(inJunk) == 0:
		if m.HasFlag(imap.FlagDeleted) || keywordVerdict(m.Flags) == hamVerdict {
			log.Info("pending move dropped: the user deleted the message or marked it not junk")
			o.HandledElsewhere = true
			break
		}
		log.Info("pending move not done: trying again")
		p2 := w.pendingFor(m)
		if p2.UID != p.UID || p2.UIDValidity != p.UIDValidity {
			if err := w.st.SetPending(w.acct.Name, p2); err != nil {
				return err
			}
			w.clearPending(p)
		}
		return w.moveAndRecord(ctx, s, m)
	default:
		if !s.caps.Has(imap.CapUIDPlus) {
			o.Err = fmt.Errorf("UID %d %s is both in INBOX and in %q, and the server cannot expunge one message safely (no UIDPLUS): delete the INBOX copy by hand",
				m.UID, p.MessageID, w.folders.Junk)
			break
		}
		log.Info("pending move copied but not deleted: expunging the INBOX copy")
		var uids []imap.UID
		for _, x := range inInbox {
			uids = append(uids, x.UID)
		}
		if err := s.expungeUIDs(uids); err != nil {
			if _, ok := serverRefusal(err); !ok {
				return err
			}
			o.Err = moveError("delete the original after COPY", m, w.folders.Junk, err)
			w.h.Done(ctx, w.acct.Name, m, o)
			w.scheduleRetry(p)
			return nil
		}
		o.JunkUID = inJunk[len(inJunk)-1].UID
	}
	w.h.Done(ctx, w.acct.Name, m, o)
	w.clearPending(p)
	return nil
}

// pendingMessage is the Message Done gets when the message is no longer in
// INBOX: what the pending record knows.
func pendingMessage(p PendingMove) *Message {
	m := &Message{Mailbox: p.Mailbox, UIDValidity: p.UIDValidity, UID: p.UID, Size: p.Size}
	if strings.HasPrefix(p.MessageID, "<") {
		m.MessageID = p.MessageID
	}
	return m
}

// locate returns the messages of mailbox that are p's message: same
// identity and, where recorded, same header digest. It searches by
// Message-ID, else (or if that finds nothing) by exact size. In INBOX under
// the same UIDVALIDITY only p.UID can be it. It leaves mailbox selected
// (INBOX read-write, anything else read-only).
func (w *Watcher) locate(s *Session, mailbox string, p PendingMove) ([]*Message, error) {
	isInbox := mailbox == w.folders.Inbox
	if s.selected != mailbox || (isInbox && s.readOnly) {
		sel, err := s.selectMailbox(mailbox, !isInbox)
		if err != nil {
			return nil, err
		}
		if isInbox && sel.UIDValidity != w.inbox.UIDValidity {
			return nil, errUIDValidityChanged
		}
	}
	var found []imap.UID
	switch {
	case isInbox && p.UIDValidity == w.inbox.UIDValidity:
		found = []imap.UID{p.UID} // only that UID can be it
	default:
		var err error
		if strings.HasPrefix(p.MessageID, "<") {
			id := strings.TrimSuffix(strings.TrimPrefix(p.MessageID, "<"), ">")
			if found, err = s.search(&imap.SearchCriteria{Header: []imap.SearchCriteriaHeaderField{{Key: "Message-ID", Value: id}}}); err != nil {
				return nil, err
			}
		}
		if len(found) == 0 {
			if found, err = s.search(&imap.SearchCriteria{Larger: p.Size - 1, Smaller: p.Size + 1}); err != nil {
				return nil, err
			}
		}
	}
	var out []*Message
	for len(found) > 0 {
		chunk := found[:min(batchSize, len(found))]
		found = found[len(chunk):]
		msgs, err := s.fetchHeaders(chunk)
		if err != nil {
			return nil, err
		}
		for _, m := range msgs {
			if m.Identity() == p.MessageID && (p.Digest == "" || m.digest() == p.Digest) {
				out = append(out, m)
			}
		}
	}
	return out, nil
}

// search runs UID SEARCH in the selected mailbox.
func (s *Session) search(c *imap.SearchCriteria) ([]imap.UID, error) {
	defer s.guard(cmdTimeout)()
	data, err := s.c.UIDSearch(c, nil).Wait()
	if err != nil {
		return nil, fmt.Errorf("search %q: %w", s.selected, err)
	}
	return data.AllUIDs(), nil
}
