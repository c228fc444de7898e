package dovecot

import (
	"os/exec"
	"syscall"
)

// setProcAttr puts Dovecot in a process group of its own (so Stop can stop
// the master and its children at once) and asks the kernel to stop the
// master when the process that started it dies (a test binary killed by its
// timeout leaves no server behind).
func setProcAttr(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
}

// terminate sends SIGTERM to the master and every process of its group:
// the master alone waits about a second for its children.
func terminate(cmd *exec.Cmd) {
	if err := syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM); err != nil {
		cmd.Process.Signal(syscall.SIGTERM)
	}
}
