//go:build !linux && !darwin && !windows

package power

import (
	"errors"
	"runtime"

	"github.com/mailwarden/mailwarden/i18n"
)

// Inhibitor holds a sleep inhibitor lock until Release.
type Inhibitor struct{}

// KeepAwake is not available on this OS in this build.
func KeepAwake(why string) (*Inhibitor, error) {
	return nil, errors.New(i18n.Detect().T("awake unsupported", runtime.GOOS))
}

// Release lets the machine sleep again.
func (i *Inhibitor) Release() error { return nil }
