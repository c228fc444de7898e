package imapsync

import (
	"context"
	"strings"
	"time"

	"github.com/emersion/go-imap/v2"
)

// Markers: keywords mailwarden stores next to its own junk keywords, so that
// every mailwarden (this one after losing its state, or a second PC on the
// same account) can tell its own verdicts from a person's. Neither contains
// "junk", so Thunderbird, which reads any keyword containing "junk" as a
// verdict, ignores them.
//
//   - KeywordAutoSpam goes with $Junk on every message mailwarden moves to
//     the junk folder (one STORE, before the move: the copy carries both);
//   - KeywordAutoHam goes with $NotJunk on every message mailwarden marks as
//     ham on its own.
//
// $Junk or $NotJunk without its marker is a person's verdict (Apple Mail and
// Thunderbird where plain keywords are refused write these forms), as is any
// other junk keyword (Thunderbird's Junk/NonJunk, in any case). When
// mailwarden learns a user's verdict it stores the user's form ($NotJunk or
// $Junk, no marker) and removes the keywords that contradict it.
const (
	KeywordAutoSpam imap.Flag = "$MailwardenSpam"
	KeywordAutoHam  imap.Flag = "$MailwardenHam"
)

// Class is a junk verdict.
type Class int

// Classes.
const (
	ClassNone Class = iota
	ClassHam
	ClassSpam
)

func (c Class) String() string {
	switch c {
	case ClassHam:
		return "ham"
	case ClassSpam:
		return "spam"
	}
	return "none"
}

// Where a learned verdict came from (LearnEvent.Source).
const (
	SourceIntoJunk  = "moved into junk"   // a message mailwarden did not move appeared in a junk folder
	SourceOutOfJunk = "moved out of junk" // a message that was in junk appeared in INBOX or an ordinary folder
	SourceKeyword   = "junk keyword"      // another client set a junk keyword
	SourceUndo      = "undo"              // mailwarden notjunk (or the tray) moved it back
)

// Prior is what the daemon knows of a message before a user action is
// judged: mailwarden's own move and the verdicts learned so far.
type Prior struct {
	// Moved: mailwarden moved this message (this copy, where the header
	// digest was recorded) to the junk folder.
	Moved bool
	// Folder is where mailwarden last saw the message ("" = unknown).
	Folder string
	// Verdict is the user's verdict learned so far.
	Verdict Class
	// Trained is the class the classifier was trained with for it.
	Trained Class
	// Known: mailwarden has seen the message before (judged, trained or
	// learned it).
	Known bool
}

// freshDelivery: a message mailwarden never saw that appears in a junk
// folder less than this after it reached the server (INTERNALDATE, which a
// move keeps) was filed there by the server's own filter, not moved by the
// user: a user's swipe of new mail comes after mailwarden judged it in
// INBOX, within a second or two of its arrival.
const freshDelivery = 10 * time.Minute

// LearnEvent is a user verdict found on the server.
type LearnEvent struct {
	Class   Class
	Source  string // SourceIntoJunk, ...
	Keyword string // the keyword read, for SourceKeyword
}

// LearnSettings are an account's learning options, asked for at the start
// of every learning session (so a reloaded config applies).
type LearnSettings struct {
	// JunkMaxAge: messages in the junk folder older than this are deleted
	// (0 = never).
	JunkMaxAge time.Duration
	// DryRun: learn, but change nothing on the server (no keywords, no
	// deletions).
	DryRun bool
	// Settle and Poll shorten the learning timing (tests, the demo):
	// 0 = DefaultLearnSettle and 30 s.
	Settle, Poll time.Duration
}

// Learner is implemented by a Handler that learns from what the user does
// in any client. With a Learner the Watcher runs a second connection that
// watches the junk folder (IDLE, or polling without it) and polls INBOX and
// the ordinary folders (STATUS, CONDSTORE), and reports user verdicts:
//
//   - a message that appears in a junk folder, which mailwarden did not move
//     there: spam (unless the server's filter put it there: a message
//     mailwarden never saw, delivered moments ago; see freshDelivery);
//   - a message that was in a junk folder (mailwarden's move or the user's)
//     and appears in INBOX or an ordinary folder: ham; it gets $NotJunk and
//     is never moved again;
//   - a junk keyword set by another client ($Junk/Junk, $NotJunk/NonJunk in
//     any case): that class;
//   - a move into Trash, or an expunge, teaches nothing.
//
// Every verdict waits LearnSettle after the message was seen and is decided
// on the message's place and keywords then: the final position wins, so a
// message moved INBOX → Junk → INBOX within that time is one verdict, not
// three. A verdict equal to the one learned before is not reported again.
//
// Learner methods are called from the second connection's goroutine, while
// Handler methods go on being called from the Watcher's.
type Learner interface {
	// Prior reports what is known of m (Header and Flags filled, not Raw).
	Prior(account string, m *Message) Prior
	// Learn is told of a user verdict (m.Raw filled). It trains and
	// records the verdict; an error leaves the server untouched and the
	// verdict is looked at again on the next change.
	Learn(ctx context.Context, account string, m *Message, ev LearnEvent) error
	// Sent is told of a message in the Sent folder (Header filled): the
	// user wrote to its recipients.
	Sent(account string, m *Message)
	// LearnSettings returns the account's learning options.
	LearnSettings(account string) LearnSettings
}

