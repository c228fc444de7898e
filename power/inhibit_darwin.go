//go:build darwin

package power

import (
	"errors"
	"os"
	"strconv"

	"github.com/mailwarden/mailwarden/i18n"
)

// caffeinate is macOS' own tool for power assertions.
const caffeinate = "/usr/bin/caffeinate"

// Inhibitor holds a sleep inhibitor until Release.
type Inhibitor struct{ h *processHold }

// KeepAwake holds a PreventUserIdleSystemSleep power assertion by running
// `caffeinate -i -w PID` until Release. The assertion API itself
// (IOPMAssertionCreateWithName) is C in IOKit: calling it would need cgo,
// and the daemon is built without it (CGO_ENABLED=0, one static binary for
// every Mac). -w makes caffeinate end with the daemon, so a crash does not
// leave the Mac awake for ever. An explicit sleep by the user still works.
func KeepAwake(why string) (*Inhibitor, error) {
	h, err := startProcessHold(caffeinate, "-i", "-w", strconv.Itoa(os.Getpid()))
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
	return i.h.Release()
}
