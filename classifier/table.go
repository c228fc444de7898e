package classifier

import (
	"math/bits"
	"runtime"
	"unsafe"
)

// tokenTable maps token hashes to what the model knows of them (training
// counts and the logistic-regression weight): open addressing with linear
// probing in one flat slice of 16-byte slots (load at most 3/4; any size, a
// key's home slot is the high half of key × size, so the table grows by
// half and is loaded at 2/3 instead of jumping to the next power of two:
// a million tokens take 24 MB, not 32), backward-shift deletion. A lookup is one cache line in the common case;
// Go's map took about 1.6 times as long on a million tokens, and lookups are
// the largest single cost of Classify.
type tokenTable struct {
	slots []wslot
	n     int
}

// entry is one token's state. 16-bit counts leave room for the 32-bit
// weight in the same 16-byte slot as the old pair of 32-bit counts: the
// model halves all counts before a class passes maxCount messages
// (Model.halve), so a count never needs more.
type entry struct {
	spam, ham uint16  // messages of each class the token was trained in
	w         float32 // logistic-regression weight (logistic.go)
}

type wslot struct {
	key uint64 // the token hash; 0 marks an empty slot
	e   entry
}

// tslot is the tokenizer's de-duplication slot (tokenize.go): a hash and
// an index kept in c.spam.
type tslot struct {
	key uint64
	c   counts
}

// emptyKeyAlias stands in for a hash that happens to be 0.
const emptyKeyAlias = 0x9E3779B97F4A7C15

func fixKey(k uint64) uint64 {
	if k == 0 {
		return emptyKeyAlias
	}
	return k
}

// newTokenTable returns a table sized for n tokens, with room for half as
// many again before it grows.
func newTokenTable(n int) tokenTable {
	t := tokenTable{slots: make([]wslot, max(1024, n/2*3))}
	t.writePages()
	return t
}

// writePages writes one slot of every page of a new table. Fresh memory
// from the kernel is mapped on first touch; the first touch of a slot is a
// probe, a read, which maps the shared zero page, and the insert after it
// then faults a second time to get a page of its own. Writing first
// leaves one fault per page: `mailwarden classify` of nothing with a store
// of 97,000 tokens went from 10.6 to 8.5 ms (2,107 to 1,543 page faults).
func (t *tokenTable) writePages() {
	const perPage = 4096 / int(unsafe.Sizeof(wslot{}))
	for i := 0; i < len(t.slots); i += perPage {
		t.slots[i].key = 0
	}
}

// home is the slot where the search for key k (fixKey'd) starts.
func (t *tokenTable) home(k uint64) uint64 {
	hi, _ := bits.Mul64(k, uint64(len(t.slots)))
	return hi
}

// next is the slot after i, wrapping around.
func (t *tokenTable) next(i uint64) uint64 {
	if i++; i == uint64(len(t.slots)) {
		return 0
	}
	return i
}

func (t *tokenTable) len() int { return t.n }

func (t *tokenTable) get(k uint64) (entry, bool) {
	if e := t.find(k); e != nil {
		return *e, true
	}
	return entry{}, false
}

// touch loads the slot each key hashes to and returns a value that
// depends on them. The loads are independent of one another, so the CPU
// overlaps their cache misses (a million-token table is far bigger than the
// cache); the lookups that follow then mostly hit the cache. Looking up a
// message's tokens one by one waited for one miss at a time.
func (t *tokenTable) touch(ks []uint64) uint64 {
	if t.n == 0 {
		return 0
	}
	var x uint64
	last := uint64(len(t.slots) - 1)
	for _, k := range ks {
		// The home slot's cache line and the next one (four 16-byte slots
		// on): at a load of 2/3 a token the table lacks is searched for
		// five slots on average, and that crosses into the next line.
		h := t.home(fixKey(k))
		x += t.slots[h].key + t.slots[min(h+4, last)].key
	}
	return x
}

// probe returns the slot that holds k (already fixKey'd), or the empty
// slot where it would go.
func (t *tokenTable) probe(k uint64) *wslot {
	for i := t.home(k); ; i = t.next(i) {
		if s := &t.slots[i]; s.key == k || s.key == 0 {
			return s
		}
	}
}

// find returns the entry of k, or nil. The pointer is valid until the next
// insertion or deletion.
func (t *tokenTable) find(k uint64) *entry {
	if t.n == 0 {
		return nil
	}
	if s := t.probe(fixKey(k)); s.key != 0 {
		return &s.e
	}
	return nil
}

// ref returns the entry of k, inserting an empty one if needed. The
// pointer is valid until the next insertion or deletion.
func (t *tokenTable) ref(k uint64) *entry {
	if (t.n+1)*4 > len(t.slots)*3 {
		t.grow()
	}
	k = fixKey(k)
	s := t.probe(k)
	if s.key == 0 {
		s.key = k
		t.n++
	}
	return &s.e
}

// set stores e for k, inserting k if needed.
func (t *tokenTable) set(k uint64, e entry) { *t.ref(k) = e }

// del removes k if present. Later entries of the probe run shift back into
// the hole, so no tombstones are needed.
func (t *tokenTable) del(k uint64) {
	if t.n == 0 {
		return
	}
	k = fixKey(k)
	i := t.home(k)
	for {
		if t.slots[i].key == 0 {
			return
		}
		if t.slots[i].key == k {
			break
		}
		i = t.next(i)
	}
	j := i
	for {
		j = t.next(j)
		s := t.slots[j]
		if s.key == 0 {
			break
		}
		home := t.home(s.key)
		// s may fill the hole at i unless its home lies cyclically in (i, j].
		if (i < j && (home <= i || home > j)) || (i > j && home <= i && home > j) {
			t.slots[i] = s
			i = j
		}
	}
	t.slots[i] = wslot{}
	t.n--
}

func (t *tokenTable) grow() {
	old := t.slots
	size := max(1024, len(old)/2*3)
	t.slots, t.n = make([]wslot, size), 0
	for _, s := range old {
		if s.key != 0 {
			t.set(s.key, s.e)
		}
	}
	if len(old) >= bigTable {
		// The old slots are garbage now, but the collector set its next
		// goal while they were live beside the new ones (1.5 times the
		// table): without a collection here, garbage piles up to twice
		// that before it runs, and the process's peak memory with it
		// (a million-token table: 100 MB of heap instead of 75).
		old = nil
		runtime.GC()
	}
}

// bigTable is the slot count from which grow collects its garbage at once:
// 4 MB of slots.
const bigTable = 1 << 18

// each calls fn for every entry, in table order.
func (t *tokenTable) each(fn func(k uint64, e entry)) {
	for _, s := range t.slots {
		if s.key != 0 {
			fn(s.key, s.e)
		}
	}
}

// eachRef calls fn with a pointer to every entry, in table order; fn may
// change the entry but not insert or delete.
func (t *tokenTable) eachRef(fn func(k uint64, e *entry)) {
	for i := range t.slots {
		if t.slots[i].key != 0 {
			fn(t.slots[i].key, &t.slots[i].e)
		}
	}
}
