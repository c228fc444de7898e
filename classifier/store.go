package classifier

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strings"
)

// StoreFile is the name of the token store inside the model directory.
const StoreFile = "tokens.db"

// The store file format, version 2 (all integers little-endian):
//
//	magic    8 bytes  "MWTOKENS"
//	version  uint32   2
//	spam     uint32   spam messages counted
//	ham      uint32   ham messages counted
//	ntokens  uint32   number of token records
//	lr       uint32   messages that also trained the weights (Model.lrMsgs)
//	dropped  uint32   messages left out of the weights (Model.lrDropped)
//	records  ntokens × { uint64 token hash, uvarint spam, uvarint ham, float32 weight }
//	crc      uint32   CRC-32C of everything before it
//
// Version 1 (mailwarden before the regression weights) has no lr field and
// no weights; it is read as a store whose weights are all zero and lr 0, so
// it scores as before (Fisher method alone) until training moves it over
// (logistic.go). Counts over maxCount are halved on the way in.
const (
	storeMagic    = "MWTOKENS"
	storeVersion  = 2
	headerSizeV1  = 8 + 4*4
	headerSize    = headerSizeV1 + 8
	minRecordV1   = 8 + 1 + 1 // hash and two one-byte counts
	minRecord     = minRecordV1 + 4
	storeVersion1 = 1
)

var crcTable = crc32.MakeTable(crc32.Castagnoli)

// ErrCorrupt is matched (with errors.Is) by the error Open returns for a
// store file that is damaged, truncated or not a token store at all.
var ErrCorrupt = errors.New("corrupt token store")

// CorruptError says which store file is unusable and why.
type CorruptError struct {
	Path   string
	Reason string // e.g. "bad magic", "truncated", "checksum mismatch"
	// Kind names the damage for a caller that words it in the user's
	// language ("truncated", "truncated at", "checksum", ...); Args are
	// the numbers in Reason, in order.
	Kind string
	Args []any
}

// Error says what failed, which file, and what to do.
func (e *CorruptError) Error() string {
	return fmt.Sprintf("token store %s is corrupt (%s): move it aside and run `mailwarden train` again", e.Path, e.Reason)
}

// Is makes errors.Is(err, ErrCorrupt) true.
func (e *CorruptError) Is(target error) bool { return target == ErrCorrupt }

// Open returns the model stored in dir/tokens.db, or an empty model if the
// file does not exist yet. It creates dir (mode 0700) if needed. A damaged
// file gives a *CorruptError (errors.Is(err, ErrCorrupt)); the file is left
// untouched.
func Open(dir string, opts Options) (*Model, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create model directory: %w", err)
	}
	m := New(opts)
	m.path = filepath.Join(dir, StoreFile)
	data, err := os.ReadFile(m.path)
	if errors.Is(err, fs.ErrNotExist) {
		return m, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read token store: %w", err)
	}
	if err := m.load(data); err != nil {
		var ce *CorruptError
		if errors.As(err, &ce) {
			ce.Path = m.path
		}
		return nil, err
	}
	return m, nil
}

// Path returns the store file of a model made by Open ("" for New).
func (m *Model) Path() string { return m.path }

// corrupt makes the error of a damaged store: kind names the damage, the
// reason is format with args.
func corrupt(kind, format string, args ...any) error {
	return &CorruptError{Reason: fmt.Sprintf(format, args...), Kind: kind, Args: args}
}

