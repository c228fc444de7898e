//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package store

import (
	"os"
	"syscall"
)

// unlockFile releases the lock bbolt took on f when bbolt itself cannot
// (it panicked inside Open, see openChecked): closing f alone does not, as
// the memory map bbolt left behind still holds the file open.
func unlockFile(f *os.File) {
	syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
}
