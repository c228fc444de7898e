// Package imapsync owns mailwarden's IMAP sessions (github.com/emersion/go-imap/v2):
// connecting with verified TLS and logging in (Dial), finding INBOX and the
// junk folder (Folders), the first-start training scan, watching INBOX with
// IDLE or polling (Watcher), fetching new messages with BODY.PEEK only, and
// moving spam to the junk folder without ever losing or duplicating a
// message (move.go, pending.go).
//
// It knows nothing about classification: a Handler given by the daemon
// judges each new message, learns from existing mail and records outcomes.
// A Handler that is also a Learner gets a second connection per account
// that watches the junk folder and polls the other folders, and is told
// what the user did in any client: swipes into Junk, rescues out of it,
// junk keywords (junkwatch.go, learn.go); it also serves undo (Restore)
// and deletes old junk (junk_max_age).
// Sync state (per-folder UIDVALIDITY and last seen UID, moves in flight) is
// kept in a StateStore given by the daemon.
//
// Rules kept here, each with a test against a real Dovecot:
//   - only UID commands for message sets; new mail is found by UID, never by
//     \Recent or UNSEEN;
//   - bodies are read with BODY.PEEK; the only flags ever changed are the
//     junk keywords ($Junk, $NotJunk), plus \Deleted on the original of a
//     message already copied to the junk folder;
//   - a move is UID MOVE, or UID COPY then (only after the copy succeeded)
//     \Deleted and UID EXPUNGE of that UID; without MOVE and UIDPLUS nothing
//     is moved (see ErrNoSafeMove);
//   - every move is recorded as pending before it starts and resolved by
//     Message-ID after a crash or a cut connection;
//   - mailwarden's own junk keywords carry a marker ($MailwardenSpam,
//     $MailwardenHam) and are claimed with a conditional STORE
//     (UNCHANGEDSINCE), so two mailwardens on one account never move one
//     message twice nor learn each other's verdicts as the user's.
package imapsync
