package daemon

import (
	"runtime"
	"runtime/debug"
	"testing"
	"time"
)

// After each collection the limit is what is live plus the headroom: it
// follows a heap that grows, and stop restores the previous limit.
func TestLimitMemoryFollowsTheLiveHeap(t *testing.T) {
	t.Setenv("GOMEMLIMIT", "")
	before := debug.SetMemoryLimit(-1)
	const headroom = 8 << 20
	stop := LimitMemory(headroom)
	defer stop()

	// waitLimit collects until the limit settles between lo and hi.
	waitLimit := func(lo, hi int64) int64 {
		t.Helper()
		var got int64
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); {
			runtime.GC()
			time.Sleep(20 * time.Millisecond) // the cleanup runs on its own goroutine
			if got = debug.SetMemoryLimit(-1); got >= lo && got <= hi {
				return got
			}
		}
		t.Fatalf("memory limit %d MB, want between %d and %d MB", got>>20, lo>>20, hi>>20)
		return got
	}
	small := waitLimit(headroom, 64<<20) // a test binary's own heap is a few MB
	big := make([]byte, 64<<20)          // a table that grew with training
	for i := range big {
		big[i] = byte(i)
	}
	grown := waitLimit(small+56<<20, small+80<<20)
	runtime.KeepAlive(big)
	if grown <= small {
		t.Fatalf("limit did not follow the heap: %d then %d", small, grown)
	}
	stop()
	if got := debug.SetMemoryLimit(-1); got != before {
		t.Errorf("after stop the limit is %d, want the previous %d", got, before)
	}
}

// A user's own GOMEMLIMIT is left alone.
func TestLimitMemoryLeavesGOMEMLIMIT(t *testing.T) {
	t.Setenv("GOMEMLIMIT", "1GiB")
	before := debug.SetMemoryLimit(-1)
	stop := LimitMemory(1 << 20)
	runtime.GC()
	time.Sleep(20 * time.Millisecond)
	if got := debug.SetMemoryLimit(-1); got != before {
		t.Errorf("limit %d, want it untouched (%d)", got, before)
	}
	stop()
}
