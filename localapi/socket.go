package localapi

import (
	"context"
	"net"
)

// DefaultSocketPath is where the daemon listens and its clients dial:
// $XDG_RUNTIME_DIR/mailwarden/mailwarden.sock, or mailwarden.sock in the
// data directory where there is no runtime dir; on Windows the named pipe
// \\.\pipe\mailwarden-USER (dataDir is not used there).
func DefaultSocketPath(dataDir string) string { return defaultSocketPath(dataDir) }

// Dial connects to the daemon's API socket (a named pipe on Windows).
func Dial(ctx context.Context, path string) (net.Conn, error) { return dial(ctx, path) }
