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
	Size    int64     `json:"size,omitempty"` // RFC822.SIZE when judged; 0 = unknown
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

// TrainedBy returns the class a message was trained as ("spam", "ham" or
// "") and whether that was the user's correction (classifier
// TrainCorrection) rather than Train. A ledger written before corrections
// were recorded says Train.
func (s *Store) TrainedBy(identity string) (class string, correction bool, err error) {
	err = s.db.View(func(tx *bolt.Tx) error {
		class = string(tx.Bucket(bucketTrained).Get([]byte(identity)))
		correction = class != "" && string(tx.Bucket(bucketCorrected).Get([]byte(identity))) == class
		return nil
	})
	if err != nil {
		return "", false, fmt.Errorf("read training ledger: %w", err)
	}
	return class, correction, nil
}

// Training is one message trained from an account's folders.
type Training struct {
	Account  string
	Identity string
	Class    string // "spam", "ham", or "" to forget the training
	// Correction: trained as the user's correction (TrainCorrection), to be
	// untrained with UntrainCorrection.
	Correction bool
}

// RecordTraining writes, in one transaction, each message's class to the
// training ledger and marks it handled for its account, so it is never
// judged as new mail (after a UIDVALIDITY change, say).
func (s *Store) RecordTraining(batch []Training) error {
	now := time.Now()
	err := s.db.Update(func(tx *bolt.Tx) error {
		b, c := tx.Bucket(bucketTrained), tx.Bucket(bucketCorrected)
		for _, t := range batch {
			var err error
			if t.Class == "" {
				err = b.Delete([]byte(t.Identity))
			} else {
				err = b.Put([]byte(t.Identity), []byte(t.Class))
			}
			if err == nil {
				if t.Class != "" && t.Correction {
					err = c.Put([]byte(t.Identity), []byte(t.Class))
				} else {
					err = c.Delete([]byte(t.Identity))
				}
			}
			if err != nil {
				return err
			}
			k := key(t.Account, t.Identity)
			if tx.Bucket(bucketHandled).Get(k) == nil {
				if err := putJSON(tx, bucketHandled, k, Handled{Time: now, Verdict: t.Class, Action: "trained"}); err != nil {
					return err
				}
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
