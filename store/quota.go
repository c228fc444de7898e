package store

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/mailwarden/mailwarden/imapsync"
	"github.com/mailwarden/mailwarden/quota"
	bolt "go.etcd.io/bbolt"
)

// Quota buckets, created on first write (a store from an older build has
// none: reads then find nothing).
var (
	bucketQuota   = []byte("quota")         // account -> QuotaState JSON
	bucketHistory = []byte("quota-history") // account\x00big-endian unix nanoseconds -> quota.Usage JSON
	bucketSizes   = []byte("sizes")         // account\x00mailbox -> imapsync.FolderIndex (binary)
)

// The Store keeps the folder size indexes of imapsync.Session.Usage.
var _ imapsync.SizeCache = (*Store)(nil)

// QuotaState is what the daemon remembers of an account's quota across
// restarts: the alert monitor's state, so a restart does not alert again,
// and the last report, shown while the server cannot be reached.
type QuotaState struct {
	Monitor quota.MonitorState `json:"monitor"`
	// Report is the daemon's last report of the account (JSON of
	// localapi.QuotaReport, which this package cannot name).
	Report json.RawMessage `json:"report,omitempty"`
}

// QuotaState returns the stored quota state of an account.
func (s *Store) QuotaState(account string) (QuotaState, bool, error) {
	var st QuotaState
	var ok bool
	err := s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketQuota)
		if b == nil {
			return nil
		}
		data := b.Get([]byte(account))
		if data == nil {
			return nil
		}
		ok = true
		return json.Unmarshal(data, &st)
	})
	if err != nil {
		return QuotaState{}, false, fmt.Errorf("read quota state of %s: %w", account, err)
	}
	return st, ok, nil
}

// SetQuotaState stores the quota state of an account.
func (s *Store) SetQuotaState(account string, st QuotaState) error {
	data, err := json.Marshal(st)
	if err != nil {
		return err
	}
	err = s.db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(bucketQuota)
		if err != nil {
			return err
		}
		return b.Put([]byte(account), data)
	})
	if err != nil {
		return fmt.Errorf("write quota state of %s: %w", account, err)
	}
	return nil
}

// historyKey orders an account's readings by time. Times before 1970 (the
// zero time) sort first.
func historyKey(account string, t time.Time) []byte {
	k := append([]byte(account), 0)
	n := uint64(0)
	if t.After(time.Unix(0, 0)) {
		n = uint64(t.UnixNano())
	}
	return binary.BigEndian.AppendUint64(k, n)
}

// AddQuotaReading appends a reading to an account's usage history, unless
// the newest stored one is less than every old: frequent checks then keep
// one reading per period (the trend needs no more), and the history stays
// small. Readings older than keep (before u.Time) are dropped. stored
// reports whether u was kept.
func (s *Store) AddQuotaReading(account string, u quota.Usage, every, keep time.Duration) (stored bool, err error) {
	data, err := json.Marshal(u)
	if err != nil {
		return false, err
	}
	prefix := append([]byte(account), 0)
	err = s.db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(bucketHistory)
		if err != nil {
			return err
		}
		c := b.Cursor()
		// The newest reading of the account: the last key with the prefix.
		k, _ := c.Seek(binary.BigEndian.AppendUint64(slices.Clone(prefix), math.MaxUint64)) // past every reading of the account
		if k == nil {
			k, _ = c.Last()
		} else {
			k, _ = c.Prev()
		}
		if k != nil && hasPrefix(k, prefix) && len(k) == len(prefix)+8 {
			last := time.Unix(0, int64(binary.BigEndian.Uint64(k[len(prefix):])))
			if u.Time.Sub(last) < every {
				return nil
			}
		}
		if err := b.Put(historyKey(account, u.Time), data); err != nil {
			return err
		}
		stored = true
		cutoff := historyKey(account, u.Time.Add(-keep))
		var old [][]byte
		for k, _ := c.Seek(prefix); k != nil && hasPrefix(k, prefix) && string(k) < string(cutoff); k, _ = c.Next() {
			old = append(old, k)
		}
		for _, k := range old {
			if err := b.Delete(k); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("record quota reading of %s: %w", account, err)
	}
	return stored, nil
}

// QuotaHistory returns an account's readings since a time, oldest first.
func (s *Store) QuotaHistory(account string, since time.Time) ([]quota.Usage, error) {
	var out []quota.Usage
	prefix := append([]byte(account), 0)
	err := s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketHistory)
		if b == nil {
			return nil
		}
		c := b.Cursor()
		for k, v := c.Seek(historyKey(account, since)); k != nil && hasPrefix(k, prefix); k, v = c.Next() {
			var u quota.Usage
			if err := json.Unmarshal(v, &u); err != nil {
				return err
			}
			out = append(out, u)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read quota history of %s: %w", account, err)
	}
	return out, nil
}

// LoadSizes returns the size index of a folder, nil if there is none. An
// index that does not decode is treated as missing: it is rebuilt.
func (s *Store) LoadSizes(account, mailbox string) (*imapsync.FolderIndex, error) {
	var x *imapsync.FolderIndex
	err := s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketSizes)
		if b == nil {
			return nil
		}
		data := b.Get(key(account, mailbox))
		if data == nil {
			return nil
		}
		x = &imapsync.FolderIndex{}
		if x.UnmarshalBinary(data) != nil {
			x = nil
		}
		return nil
	})
	return x, err
}

// SaveSizes stores the size index of a folder; nil deletes it.
func (s *Store) SaveSizes(account, mailbox string, x *imapsync.FolderIndex) error {
	var data []byte
	if x != nil {
		var err error
		if data, err = x.MarshalBinary(); err != nil {
			return err
		}
	}
	err := s.db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(bucketSizes)
		if err != nil {
			return err
		}
		if data == nil {
			return b.Delete(key(account, mailbox))
		}
		return b.Put(key(account, mailbox), data)
	})
	if err != nil {
		return fmt.Errorf("write size index of %s/%q: %w", account, mailbox, err)
	}
	return nil
}

// SizeFolders lists the folders of an account that have a size index.
func (s *Store) SizeFolders(account string) ([]string, error) {
	var out []string
	prefix := append([]byte(account), 0)
	err := s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketSizes)
		if b == nil {
			return nil
		}
		c := b.Cursor()
		for k, _ := c.Seek(prefix); k != nil && hasPrefix(k, prefix); k, _ = c.Next() {
			out = append(out, string(k[len(prefix):]))
		}
		return nil
	})
	return out, err
}
