package store

import (
	"encoding/json"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Handled is the ledger entry of a message the daemon has judged. It is keyed
// by the message's stable identity (Message-ID, or a digest), not its UID, so
// it survives a UIDVALIDITY change and a second look never re-judges it.
type Handled struct {
	Time    time.Time `json:"time"`
	Verdict string    `json:"verdict"` // ham, unsure, spam
	Action  string    `json:"action"`  // leave, mark-ham, move-to-junk, would-move (dry run), ...
	Score   float64   `json:"score"`
}

// Handled returns the ledger entry of a message of an account, if any.
func (s *Store) Handled(account, identity string) (Handled, bool, error) {
	var h Handled
	var ok bool
	err := s.db.View(func(tx *bolt.Tx) error {
		var err error
		ok, err = getJSON(tx, bucketHandled, key(account, identity), &h)
		return err
	})
	if err != nil {
		return h, false, fmt.Errorf("read handled ledger of %s: %w", account, err)
	}
	return h, ok, nil
}

// Trained returns the class a message was trained as ("spam", "ham") or "".
func (s *Store) Trained(identity string) (string, error) {
	var class string
	err := s.db.View(func(tx *bolt.Tx) error {
		class = string(tx.Bucket(bucketTrained).Get([]byte(identity)))
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("read training ledger: %w", err)
	}
	return class, nil
}

// SetTrained records, in one transaction, the class each message identity
// was trained as ("spam" or "ham"); "" removes the record.
func (s *Store) SetTrained(batch map[string]string) error {
	err := s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketTrained)
		for identity, class := range batch {
			var err error
			if class == "" {
				err = b.Delete([]byte(identity))
			} else {
				err = b.Put([]byte(identity), []byte(class))
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("write training ledger: %w", err)
	}
	return nil
}

// TrainedCount counts the training ledger per class.
func (s *Store) TrainedCount() (spam, ham int, err error) {
	err = s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketTrained).ForEach(func(_, v []byte) error {
			switch string(v) {
			case "spam":
				spam++
			case "ham":
				ham++
			}
			return nil
		})
	})
	return spam, ham, err
}

func jsonUnmarshal(data []byte, v any) error { return json.Unmarshal(data, v) }
