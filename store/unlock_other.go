//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package store

import "os"

// unlockFile: where bbolt does not lock with flock, closing the file
// releases its lock.
func unlockFile(*os.File) {}
