package power

import (
	"errors"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The Windows keep-awake's thread discipline, checked with Linux thread
// ids: set and reset run on one thread, reset only at Release, and a
// failing set is returned.
func TestHoldOnLockedThread(t *testing.T) {
	setTid, resetTid := make(chan int, 1), make(chan int, 1)
	h, err := holdOnLockedThread(
		func() error { setTid <- syscall.Gettid(); return nil },
		func() { resetTid <- syscall.Gettid() },
	)
	if err != nil {
		t.Fatal(err)
	}
	set := <-setTid
	select {
	case <-resetTid:
		t.Fatal("reset before Release")
	case <-time.After(50 * time.Millisecond):
	}
	h.Release()
	select {
	case reset := <-resetTid:
		if reset != set {
			t.Errorf("set on thread %d, reset on thread %d: Windows would keep the state", set, reset)
		}
	default:
		t.Fatal("Release returned before reset ran")
	}
	h.Release() // a second Release is harmless

	boom := errors.New("refused")
	if _, err := holdOnLockedThread(func() error { return boom }, func() { t.Error("reset after a failed set") }); !errors.Is(err, boom) {
		t.Errorf("failing set: %v", err)
	}
}

// The macOS keep-awake's helper process, with sleep standing in for
// caffeinate.
func TestProcessHold(t *testing.T) {
	h, err := startProcessHold("sleep", "60")
	if err != nil {
		t.Fatal(err)
	}
	pid := h.cmd.Process.Pid
	if err := h.Release(); err != nil {
		t.Fatalf("release: %v", err)
	}
	if err := syscall.Kill(pid, 0); !errors.Is(err, syscall.ESRCH) {
		t.Errorf("helper %d still there after Release: %v", pid, err)
	}

	if _, err := startProcessHold("sh", "-c", "echo no assertion >&2; exit 3"); err == nil || !strings.Contains(err.Error(), "no assertion") {
		t.Errorf("a helper that exits at once: %v, want its stderr in the error", err)
	}

	h, err = startProcessHold("sleep", "60")
	if err != nil {
		t.Fatal(err)
	}
	h.cmd.Process.Kill()
	<-h.exited
	if err := h.Release(); err == nil || !strings.Contains(err.Error(), "before release") {
		t.Errorf("a helper killed meanwhile: Release said %v", err)
	}
}
