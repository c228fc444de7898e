//go:build unix

package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// fifoSetup builds the binary, trains a token store in dir/store (classify
// and explain refuse a missing one) and makes a FIFO nobody writes to.
func fifoSetup(t *testing.T) (bin, dir, fifo string) {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin = buildBinary(t)
	dir = t.TempDir()
	spam, ham := filepath.Join(dir, "spam.eml"), filepath.Join(dir, "ham.eml")
	os.WriteFile(spam, []byte("Subject: cheap pills\r\n\r\nbuy now\r\n"), 0o600)
	os.WriteFile(ham, []byte("Subject: minutes\r\n\r\nof the meeting\r\n"), 0o600)
	if out, code := mw(t, bin, "train", "--store", filepath.Join(dir, "store"), "--spam", spam, "--ham", ham); code != exitOK {
		t.Fatalf("train: %d %s", code, out)
	}
	fifo = filepath.Join(dir, "msg.fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	return bin, dir, fifo
}

// A command stuck reading a FIFO that nobody writes ends on Ctrl-C: at the
// first if it can stop cleanly, at the latest at the second (the signal's
// default action is back once the first was seen).
func TestCtrlCEndsACommandStuckOnAFIFO(t *testing.T) {
	bin, dir, fifo := fifoSetup(t)
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

// explain, train and classify give up a FIFO read at the first Ctrl-C:
// they say so and exit 130; classify still prints the lines of the files
// it judged before.
func TestCtrlCStopsExplainOnAFIFO(t *testing.T) {
	bin, dir, fifo := fifoSetup(t)
	msg := filepath.Join(dir, "first.eml")
	if err := os.WriteFile(msg, []byte("Subject: hello\r\n\r\nsee you tomorrow\r\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"explain", "--store", filepath.Join(dir, "store"), fifo},
		{"train", "--store", filepath.Join(dir, "store"), "--spam", fifo},
		{"classify", "--store", filepath.Join(dir, "store"), msg, fifo},
	} {
		cmd := exec.Command(bin, args...)
		cmd.Env = append(os.Environ(), "LC_ALL=C") // the English "interrupted"
		var stderr, stdout strings.Builder
		cmd.Stderr, cmd.Stdout = &stderr, &stdout
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		time.Sleep(500 * time.Millisecond) // let it reach the read
		cmd.Process.Signal(syscall.SIGINT)
		select {
		case err := <-done:
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.ExitCode() != exitInterrupted || !strings.Contains(stderr.String(), "interrupted") {
				t.Errorf("%s: %v, stderr %q; want exit %d saying interrupted", args[0], err, stderr.String(), exitInterrupted)
			}
			if args[0] == "classify" && !strings.HasPrefix(stdout.String(), msg+"\t") {
				t.Errorf("classify: stdout %q, want the line of %s judged before the FIFO", stdout.String(), msg)
			}
		case <-time.After(5 * time.Second):
			cmd.Process.Kill()
			<-done
			t.Errorf("%s: still running 5 s after Ctrl-C", args[0])
		}
	}
}
