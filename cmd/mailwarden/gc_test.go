package main

import (
	"math"
	"os"
	"runtime/debug"
	"testing"
)

// restoreGC puts the collector back to its defaults after a test.
func restoreGC(t *testing.T) {
	t.Cleanup(func() {
		debug.SetGCPercent(100)
		debug.SetMemoryLimit(math.MaxInt64)
	})
}

func TestBatchGC(t *testing.T) {
	restoreGC(t)
	t.Setenv("GOGC", "100") // restored after the test
	batchGC()
	if got := debug.SetGCPercent(100); got != 100 {
		t.Errorf("with GOGC set by the user, batchGC changed the percent to %d", got)
	}
	os.Unsetenv("GOGC")
	batchGC()
	if got := debug.SetGCPercent(100); got != batchGCPercent {
		t.Errorf("batchGC left the percent at %d, want %d", got, batchGCPercent)
	}
}

// TestBatchGCLoaded: after the load the percentage is off and the limit is
// the heap in use plus the headroom; a user's GOGC or GOMEMLIMIT stands.
func TestBatchGCLoaded(t *testing.T) {
	restoreGC(t)
	hold := make([]byte, 8<<20) // a "store" of 8 MB in the heap
	t.Setenv("GOGC", "")
	os.Unsetenv("GOGC")
	t.Setenv("GOMEMLIMIT", "")
	os.Unsetenv("GOMEMLIMIT")
	batchGCLoaded()
	if got := debug.SetGCPercent(100); got != -1 {
		t.Errorf("percent after batchGCLoaded = %d, want -1 (off)", got)
	}
	limit := debug.SetMemoryLimit(math.MaxInt64)
	if limit < int64(len(hold))+batchHeadroom || limit > int64(len(hold))+batchHeadroom+64<<20 {
		t.Errorf("memory limit = %d MB, want the heap (8 MB and the test's) + %d MB", limit>>20, batchHeadroom>>20)
	}
	_ = hold[len(hold)-1]

	for _, env := range []string{"GOGC", "GOMEMLIMIT"} {
		t.Run(env, func(t *testing.T) {
			debug.SetGCPercent(100)
			debug.SetMemoryLimit(math.MaxInt64)
			t.Setenv(env, "200")
			batchGCLoaded()
			if got := debug.SetGCPercent(100); got != 100 {
				t.Errorf("with %s set, the percent became %d", env, got)
			}
			if got := debug.SetMemoryLimit(math.MaxInt64); got != math.MaxInt64 {
				t.Errorf("with %s set, the memory limit became %d", env, got)
			}
		})
	}
}
