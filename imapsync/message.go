package imapsync

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"time"

	"github.com/emersion/go-imap/v2"
)

// Message is one message as the Handler sees it.
type Message struct {
	Mailbox     string   // decoded mailbox name, e.g. "INBOX"
	UIDValidity uint32   // of Mailbox when UID was read
	UID         imap.UID // valid only with UIDValidity
	// MessageID is the Message-ID header, normalised to "<id>" (angle
	// brackets kept, surrounding space and comments dropped); "" if none.
	MessageID    string
	Size         int64 // RFC822.SIZE
	InternalDate time.Time
	Flags        []imap.Flag
	// Header is the full header (BODY.PEEK[HEADER]), including the blank
	// line that ends it.
	Header []byte
	// Raw is the header and the first Account.MaxFetch bytes of the body
	// (BODY.PEEK[]<0.len(Header)+MaxFetch>); nil until fetched.
	Raw []byte

	modSeq uint64 // MODSEQ when the header was fetched (CONDSTORE), for a claim
}

// Identity is a stable name of the message across folders and UIDVALIDITY
// changes: its Message-ID, else "sha256:" and the hex SHA-256 of its header.
func (m *Message) Identity() string {
	if m.MessageID != "" {
		return m.MessageID
	}
	return headerDigest(m.Header)
}

// digest is the SHA-256 of the header: it tells apart messages sharing a
// Message-ID (the header holds the Received lines of each delivery).
func (m *Message) digest() string { return headerDigest(m.Header) }

func headerDigest(h []byte) string {
	sum := sha256.Sum256(h)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// HasFlag reports whether the message carries f (case-insensitive).
func (m *Message) HasFlag(f imap.Flag) bool {
	for _, g := range m.Flags {
		if equalFold(string(g), string(f)) {
			return true
		}
	}
	return false
}

func equalFold(a, b string) bool { return strings.EqualFold(a, b) }

// Junk keywords: mailwarden writes $Junk and $NotJunk; Thunderbird writes
// Junk and NonJunk (or the $ forms where plain keywords are refused).
const (
	KeywordJunk    imap.Flag = "$Junk"
	KeywordNotJunk imap.Flag = "$NotJunk"
)

// verdict is a user's (or another filter's) junk verdict read from keywords.
type verdict int

const (
	noVerdict verdict = iota
	hamVerdict
	spamVerdict
)

// keywordVerdict reads the junk keywords the way Thunderbird does: a keyword
// containing "nonjunk" or "notjunk" (any case) means ham, else one containing
// "junk" means spam. Ham wins when both are present: a message the user
// rescued is never moved again.
func keywordVerdict(flags []imap.Flag) verdict {
	v := noVerdict
	for _, f := range flags {
		if strings.HasPrefix(string(f), `\`) {
			continue
		}
		k := strings.ToLower(string(f))
		switch {
		case strings.Contains(k, "nonjunk"), strings.Contains(k, "notjunk"):
			return hamVerdict
		case strings.Contains(k, "junk"):
			v = spamVerdict
		}
	}
	return v
}

// headerField returns the unfolded value of the first header field called
// name (case-insensitive). It tolerates bare LF, NUL bytes and a header
// without the ending blank line.
func headerField(header []byte, name string) (string, bool) {
	lines := bytes.Split(header, []byte("\n"))
	for i := 0; i < len(lines); i++ {
		line := bytes.TrimRight(lines[i], "\r")
		if len(line) == 0 {
			break // end of header
		}
		colon := bytes.IndexByte(line, ':')
		if colon <= 0 || line[0] == ' ' || line[0] == '\t' {
			continue
		}
		if !strings.EqualFold(string(bytes.TrimRight(line[:colon], " \t")), name) {
			continue
		}
		val := string(line[colon+1:])
		for i+1 < len(lines) {
			next := bytes.TrimRight(lines[i+1], "\r")
			if len(next) == 0 || (next[0] != ' ' && next[0] != '\t') {
				break
			}
			val += " " + strings.TrimSpace(string(next))
			i++
		}
		return strings.TrimSpace(val), true
	}
	return "", false
}

// normaliseMessageID returns "<id>" from a Message-ID header value: the
// first <...> token, else the first word wrapped in angle brackets.
func normaliseMessageID(v string) string {
	if i := strings.IndexByte(v, '<'); i >= 0 {
		if j := strings.IndexByte(v[i:], '>'); j > 1 {
			id := strings.TrimSpace(v[i+1 : i+j])
			if id != "" && !strings.ContainsAny(id, " \t") {
				return "<" + id + ">"
			}
		}
	}
	f := strings.Fields(strings.Trim(v, "<>"))
	if len(f) == 0 {
		return ""
	}
	return "<" + strings.Trim(f[0], "<>") + ">"
}

// messageIDOf extracts the normalised Message-ID of a header.
func messageIDOf(header []byte) string {
	v, ok := headerField(header, "Message-ID")
	if !ok {
		return ""
	}
	return normaliseMessageID(v)
}
