//go:build unix

package main

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

const fifoMsg = "From: a@example.jp\r\nSubject: test\r\n\r\nbody read from a pipe\r\n"

// A FIFO's size is 0: it is read to its end, not as an empty message.
func TestReadMessageFromFIFO(t *testing.T) {
	path := filepath.Join(t.TempDir(), "msg.fifo")
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Fatal(err)
	}
	go func() {
		f, err := os.OpenFile(path, os.O_WRONLY, 0)
		if err != nil {
			return
		}
		f.WriteString(fifoMsg)
		f.Close()
	}()
	files, err := messageFiles([]string{path})
	if err != nil || len(files) != 1 {
		t.Fatalf("messageFiles: %v %v", files, err)
	}
	raw, err := readMessage(files[0])
	if err != nil || string(raw) != fifoMsg {
		t.Fatalf("read %q, %v; want the message written to the FIFO", raw, err)
	}
}

// "-" is standard input, here a pipe.
func TestReadMessageFromStdin(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	old := os.Stdin
	os.Stdin = r
	defer func() { os.Stdin = old; r.Close() }()
	go func() { w.WriteString(fifoMsg); w.Close() }()
	files, err := messageFiles([]string{"-"})
	if err != nil || len(files) != 1 || files[0] != "-" {
		t.Fatalf("messageFiles(-): %v %v", files, err)
	}
	raw, err := readMessage("-")
	if err != nil || string(raw) != fifoMsg {
		t.Fatalf("read %q, %v from standard input", raw, err)
	}
}
