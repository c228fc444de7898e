package dovecottest

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"testing"
)

// ExpectPlaces checks that after (Message-ID → the folders holding it)
// differs from before by exactly changes (Message-ID → its one folder
// afterwards, "" = gone): every other message is where it was, nothing is
// duplicated, and the folder totals moved by exactly those messages.
func ExpectPlaces(t testing.TB, step string, before, after map[string][]string, changes map[string]string) {
	t.Helper()
	want := maps.Clone(before)
	for id, box := range changes {
		if box == "" {
			delete(want, id)
		} else {
			want[id] = []string{box}
		}
	}
	ids := map[string]bool{}
	for id := range want {
		ids[id] = true
	}
	for id := range after {
		ids[id] = true
	}
	var bad []string
	for id := range ids {
		if !slices.Equal(want[id], after[id]) {
			bad = append(bad, fmt.Sprintf("%s in %v, want %v", id, after[id], want[id]))
		}
	}
	sort.Strings(bad)
	for _, b := range bad {
		t.Errorf("%s: %s", step, b)
	}
	if w, a := folderTotals(want), folderTotals(after); !maps.Equal(w, a) {
		t.Errorf("%s: folder totals %v, want %v", step, a, w)
	}
}

func folderTotals(m map[string][]string) map[string]int {
	c := map[string]int{}
	for _, bs := range m {
		for _, b := range bs {
			c[b]++
		}
	}
	return c
}
