//go:build unix

package main

import (
	"fmt"
	"io/fs"
	"syscall"
)

// read reads the file at path with plain system calls: open, fstat, read,
// close. os.Open also registers every file with the runtime's poller (two
// more system calls that fail for regular files) and allocates an *os.File.
func (r *messageReader) read(path string) ([]byte, error) {
	var fd int
	var err error
	for {
		fd, err = syscall.Open(path, syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
		if err != syscall.EINTR {
			break
		}
	}
	if err != nil {
		return nil, fmt.Errorf("read message: %w", &fs.PathError{Op: "open", Path: path, Err: err})
	}
	defer syscall.Close(fd)
	var st syscall.Stat_t
	size := int64(maxMessageFile)
	if syscall.Fstat(fd, &st) == nil && st.Size < size {
		size = st.Size
	}
	// Exactly the size the file had when opened, as readMessage reads it:
	// no further read to find the end.
	buf := r.room(size)[:size]
	n := 0
	for n < len(buf) {
		k, err := syscall.Read(fd, buf[n:])
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("read message %s: %w", path, err)
		}
		if k == 0 {
			break
		}
		n += k
	}
	return buf[:n], nil
}
