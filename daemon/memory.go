package daemon

import (
	"math"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"
	"sync/atomic"
)

// MemoryHeadroom is how much the daemon's heap may grow past what is live
// before the collector runs: see LimitMemory.
const MemoryHeadroom = 8 << 20

// LimitMemory keeps the process within headroom bytes of its live memory,
// for the always-on daemon (issue 6's target: under 60 MB with a store of
// 20,000 messages). It returns a function that stops it and restores the
// previous limit.
//
// Why: nearly all of the live heap is the token table (about 32 MB at
// 20,000 messages), which lives as long as the process and holds no
// pointers. The runtime's default (GOGC=100) lets the heap grow by as much
// as is live before collecting, so each mail's short-lived buffers piled
// up to twice the table before a collection, and that garbage stayed
// resident. A fixed headroom suits a large static heap better than a
// proportion: after every collection the soft memory limit
// (debug.SetMemoryLimit) is set to what is live plus headroom, so the
// collector runs, and the scavenger returns pages, once that much garbage
// accumulates. Collections stay cheap (the table is not scanned) and rare
// while idle; as the table grows with training the limit follows it at the
// next collection, so the collector never chases a limit below what is
// live. GOGC stays in force as the upper bound. A user's own GOMEMLIMIT
// wins: then nothing is changed.
func LimitMemory(headroom int64) (stop func()) {
	if os.Getenv("GOMEMLIMIT") != "" {
		return func() {}
	}
	t := &memTuner{headroom: headroom, prev: debug.SetMemoryLimit(-1)}
	t.tune()
	t.arm()
	return t.stop
}

// memTuner resets the memory limit after each collection, told by a
// cleanup on a sentinel object that each collection frees.
type memTuner struct {
	headroom int64
	prev     int64
	stopped  atomic.Bool
	mu       sync.Mutex // orders tune and stop
	samples  [6]metrics.Sample
}

// gcSentinel is big enough to escape the tiny allocator, whose blocks are
// freed (and their cleanups run) only with their neighbours.
type gcSentinel struct{ _ [32]byte }

func (t *memTuner) arm() {
	runtime.AddCleanup(new(gcSentinel), func(t *memTuner) {
		if !t.stopped.Load() {
			t.tune()
			t.arm()
		}
	}, t)
}

// tune sets the limit to the live heap, the runtime's own non-heap memory
// (stacks, metadata) and the headroom.
func (t *memTuner) tune() {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.stopped.Load() {
		return
	}
	s := t.samples[:]
	for i, name := range []string{
		"/gc/heap/live:bytes",
		"/memory/classes/total:bytes",
		"/memory/classes/heap/objects:bytes",
		"/memory/classes/heap/unused:bytes",
		"/memory/classes/heap/free:bytes",
		"/memory/classes/heap/released:bytes",
	} {
		s[i].Name = name
	}
	metrics.Read(s)
	v := func(i int) int64 {
		if s[i].Value.Kind() != metrics.KindUint64 {
			return 0
		}
		return int64(min(s[i].Value.Uint64(), math.MaxInt64/4))
	}
	live := v(0)
	nonHeap := v(1) - v(2) - v(3) - v(4) - v(5)
	debug.SetMemoryLimit(live + max(nonHeap, 0) + t.headroom)
}

func (t *memTuner) stop() {
	t.mu.Lock()
	defer t.mu.Unlock()
	if !t.stopped.Swap(true) {
		debug.SetMemoryLimit(t.prev)
	}
}
