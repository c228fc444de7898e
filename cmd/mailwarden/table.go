package main

import (
	"io"
	"strings"
	"unicode"

	"golang.org/x/text/width"
)

// dispWidth is how many terminal cells s takes: East Asian wide and
// fullwidth characters (kanji, kana, fullwidth forms) take two, combining
// marks and format characters none. text/tabwriter counts every rune as
// one cell, which misaligns a table as soon as a subject, a sender or a
// Japanese header is in it.
func dispWidth(s string) int {
	n := 0
	for _, r := range s {
		n += runeWidth(r)
	}
	return n
}

func runeWidth(r rune) int {
	switch {
	case unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Me, r) || unicode.Is(unicode.Cf, r):
		return 0
	case r < 0x1100: // below Hangul Jamo nothing is wide: skip the lookup
		return 1
	}
	switch width.LookupRune(r).Kind() {
	case width.EastAsianWide, width.EastAsianFullwidth:
		return 2
	}
	return 1
}

// table lays out rows in columns padded by display width, two spaces
// apart; the last column is not padded.
type table struct {
	indent string
	rows   [][]string
}

// header adds a row from an i18n text whose columns are tab-separated.
func (t *table) header(text string) { t.rows = append(t.rows, strings.Split(text, "\t")) }

// row adds a row; a line break inside a cell (an error's text) becomes
// "; ", so every row stays one line.
func (t *table) row(cells ...string) {
	for i, c := range cells {
		if strings.ContainsAny(c, "\r\n") {
			cells[i] = strings.Join(strings.FieldsFunc(c, func(r rune) bool { return r == '\n' || r == '\r' }), "; ")
		}
	}
	t.rows = append(t.rows, cells)
}

func (t *table) write(w io.Writer) error {
	var widths []int
	for _, r := range t.rows {
		for i, c := range r {
			if i >= len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], dispWidth(c))
		}
	}
	var b strings.Builder
	for _, r := range t.rows {
		b.WriteString(t.indent)
		for i, c := range r {
			b.WriteString(c)
			if i < len(r)-1 {
				b.WriteString(strings.Repeat(" ", widths[i]-dispWidth(c)+2))
			}
		}
		b.WriteByte('\n')
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// clip shortens s to n cells of display, spaces folded, with "…" where it
// was cut.
func clip(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if dispWidth(s) <= n {
		return s
	}
	w := 0
	for i, r := range s {
		if w+runeWidth(r) > n-1 {
			return s[:i] + "…"
		}
		w += runeWidth(r)
	}
	return s
}
