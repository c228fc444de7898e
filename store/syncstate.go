package store

import (
	"fmt"
	"strconv"

	"github.com/mailwarden/mailwarden/imapsync"
	bolt "go.etcd.io/bbolt"
)

// The Store is the daemon's imapsync.StateStore.
var _ imapsync.StateStore = (*Store)(nil)

// Folder returns the stored sync state of one folder of an account.
func (s *Store) Folder(account, mailbox string) (imapsync.FolderState, bool, error) {
	var st imapsync.FolderState
	var ok bool
	err := s.db.View(func(tx *bolt.Tx) error {
		var err error
		ok, err = getJSON(tx, bucketFolders, key(account, mailbox), &st)
		return err
	})
	if err != nil {
		return st, false, fmt.Errorf("read sync state of %s/%q: %w", account, mailbox, err)
	}
	return st, ok, nil
}

// SetFolder stores the sync state of one folder of an account.
func (s *Store) SetFolder(account, mailbox string, st imapsync.FolderState) error {
	err := s.db.Update(func(tx *bolt.Tx) error {
		return putJSON(tx, bucketFolders, key(account, mailbox), st)
	})
	if err != nil {
		return fmt.Errorf("write sync state of %s/%q: %w", account, mailbox, err)
	}
	return nil
}

func pendingKey(account string, p imapsync.PendingMove) []byte {
	return key(account, p.Mailbox, strconv.FormatUint(uint64(p.UIDValidity), 10), strconv.FormatUint(uint64(p.UID), 10))
}

// Pending lists the moves of an account that were started and not yet
// confirmed: after a crash or a cut connection they are resolved by
// Message-ID before anything else happens.
func (s *Store) Pending(account string) ([]imapsync.PendingMove, error) {
	var out []imapsync.PendingMove
	prefix := append([]byte(account), 0)
	err := s.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketPending).Cursor()
		for k, v := c.Seek(prefix); k != nil && hasPrefix(k, prefix); k, v = c.Next() {
			var p imapsync.PendingMove
			if err := jsonUnmarshal(v, &p); err != nil {
				return err
			}
			out = append(out, p)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read pending moves of %s: %w", account, err)
	}
	return out, nil
}

// SetPending records a move about to start.
func (s *Store) SetPending(account string, p imapsync.PendingMove) error {
	err := s.db.Update(func(tx *bolt.Tx) error {
		return putJSON(tx, bucketPending, pendingKey(account, p), p)
	})
	if err != nil {
		return fmt.Errorf("record pending move of %s UID %d: %w", account, p.UID, err)
	}
	return nil
}

// ClearPending forgets a move once its outcome is known.
func (s *Store) ClearPending(account string, p imapsync.PendingMove) error {
	err := s.db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketPending).Delete(pendingKey(account, p))
	})
	if err != nil {
		return fmt.Errorf("clear pending move of %s UID %d: %w", account, p.UID, err)
	}
	return nil
}

func hasPrefix(b, prefix []byte) bool {
	return len(b) >= len(prefix) && string(b[:len(prefix)]) == string(prefix)
}
