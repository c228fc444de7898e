package imapsync

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"strconv"

	"github.com/emersion/go-imap/v2"
)

// Permanent errors: Watcher.Run stops on them instead of reconnecting,
// because retrying cannot help until the user changes something.
var (
	// ErrAuth: the server refused the user name or password.
	ErrAuth = errors.New("login refused")
	// ErrTLS: the server's certificate does not verify.
	ErrTLS = errors.New("TLS certificate does not verify")
	// ErrPlaintext: TLSNone without Account.AllowPlaintext, or a server
	// that refuses LOGIN on the connection.
	ErrPlaintext = errors.New("plaintext login refused")
	// ErrConfig: an account setting that cannot work.
	ErrConfig = errors.New("invalid account settings")
)

// Errors reported in Outcome.Err.
var (
	// ErrNoSafeMove: the server has neither MOVE nor UIDPLUS. Moving would
	// need a plain EXPUNGE, which also removes every other message the user
	// marked \Deleted, so mailwarden leaves the message in INBOX, marked
	// $Junk where keywords are allowed.
	ErrNoSafeMove = errors.New("the server cannot move messages safely (no MOVE and no UIDPLUS): the message stays in INBOX, marked $Junk")
	// ErrOverQuota: the server refused the copy because the mailbox is full.
	ErrOverQuota = errors.New("the mailbox is full (over quota)")
)

// IsPermanent reports whether err cannot be cured by reconnecting.
func IsPermanent(err error) bool {
	return errors.Is(err, ErrAuth) || errors.Is(err, ErrTLS) || errors.Is(err, ErrPlaintext) || errors.Is(err, ErrConfig)
}

// ErrStartTLS: the server refused STARTTLS (*StartTLSError).
var ErrStartTLS = errors.New("STARTTLS refused")

// StartTLSError is a server that refused STARTTLS. errors.Is(err,
// ErrStartTLS) holds.
type StartTLSError struct {
	Addr string // host:port
	Err  error  // the server's refusal
}

// Error names the server and the fix, in the config's words.
func (e *StartTLSError) Error() string {
	return fmt.Sprintf("%s refused STARTTLS (%v): use tls = %q on the implicit-TLS port (993)", e.Addr, e.Err, TLSImplicit)
}

// Is makes errors.Is(err, ErrStartTLS) true.
func (e *StartTLSError) Is(target error) bool { return target == ErrStartTLS }

// Unwrap returns the server's refusal.
func (e *StartTLSError) Unwrap() error { return e.Err }

// AuthError is a refused login. errors.Is(err, ErrAuth) holds.
type AuthError struct {
	Host, User string
	Server     string // the server's text, e.g. "[AUTHENTICATIONFAILED] Authentication failed."
}

// Error names the server, the user and the fix.
func (e *AuthError) Error() string {
	return fmt.Sprintf("%v: %s refused the login of %q (%s): check the password and the user name", ErrAuth, e.Host, e.User, e.Server)
}

// Is makes errors.Is(err, ErrAuth) true.
func (e *AuthError) Is(target error) bool { return target == ErrAuth }

// TLSError is a certificate that does not verify. errors.Is(err, ErrTLS)
// holds; Unwrap gives the crypto/tls or crypto/x509 error.
type TLSError struct {
	Addr string // host:port
	Err  error
}

// Error names the server and the fix.
func (e *TLSError) Error() string {
	return fmt.Sprintf("%v: the certificate of %s does not verify (%v): check the host name; for a private or self-signed server, give its CA certificate (ca_file = \"...\" in the config, --ca-file with account add)",
		ErrTLS, e.Addr, e.Err)
}

// Is makes errors.Is(err, ErrTLS) true.
func (e *TLSError) Is(target error) bool { return target == ErrTLS }

// Unwrap returns the underlying verification error.
func (e *TLSError) Unwrap() error { return e.Err }

// NotTLSError is a server that answered the TLS handshake with something
// else: most often the plain IMAP greeting of a port that wants STARTTLS
// (143). A server did answer: the port or the TLS mode is wrong, not the
// host or the network.
type NotTLSError struct {
	Addr string // host:port
	Err  error  // crypto/tls's tls.RecordHeaderError
}

// Error names the server and the fix, in the config's words.
func (e *NotTLSError) Error() string {
	return fmt.Sprintf("%s answered without TLS: use tls = %q on this port (%d), or port 993 with tls = %q", e.Addr, TLSStartTLS, e.Port(), TLSImplicit)
}

// Unwrap returns the handshake's error.
func (e *NotTLSError) Unwrap() error { return e.Err }

// Port is the port of Addr (0 if it names none).
func (e *NotTLSError) Port() int { return addrPort(e.Addr) }

// ImplicitTLSError is a server that answered a plain IMAP client (before
// STARTTLS) with TLS: a port that wants TLS from the start (993). A
// server did answer: the TLS mode is wrong, not the host or the network.
// The mirror of NotTLSError.
type ImplicitTLSError struct {
	Addr string // host:port
	Err  error  // what the IMAP client made of the TLS bytes
}

// Error names the server and the fix, in the config's words.
func (e *ImplicitTLSError) Error() string {
	return fmt.Sprintf("%s answered with TLS, not a plain IMAP greeting: use tls = %q on this port (%d), or port 143 with tls = %q",
		e.Addr, TLSImplicit, e.Port(), TLSStartTLS)
}

// Unwrap returns the client's error.
func (e *ImplicitTLSError) Unwrap() error { return e.Err }

// Port is the port of Addr (0 if it names none).
func (e *ImplicitTLSError) Port() int { return addrPort(e.Addr) }

func addrPort(addr string) int {
	_, p, err := net.SplitHostPort(addr)
	if err != nil {
		return 0
	}
	n, _ := strconv.Atoi(p)
	return n
}

// asTLSError wraps certificate verification failures in a TLSError, and a
// server that does not speak TLS in a NotTLSError.
func asTLSError(addr string, err error) error {
	var (
		rh   tls.RecordHeaderError
		cv   *tls.CertificateVerificationError
		ua   x509.UnknownAuthorityError
		he   x509.HostnameError
		ci   x509.CertificateInvalidError
		uaP  *x509.UnknownAuthorityError
		heP  *x509.HostnameError
		ciP  *x509.CertificateInvalidError
		alrt tls.AlertError
	)
	switch {
	case errors.As(err, &rh):
		return &NotTLSError{Addr: addr, Err: err}
	case errors.As(err, &cv), errors.As(err, &ua), errors.As(err, &he), errors.As(err, &ci),
		errors.As(err, &uaP), errors.As(err, &heP), errors.As(err, &ciP):
		return &TLSError{Addr: addr, Err: err}
	case errors.As(err, &alrt):
		return fmt.Errorf("TLS handshake with %s failed: %w", addr, err)
	}
	return err
}

// quotaError marks an OVERQUOTA refusal so errors.Is(err, ErrOverQuota) holds.
type quotaError struct{ err error }

func (e *quotaError) Error() string {
	return fmt.Sprintf("%v: %v; free space (empty Trash or Junk, delete old mail), mailwarden retries by itself", ErrOverQuota, e.err)
}
func (e *quotaError) Is(target error) bool { return target == ErrOverQuota }
func (e *quotaError) Unwrap() error        { return e.err }

// serverRefusal reports whether err is a tagged NO or BAD from the server
// (the connection is fine), as opposed to a broken connection.
func serverRefusal(err error) (*imap.Error, bool) {
	var ie *imap.Error
	if errors.As(err, &ie) {
		return ie, true
	}
	return nil, false
}