// load parses a store file image into m.
func (m *Model) load(data []byte) error {
	if len(data) < len(storeMagic) || string(data[:len(storeMagic)]) != storeMagic {
		if len(data) < len(storeMagic) && strings.HasPrefix(storeMagic, string(data)) {
			return corrupt("truncated", "truncated")
		}
		return corrupt("bad magic", "bad magic")
	}
	if len(data) < headerSizeV1+4 {
		return corrupt("truncated", "truncated")
	}
	version := binary.LittleEndian.Uint32(data[8:])
	hsize, rsize := headerSize, minRecord
	switch version {
	case storeVersion:
	case storeVersion1:
		hsize, rsize = headerSizeV1, minRecordV1
	default:
		return corrupt("version", "unsupported version %d, this mailwarden reads versions %d and %d", version, storeVersion1, storeVersion)
	}
	if len(data) < hsize+4 {
		return corrupt("truncated", "truncated")
	}
	body, sum := data[:len(data)-4], binary.LittleEndian.Uint32(data[len(data)-4:])
	spam := binary.LittleEndian.Uint32(data[12:])
	ham := binary.LittleEndian.Uint32(data[16:])
	n := binary.LittleEndian.Uint32(data[20:])
	var lr, dropped uint32
	if version == storeVersion {
		lr = binary.LittleEndian.Uint32(data[24:])
		dropped = binary.LittleEndian.Uint32(data[28:])
	}
	// A version 1 store may count more than the 16-bit entries hold: halve
	// (rounding up) as often as a daemon would have.
	shift := 0
	for max(spam, ham)>>shift > maxCount {
		shift++
	}
	fit := func(v uint64) uint64 { return (v + 1<<shift - 1) >> shift }
	spam, ham = uint32(fit(uint64(spam))), uint32(fit(uint64(ham)))
	// Parse first, so a truncated file says "truncated" rather than
	// "checksum mismatch".
	recs := body[hsize:]
	if uint64(n)*uint64(rsize) > uint64(len(recs)) {
		return corrupt("truncated tokens", "truncated: %d tokens announced, room for at most %d", n, len(recs)/rsize)
	}
	tokens := newTokenTable(int(n))
	p := recs
	for i := uint32(0); i < n; i++ {
		if len(p) < 8 {
			return corrupt("truncated at", "truncated at token %d of %d", i, n)
		}
		h := binary.LittleEndian.Uint64(p)
		p = p[8:]
		s, k1 := binary.Uvarint(p)
		if k1 <= 0 {
			return corrupt("truncated at", "truncated at token %d of %d", i, n)
		}
		p = p[k1:]
		hm, k2 := binary.Uvarint(p)
		if k2 <= 0 {
			return corrupt("truncated at", "truncated at token %d of %d", i, n)
		}
		p = p[k2:]
		var w float32
		if version == storeVersion {
			if len(p) < 4 {
				return corrupt("truncated at", "truncated at token %d of %d", i, n)
			}
			w = math.Float32frombits(binary.LittleEndian.Uint32(p))
			p = p[4:]
			if math.IsNaN(float64(w)) || math.IsInf(float64(w), 0) {
				return corrupt("weight", "token %d of %d has weight %v", i, n, w)
			}
		}
		// A token is never counted in more messages than its class has.
		tokens.set(h, entry{spam: uint16(min(fit(s), uint64(spam))), ham: uint16(min(fit(hm), uint64(ham))), w: w})
	}
	if len(p) != 0 {
		return corrupt("trailing", "trailing bytes after the last token")
	}
	if crc32.Checksum(body, crcTable) != sum {
		return corrupt("checksum", "checksum mismatch")
	}
	m.mu.Lock()
	m.tokens, m.spamMsgs, m.hamMsgs, m.lrMsgs, m.lrDropped = tokens, spam, ham, lr, dropped
	m.queue = lrQueue{}
	m.fitLR()
	m.mu.Unlock()
	return nil
}

// Save writes the model to its store file atomically: a temporary file in
// the same directory (mode 0600) is written, synced and renamed over the old
// one, so a crash leaves either the old or the new store, never a mix.
func (m *Model) Save() error {
	if m.path == "" {
		return errors.New("save token store: model has no store file (made with New, not Open)")
	}
	return m.SaveAs(m.path)
}

// SaveAs writes the model atomically to path (see Save).
func (m *Model) SaveAs(path string) (err error) {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("save token store: %w", err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err := tmp.Chmod(0o600); err != nil {
		return fmt.Errorf("save token store: %w", err)
	}
	w := bufio.NewWriterSize(tmp, 1<<16)
	if _, err := m.WriteTo(w); err != nil {
		return fmt.Errorf("save token store %s: %w", tmp.Name(), err)
	}
	if err := w.Flush(); err != nil {
		return fmt.Errorf("save token store %s: %w", tmp.Name(), err)
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("save token store %s: sync: %w", tmp.Name(), err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("save token store %s: %w", tmp.Name(), err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("save token store: %w", err)
	}
	if d, err := os.Open(dir); err == nil {
		d.Sync() // make the rename durable; not fatal where unsupported
		d.Close()
	}
	return nil
}

// WriteTo writes the store file image of the model to w. It holds the read
// lock while writing, so classification goes on meanwhile.
func (m *Model) WriteTo(w io.Writer) (int64, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	cw := &crcWriter{w: w}
	var hdr [headerSize]byte
	copy(hdr[:], storeMagic)
	binary.LittleEndian.PutUint32(hdr[8:], storeVersion)
	binary.LittleEndian.PutUint32(hdr[12:], m.spamMsgs)
	binary.LittleEndian.PutUint32(hdr[16:], m.hamMsgs)
	binary.LittleEndian.PutUint32(hdr[20:], uint32(m.tokens.len()))
	binary.LittleEndian.PutUint32(hdr[24:], m.lrMsgs)
	// Waiting steps are not saved: loaded again, they were dropped.
	binary.LittleEndian.PutUint32(hdr[28:], m.lrDropped+uint32(m.queue.waiting()))
	if _, err := cw.Write(hdr[:]); err != nil {
		return cw.n, err
	}
	buf := make([]byte, 0, 64)
	var werr error
	m.tokens.each(func(h uint64, e entry) {
		if werr != nil {
			return
		}
		buf = binary.LittleEndian.AppendUint64(buf[:0], h)
		buf = binary.AppendUvarint(buf, uint64(e.spam))
		buf = binary.AppendUvarint(buf, uint64(e.ham))
		buf = binary.LittleEndian.AppendUint32(buf, math.Float32bits(e.w))
		_, werr = cw.Write(buf)
	})
	if werr != nil {
		return cw.n, werr
	}
	var sum [4]byte
	binary.LittleEndian.PutUint32(sum[:], cw.crc)
	k, err := w.Write(sum[:])
	return cw.n + int64(k), err
}

type crcWriter struct {
	w   io.Writer
	crc uint32
	n   int64
}

func (c *crcWriter) Write(p []byte) (int, error) {
	c.crc = crc32.Update(c.crc, crcTable, p)
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
