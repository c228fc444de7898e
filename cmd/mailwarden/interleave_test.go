package main

import (
	"fmt"
	"testing"
)

func TestInterleave(t *testing.T) {
	for _, c := range []struct {
		spam, ham int
		want      string
	}{
		{2, 4, "shhshh"},
		{3, 3, "shshsh"},
		{1, 0, "s"},
		{0, 2, "hh"},
		{4, 1, "shsss"},
	} {
		var spam, ham []string
		for i := range c.spam {
			spam = append(spam, fmt.Sprint("s", i))
		}
		for i := range c.ham {
			ham = append(ham, fmt.Sprint("h", i))
		}
		got := interleave(spam, ham)
		shape, si, hi := "", 0, 0
		for _, f := range got {
			if f.spam {
				shape += "s"
				if f.path != spam[si] {
					t.Errorf("%d/%d: spam out of order: %s", c.spam, c.ham, f.path)
				}
				si++
			} else {
				shape += "h"
				if f.path != ham[hi] {
					t.Errorf("%d/%d: ham out of order: %s", c.spam, c.ham, f.path)
				}
				hi++
			}
		}
		if shape != c.want {
			t.Errorf("interleave(%d spam, %d ham) = %s, want %s", c.spam, c.ham, shape, c.want)
		}
	}
}
