//go:build windows

package power

import (
	"errors"
	"fmt"

	"golang.org/x/sys/windows"

	"github.com/mailwarden/mailwarden/i18n"
)

// SetThreadExecutionState's flags (winbase.h).
const (
	esContinuous     = 0x80000000
	esSystemRequired = 0x00000001
)

var setThreadExecutionState = windows.NewLazySystemDLL("kernel32.dll").NewProc("SetThreadExecutionState")

// setExecutionState calls SetThreadExecutionState on the current thread;
// it answers the previous state, or 0 on failure.
func setExecutionState(flags uintptr) error {
	if err := setThreadExecutionState.Find(); err != nil {
		return err
	}
	if prev, _, err := setThreadExecutionState.Call(flags); prev == 0 {
		return fmt.Errorf("SetThreadExecutionState: %w", err)
	}
	return nil
}

// Inhibitor holds a sleep inhibitor until Release.
type Inhibitor struct{ h *threadHold }

// KeepAwake sets ES_CONTINUOUS|ES_SYSTEM_REQUIRED, which keeps Windows
// from idle sleep (the display may still turn off; the user can still
// sleep the PC). The state belongs to the calling thread, so a goroutine
// locked to its own thread holds it until Release.
func KeepAwake(why string) (*Inhibitor, error) {
	h, err := holdOnLockedThread(
		func() error { return setExecutionState(esContinuous | esSystemRequired) },
		func() { setExecutionState(esContinuous) },
	)
	if err != nil {
		return nil, errors.New(i18n.Detect().T("awake failed", err.Error()))
	}
	return &Inhibitor{h: h}, nil
}

// Release lets the machine sleep again.
func (i *Inhibitor) Release() error {
	if i == nil {
		return nil
	}
	i.h.Release()
	return nil
}
