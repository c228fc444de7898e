package imapsync

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/emersion/go-imap/v2"
)

func fl(s string) []imap.Flag {
	var out []imap.Flag
	for _, f := range strings.Fields(s) {
		out = append(out, imap.Flag(f))
	}
	return out
}

// The keywords a person (or another client) set, not mailwarden's own.
func TestUserKeywordClass(t *testing.T) {
	for flags, want := range map[string]Class{
		"":                                ClassNone,
		`\Seen \Flagged`:                  ClassNone,
		"$Junk":                           ClassSpam, // Apple Mail, or Thunderbird's $ form
		"Junk":                            ClassSpam, // Thunderbird
		"JUNK":                            ClassSpam,
		"NonJunk":                         ClassHam,
		"$notjunk":                        ClassHam,
		"Junk NonJunk":                    ClassHam,  // ham wins, as in Thunderbird
		"$Junk $MailwardenSpam":           ClassNone, // mailwarden's move
		"$NotJunk $MailwardenHam":         ClassNone, // mailwarden's ham mark
		"$NotJunk $MailwardenHam Junk":    ClassSpam, // the user said junk in Thunderbird since
		"$Junk $MailwardenSpam NonJunk":   ClassHam,
		"$MailwardenHam":                  ClassNone,
		"$Junk $MailwardenSpam $NotJunk":  ClassHam, // Apple Mail: not junk on mailwarden's move
		"$NotJunk $MailwardenHam $Junk x": ClassNone,
	} {
		got, _ := userKeywordClass(fl(flags))
		if flags == "$NotJunk $MailwardenHam $Junk x" {
			// $Junk here is a user's (mailwarden never sets it with AutoHam).
			if got != ClassSpam {
				t.Errorf("%q: %v, want spam", flags, got)
			}
			continue
		}
		if got != want {
			t.Errorf("%q: %v, want %v", flags, got, want)
		}
	}
}

// The decision table of learning from what the user did.
func TestDecide(t *testing.T) {
	isJunk := func(s string) bool { return s == "Junk" }
	moved := Prior{Moved: true}
	for _, c := range []struct {
		name    string
		role    folderRole
		arrived bool
		fresh   bool
		flags   string
		p       Prior
		want    string
	}{
		{"own move arrives in Junk (marker)", roleJunk, true, false, "$Junk $MailwardenSpam", Prior{}, "none"},
		{"own move arrives in Junk (ledger, no keywords)", roleJunk, true, false, "", moved, "none"},
		{"phone swipe into Junk", roleJunk, true, false, "", Prior{}, "spam/" + SourceIntoJunk},
		{"phone swipe of a message marked not junk before", roleJunk, true, false, "$NotJunk", Prior{Verdict: ClassHam}, "spam/" + SourceIntoJunk},
		{"rescued before, moved back into Junk", roleJunk, true, false, "$NotJunk", Prior{Moved: true, Verdict: ClassHam}, "spam/" + SourceIntoJunk},
		{"again into Junk, spam already learned", roleJunk, true, false, "$Junk", Prior{Verdict: ClassSpam}, "none"},
		{"rescue to INBOX with the marker", roleInbox, true, false, "$Junk $MailwardenSpam", Prior{}, "ham/" + SourceOutOfJunk},
		{"rescue to INBOX, keywords lost", roleInbox, true, false, "", moved, "ham/" + SourceOutOfJunk},
		{"rescue to Archive of a user's swipe", roleHam, true, false, "$Junk", Prior{Verdict: ClassSpam, Folder: "Junk"}, "ham/" + SourceOutOfJunk},
		{"rescue of first-start junk", roleInbox, true, false, "", Prior{Trained: ClassSpam}, "ham/" + SourceOutOfJunk},
		{"user's junk keyword moved to Archive", roleHam, true, false, "Junk", Prior{Trained: ClassSpam, Verdict: ClassSpam, Folder: "INBOX"}, "none"},
		{"rescued, now filed INBOX → Archive", roleHam, true, false, "$NotJunk", Prior{Moved: true, Verdict: ClassHam, Folder: "INBOX"}, "none"},
		{"new mail with no history", roleInbox, true, false, "", Prior{}, "none"},
		{"Thunderbird Junk in INBOX", roleInbox, false, false, "Junk", Prior{}, "spam/" + SourceKeyword},
		{"Thunderbird NonJunk in Junk", roleJunk, false, false, "$Junk $MailwardenSpam NonJunk", moved, "ham/" + SourceKeyword},
		{"mailwarden's own ham mark", roleInbox, false, false, "$NotJunk $MailwardenHam", Prior{}, "none"},
		{"keyword already learned", roleInbox, false, false, "$NotJunk", Prior{Verdict: ClassHam}, "none"},
		{"Trash is not watched", roleOther, true, false, "", moved, "none"},
		{"the server's filter delivered it to Junk", roleJunk, true, true, "", Prior{}, "none"},
		{"the user swiped new mail mailwarden judged", roleJunk, true, true, "", Prior{Known: true}, "spam/" + SourceIntoJunk},
		{"the user moved old unknown mail into Junk", roleJunk, true, false, "", Prior{}, "spam/" + SourceIntoJunk},
	} {
		ev := decide(c.role, c.arrived, c.fresh, fl(c.flags), c.p, isJunk)
		got := "none"
		if ev.Class != ClassNone {
			got = ev.Class.String() + "/" + ev.Source
		}
		if got != c.want {
			t.Errorf("%s: %s, want %s", c.name, got, c.want)
		}
	}
}

// The keywords stored after a verdict: the user's form added first,
// contradicting ones (markers included) removed.
func TestKeywordChanges(t *testing.T) {
	for _, c := range []struct {
		flags string
		class Class
		add   string
		rm    string
	}{
		{"$Junk $MailwardenSpam", ClassHam, "$NotJunk", "$Junk $MailwardenSpam"},
		{"Junk $Junk", ClassHam, "$NotJunk", "Junk $Junk"},
		{"$NotJunk", ClassHam, "", ""},
		{"$NotJunk $MailwardenHam", ClassHam, "", "$MailwardenHam"},
		{"$NotJunk $MailwardenHam", ClassSpam, "$Junk", "$NotJunk $MailwardenHam"},
		{"NonJunk", ClassSpam, "$Junk", "NonJunk"},
		{"$Junk", ClassSpam, "", ""},
	} {
		add, rm := keywordChanges(fl(c.flags), c.class)
		if fmt.Sprint(add) != fmt.Sprint(fl(c.add)) || fmt.Sprint(rm) != fmt.Sprint(fl(c.rm)) {
			t.Errorf("%q %v: add %v remove %v, want %v / %v", c.flags, c.class, add, rm, c.add, c.rm)
		}
	}
}

// The [MODIFIED] tap counts the code however the stream is cut.
func TestModifiedTap(t *testing.T) {
	stream := "* 1 FETCH (UID 1 MODSEQ (3))\r\nT3 OK [MODIFIED 1] Conditional store failed\r\nT4 OK done\r\nT5 OK [MODIFIED 2:3] x\r\n"
	for size := 1; size <= len(stream); size++ {
		tap := &modifiedTap{}
		for i := 0; i < len(stream); i += size {
			tap.Write([]byte(stream[i:min(i+size, len(stream))]))
		}
		if tap.seen() != 2 {
			t.Fatalf("chunks of %d: counted %d", size, tap.seen())
		}
	}
	if !slices.Equal(fl("a b"), []imap.Flag{"a", "b"}) {
		t.Fatal("fl")
	}
}
