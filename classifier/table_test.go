package classifier

import (
	"math/rand/v2"
	"testing"
)

// TestTokenTableAgainstMap drives the table and a Go map with the same
// random inserts, updates and deletes (keys chosen to collide a lot) and
// checks they agree throughout, across growth and backward-shift deletes.
func TestTokenTableAgainstMap(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 9))
	var tab tokenTable
	ref := map[uint64]entry{}
	key := func() uint64 {
		// 5,000 distinct keys whose low bits often repeat: probe runs,
		// collisions and wrap-around, without turning every run into the
		// whole table.
		i := uint64(r.IntN(5000))
		low := (i * 2654435761) & 0x3ff
		if i%2 == 1 {
			low = 0xfffff - low // homes at the end of the table: runs wrap
		}
		return i<<40 | low
	}
	for step := range 200000 {
		k := key()
		switch r.IntN(3) {
		case 0, 1:
			c := entry{uint16(r.IntN(100)), uint16(r.IntN(100)), float32(r.NormFloat64())}
			tab.set(k, c)
			ref[fixKey(k)] = c
		case 2:
			tab.del(k)
			delete(ref, fixKey(k))
		}
		if step%5000 == 0 || step == 199999 {
			if tab.len() != len(ref) {
				t.Fatalf("step %d: len %d, want %d", step, tab.len(), len(ref))
			}
			for k, want := range ref {
				if got, ok := tab.get(k); !ok || got != want {
					t.Fatalf("step %d: get(%x) = %v %v, want %v", step, k, got, ok, want)
				}
			}
			n := 0
			tab.each(func(k uint64, c entry) {
				n++
				if ref[k] != c {
					t.Fatalf("step %d: each gave %x=%v, map has %v", step, k, c, ref[k])
				}
			})
			if n != len(ref) {
				t.Fatalf("step %d: each visited %d, want %d", step, n, len(ref))
			}
		}
	}
	// Key 0 is a valid token hash.
	tab.set(0, entry{1, 2, 0.5})
	if c, ok := tab.get(0); !ok || c != (entry{1, 2, 0.5}) {
		t.Errorf("key 0: %v %v", c, ok)
	}
	tab.del(0)
	if _, ok := tab.get(0); ok {
		t.Error("key 0 not deleted")
	}
}

// tokenHashRef is the byte-at-a-time definition of tokenHash that stores
// were written with; the fast version must agree with it exactly.
func tokenHashRef(s []byte) uint64 {
	const (
		m1 = 0x9E3779B97F4A7C15
		m2 = 0xBF58476D1CE4E5B9
		m3 = 0x94D049BB133111EB
	)
	h := uint64(len(s)) * m1
	i := 0
	for ; i+8 <= len(s); i += 8 {
		var w uint64
		for j := 7; j >= 0; j-- {
			w = w<<8 | uint64(s[i+j])
		}
		h = (h ^ w) * m2
		h ^= h >> 29
	}
	if i < len(s) {
		var w uint64
		for j := len(s) - 1; j >= i; j-- {
			w = w<<8 | uint64(s[j])
		}
		h = (h ^ w) * m2
		h ^= h >> 29
	}
	h ^= h >> 30
	h *= m2
	h ^= h >> 27
	h *= m3
	h ^= h >> 31
	return h
}

func TestTokenHashStable(t *testing.T) {
	buf := make([]byte, 64)
	for i := range buf {
		buf[i] = byte(i*37 + 11)
	}
	for n := 0; n <= len(buf); n++ {
		for off := 0; off+n <= len(buf); off += 7 {
			b := buf[off : off+n]
			if got, want := hashBytes(b), tokenHashRef(b); got != want {
				t.Fatalf("tokenHash(% x) = %x, want %x", b, got, want)
			}
			if got, want := tokenHash(string(b)), tokenHashRef(b); got != want {
				t.Fatalf("tokenHash(string % x) = %x, want %x", b, got, want)
			}
		}
	}
	// Fixed values: a change here would orphan every stored token.
	for s, want := range map[string]uint64{"viagra": 0xfda2d6ad461e81a2, "subject:free": 0x9569f31ffe9431bb, "無料": 0x23b797a0d51d487a} {
		if got := tokenHash(s); got != want {
			t.Errorf("tokenHash(%q) = %x, want %x", s, got, want)
		}
	}
}

// TestLookupTag holds the tag table to what it was built from, and finds
// no names it does not hold.
func TestLookupTag(t *testing.T) {
	n := 0
	for _, e := range tagInfo {
		if e.name == "" {
			continue
		}
		n++
		if got, ok := lookupTag([]byte(e.name)); !ok || got != e {
			t.Errorf("lookupTag(%q) = %v, %v", e.name, got, ok)
		}
	}
	if n < 50 {
		t.Errorf("%d tags in the table", n)
	}
	for _, s := range []string{"a", "span", "b", "scrip", "imgs", "blockquot", "x"} {
		if e, ok := lookupTag([]byte(s)); ok {
			t.Errorf("lookupTag(%q) = %v", s, e)
		}
	}
}
