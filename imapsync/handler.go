package imapsync

import (
	"context"

	"github.com/emersion/go-imap/v2"
)

// Action is what the Handler wants done with a new INBOX message.
type Action int

// Actions.
const (
	// Leave touches nothing (the verdict is unsure).
	Leave Action = iota
	// MarkHam sets $NotJunk where the server stores keywords, and leaves
	// the message in INBOX.
	MarkHam
	// MoveToJunk moves the message to the junk folder, marked $Junk where
	// the server stores keywords.
	MoveToJunk
)

// String is the action's name in logs: leave, mark-ham, move-to-junk.
func (a Action) String() string {
	switch a {
	case Leave:
		return "leave"
	case MarkHam:
		return "mark-ham"
	case MoveToJunk:
		return "move-to-junk"
	}
	return "unknown"
}

// Outcome is what happened when an Action was applied.
type Outcome struct {
	// Action is the action that was asked for; with Err set it was not
	// (fully) applied.
	Action Action
	// JunkUID is the message's UID in the junk folder (from COPYUID), 0 if
	// unknown.
	JunkUID imap.UID
	// Err says what failed, for the user: errors.Is(Err, ErrOverQuota),
	// errors.Is(Err, ErrNoSafeMove) ... A failed move is retried later, with
	// backoff, and Done is called again with the final outcome.
	Err error
	// HandledElsewhere: another client moved or deleted the message first.
	// Not an error; nothing was moved by mailwarden.
	HandledElsewhere bool
}

// Handler is the daemon's side of the watcher. Its methods are called from
// the watcher's goroutine, one at a time. A new message that is skipped
// (Known, carrying a user's junk keyword, or marked \Deleted) gets no call
// at all; one that another mailwarden judged already (its marker is on the
// message) gets only Done, with HandledElsewhere; every judged message gets
// Judge, then Done. A Handler may also be a Learner (see there).
type Handler interface {
	// Known reports a message already handled (for example seen again after
	// a UIDVALIDITY change): it is skipped without fetching its body. It
	// should also report messages trained on first start, so a rebuilt
	// INBOX index never has old mail judged again.
	Known(account string, m *Message) bool
	// Judge decides what to do with a new INBOX message (m.Raw is filled).
	// On an error the message is left alone and Done reports the error.
	Judge(ctx context.Context, account string, m *Message) (Action, error)
	// Train learns from mail already on the server (first start): spam
	// from the junk folder, ham from INBOX and the ordinary folders, with
	// the user's junk keywords overriding the folder. m.Raw is filled.
	Train(ctx context.Context, account string, m *Message, spam bool) error
	// Done is called after an action was applied or failed. After a
	// reconnect it may describe a message from the pending-move record
	// (Header and Raw nil). It can be called again for the same message:
	// once with a failure, later with the final outcome; and after a crash
	// between the move and its record, once more with the same result.
	Done(ctx context.Context, account string, m *Message, o Outcome)
}
