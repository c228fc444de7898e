package imapsync

import (
	"errors"
	"fmt"
	"time"

	"github.com/emersion/go-imap/v2"
)

// pendingFor builds the pending-move record of an INBOX message.
func (w *Watcher) pendingFor(m *Message) PendingMove {
	return PendingMove{
		Mailbox: w.folders.Inbox, UIDValidity: m.UIDValidity, UID: m.UID,
		MessageID: m.Identity(), Started: time.Now(), Digest: m.digest(), Size: m.Size,
	}
}

// moveToJunk moves m out of INBOX (selected) into the junk folder:
//
//   - with MOVE: UID MOVE;
//   - without MOVE, with UIDPLUS: UID COPY, then only if it succeeded
//     UID STORE +FLAGS.SILENT (\Deleted) and UID EXPUNGE of that UID alone;
//   - with neither: nothing is moved. A plain EXPUNGE (or CLOSE) would also
//     remove every other message the user marked \Deleted but did not
//     expunge, and copying without expunging leaves a duplicate, so the
//     message stays in INBOX with $Junk and Outcome.Err is ErrNoSafeMove.
//
// $Junk is set in INBOX first (MOVE and COPY carry it over) where
// PERMANENTFLAGS allows keywords, and taken off again if the move is
// refused. The move is recorded in the StateStore as pending (p) before
// its first command.
//
// err is set only when the connection failed: p then stays pending and is
// resolved by Message-ID after reconnecting. Otherwise o is the outcome and
// retry reports a refusal worth trying again later (p stays pending).
func (w *Watcher) moveToJunk(s *Session, m *Message, p PendingMove) (o Outcome, retry bool, err error) {
	o.Action = MoveToJunk
	junk := w.folders.Junk
	canMove, uidPlus := s.caps.Has(imap.CapMove), s.caps.Has(imap.CapUIDPlus)
	kw := s.keywordsAllowed(KeywordJunk)
	if !canMove && !uidPlus {
		if kw {
			if err := s.storeFlags(m.UID, true, withMarker(s, KeywordJunk, KeywordAutoSpam)...); err != nil {
				if _, ok := serverRefusal(err); !ok {
					return o, false, err
				}
			}
		}
		o.Err = fmt.Errorf("UID %d %s: %w", m.UID, m.MessageID, ErrNoSafeMove)
		return o, false, nil
	}
	if err := w.st.SetPending(w.acct.Name, p); err != nil {
		o.Err = fmt.Errorf("UID %d %s not moved: %w", m.UID, m.MessageID, err)
		return o, false, nil
	}
	if kw {
		modSeq := m.modSeq
		if w.beforeClaim != nil {
			w.beforeClaim(m)
		}
		taken, err := s.claim(m, withMarker(s, KeywordJunk, KeywordAutoSpam))
		w.log.Debug("claim", "uid", m.UID, "message_id", m.MessageID, "modseq", modSeq, "taken", taken, "err", err)
		switch {
		case errors.Is(err, errClaimBusy):
			o.Err = err
			return o, true, nil
		case err != nil:
			if _, ok := serverRefusal(err); !ok {
				return o, false, err
			}
			kw = false
		case taken:
			// Another mailwarden (or the user) decided first: leave it.
			o.HandledElsewhere = true
			return o, false, nil
		}
	}
	if w.beforeMove != nil {
		w.beforeMove(m)
	}
	refused := func(step string, err error) (Outcome, bool, error) {
		if _, ok := serverRefusal(err); !ok {
			return o, false, err
		}
		// Dovecot refuses a message another session expunged with
		// NO [EXPUNGEISSUED]; other servers answer otherwise. Look again.
		if gone, gerr := s.gone(m.UID); gerr != nil {
			return o, false, gerr
		} else if gone {
			o.HandledElsewhere = true
			return o, false, nil
		}
		if kw { // leave the original as it was
			if err := s.storeFlags(m.UID, false, withMarker(s, KeywordJunk, KeywordAutoSpam)...); err != nil {
				if _, ok := serverRefusal(err); !ok {
					return o, false, err
				}
			}
		}
		o.Err = moveError(step, m, junk, err)
		return o, true, nil
	}

	if canMove {
		data, err := s.uidMove(m.UID, junk)
		if err != nil {
			return refused("MOVE", err)
		}
		if len(data.DestUIDs) > 0 {
			o.JunkUID = lastUID(data.DestUIDs)
			return o, false, nil
		}
		if uidPlus {
			// With UIDPLUS a MOVE that moved something answers COPYUID:
			// the message was gone already (moved or deleted by another
			// client). UID commands on missing UIDs succeed silently.
			o.HandledElsewhere = true
			return o, false, nil
		}
		// No COPYUID to tell: if the UID is gone, count it as moved.
		gone, err := s.gone(m.UID)
		if err != nil {
			return o, false, err
		}
		if !gone {
			o.Err = fmt.Errorf("UID MOVE of UID %d %s answered OK but the message is still in INBOX", m.UID, m.MessageID)
			return o, true, nil
		}
		return o, false, nil
	}

	data, err := s.uidCopy(m.UID, junk)
	if err != nil {
		return refused("COPY", err) // nothing copied: the original stays untouched
	}
	if len(data.DestUIDs) == 0 {
		o.HandledElsewhere = true // nothing to copy: gone already
		return o, false, nil
	}
	o.JunkUID = lastUID(data.DestUIDs)
	if err := s.expungeUIDs([]imap.UID{m.UID}); err != nil {
		if _, ok := serverRefusal(err); !ok {
			return o, false, err
		}
		// Copied but the original stays: resolved (by Message-ID, no
		// second copy) on the retry.
		o.Err = moveError("delete the original after COPY", m, junk, err)
		return o, true, nil
	}
	return o, false, nil
}

