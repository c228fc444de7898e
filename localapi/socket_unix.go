//go:build !windows

package localapi

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"time"
)

func defaultSocketPath(dataDir string) string {
	if d := os.Getenv("XDG_RUNTIME_DIR"); d != "" {
		return filepath.Join(d, "mailwarden", "mailwarden.sock")
	}
	return filepath.Join(dataDir, "mailwarden.sock")
}

func dial(ctx context.Context, path string) (net.Conn, error) {
	var d net.Dialer
	return d.DialContext(ctx, "unix", path)
}

// Listen opens the API socket at path: its directory is created 0700 and
// the socket made 0600, so no other user can connect; on Linux each
// connection's peer is checked as well (peerAllowed), in case the
// directory's mode was loosened. A stale socket left by a crash is removed;
// a live one (another daemon) is an error.
func Listen(path string) (net.Listener, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("create socket directory: %w", err)
	}
	if c, err := net.DialTimeout("unix", path, time.Second); err == nil {
		c.Close()
		return nil, fmt.Errorf("another mailwarden daemon is already listening on %s: stop it first", path)
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("remove stale socket %s: %w", path, err)
	}
	ln, err := net.Listen("unix", path)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", path, err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		ln.Close()
		return nil, fmt.Errorf("restrict socket %s: %w", path, err)
	}
	return &ownerListener{Listener: ln, uid: os.Getuid()}, nil
}

// ownerListener drops connections from other users.
type ownerListener struct {
	net.Listener
	uid int
}

func (l *ownerListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		if ok, err := peerAllowed(c, l.uid); !ok {
			if err != nil {
				c.Write([]byte("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"))
			}
			c.Close()
			continue
		}
		return c, nil
	}
}
