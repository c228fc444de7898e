package power

import (
	"errors"
	"os"

	"github.com/godbus/dbus/v5"

	"github.com/mailwarden/mailwarden/i18n"
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
		return nil, errors.New(i18n.Detect().T("awake no bus", err.Error()))
	}
	obj := conn.Object("org.freedesktop.login1", "/org/freedesktop/login1")
	var fd dbus.UnixFD
	err = obj.Call("org.freedesktop.login1.Manager.Inhibit", 0, "idle:sleep", "mailwarden", why, "block").Store(&fd)
	if err != nil {
		conn.Close()
		return nil, errors.New(i18n.Detect().T("awake logind refused", err.Error()))
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