// withMarker is kw and, where the selected mailbox stores it too, the
// marker that says mailwarden set kw (see KeywordAutoSpam): one STORE sets
// or clears both.
func withMarker(s *Session, kw, marker imap.Flag) []imap.Flag {
	if s.keywordsAllowed(marker) {
		return []imap.Flag{kw, marker}
	}
	return []imap.Flag{kw}
}

// gone reports whether uid has left the selected mailbox. NOOP first
// collects the expunges other sessions made.
func (s *Session) gone(uid imap.UID) (bool, error) {
	stop := s.guard(cmdTimeout)
	err := s.c.Noop().Wait()
	stop()
	if err != nil {
		return false, fmt.Errorf("NOOP: %w", err)
	}
	left, err := s.searchUIDs(imap.UIDSetNum(uid))
	if err != nil {
		return false, err
	}
	return !containsUID(left, uid), nil
}

// moveError words a refused move for the user.
func moveError(step string, m *Message, junk string, err error) error {
	e := fmt.Errorf("move UID %d %s to %q: %s refused: %w", m.UID, m.MessageID, junk, step, err)
	if ie, ok := serverRefusal(err); ok && ie.Code == imap.ResponseCodeOverQuota {
		return &quotaError{err: e}
	}
	return e
}

// storeFlags adds (or removes) flags on one UID, silently.
func (s *Session) storeFlags(uid imap.UID, add bool, flags ...imap.Flag) error {
	defer s.guard(cmdTimeout)()
	op := imap.StoreFlagsAdd
	if !add {
		op = imap.StoreFlagsDel
	}
	err := s.c.Store(imap.UIDSetNum(uid), &imap.StoreFlags{Op: op, Silent: true, Flags: flags}, nil).Close()
	if err != nil {
		return fmt.Errorf("UID STORE %d %v: %w", uid, flags, err)
	}
	return nil
}

// uidMove runs UID MOVE (the caller checked the MOVE capability: go-imap
// would otherwise fall back to COPY and a plain EXPUNGE).
func (s *Session) uidMove(uid imap.UID, dest string) (*imapMoveData, error) {
	if !s.caps.Has(imap.CapMove) {
		return nil, errors.New("imapsync: UID MOVE without the MOVE capability")
	}
	defer s.guard(cmdTimeout)()
	data, err := s.c.Move(imap.UIDSetNum(uid), dest).Wait()
	if err != nil {
		return nil, fmt.Errorf("UID MOVE %d %q: %w", uid, dest, err)
	}
	return &imapMoveData{DestUIDs: uidSet(data.DestUIDs)}, nil
}

// imapMoveData is what MOVE and COPY report: the new UIDs (COPYUID).
type imapMoveData struct{ DestUIDs imap.UIDSet }

func uidSet(ns imap.NumSet) imap.UIDSet {
	if s, ok := ns.(imap.UIDSet); ok {
		return s
	}
	return nil
}

// uidCopy runs UID COPY.
func (s *Session) uidCopy(uid imap.UID, dest string) (*imapMoveData, error) {
	defer s.guard(cmdTimeout)()
	data, err := s.c.Copy(imap.UIDSetNum(uid), dest).Wait()
	if err != nil {
		return nil, fmt.Errorf("UID COPY %d %q: %w", uid, dest, err)
	}
	return &imapMoveData{DestUIDs: data.DestUIDs}, nil
}

// expungeUIDs marks uids \Deleted and expunges exactly those with
// UID EXPUNGE (UIDPLUS): other messages the user marked \Deleted stay.
func (s *Session) expungeUIDs(uids []imap.UID) error {
	if !s.caps.Has(imap.CapUIDPlus) {
		return errors.New("imapsync: UID EXPUNGE without UIDPLUS")
	}
	defer s.guard(cmdTimeout)()
	set := imap.UIDSetNum(uids...)
	if err := s.c.Store(set, &imap.StoreFlags{Op: imap.StoreFlagsAdd, Silent: true, Flags: []imap.Flag{imap.FlagDeleted}}, nil).Close(); err != nil {
		return fmt.Errorf("UID STORE %v +FLAGS.SILENT (\\Deleted): %w", set, err)
	}
	if err := s.c.UIDExpunge(set).Close(); err != nil {
		return fmt.Errorf("UID EXPUNGE %v: %w", set, err)
	}
	return nil
}

func lastUID(set imap.UIDSet) imap.UID {
	uids, ok := set.Nums()
	if !ok || len(uids) == 0 {
		return 0
	}
	return uids[len(uids)-1]
}

func containsUID(uids []imap.UID, u imap.UID) bool {
	for _, x := range uids {
		if x == u {
			return true
		}
	}
	return false
}
