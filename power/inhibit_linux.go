package power

import (
	"fmt"
	"os"

	"github.com/godbus/dbus/v5"
)

// Inhibitor holds a sleep inhibitor lock until Release.
type Inhibitor struct {
	fd   *os.File
	conn *dbus.Conn
}

// KeepAwake asks systemd-logind (org.freedesktop.login1.Manager.Inhibit)
// to block idle sleep for as long as the lock is held. An explicit suspend
// by the user still works: only "idle" is inhibited, with mode "block".
func KeepAwake(why string) (*Inhibitor, error) {
	conn, err := dbus.ConnectSystemBus()
	if err != nil {
		return nil, fmt.Errorf("keep the PC awake: no system D-Bus (%v): the PC may sleep; turn off its sleep timer by hand", err)
	}
	obj := conn.Object("org.freedesktop.login1", "/org/freedesktop/login1")
	var fd dbus.UnixFD
	err = obj.Call("org.freedesktop.login1.Manager.Inhibit", 0, "idle:sleep", "mailwarden", why, "block").Store(&fd)
	if err != nil {
		conn.Close()
		return nil, fmt.Errorf("keep the PC awake: logind refused the inhibitor (%v): the PC may sleep; turn off its sleep timer by hand", err)
	}
	return &Inhibitor{fd: os.NewFile(uintptr(fd), "logind-inhibitor"), conn: conn}, nil
}

// Release lets the machine sleep again.
func (i *Inhibitor) Release() error {
	if i == nil {
		return nil
	}
	err := i.fd.Close()
	i.conn.Close()
	return err
}
