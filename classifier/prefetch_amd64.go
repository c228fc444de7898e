package classifier

// prefetchHomes asks the CPU to start loading the table lines where the
// tokens with hashes hs will be looked up (prefetch_amd64.s). It has no
// effect a program can see other than speed.
//
//go:noescape
func prefetchHomes(slots []wslot, hs []uint64)
