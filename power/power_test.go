package power

import (
	"os"
	"strings"
	"testing"
	"time"
)

func TestSlept(t *testing.T) {
	cases := []struct {
		wall, mono time.Duration
		want       bool
	}{
		{5 * time.Second, 5 * time.Second, false},                      // awake
		{5*time.Second + 800*time.Millisecond, 5 * time.Second, false}, // NTP nudged the clock
		{10 * time.Minute, 5 * time.Second, true},                      // suspended for ten minutes
		{5 * time.Second, 5*time.Second + time.Minute, false},          // the clock was set back
	}
	for _, c := range cases {
		if got := Slept(c.wall, c.mono, 5*time.Second); got != c.want {
			t.Errorf("wall %v, monotonic %v: slept=%v, want %v", c.wall, c.mono, got, c.want)
		}
	}
	// A real reading a moment apart is not sleep.
	a := time.Now()
	b := time.Now()
	if Slept(b.Round(0).Sub(a.Round(0)), b.Sub(a), time.Second) {
		t.Error("two readings a moment apart look like sleep")
	}
}

func TestKeepAwakeWithoutLogindSaysWhat(t *testing.T) {
	if _, err := os.Stat("/run/dbus/system_bus_socket"); err == nil {
		t.Skip("a system bus is present: the refusal path is not reachable here")
	}
	_, err := KeepAwake("test")
	if err == nil || !strings.Contains(err.Error(), "by hand") {
		t.Fatalf("got %v, want an error saying what to do", err)
	}
}
