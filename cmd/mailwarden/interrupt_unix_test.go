//go:build unix

package main

import (
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// A command stuck reading a FIFO that nobody writes ends on Ctrl-C: at the
// first if it can stop cleanly, at the latest at the second (the signal's
// default action is back once the first was seen).
func TestCtrlCEndsACommandStuckOnAFIFO(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildBinary(t)
	dir := t.TempDir()
	fifo := filepath.Join(dir, "msg.fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "classify", "--store", filepath.Join(dir, "store"), fifo)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	time.Sleep(500 * time.Millisecond) // let it reach the read
	for i := 0; i < 2; i++ {
		cmd.Process.Signal(syscall.SIGINT)
		select {
		case <-done:
			return
		case <-time.After(2 * time.Second):
		}
	}
	cmd.Process.Kill()
	<-done
	t.Fatal("still running after two Ctrl-C")
}
