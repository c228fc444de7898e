package classifier

import (
	"syscall"
	"unsafe"
)

// adviseHuge asks Linux to back the token table with transparent huge
// pages where the system leaves that to the program (THP "madvise"): a
// lookup lands anywhere in a table of many megabytes, and with 4 KiB pages
// most lookups also missed the TLB. Best effort: an error changes nothing.
func adviseHuge(slots []wslot) { advise(slots, 14 /* MADV_HUGEPAGE */) }

// adviseNormal takes adviseHuge back, for a table that is dropped.
func adviseNormal(slots []wslot) { advise(slots, 15 /* MADV_NOHUGEPAGE */) }

func advise(slots []wslot, advice int) {
	n := len(slots) * int(unsafe.Sizeof(wslot{}))
	if n < hugeMin {
		return
	}
	b := unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(slots))), n)
	// Only whole 2 MiB pages inside the table can become huge ones.
	start := (uintptr(unsafe.Pointer(&b[0])) + hugeSize - 1) &^ (hugeSize - 1)
	end := (uintptr(unsafe.Pointer(&b[0])) + uintptr(n)) &^ (hugeSize - 1)
	if end <= start {
		return
	}
	off := int(start - uintptr(unsafe.Pointer(&b[0])))
	_ = syscall.Madvise(b[off:off+int(end-start)], advice)
}

const (
	hugeSize = 2 << 20
	hugeMin  = 4 << 20
)
