package store

import (
	"fmt"
	"slices"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Buckets of learning from the user, created when first written.
var (
	bucketVerdicts = []byte("verdicts") // account\x00identity -> Verdict JSON
	bucketContacts = []byte("contacts") // account\x00address -> Contact JSON
)

// Verdict is what mailwarden knows of one message of an account besides
// the handled ledger: whether it moved the message to the junk folder
// itself, and the verdict the user gave (by moving it, by a junk keyword,
// or by undo). It is keyed by identity, like the ledgers.
type Verdict struct {
	// Digest is the header digest of the copy described: another delivery
	// with the same Message-ID is another message.
	Digest string `json:"digest,omitempty"`
	// Folder is where mailwarden last saw the message ("" = in the junk
	// folder it moved it to, or unknown).
	Folder string `json:"folder,omitempty"`
	// Moved: mailwarden moved it to the junk folder (at MovedAt).
	Moved   bool      `json:"moved,omitempty"`
	MovedAt time.Time `json:"moved_at,omitzero"`
	// User is the user's verdict, "spam" or "ham" ("" = none), learned at
	// At from Source (moved into junk, moved out of junk, junk keyword,
	// undo).
	User   string    `json:"user,omitempty"`
	Source string    `json:"source,omitempty"`
	At     time.Time `json:"at,omitzero"`
	// Changes counts how often the user's verdict changed: 1 for a verdict
	// learned once; more only when the user really changed their mind.
	Changes int `json:"changes,omitempty"`
}

// Verdict returns the record of a message of an account, if any.
func (s *Store) Verdict(account, identity string) (Verdict, bool, error) {
	var v Verdict
	var ok bool
	err := s.db.View(func(tx *bolt.Tx) error {
		if tx.Bucket(bucketVerdicts) == nil {
			return nil
		}
		var err error
		ok, err = getJSON(tx, bucketVerdicts, key(account, identity), &v)
		return err
	})
	if err != nil {
		return v, false, fmt.Errorf("read verdict of %s %s: %w", account, identity, err)
	}
	return v, ok, nil
}

// UpdateVerdict changes the record of a message in one transaction: fn gets
// the current record (zero if none) and edits it.
func (s *Store) UpdateVerdict(account, identity string, fn func(*Verdict)) error {
	err := s.db.Update(func(tx *bolt.Tx) error {
		if _, err := tx.CreateBucketIfNotExists(bucketVerdicts); err != nil {
			return err
		}
		k := key(account, identity)
		var v Verdict
		if _, err := getJSON(tx, bucketVerdicts, k, &v); err != nil {
			return err
		}
		fn(&v)
		return putJSON(tx, bucketVerdicts, k, v)
	})
	if err != nil {
		return fmt.Errorf("write verdict of %s %s: %w", account, identity, err)
	}
	return nil
}

// Verdicts lists the user verdicts of an account by identity (for tests
// and the status).
func (s *Store) Verdicts(account string) (map[string]Verdict, error) {
	out := map[string]Verdict{}
	prefix := append([]byte(account), 0)
	err := s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketVerdicts)
		if b == nil {
			return nil
		}
		c := b.Cursor()
		for k, v := c.Seek(prefix); k != nil && hasPrefix(k, prefix); k, v = c.Next() {
			var x Verdict
			if err := jsonUnmarshal(v, &x); err != nil {
				return err
			}
			out[string(k[len(prefix):])] = x
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read verdicts of %s: %w", account, err)
	}
	return out, nil
}

// Contact is an address the user wrote to (from the Sent folder), or one
// of the user's own addresses (the From of their sent mail).
type Contact struct {
	First time.Time `json:"first"`
	Last  time.Time `json:"last"`
	Count int       `json:"count"`
	Own   bool      `json:"own,omitempty"`
}

// AddContacts records the recipients of one message the user sent, and
// the user's own sender addresses, in one transaction. Addresses are kept
// in lower case.
func (s *Store) AddContacts(account string, recipients, own []string) error {
	now := time.Now()
	err := s.db.Update(func(tx *bolt.Tx) error {
		if _, err := tx.CreateBucketIfNotExists(bucketContacts); err != nil {
			return err
		}
		add := func(addr string, isOwn bool) error {
			k := key(account, strings.ToLower(addr))
			var c Contact
			if _, err := getJSON(tx, bucketContacts, k, &c); err != nil {
				return err
			}
			if c.First.IsZero() {
				c.First = now
			}
			c.Last, c.Own = now, c.Own || isOwn
			if !isOwn {
				c.Count++
			}
			return putJSON(tx, bucketContacts, k, c)
		}
		for _, a := range recipients {
			if err := add(a, false); err != nil {
				return err
			}
		}
		for _, a := range own {
			if err := add(a, true); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("record contacts of %s: %w", account, err)
	}
	return nil
}

// Contact returns what is known of an address for an account.
func (s *Store) Contact(account, addr string) (Contact, bool, error) {
	var c Contact
	var ok bool
	err := s.db.View(func(tx *bolt.Tx) error {
		if tx.Bucket(bucketContacts) == nil {
			return nil
		}
		var err error
		ok, err = getJSON(tx, bucketContacts, key(account, strings.ToLower(addr)), &c)
		return err
	})
	if err != nil {
		return c, false, fmt.Errorf("read contacts of %s: %w", account, err)
	}
	return c, ok, nil
}

// OwnAddresses lists the addresses the user sends from, sorted.
func (s *Store) OwnAddresses(account string) ([]string, error) {
	var out []string
	prefix := append([]byte(account), 0)
	err := s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketContacts)
		if b == nil {
			return nil
		}
		c := b.Cursor()
		for k, v := c.Seek(prefix); k != nil && hasPrefix(k, prefix); k, v = c.Next() {
			var x Contact
			if err := jsonUnmarshal(v, &x); err != nil {
				return err
			}
			if x.Own {
				out = append(out, string(k[len(prefix):]))
			}
		}
		return nil
	})
	slices.Sort(out)
	return out, err
}

// ActionBySeq returns one entry of the action log.
func (s *Store) ActionBySeq(seq uint64) (Action, bool, error) {
	var a Action
	var ok bool
	err := s.db.View(func(tx *bolt.Tx) error {
		var err error
		ok, err = getJSON(tx, bucketActions, seqKey(seq), &a)
		return err
	})
	if err != nil {
		return a, false, fmt.Errorf("read action %d: %w", seq, err)
	}
	return a, ok, nil
}

// LastMove returns the newest "move-to-junk" entry of the action log for a
// Message-ID (in an account, or any with account ""), newest first.
func (s *Store) LastMove(account, messageID string) (Action, bool, error) {
	var a Action
	var ok bool
	err := s.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketActions).Cursor()
		for k, v := c.Last(); k != nil; k, v = c.Prev() {
			var x Action
			if err := jsonUnmarshal(v, &x); err != nil {
				return fmt.Errorf("decode action %x: %w", k, err)
			}
			if x.Action == "move-to-junk" && x.MessageID == messageID && (account == "" || x.Account == account) {
				a, ok = x, true
				return nil
			}
		}
		return nil
	})
	if err != nil {
		return a, false, fmt.Errorf("read action log: %w", err)
	}
	return a, ok, nil
}
