package main

import (
	"os"
	"runtime/debug"
	"testing"
)

func TestBatchGC(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
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
