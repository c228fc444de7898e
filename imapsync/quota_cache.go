package imapsync

import (
	"encoding/binary"
	"errors"
	"fmt"
	netmail "net/mail"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/emersion/go-imap/v2"
)

// SizeEntry is one message of a folder's size index.
type SizeEntry struct {
	UID  imap.UID
	Size int64 // RFC822.SIZE
	// Date is when the message was written: its Date header, or its
	// INTERNALDATE (arrival) where the header is missing, does not parse or
	// lies outside 1970 … arrival + 1 day (case 06). DateFromInternal says
	// which.
	Date             time.Time
	DateFromInternal bool
}

// FolderIndex is what mailwarden knows of one folder's messages, so that
// sizes are fetched once per message, not at every check: valid for
// UIDValidity, complete for every UID below UIDNext that was still there
// at the last look. A folder whose UIDVALIDITY and UIDNEXT are unchanged
// and whose message count matches is not read again at all; new UIDs are
// fetched; expunges are found by the message count (then one UID SEARCH).
type FolderIndex struct {
	UIDValidity uint32
	UIDNext     imap.UID
	Entries     []SizeEntry // ascending UID
}

// Size is the sum of the entries' sizes.
func (x *FolderIndex) Size() int64 {
	var n int64
	for _, e := range x.Entries {
		n += e.Size
	}
	return n
}

// indexVersion is the first byte of MarshalBinary's output.
const indexVersion = 1

// MarshalBinary encodes the index compactly (varints, UID deltas: about
// 8 bytes a message), for the state store.
func (x *FolderIndex) MarshalBinary() ([]byte, error) {
	b := make([]byte, 0, 16+len(x.Entries)*9)
	b = append(b, indexVersion)
	b = binary.AppendUvarint(b, uint64(x.UIDValidity))
	b = binary.AppendUvarint(b, uint64(x.UIDNext))
	b = binary.AppendUvarint(b, uint64(len(x.Entries)))
	prev := imap.UID(0)
	for _, e := range x.Entries {
		if e.UID <= prev {
			return nil, fmt.Errorf("folder index: UID %d after %d", e.UID, prev)
		}
		b = binary.AppendUvarint(b, uint64(e.UID-prev))
		prev = e.UID
		b = binary.AppendUvarint(b, uint64(max(e.Size, 0)))
		d := e.Date.Unix() << 1
		if e.DateFromInternal {
			d |= 1
		}
		b = binary.AppendVarint(b, d)
	}
	return b, nil
}

var errIndex = errors.New("folder index: corrupt")

// UnmarshalBinary decodes MarshalBinary's output.
func (x *FolderIndex) UnmarshalBinary(b []byte) error {
	if len(b) == 0 || b[0] != indexVersion {
		return errIndex
	}
	b = b[1:]
	next := func() (uint64, bool) {
		v, n := binary.Uvarint(b)
		if n <= 0 {
			return 0, false
		}
		b = b[n:]
		return v, true
	}
	uv, ok1 := next()
	un, ok2 := next()
	cnt, ok3 := next()
	if !ok1 || !ok2 || !ok3 || cnt > uint64(len(b)) {
		return errIndex
	}
	*x = FolderIndex{UIDValidity: uint32(uv), UIDNext: imap.UID(un), Entries: make([]SizeEntry, 0, cnt)}
	uid := imap.UID(0)
	for range cnt {
		du, ok1 := next()
		size, ok2 := next()
		d, n := binary.Varint(b)
		if !ok1 || !ok2 || n <= 0 || du == 0 {
			return errIndex
		}
		b = b[n:]
		uid += imap.UID(du)
		x.Entries = append(x.Entries, SizeEntry{UID: uid, Size: int64(size), Date: time.Unix(d>>1, 0).UTC(), DateFromInternal: d&1 == 1})
	}
	if len(b) != 0 {
		return errIndex
	}
	return nil
}

// SizeCache keeps folder indexes between checks. The daemon's state store
// is one; NewMemSizeCache is for tests.
type SizeCache interface {
	// LoadSizes returns the index of a folder, nil if there is none.
	LoadSizes(account, mailbox string) (*FolderIndex, error)
	// SaveSizes stores the index of a folder; nil deletes it.
	SaveSizes(account, mailbox string, x *FolderIndex) error
	// SizeFolders lists the folders of an account that have an index.
	SizeFolders(account string) ([]string, error)
}

// NewMemSizeCache returns an in-memory SizeCache.
func NewMemSizeCache() SizeCache { return &memSizes{m: map[[2]string][]byte{}} }

type memSizes struct {
	mu sync.Mutex
	m  map[[2]string][]byte
}

func (c *memSizes) LoadSizes(account, mailbox string) (*FolderIndex, error) {
	c.mu.Lock()
	b, ok := c.m[[2]string{account, mailbox}]
	c.mu.Unlock()
	if !ok {
		return nil, nil
	}
	x := &FolderIndex{}
	return x, x.UnmarshalBinary(b)
}

func (c *memSizes) SaveSizes(account, mailbox string, x *FolderIndex) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if x == nil {
		delete(c.m, [2]string{account, mailbox})
		return nil
	}
	b, err := x.MarshalBinary()
	if err != nil {
		return err
	}
	c.m[[2]string{account, mailbox}] = b
	return nil
}

func (c *memSizes) SizeFolders(account string) ([]string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	for k := range c.m {
		if k[0] == account {
			out = append(out, k[1])
		}
	}
	sort.Strings(out)
	return out, nil
}

// earliestDate is the first plausible Date (case 06: "1970 … now").
var earliestDate = time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)

// messageDate returns the date of a message for "oldest mail": its Date
// header where that parses to a time between 1970 and a day after it
// arrived, else its INTERNALDATE (fromInternal). A Date header from a
// broken or lying mailer (year 101, hour 29, +9999, ISO 8601, Japanese
// text) never fails: it is simply not used.
func messageDate(header []byte, internal time.Time) (d time.Time, fromInternal bool) {
	latest := time.Now().Add(24 * time.Hour)
	if !internal.IsZero() {
		latest = internal.Add(24 * time.Hour)
	}
	if v, ok := headerField(header, "Date"); ok && len(v) < 200 {
		if t, err := netmail.ParseDate(v); err == nil && !t.Before(earliestDate) && !t.After(latest) {
			return t.UTC(), false
		}
	}
	return internal.UTC(), true
}

// sortedUIDs returns uids sorted and without duplicates.
func sortedUIDs(uids []imap.UID) []imap.UID {
	uids = slices.Clone(uids)
	slices.Sort(uids)
	return slices.Compact(uids)
}
