package localapi

import (
	"fmt"
	"net"

	"golang.org/x/sys/unix"
)

// peerAllowed admits the socket's owner and root. A refused peer gets a
// non-nil error naming its uid.
func peerAllowed(c net.Conn, owner int) (bool, error) {
	uc, ok := c.(*net.UnixConn)
	if !ok {
		return false, fmt.Errorf("not a unix socket")
	}
	raw, err := uc.SyscallConn()
	if err != nil {
		return false, err
	}
	var cred *unix.Ucred
	var cerr error
	err = raw.Control(func(fd uintptr) {
		cred, cerr = unix.GetsockoptUcred(int(fd), unix.SOL_SOCKET, unix.SO_PEERCRED)
	})
	if err != nil || cerr != nil {
		return false, fmt.Errorf("peer credentials: %v %v", err, cerr)
	}
	if int(cred.Uid) == owner || cred.Uid == 0 {
		return true, nil
	}
	return false, fmt.Errorf("uid %d is not the owner %d", cred.Uid, owner)
}
