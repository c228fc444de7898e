package main

import (
	"strings"
	"testing"
)

func TestDispWidth(t *testing.T) {
	for s, want := range map[string]int{
		"":             0,
		"INBOX":        5,
		"受信箱":          6,
		"ｱｶｳﾝﾄ":        5, // halfwidth katakana: one cell each
		"ＡＢ":           4, // fullwidth Latin
		"e\u0301":      1, // e + combining acute
		"迷惑メール 12 通":   16,
		"sato@mail.jp": 12,
	} {
		if got := dispWidth(s); got != want {
			t.Errorf("dispWidth(%q) = %d, want %d", s, got, want)
		}
	}
}

// Columns line up on screen with Japanese headers and cells: each column
// starts at the same display offset on every line.
func TestTableAlignsEastAsianWidth(t *testing.T) {
	var tw table
	tw.header("アカウント\t状態\t件名")
	tw.row("work", "online", "請求書のご案内")
	tw.row("個人用", "受信箱を監視中", "hello")
	var b strings.Builder
	if err := tw.write(&b); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	cells := [][]string{{"アカウント", "状態", "件名"}, {"work", "online", "請求書のご案内"}, {"個人用", "受信箱を監視中", "hello"}}
	var starts [][]int
	for i, l := range lines {
		var st []int
		for _, c := range cells[i] {
			j := strings.Index(l, c)
			if j < 0 {
				t.Fatalf("line %q lacks %q", l, c)
			}
			st = append(st, dispWidth(l[:j]))
		}
		starts = append(starts, st)
	}
	for i := 1; i < len(starts); i++ {
		for c := range starts[i] {
			if starts[i][c] != starts[0][c] {
				t.Errorf("column %d starts at cell %d on line %d, at %d on the header:\n%s", c, starts[i][c], i, starts[0][c], b.String())
			}
		}
	}
	if want := 10 + 2; starts[0][1] != want { // アカウント is 10 cells, then two spaces
		t.Errorf("second column at cell %d, want %d:\n%s", starts[0][1], want, b.String())
	}
}

func TestClipByDisplayWidth(t *testing.T) {
	if got := clip("迷惑メールのお知らせです", 9); got != "迷惑メー…" || dispWidth(got) > 9 {
		t.Errorf("clip Japanese to 9 cells: %q (%d cells)", got, dispWidth(got))
	}
	if got := clip("  short \n text ", 20); got != "short text" {
		t.Errorf("clip folds spaces: %q", got)
	}
	if got := clip("abcdefghij", 5); got != "abcd…" {
		t.Errorf("clip ASCII: %q", got)
	}
}
