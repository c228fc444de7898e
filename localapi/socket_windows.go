//go:build windows

package localapi

import (
	"context"
	"fmt"
	"net"
	"os/user"
	"time"

	"github.com/Microsoft/go-winio"
	"golang.org/x/sys/windows"
)

// currentUser names the user the daemon runs as, for the pipe's name.
func currentUser() string {
	if u, err := user.Current(); err == nil {
		return u.Username
	}
	return ""
}

func defaultSocketPath(string) string { return pipeName("", currentUser()) }

func dial(ctx context.Context, path string) (net.Conn, error) {
	return winio.DialPipeContext(ctx, pipeName(path, currentUser()))
}

// currentSID is the string SID of the user this process runs as.
func currentSID() (string, error) {
	tu, err := windows.GetCurrentProcessToken().GetTokenUser()
	if err != nil {
		return "", fmt.Errorf("read the process token's user: %w", err)
	}
	return tu.User.Sid.String(), nil
}

// Listen opens the API as the named pipe for path (see pipeName), with a
// security descriptor that lets only the current user's SID open it; the
// pipe refuses remote clients. A live pipe of the same name (another
// daemon) is an error. Windows removes a pipe when its last handle
// closes, so a crash leaves nothing stale behind.
func Listen(path string) (net.Listener, error) {
	name := pipeName(path, currentUser())
	sid, err := currentSID()
	if err != nil {
		return nil, err
	}
	timeout := time.Second
	if c, err := winio.DialPipe(name, &timeout); err == nil {
		c.Close()
		return nil, fmt.Errorf("another mailwarden daemon is already listening on %s: stop it first", name)
	}
	ln, err := winio.ListenPipe(name, &winio.PipeConfig{
		SecurityDescriptor: pipeSDDL(sid),
		InputBufferSize:    64 << 10,
		OutputBufferSize:   64 << 10,
	})
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", name, err)
	}
	return ln, nil
}
