package classifier

import (
	"bufio"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unsafe"
)

// vmFlags returns the VmFlags of the mapping that holds addr, from
// /proc/self/smaps.
func vmFlags(t *testing.T, addr uintptr) []string {
	t.Helper()
	f, err := os.Open("/proc/self/smaps")
	if err != nil {
		t.Skipf("no /proc/self/smaps: %v", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	in := false
	for sc.Scan() {
		line := sc.Text()
		if lo, hi, ok := strings.Cut(strings.Fields(line)[0], "-"); ok && !strings.HasSuffix(line, ":") && len(strings.Fields(line)) >= 5 {
			a, err1 := strconv.ParseUint(lo, 16, 64)
			b, err2 := strconv.ParseUint(hi, 16, 64)
			in = err1 == nil && err2 == nil && uint64(addr) >= a && uint64(addr) < b
			continue
		}
		if in && strings.HasPrefix(line, "VmFlags:") {
			return strings.Fields(strings.TrimPrefix(line, "VmFlags:"))
		}
	}
	t.Fatalf("no mapping holds %#x", addr)
	return nil
}

// TestTableHugePages: a big token table asks for huge pages ("hg" in the
// mapping's flags), and a dropped one takes that back ("nh"), so the heap
// that reuses its memory is not backed by 2 MiB pages.
func TestTableHugePages(t *testing.T) {
	tab := newTokenTable(1 << 20) // 1.5M slots, 24 MB
	mid := uintptr(unsafe.Pointer(&tab.slots[len(tab.slots)/2]))
	if fl := vmFlags(t, mid); !slices.Contains(fl, "hg") {
		t.Fatalf("table's mapping flags %v, want hg (MADV_HUGEPAGE)", fl)
	}
	tab.release()
	if fl := vmFlags(t, mid); !slices.Contains(fl, "nh") || slices.Contains(fl, "hg") {
		t.Fatalf("released table's mapping flags %v, want nh and no hg", fl)
	}
	small := newTokenTable(1000)
	if fl := vmFlags(t, uintptr(unsafe.Pointer(&small.slots[0]))); slices.Contains(fl, "hg") {
		t.Fatalf("a small table asked for huge pages: %v", fl)
	}
}
