package daemon

import (
	"fmt"
	"testing"
)

func TestCandidates(t *testing.T) {
	c, err := Candidates("Sato <sato@example.jp>")
	if err != nil {
		t.Fatal(err)
	}
	got := fmt.Sprint(c)
	want := "[mail.example.jp:993 (tls) as sato@mail.example.jp mail.example.jp:993 (tls) as sato@example.jp " +
		"mail.example.jp:143 (starttls) as sato@mail.example.jp mail.example.jp:143 (starttls) as sato@example.jp " +
		"example.jp:993 (tls) as sato@example.jp example.jp:143 (starttls) as sato@example.jp]"
	if got != want {
		t.Fatalf("candidates\n got %s\nwant %s", got, want)
	}
	if _, err := Candidates("not an address"); err == nil {
		t.Fatal("a non-address was accepted")
	}
}