// folderRole is what a watched folder means for learning.
type folderRole int

const (
	roleOther folderRole = iota // not watched: Trash, Drafts, virtual folders
	roleInbox
	roleHam // an ordinary folder (Sent and Archive included)
	roleJunk
)

// junkForm reports whether a keyword is a junk keyword, and which class:
// containing "nonjunk" or "notjunk" (any case) is ham, else containing
// "junk" is spam (as Thunderbird reads them).
func junkForm(f imap.Flag) Class {
	if strings.HasPrefix(string(f), `\`) {
		return ClassNone
	}
	k := strings.ToLower(string(f))
	switch {
	case strings.Contains(k, "nonjunk"), strings.Contains(k, "notjunk"):
		return ClassHam
	case strings.Contains(k, "junk"):
		return ClassSpam
	}
	return ClassNone
}

// userKeywordClass is the verdict a person (or another client) left in the
// keywords: mailwarden's own $Junk (with KeywordAutoSpam) and $NotJunk
// (with KeywordAutoHam) do not count. Ham wins when both are present.
func userKeywordClass(flags []imap.Flag) (Class, imap.Flag) {
	autoSpam, autoHam := hasFlag(flags, KeywordAutoSpam), hasFlag(flags, KeywordAutoHam)
	c, kw := ClassNone, imap.Flag("")
	for _, f := range flags {
		switch junkForm(f) {
		case ClassHam:
			if autoHam && equalFold(string(f), string(KeywordNotJunk)) {
				continue
			}
			return ClassHam, f
		case ClassSpam:
			if autoSpam && equalFold(string(f), string(KeywordJunk)) {
				continue
			}
			if c == ClassNone {
				c, kw = ClassSpam, f
			}
		}
	}
	return c, kw
}

// hasUserVerdict reports a junk keyword a person set (see
// userKeywordClass): such a message is never judged.
func hasUserVerdict(flags []imap.Flag) bool {
	c, _ := userKeywordClass(flags)
	return c != ClassNone
}

func hasFlag(flags []imap.Flag, f imap.Flag) bool {
	for _, g := range flags {
		if equalFold(string(g), string(f)) {
			return true
		}
	}
	return false
}

// decide works out the user's verdict on a message found in a folder of
// role: arrived is true for a new UID there, false for a flag change;
// fresh reports a message that reached the server moments ago (see
// freshDelivery). It returns ClassNone when there is nothing (new) to
// learn.
func decide(role folderRole, arrived, fresh bool, flags []imap.Flag, p Prior, isJunk func(string) bool) LearnEvent {
	kw, kwName := userKeywordClass(flags)
	ours := hasFlag(flags, KeywordAutoSpam)
	var ev LearnEvent
	switch {
	case role == roleOther:
		return LearnEvent{}
	case role == roleJunk && arrived:
		// The newest thing the user did is the move: the place wins over
		// keywords left from before.
		if ours || (p.Moved && p.Verdict == ClassNone) {
			return LearnEvent{} // mailwarden's own move (this one's or another's)
		}
		if fresh && !p.Known {
			return LearnEvent{} // delivered there by the server's filter
		}
		ev = LearnEvent{Class: ClassSpam, Source: SourceIntoJunk}
	case arrived: // INBOX or an ordinary folder
		wasInJunk := ours || isJunk(p.Folder) || (p.Moved && p.Verdict != ClassHam && p.Folder == "") ||
			(p.Trained == ClassSpam && p.Verdict != ClassHam && kw != ClassSpam)
		switch {
		case wasInJunk:
			ev = LearnEvent{Class: ClassHam, Source: SourceOutOfJunk}
		case kw != ClassNone:
			ev = LearnEvent{Class: kw, Source: SourceKeyword, Keyword: string(kwName)}
		}
	default: // keywords changed where the message is
		if kw != ClassNone {
			ev = LearnEvent{Class: kw, Source: SourceKeyword, Keyword: string(kwName)}
		}
	}
	if ev.Class == ClassNone || ev.Class == p.Verdict {
		return LearnEvent{}
	}
	return ev
}

// keywordChanges are the keywords to add and remove so that the message
// shows the user's verdict c to every client: the user's form of the
// verdict added, every keyword that contradicts it removed (mailwarden's
// markers included). Only keywords present are removed.
func keywordChanges(flags []imap.Flag, c Class) (add, remove []imap.Flag) {
	switch c {
	case ClassHam:
		if !hasFlag(flags, KeywordNotJunk) {
			add = append(add, KeywordNotJunk)
		}
		for _, f := range flags {
			if junkForm(f) == ClassSpam || equalFold(string(f), string(KeywordAutoSpam)) || equalFold(string(f), string(KeywordAutoHam)) {
				remove = append(remove, f)
			}
		}
	case ClassSpam:
		if !hasFlag(flags, KeywordJunk) {
			add = append(add, KeywordJunk)
		}
		for _, f := range flags {
			if junkForm(f) == ClassHam || equalFold(string(f), string(KeywordAutoSpam)) || equalFold(string(f), string(KeywordAutoHam)) {
				remove = append(remove, f)
			}
		}
	}
	return add, remove
}

// Digest is "sha256:..." of the message's header ("" when the header was
// not fetched): it tells apart two deliveries sharing a Message-ID.
func (m *Message) Digest() string {
	if m.Header == nil {
		return ""
	}
	return m.digest()
}
