package classifier

import (
	"slices"
	"testing"
)

// TestPrefetchHomesEdges: prefetching at the ends of a table, of an empty
// table and for no hashes touches nothing it should not (a wrong address
// would not fault, but the Go fallback and the clamping are checked
// against tokenTable.home here by reading the same slots).
func TestPrefetchHomesEdges(t *testing.T) {
	hs := []uint64{0, 1, 1 << 63, ^uint64(0), 0x9E3779B97F4A7C15}
	for _, n := range []int{1, 2, 5, 1024, 1536} {
		tab := tokenTable{slots: make([]wslot, n)}
		prefetchHomes(tab.slots, hs)
		prefetchHomes(tab.slots, nil)
		for _, k := range hs {
			if h := tab.home(k); h >= uint64(n) {
				t.Fatalf("home(%#x) = %d in a table of %d", k, h, n)
			}
		}
	}
	prefetchHomes(nil, hs)
}

// TestTokenizeForSameTokens: tokenizing with prefetches into a model's
// table gives exactly the tokens and hashes of plain tokenizing, and
// leaves no reference to the table in the pooled tokenizer.
func TestTokenizeForSameTokens(t *testing.T) {
	msgs := loadCorpus(t, "spamassassin")
	m := New(DefaultOptions())
	for _, msg := range msgs[:200] {
		m.Train(msg.data, msg.spam)
	}
	for _, msg := range msgs[200:400] {
		a := tokenizeParsed(parse(msg.data))
		want, wantH := a.strings(), slices.Clone(a.hashes)
		a.release()
		b := m.tokenize(msg.data)
		got, gotH := b.strings(), slices.Clone(b.hashes)
		if b.pre != nil {
			t.Fatalf("%s: tokenizer still holds the table", msg.name)
		}
		b.release()
		if !slices.Equal(got, want) || !slices.Equal(gotH, wantH) {
			t.Fatalf("%s: %d tokens with prefetching, %d without", msg.name, len(got), len(want))
		}
	}
}
