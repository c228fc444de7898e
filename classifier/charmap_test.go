package classifier

import (
	"math/rand/v2"
	"testing"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
)

// charmapReference is what x/text's own decoder makes of b.
func charmapReference(t testing.TB, m *charmap.Charmap, b []byte) string {
	out, err := m.NewDecoder().Bytes(b)
	if err != nil {
		t.Fatalf("%v: %v", m, err)
	}
	return string(out)
}

// TestDecodeCharmapMatchesXText: the table decoder with its ASCII-run copy
// gives x/text's text for every single-byte charset, EBCDIC ones (where
// ASCII bytes are not themselves) included, on text that is mostly ASCII,
// on every byte value, and on random bytes.
func TestDecodeCharmapMatchesXText(t *testing.T) {
	all := make([]byte, 256)
	for i := range all {
		all[i] = byte(i)
	}
	r := rand.New(rand.NewPCG(1, 2))
	inputs := [][]byte{nil, []byte("a"), []byte("plain ASCII only, long enough for words"), all,
		[]byte("Caf\xe9 cr\xe8me br\xfbl\xe9e \xa9 2007 \x80 euro? \xff"), []byte("\xe9")}
	for range 50 {
		b := make([]byte, r.IntN(200))
		for i := range b {
			if r.IntN(8) == 0 {
				b[i] = byte(0x80 + r.IntN(128))
			} else {
				b[i] = byte(r.IntN(128))
			}
		}
		inputs = append(inputs, b)
	}
	n := 0
	for _, enc := range charmap.All {
		m, ok := enc.(*charmap.Charmap)
		if !ok {
			continue
		}
		n++
		for _, b := range inputs {
			if got, want := decodeCharmap(m, b), charmapReference(t, m, b); got != want {
				t.Fatalf("%v on %q:\n got %q\nwant %q", m, b, got, want)
			}
		}
	}
	if n < 20 {
		t.Fatalf("only %d charmaps compared", n)
	}
	ebcdic := decodeCharmap(charmap.CodePage037, []byte{0xC1, 0x81})
	if ebcdic != "Aa" {
		t.Fatalf("EBCDIC C1 81 = %q, want \"Aa\"", ebcdic)
	}
}

func FuzzDecodeCharmap(f *testing.F) {
	f.Add([]byte("Caf\xe9 cr\xe8me"), uint8(0))
	f.Fuzz(func(t *testing.T, b []byte, which uint8) {
		var maps []encoding.Encoding
		for _, enc := range charmap.All {
			if _, ok := enc.(*charmap.Charmap); ok {
				maps = append(maps, enc)
			}
		}
		m := maps[int(which)%len(maps)].(*charmap.Charmap)
		if got, want := decodeCharmap(m, b), charmapReference(t, m, b); got != want {
			t.Fatalf("%v on %q: got %q, want %q", m, b, got, want)
		}
	})
}
