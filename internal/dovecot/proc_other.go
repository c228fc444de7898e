//go:build !linux

package dovecot

import (
	"os/exec"
	"syscall"
)

func setProcAttr(cmd *exec.Cmd) {}

func terminate(cmd *exec.Cmd) { cmd.Process.Signal(syscall.SIGTERM) }
