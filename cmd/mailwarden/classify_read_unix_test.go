//go:build unix

package main

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// The classify reader gives the bytes readMessage gives: a regular file
// (also after a larger one, so the buffer is reused), an empty file, a
// FIFO (size 0, read to its end) and standard input.
func TestMessageReaderMatchesReadMessage(t *testing.T) {
	dir := t.TempDir()
	big := strings.Repeat("x", 200<<10)
	for name, body := range map[string]string{"big": big, "small": fifoMsg, "empty": ""} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	var rd messageReader
	for _, name := range []string{"big", "small", "empty", "big"} {
		p := filepath.Join(dir, name)
		got, err := rd.read(p)
		want, _ := readMessage(p)
		if err != nil || string(got) != string(want) {
			t.Fatalf("%s: read %d bytes (%v), readMessage %d", name, len(got), err, len(want))
		}
	}
	if _, err := rd.read(filepath.Join(dir, "missing")); err == nil || !strings.Contains(err.Error(), "missing") {
		t.Fatalf("missing file: %v", err)
	}

	fifo := filepath.Join(dir, "msg.fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	long := strings.Repeat(fifoMsg, 5000) // more than the first 64 KiB of buffer
	go func() {
		f, err := os.OpenFile(fifo, os.O_WRONLY, 0)
		if err != nil {
			return
		}
		f.WriteString(long)
		f.Close()
	}()
	if got, err := rd.read(fifo); err != nil || string(got) != long {
		t.Fatalf("FIFO: read %d bytes (%v), want %d", len(got), err, len(long))
	}

	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	old := os.Stdin
	os.Stdin = r
	defer func() { os.Stdin = old; r.Close() }()
	go func() { w.WriteString(fifoMsg); w.Close() }()
	if got, err := rd.read("-"); err != nil || string(got) != fifoMsg {
		t.Fatalf("standard input: read %q (%v)", got, err)
	}
}

// TestMessageReaderLetsBigBuffersGo: the buffer grown for a message over
// maxKeptRead is not kept once the next message is read, so one big
// message does not stay in the heap for the rest of a batch.
func TestMessageReaderLetsBigBuffersGo(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{"huge": strings.Repeat("y", 3*maxKeptRead), "small": fifoMsg}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	var rd messageReader
	for _, name := range []string{"small", "huge", "small"} {
		got, err := rd.read(filepath.Join(dir, name))
		if err != nil || string(got) != files[name] {
			t.Fatalf("%s: read %d bytes (%v), want %d", name, len(got), err, len(files[name]))
		}
		if name == "huge" && cap(rd.buf) < 3*maxKeptRead {
			t.Fatalf("huge: buffer of %d bytes", cap(rd.buf))
		}
	}
	if cap(rd.buf) > maxKeptRead {
		t.Errorf("after a small message the reader still holds %d bytes (at most %d)", cap(rd.buf), maxKeptRead)
	}
}
