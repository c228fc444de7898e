package store

import (
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// bucketRebuilt names the accounts whose sync state is being rebuilt after
// the state store was set aside as corrupt while the token store already
// held their training: their first-start scan must not train the mail
// already on the server a second time. Created when first written.
var bucketRebuilt = []byte("rebuilt") // account -> time marked (RFC 3339)

// MarkRebuilt records, in one transaction, that the first start of each
// account only rebuilds its sync state and trains nothing (see
// bucketRebuilt).
func (s *Store) MarkRebuilt(accounts []string) error {
	now := []byte(time.Now().UTC().Format(time.RFC3339))
	err := s.db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(bucketRebuilt)
		if err != nil {
			return err
		}
		for _, a := range accounts {
			if err := b.Put([]byte(a), now); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("write rebuilt accounts: %w", err)
	}
	return nil
}

// Rebuilt lists the accounts MarkRebuilt marked and ForgetRebuilt has not
// cleared.
func (s *Store) Rebuilt() (map[string]bool, error) {
	out := map[string]bool{}
	err := s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketRebuilt)
		if b == nil {
			return nil
		}
		return b.ForEach(func(k, _ []byte) error {
			out[string(k)] = true
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("read rebuilt accounts: %w", err)
	}
	return out, nil
}

// ForgetRebuilt clears an account's mark: an account removed from the
// config, and added again later, is new and trains on its first start.
func (s *Store) ForgetRebuilt(account string) error {
	err := s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketRebuilt)
		if b == nil {
			return nil
		}
		return b.Delete([]byte(account))
	})
	if err != nil {
		return fmt.Errorf("write rebuilt accounts: %w", err)
	}
	return nil
}

// Known is one message of an account that a rebuild found on the server
// and did not train (see MarkRebuilt): it is marked handled, so it is
// never judged as new mail.
type Known struct {
	Account  string
	Identity string
	Class    string // the class its folder says: "spam" or "ham"
	Size     int64
}

// RecordKnown marks each message handled for its account (action
// "rebuilt"), in one transaction; a message already in the ledger keeps
// its entry. The training ledger is not touched: whether the token store
// holds the message is unknown.
func (s *Store) RecordKnown(batch []Known) error {
	now := time.Now()
	err := s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketHandled)
		for _, k := range batch {
			key := key(k.Account, k.Identity)
			if b.Get(key) != nil {
				continue
			}
			if err := putJSON(tx, bucketHandled, key, Handled{Time: now, Verdict: k.Class, Action: "rebuilt", Size: k.Size}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("write handled ledger: %w", err)
	}
	return nil
}
