//go:build !linux

package classifier

// adviseHuge does nothing where transparent huge pages are not Linux's.
func adviseHuge([]wslot) {}

// adviseNormal does nothing where adviseHuge does nothing.
func adviseNormal([]wslot) {}
