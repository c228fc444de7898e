package imapsync

import (
	"sort"
	"sync"
	"time"

	"github.com/emersion/go-imap/v2"
)

// FolderState is the sync state of one folder, valid for one UIDVALIDITY.
type FolderState struct {
	UIDValidity uint32
	// LastUID: every message up to this UID has been handled (INBOX) or
	// trained (other folders).
	LastUID imap.UID
	// Trained: the first-start scan of this folder is complete. For INBOX
	// it marks the whole scan complete.
	Trained bool
	// ModSeq is the folder's HIGHESTMODSEQ when it was last looked at for
	// keyword changes (CONDSTORE; 0 = unknown). Only the learning
	// connection keeps it.
	ModSeq uint64 `json:",omitempty"`
}

// PendingMove is a move that was started and not yet confirmed. It is
// stored before the first command of the move and cleared once the outcome
// is recorded; after a crash or a cut connection it is resolved by
// Message-ID, never by UID alone.
type PendingMove struct {
	Mailbox     string
	UIDValidity uint32
	UID         imap.UID
	// MessageID is the message's Identity(): its Message-ID, or
	// "sha256:..." of its header when it has none.
	MessageID string
	Started   time.Time
	// Digest is "sha256:..." of the header: it tells the moved message from
	// another one with the same Message-ID.
	Digest string `json:",omitempty"`
	// Size is RFC822.SIZE.
	Size int64 `json:",omitempty"`
}

// StateStore keeps sync state across restarts. The daemon has a bbolt one;
// NewMemState is for tests.
type StateStore interface {
	Folder(account, mailbox string) (FolderState, bool, error)
	SetFolder(account, mailbox string, st FolderState) error
	Pending(account string) ([]PendingMove, error)
	SetPending(account string, p PendingMove) error
	ClearPending(account string, p PendingMove) error
}

// NewMemState returns an in-memory StateStore (for tests).
func NewMemState() StateStore {
	return &memState{folders: map[[2]string]FolderState{}, pending: map[memKey]PendingMove{}}
}

type memKey struct {
	account, mailbox string
	uidValidity      uint32
	uid              imap.UID
}

type memState struct {
	mu      sync.Mutex
	folders map[[2]string]FolderState
	pending map[memKey]PendingMove
}

func (m *memState) Folder(account, mailbox string) (FolderState, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	st, ok := m.folders[[2]string{account, mailbox}]
	return st, ok, nil
}

func (m *memState) SetFolder(account, mailbox string, st FolderState) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.folders[[2]string{account, mailbox}] = st
	return nil
}

func (m *memState) Pending(account string) ([]PendingMove, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []PendingMove
	for k, p := range m.pending {
		if k.account == account {
			out = append(out, p)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].UID < out[j].UID })
	return out, nil
}

func (m *memState) SetPending(account string, p PendingMove) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.pending[memKey{account, p.Mailbox, p.UIDValidity, p.UID}] = p
	return nil
}

func (m *memState) ClearPending(account string, p PendingMove) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.pending, memKey{account, p.Mailbox, p.UIDValidity, p.UID})
	return nil
}
