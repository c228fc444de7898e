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
	ref := map[uint64]counts{}
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
			c := counts{uint32(r.IntN(100)), uint32(r.IntN(100))}
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
			tab.each(func(k uint64, c counts) {
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
	tab.set(0, counts{1, 2})
	if c, ok := tab.get(0); !ok || c != (counts{1, 2}) {
		t.Errorf("key 0: %v %v", c, ok)
	}
	tab.del(0)
	if _, ok := tab.get(0); ok {
		t.Error("key 0 not deleted")
	}
}
