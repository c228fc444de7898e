package power

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"sync"
	"time"
)

// threadHold keeps a per-thread setting (Windows' SetThreadExecutionState
// belongs to the thread that called it) for as long as it is held: one
// goroutine locked to its OS thread applies set, then parks until release,
// undoes it with reset and only then lets the thread go. A setting made
// from an ordinary goroutine would stay with whatever thread the scheduler
// picked, and vanish or linger at random.
type threadHold struct {
	release chan struct{}
	done    chan struct{}
	once    sync.Once
}

func holdOnLockedThread(set func() error, reset func()) (*threadHold, error) {
	h := &threadHold{release: make(chan struct{}), done: make(chan struct{})}
	started := make(chan error, 1)
	go func() {
		defer close(h.done)
		// Never unlocked: a goroutine that exits locked takes its thread
		// with it, so no other goroutine runs on a thread that had the
		// setting.
		runtime.LockOSThread()
		if err := set(); err != nil {
			started <- err
			return
		}
		started <- nil
		<-h.release
		reset()
	}()
	if err := <-started; err != nil {
		return nil, err
	}
	return h, nil
}

// Release undoes the setting on its thread and waits for that.
func (h *threadHold) Release() {
	h.once.Do(func() { close(h.release) })
	<-h.done
}

// processHold is a helper process that holds a power assertion for as long
// as it runs (macOS' caffeinate). It is started with our pid to watch, so
// it also ends by itself should the daemon die without Release.
type processHold struct {
	cmd    *exec.Cmd
	exited chan struct{}
	err    error // valid once exited is closed
	once   sync.Once
}

// holdEarlyExit is how long a helper is watched after its start: one that
// cannot take the assertion (bad flags, missing service) exits at once.
const holdEarlyExit = 300 * time.Millisecond

func startProcessHold(name string, args ...string) (*processHold, error) {
	var stderr bytes.Buffer
	h := &processHold{cmd: exec.Command(name, args...), exited: make(chan struct{})}
	h.cmd.Stderr = &stderr
	if err := h.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	go func() {
		h.err = h.cmd.Wait()
		close(h.exited)
	}()
	select {
	case <-h.exited:
		return nil, fmt.Errorf("%s exited at once (%v): %s", name, h.err, bytes.TrimSpace(stderr.Bytes()))
	case <-time.After(holdEarlyExit):
		return h, nil
	}
}

// Release ends the helper and waits for it. A helper that had already
// exited (someone killed it) is reported: the assertion was lost earlier.
func (h *processHold) Release() error {
	var err error
	h.once.Do(func() {
		select {
		case <-h.exited:
			err = fmt.Errorf("%s had exited before release (%v): the machine may have slept", h.cmd.Path, h.err)
			return
		default:
		}
		if kerr := h.cmd.Process.Kill(); kerr != nil && !errors.Is(kerr, os.ErrProcessDone) {
			err = fmt.Errorf("stop %s: %w", h.cmd.Path, kerr)
		}
		<-h.exited
	})
	return err
}
