// Package store is mailwarden's one transactional state store: per-folder sync
// state, moves in flight, the ledger of handled and trained messages, and the
// action log. It is a single bbolt file; every write is one transaction, so a
// crash leaves either the old or the new state, never a mix.
package store

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"

	"github.com/mailwarden/mailwarden/i18n"
)

// Bucket names. Keys inside per-account buckets are documented where used.
var (
	bucketFolders = []byte("folders") // account\x00mailbox -> FolderState JSON
	bucketPending = []byte("pending") // account\x00mailbox\x00uidvalidity\x00uid -> PendingMove JSON
	bucketHandled = []byte("handled") // account\x00identity -> Handled JSON
	bucketTrained = []byte("trained") // identity -> "spam" | "ham"
	// identity -> the class of trained when it was the user's correction
	// (classifier TrainCorrection); none, or another class, means Train.
	bucketCorrected = []byte("corrected")
	bucketActions   = []byte("actions") // big-endian sequence -> Action JSON
)

// ErrCorrupt reports a state file that cannot be read. The caller sets it
// aside (see Recover) and starts afresh: sync state is rebuilt from the
// server and the classifier keeps its own token file.
var ErrCorrupt = errors.New("state store is corrupt")

// Store is an open state store. It is safe for concurrent use.
type Store struct {
	db   *bolt.DB
	path string
}

// Open opens (creating if needed) the state store at path. A file that is
// not a valid store yields an error wrapping ErrCorrupt that names the file
// and the fix; a store held by another running mailwarden yields an error
// saying so after a short wait.
func Open(path string) (*Store, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("create state directory: %w", err)
	}
	if fi, err := os.Stat(path); err == nil && fi.Size() == 0 {
		// bbolt would make a new store of it; but the file was a store
		// once (mailwarden never leaves an empty one), so its state is lost.
		return nil, fmt.Errorf("%w: %s: the file is empty; move it aside (mailwarden does this itself on start) and the state is rebuilt from the server", ErrCorrupt, path)
	}
	db, err := openChecked(path)
	if err != nil {
		switch {
		case errors.Is(err, bolterrors.ErrTimeout):
			return nil, fmt.Errorf("state store %s is in use by another mailwarden process: stop it first (%w)", path, err)
		case errors.Is(err, errDamaged), errors.Is(err, bolterrors.ErrInvalid), errors.Is(err, bolterrors.ErrVersionMismatch), errors.Is(err, bolterrors.ErrChecksum):
			return nil, fmt.Errorf("%w: %s: %v; move it aside (mailwarden does this itself on start) and the state is rebuilt from the server", ErrCorrupt, path, err)
		}
		return nil, fmt.Errorf("open state store %s: %w", path, err)
	}
	return &Store{db: db, path: path}, nil
}

// errDamaged marks what openChecked found wrong inside a file bbolt
// opened (or choked on): Open reports it as ErrCorrupt.
var errDamaged = errors.New("damaged")

// openChecked opens the bbolt file at path and proves it readable before
// anyone uses it: bbolt trusts the file's page numbers, so a damaged or
// truncated file makes it panic ("invalid freelist page") or fault on its
// memory map (SIGSEGV, SIGBUS) — at the open or at any later read. Here
// both are turned into an error wrapping errDamaged: a panic is recovered,
// a fault becomes a panic (debug.SetPanicOnFault, for this goroutine), and
// every page is read once, in this goroutine, before the store is handed
// out: the meta pages must fit the file, every bucket and key is walked,
// and bbolt's own consistency check must pass. The buckets are created
// in the same protected stretch.
func openChecked(path string) (db *bolt.DB, err error) {
	var file *os.File // bbolt's, to release its lock after a panic in Open
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			if db != nil {
				closeQuietly(db)
			} else if file != nil {
				unlockFile(file)
				file.Close()
			}
			db, err = nil, fmt.Errorf("%w: %v", errDamaged, r)
		}
	}()
	db, err = bolt.Open(path, 0o600, &bolt.Options{Timeout: 2 * time.Second, OpenFile: capture(&file)})
	if err != nil {
		if strings.Contains(err.Error(), "file size too small") { // bbolt's words for a file shorter than its pages
			err = fmt.Errorf("%w: %v", errDamaged, err)
		}
		return nil, err
	}
	if err := validate(db); err != nil {
		closeQuietly(db)
		return nil, fmt.Errorf("%w: %v", errDamaged, err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bucketFolders, bucketPending, bucketHandled, bucketTrained, bucketCorrected, bucketActions} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		closeQuietly(db)
		return nil, fmt.Errorf("%w: %v", errDamaged, err)
	}
	return db, nil
}

