package localapi

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// pipePrefix starts every local named pipe's name on Windows.
const pipePrefix = `\\.\pipe\`

// pipeName is the Windows named pipe for the API socket path given by the
// user or DefaultSocketPath: a pipe name is taken as it is; any other path
// (a --socket FILE from a Unix habit, a test's temporary file) is mapped
// to a pipe of its own, so that two daemons with different paths do not
// meet. user is the account name; a backslash (DOMAIN\user) cannot be part
// of a pipe's name, so it becomes a dash.
func pipeName(path, user string) string {
	if strings.HasPrefix(strings.ToLower(path), pipePrefix) {
		return path
	}
	name := pipePrefix + "mailwarden-" + pipeSafe(user)
	if path == "" {
		return name
	}
	sum := sha256.Sum256([]byte(path))
	return name + "-" + hex.EncodeToString(sum[:6])
}

// pipeSafe keeps a user name usable inside a pipe name.
func pipeSafe(user string) string {
	user = strings.Map(func(r rune) rune {
		if r == '\\' || r == '/' || r == ':' || r < ' ' {
			return '-'
		}
		return r
	}, user)
	if user == "" {
		return "user"
	}
	return user
}

// pipeSDDL is the named pipe's security descriptor: a protected DACL (P:
// nothing inherited) with one entry, generic-all for the user's SID. No
// other user, not even an administrator through the pipe's ACL, can
// connect; the pipe also refuses remote clients (go-winio sets
// PIPE_REJECT_REMOTE_CLIENTS).
func pipeSDDL(sid string) string { return "D:P(A;;GA;;;" + sid + ")" }
