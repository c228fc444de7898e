package imapsync

import (
	"errors"
	"fmt"

	"github.com/emersion/go-imap/v2"
)

// errClaimBusy: the message kept changing while mailwarden tried to mark
// it; it is tried again later.
var errClaimBusy = errors.New("the message keeps changing on the server; trying again later")

// claim stores flags (a verdict keyword and its marker) on m, in the
// selected mailbox, only if nobody changed the message since its header
// was fetched: UID STORE (UNCHANGEDSINCE modseq), CONDSTORE. Two
// mailwardens on one account race for every new message; the first claim
// wins, the other's is refused with [MODIFIED] and it leaves the message
// to the winner, so a message is never moved twice (Dovecot's MOVE from
// two sessions at once leaves two copies).
//
// taken reports that someone else decided first: another mailwarden's
// marker, a user's junk keyword or \Deleted is on the message now, or it
// is gone. A refusal for a change that decides nothing (the phone read the
// message: \Seen) is tried again with the new MODSEQ. Without CONDSTORE (or
// a MODSEQ) it is a plain STORE.
func (s *Session) claim(m *Message, flags []imap.Flag) (taken bool, err error) {
	if m.modSeq == 0 || !s.caps.Has(imap.CapCondStore) || hasFlag(m.Flags, KeywordAutoSpam) || hasFlag(m.Flags, KeywordAutoHam) {
		// No CONDSTORE; or mailwarden claimed it before (a move resumed
		// after a crash, from its pending record).
		return false, s.storeFlags(m.UID, true, flags...)
	}
	for range 3 {
		before := s.modified.seen()
		stop := s.guard(cmdTimeout)
		bufs, err := s.c.Store(imap.UIDSetNum(m.UID), &imap.StoreFlags{Op: imap.StoreFlagsAdd, Silent: true, Flags: flags},
			&imap.StoreOptions{UnchangedSince: m.modSeq}).Collect()
		stop()
		if err != nil {
			return false, fmt.Errorf("UID STORE %d (UNCHANGEDSINCE %d) %v: %w", m.UID, m.modSeq, flags, err)
		}
		if s.modified.seen() == before {
			// No [MODIFIED]. Applied: the server sends a FETCH of the new
			// MODSEQ (RFC 7162 3.1.3, even with .SILENT).
			for _, b := range bufs {
				if b.UID == m.UID && b.ModSeq != 0 {
					m.modSeq = b.ModSeq
					return false, nil
				}
			}
			// No FETCH: nothing changed. Either the message is gone
			// (another session moved it; UID STORE of a missing UID
			// answers OK), or every flag was on it already: another
			// mailwarden stored the same claim first, and Dovecot does
			// not refuse a STORE that changes nothing, whatever
			// UNCHANGEDSINCE says. Either way the claim is someone else's.
			gone, err := s.gone(m.UID)
			if err != nil || gone {
				return gone, err
			}
			return true, nil
		}
		stop = s.guard(cmdTimeout)
		bufs, err = s.c.Fetch(imap.UIDSetNum(m.UID), &imap.FetchOptions{UID: true, Flags: true, ModSeq: true}).Collect()
		stop()
		if err != nil {
			return false, fmt.Errorf("fetch flags of UID %d: %w", m.UID, err)
		}
		if len(bufs) == 0 || bufs[0].UID != m.UID {
			return true, nil // gone
		}
		m.Flags, m.modSeq = bufs[0].Flags, bufs[0].ModSeq
		if hasFlag(m.Flags, KeywordAutoSpam) || hasFlag(m.Flags, KeywordAutoHam) || keywordVerdict(m.Flags) != noVerdict || m.HasFlag(imap.FlagDeleted) {
			return true, nil // another mailwarden's claim, or the user's verdict
		}
	}
	return false, fmt.Errorf("mark UID %d %s: %w", m.UID, m.MessageID, errClaimBusy)
}

// decidedElsewhere reports a message carrying another mailwarden's marker
// (and no user verdict): that one judged it.
func decidedElsewhere(flags []imap.Flag) (Action, bool) {
	switch {
	case hasFlag(flags, KeywordAutoSpam):
		return MoveToJunk, true
	case hasFlag(flags, KeywordAutoHam):
		return MarkHam, true
	}
	return Leave, false
}