// capture is an OpenFile for bbolt that keeps the file it opens in *f.
func capture(f **os.File) func(string, int, os.FileMode) (*os.File, error) {
	return func(name string, flag int, mode os.FileMode) (*os.File, error) {
		file, err := os.OpenFile(name, flag, mode)
		*f = file
		return file, err
	}
}

// closeQuietly closes a db that may be damaged: its Close may panic too.
func closeQuietly(db *bolt.DB) {
	defer func() { recover() }()
	db.Close()
}

// validate reads every page of db once (see openChecked).
func validate(db *bolt.DB) error {
	fi, err := os.Stat(db.Path())
	if err != nil {
		return err
	}
	return db.View(func(tx *bolt.Tx) error {
		if tx.Size() > fi.Size() {
			return fmt.Errorf("the file is %d bytes, its pages reach to %d: truncated", fi.Size(), tx.Size())
		}
		var walk func(b *bolt.Bucket, depth int) error
		walk = func(b *bolt.Bucket, depth int) error {
			if depth > 16 {
				return errors.New("buckets nested too deep")
			}
			c := b.Cursor()
			for k, v := c.First(); k != nil; k, v = c.Next() {
				if v != nil {
					continue
				}
				if child := b.Bucket(k); child != nil {
					if err := walk(child, depth+1); err != nil {
						return err
					}
				}
			}
			return nil
		}
		err := tx.ForEach(func(_ []byte, b *bolt.Bucket) error { return walk(b, 0) })
		if err != nil {
			return err
		}
		for cerr := range tx.Check() {
			if err == nil {
				err = cerr
			}
		}
		return err
	})
}

// InUse reports whether a running process holds the state store at path:
// a mailwarden daemon keeps its store open, and locked, for as long as it
// runs, whatever socket it answers on. A missing file is not in use.
func InUse(path string) (inUse bool) {
	if _, err := os.Stat(path); err != nil {
		return false
	}
	// A damaged file may make bbolt panic or fault (see openChecked): it
	// is not in use by a daemon, which would have set it aside.
	var file *os.File
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if recover() != nil {
			inUse = false
			if file != nil { // the shared lock must not outlive this look
				unlockFile(file)
				file.Close()
			}
		}
	}()
	// A read-only open takes a shared lock, which the daemon's exclusive
	// one refuses; the short timeout is the whole wait.
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: 100 * time.Millisecond, OpenFile: capture(&file)})
	if err != nil {
		return errors.Is(err, bolterrors.ErrTimeout)
	}
	closeQuietly(db)
	return false
}

// OpenOrRecover opens the store at path; if the file is corrupt it is renamed
// to path+".corrupt-<time>" and a fresh store is created. The returned note
// is non-empty when that happened, for the log and the status.
func OpenOrRecover(path string) (s *Store, note string, err error) {
	s, err = Open(path)
	if err == nil || !errors.Is(err, ErrCorrupt) {
		return s, "", err
	}
	aside := fmt.Sprintf("%s.corrupt-%s", path, time.Now().UTC().Format("20060102T150405Z"))
	if rerr := os.Rename(path, aside); rerr != nil {
		return nil, "", fmt.Errorf("%v; and setting it aside failed: %w", err, rerr)
	}
	s, err = Open(path)
	if err != nil {
		return nil, "", err
	}
	return s, i18n.Detect().T("store recovered", path, aside), nil
}

// Path returns the file the store lives in.
func (s *Store) Path() string { return s.path }

// Close closes the store.
func (s *Store) Close() error { return s.db.Close() }

func key(parts ...string) []byte {
	n := 0
	for _, p := range parts {
		n += len(p) + 1
	}
	b := make([]byte, 0, n)
	for i, p := range parts {
		if i > 0 {
			b = append(b, 0)
		}
		b = append(b, p...)
	}
	return b
}

func putJSON(tx *bolt.Tx, bucket, k []byte, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return tx.Bucket(bucket).Put(k, data)
}

func getJSON(tx *bolt.Tx, bucket, k []byte, v any) (bool, error) {
	data := tx.Bucket(bucket).Get(k)
	if data == nil {
		return false, nil
	}
	if err := json.Unmarshal(data, v); err != nil {
		return false, fmt.Errorf("decode %s record: %w", bucket, err)
	}
	return true, nil
}

func seqKey(n uint64) []byte {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], n)
	return b[:]
}
