//go:build unix

package main

import "syscall"

// read reads the file at path with plain system calls: open, fstat, read,
// close. os.Open also registers every file with the runtime's poller (two
// more system calls that fail for regular files) and allocates an *os.File.
// Standard input ("-") goes through readMessage; a FIFO or other
// non-regular file (its size says nothing) is read to its end.
func (r *messageReader) read(path string) ([]byte, error) {
	if path == stdinPath {
		return readMessage(path)
	}
	var fd int
	var err error
	for {
		fd, err = syscall.Open(path, syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
		if err != syscall.EINTR {
			break
		}
	}
	if err != nil {
		return nil, pathError(path, err)
	}
	defer syscall.Close(fd)
	var st syscall.Stat_t
	// A regular file of size 0 may hold bytes all the same (/proc, /sys):
	// only reading finds its end.
	if err := syscall.Fstat(fd, &st); err != nil || st.Mode&syscall.S_IFMT != syscall.S_IFREG || st.Size == 0 {
		return r.readToEnd(fd, path)
	}
	// Exactly the size the file had when opened, as readMessage reads it:
	// no further read to find the end.
	size := min(st.Size, maxMessageFile)
	return r.fill(fd, path, r.room(size)[:size], false)
}

// readToEnd reads fd until end of file or maxMessageFile bytes.
func (r *messageReader) readToEnd(fd int, path string) ([]byte, error) {
	return r.fill(fd, path, r.room(64<<10), true)
}

// fill reads fd into buf until end of file, until buf is full (grow false)
// or, growing buf, until maxMessageFile bytes.
func (r *messageReader) fill(fd int, path string, buf []byte, grow bool) ([]byte, error) {
	n := 0
	for n < maxMessageFile {
		if n == len(buf) {
			if !grow {
				break
			}
			grown := make([]byte, min(2*len(buf), maxMessageFile))
			copy(grown, buf[:n])
			r.buf, buf = grown, grown
		}
		k, err := readRetry(fd, buf[n:])
		if err != nil {
			return nil, pathError(path, err)
		}
		if k == 0 {
			break
		}
		n += k
	}
	return buf[:n], nil
}

// readRetry is read(2), tried again when a signal interrupts it.
func readRetry(fd int, b []byte) (int, error) {
	for {
		k, err := syscall.Read(fd, b)
		if err != syscall.EINTR {
			return k, err
		}
	}
}
