package eval

import (
	"bufio"
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"strings"
)

// ResetPeakRSS frees what the Go runtime holds and asks Linux to reset this
// process's peak resident set (VmHWM) to its current size, so that PeakRSS
// afterwards measures one corpus, not the ones before it. It reports whether
// the reset took effect (false on other systems or old kernels).
func ResetPeakRSS() bool {
	runtime.GC()
	debug.FreeOSMemory()
	// "5" resets the high water mark (Linux 4.0+, proc(5)).
	return os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) == nil
}

// PeakRSS returns the peak resident set of this process in bytes: VmHWM
// from /proc/self/status on Linux, else the Go runtime's total mapped
// memory (an upper bound of the live heap, not a true peak).
func PeakRSS() int64 {
	if b, err := os.ReadFile("/proc/self/status"); err == nil {
		if kb, ok := statusField(b, "VmHWM:"); ok {
			return kb << 10
		}
	}
	s := []metrics.Sample{{Name: "/memory/classes/total:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() == metrics.KindUint64 {
		return int64(s[0].Value.Uint64())
	}
	return 0
}

// statusField reads a "Name:   123 kB" line of /proc/PID/status in kB.
func statusField(status []byte, name string) (int64, bool) {
	sc := bufio.NewScanner(bytes.NewReader(status))
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, name) {
			continue
		}
		f := strings.Fields(line[len(name):])
		if len(f) == 0 {
			return 0, false
		}
		n, err := strconv.ParseInt(f[0], 10, 64)
		return n, err == nil
	}
	return 0, false
}

// ProcPeakRSS returns the VmHWM of process pid in bytes, from
// /proc/PID/status (Linux only).
func ProcPeakRSS(pid int) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, fmt.Errorf("peak memory of process %d: %w", pid, err)
	}
	kb, ok := statusField(b, "VmHWM:")
	if !ok {
		return 0, fmt.Errorf("peak memory of process %d: no VmHWM in its status", pid)
	}
	return kb << 10, nil
}

// DirSize returns the total size in bytes of the regular files under dir
// (their apparent size, as ls shows it).
func DirSize(dir string) (int64, error) {
	var total int64
	err := filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() {
			fi, err := d.Info()
			if err != nil {
				return err
			}
			total += fi.Size()
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("size of %s: %w", dir, err)
	}
	return total, nil
}
