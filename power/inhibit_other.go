//go:build !linux && !darwin && !windows

package power

import (
	"fmt"
	"runtime"
)

// Inhibitor holds a sleep inhibitor lock until Release.
type Inhibitor struct{}

// KeepAwake is not available on this OS in this build.
func KeepAwake(why string) (*Inhibitor, error) {
	return nil, fmt.Errorf("keep the PC awake is not available on %s in this build: turn off its sleep timer by hand", runtime.GOOS)
}

// Release lets the machine sleep again.
func (i *Inhibitor) Release() error { return nil }
