package store

import (
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Action is one entry of the action log: what the daemon did with a message,
// when, and why. The tray's "recent actions" and undo read it.
type Action struct {
	Seq         uint64    `json:"seq"`
	Time        time.Time `json:"time"`
	Account     string    `json:"account"`
	Mailbox     string    `json:"mailbox"`
	UIDValidity uint32    `json:"uidvalidity"`
	UID         uint32    `json:"uid"`
	JunkUID     uint32    `json:"junk_uid,omitempty"`
	MessageID   string    `json:"message_id,omitempty"`
	Identity    string    `json:"identity"`
	Subject     string    `json:"subject,omitempty"`
	From        string    `json:"from,omitempty"`
	Size        int64     `json:"size"`
	Action      string    `json:"action"` // move-to-junk, mark-ham, leave, would-move, handled-elsewhere, failed
	Verdict     string    `json:"verdict"`
	Score       float64   `json:"score"`
	Reasons     []string  `json:"reasons,omitempty"`
	Error       string    `json:"error,omitempty"`
	DryRun      bool      `json:"dry_run,omitempty"`
}

// Record appends a to the action log and, in the same transaction, writes the
// handled ledger entry for its message (unless the action failed, so the
// message is retried later). It sets a.Seq.
func (s *Store) Record(a *Action) error {
	err := s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketActions)
		seq, err := b.NextSequence()
		if err != nil {
			return err
		}
		a.Seq = seq
		if err := putJSON(tx, bucketActions, seqKey(seq), a); err != nil {
			return err
		}
		if a.Action == "failed" {
			return nil
		}
		return putJSON(tx, bucketHandled, key(a.Account, a.Identity), Handled{
			Time: a.Time, Verdict: a.Verdict, Action: a.Action, Score: a.Score, Size: a.Size,
		})
	})
	if err != nil {
		return fmt.Errorf("record action on %s UID %d: %w", a.Account, a.UID, err)
	}
	return nil
}

// Actions returns the action log, oldest first, with at most limit entries
// (the newest ones); limit <= 0 means all.
func (s *Store) Actions(limit int) ([]Action, error) {
	var out []Action
	err := s.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketActions).Cursor()
		var n int
		for k, v := c.Last(); k != nil && (limit <= 0 || n < limit); k, v = c.Prev() {
			var a Action
			if err := jsonUnmarshal(v, &a); err != nil {
				return fmt.Errorf("decode action %x: %w", k, err)
			}
			out = append(out, a)
			n++
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read action log: %w", err)
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out, nil
}
