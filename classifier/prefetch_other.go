//go:build !amd64

package classifier

// prefetchHomes does nothing here: without a prefetch instruction,
// tokenTable.touch's loads (score.go) are what overlaps the misses.
func prefetchHomes(slots []wslot, hs []uint64) {}
