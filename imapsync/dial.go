package imapsync

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"strconv"
	"sync"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// Timeouts of one session.
const (
	dialTimeout = 30 * time.Second
	// cmdTimeout bounds one command (or one batch): go-imap waits for a
	// tagged reply forever, so a stuck server would stall the watcher.
	cmdTimeout = 2 * time.Minute
)

// Session is one logged-in IMAP connection.
type Session struct {
	acct Account
	addr string
	c    *imapclient.Client
	caps imap.CapSet

	// updates is signalled when the server announces new messages
	// (untagged EXISTS), during IDLE or any command.
	updates chan struct{}
	// changes is signalled when the server announces an expunge or a flag
	// change in the selected mailbox (untagged EXPUNGE or FETCH): the
	// learning connection watches the junk folder for them.
	changes chan struct{}

	selected string           // decoded name of the selected mailbox, "" = none
	sel      *imap.SelectData // data of the last SELECT/EXAMINE
	readOnly bool

	// modified counts the server's "[MODIFIED ...]" answers: go-imap drops
	// that response code, and a refused conditional STORE (claim) is only
	// told by it.
	modified *modifiedTap
}

// Dial connects to the account's server, verifies its certificate, logs in
// and reads the capabilities. ctx bounds the connection and the login.
//
// Errors: *AuthError (errors.Is ErrAuth) for a refused password, *TLSError
// (errors.Is ErrTLS) for a certificate that does not verify, ErrPlaintext
// for TLSNone without AllowPlaintext; a refused connection names the address.
func Dial(ctx context.Context, acct Account) (*Session, error) {
	acct = acct.withDefaults()
	if err := acct.validate(); err != nil {
		return nil, err
	}
	addr := net.JoinHostPort(acct.Host, strconv.Itoa(acct.Port))
	d := net.Dialer{Timeout: dialTimeout, KeepAlive: 30 * time.Second}
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("connect to %s: %w", addr, err)
	}
	// Until logged in, ctx (and dialTimeout) can abort anything.
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	timer := time.AfterFunc(dialTimeout, func() { conn.Close() })
	defer timer.Stop()

	s := &Session{acct: acct, addr: addr, updates: make(chan struct{}, 1), changes: make(chan struct{}, 1), modified: &modifiedTap{}}
	tlsConf := &tls.Config{ServerName: acct.Host, RootCAs: acct.RootCAs, MinVersion: tls.VersionTLS12}
	opts := &imapclient.Options{
		TLSConfig:   tlsConf,
		DebugWriter: s.modified,
		UnilateralDataHandler: &imapclient.UnilateralDataHandler{
			Mailbox: func(data *imapclient.UnilateralDataMailbox) {
				if data.NumMessages != nil {
					s.notify()
				}
			},
			Expunge: func(uint32) { s.changed() },
			Fetch: func(msg *imapclient.FetchMessageData) {
				msg.Collect() // consume it, as the default handler does
				s.changed()
			},
		},
	}
	fail := func(err error) (*Session, error) {
		conn.Close()
		if ctx.Err() != nil {
			return nil, fmt.Errorf("connect to %s: %w", addr, ctx.Err())
		}
		return nil, err
	}
	switch acct.TLS {
	case TLSImplicit:
		tc := tls.Client(conn, tlsConf)
		if err := tc.HandshakeContext(ctx); err != nil {
			return fail(asTLSError(addr, fmt.Errorf("TLS handshake with %s: %w", addr, err)))
		}
		s.c = imapclient.New(tc, opts)
	case TLSStartTLS:
		fc := &firstByteConn{Conn: conn}
		s.c, err = imapclient.NewStartTLS(fc, opts)
		if err != nil {
			if _, ok := serverRefusal(err); ok {
				return fail(&StartTLSError{Addr: addr, Err: err})
			}
			if fc.tlsRecord() || !fc.answered() && speaksTLS(ctx, addr, acct.Host) {
				return fail(&ImplicitTLSError{Addr: addr, Err: err})
			}
			return fail(asTLSError(addr, fmt.Errorf("STARTTLS with %s: %w", addr, err)))
		}
	case TLSNone:
		s.c = imapclient.New(conn, opts)
	}
	if err := s.c.WaitGreeting(); err != nil {
		s.c.Close()
		return fail(fmt.Errorf("greeting of %s: %w", addr, err))
	}
	if s.c.State() != imap.ConnStateAuthenticated { // not PREAUTH
		if s.c.Caps().Has(imap.CapLoginDisabled) {
			s.c.Close()
			return fail(fmt.Errorf("%w: %s refuses LOGIN on this connection (LOGINDISABLED): use tls = %q or %q",
				ErrPlaintext, addr, TLSImplicit, TLSStartTLS))
		}
		if err := s.c.Login(acct.Username, acct.Password).Wait(); err != nil {
			s.c.Close()
			if ie, ok := serverRefusal(err); ok && isAuthFailure(ie) {
				return fail(&AuthError{Host: addr, User: acct.Username, Server: refusalText(ie)})
			}
			return fail(fmt.Errorf("login to %s: %w", addr, err))
		}
	}
	s.caps = s.c.Caps()
	if s.caps == nil {
		s.c.Close()
		return fail(fmt.Errorf("%s: no CAPABILITY after login", addr))
	}
	return s, nil
}

// isAuthFailure tells a wrong password from a temporary refusal.
func isAuthFailure(ie *imap.Error) bool {
	switch ie.Code {
	case imap.ResponseCodeUnavailable, imap.ResponseCodeServerBug, imap.ResponseCodeInUse, imap.ResponseCodeLimit:
		return false
	}
	return ie.Type == imap.StatusResponseTypeNo
}

func refusalText(ie *imap.Error) string {
	if ie.Code != "" {
		return fmt.Sprintf("%s [%s] %s", ie.Type, ie.Code, ie.Text)
	}
	return fmt.Sprintf("%s %s", ie.Type, ie.Text)
}

func (s *Session) notify() {
	select {
	case s.updates <- struct{}{}:
	default:
	}
}

// modifiedTap sees the protocol stream (imapclient's DebugWriter: what is
// read, before it is parsed, and what is written) and counts "[MODIFIED ".
// It keeps nothing else: the last few bytes, for a match cut between reads.
type modifiedTap struct {
	mu    sync.Mutex
	tail  []byte
	count int
}

var modifiedCode = []byte("[MODIFIED ")

func (t *modifiedTap) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	l := len(modifiedCode) - 1 // tail and head are shorter than a match:
	t.count += bytes.Count(p, modifiedCode)
	if len(t.tail) > 0 { // a match across them spans the boundary
		t.count += bytes.Count(append(t.tail, p[:min(len(p), l)]...), modifiedCode)
	}
	if len(p) >= l {
		t.tail = append(t.tail[:0], p[len(p)-l:]...)
	} else {
		t.tail = append(t.tail, p...)
		t.tail = append(t.tail[:0], t.tail[max(0, len(t.tail)-l):]...)
	}
	return len(p), nil
}

func (t *modifiedTap) seen() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.count
}

func (s *Session) changed() {
	select {
	case s.changes <- struct{}{}:
	default:
	}
}

// Client is the underlying go-imap client, for tools that need more.
func (s *Session) Client() *imapclient.Client { return s.c }

// Caps are the capabilities the server announced after login.
func (s *Session) Caps() imap.CapSet { return s.caps }

// Close logs out (briefly waiting for the reply) and closes the connection.
func (s *Session) Close() error {
	done := make(chan error, 1)
	go func() { done <- s.c.Logout().Wait() }()
	select {
	case <-done:
	case <-time.After(2 * time.Second):
	}
	err := s.c.Close()
	if errors.Is(err, net.ErrClosed) {
		err = nil
	}
	return err
}

// guard closes the connection if the work it brackets takes longer than d:
// every pending command then fails and the session ends.
//
//	defer s.guard(cmdTimeout)()
func (s *Session) guard(d time.Duration) (stop func()) {
	t := time.AfterFunc(d, func() { s.c.Close() })
	return func() { t.Stop() }
}

// selectMailbox selects (or, readOnly, examines) a mailbox by its decoded
// name. go-imap encodes the name (modified UTF-7) on the wire.
func (s *Session) selectMailbox(name string, readOnly bool) (*imap.SelectData, error) {
	defer s.guard(cmdTimeout)()
	data, err := s.c.Select(name, &imap.SelectOptions{ReadOnly: readOnly}).Wait()
	if err != nil {
		s.selected, s.sel = "", nil
		return nil, fmt.Errorf("select %q: %w", name, err)
	}
	s.selected, s.sel, s.readOnly = name, data, readOnly
	return data, nil
}

// keywordsAllowed reports whether the selected mailbox stores keywords such
// as $Junk: PERMANENTFLAGS holds \* (any keyword) or the keyword itself.
func (s *Session) keywordsAllowed(kw imap.Flag) bool {
	if s.sel == nil || s.readOnly {
		return false
	}
	for _, f := range s.sel.PermanentFlags {
		if f == imap.FlagWildcard || equalFold(string(f), string(kw)) {
			return true
		}
	}
	return false
}

// firstByteConn keeps the first byte the server sent, to tell a server
// that answered a plain IMAP client with TLS (an implicit-TLS port).
type firstByteConn struct {
	net.Conn
	mu    sync.Mutex
	first []byte
}

func (c *firstByteConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if n > 0 {
		c.mu.Lock()
		if c.first == nil {
			c.first = []byte{p[0]}
		}
		c.mu.Unlock()
	}
	return n, err
}

// answered reports whether the server sent anything at all.
func (c *firstByteConn) answered() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.first != nil
}

// speaksTLS reports whether a TLS handshake with addr completes: a
// server that hung up on a plain IMAP client without a word may be an
// implicit-TLS port. Only the handshake is made (the certificate is not
// what is asked here; nothing is sent after it).
func speaksTLS(ctx context.Context, addr, host string) bool {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	d := tls.Dialer{Config: &tls.Config{ServerName: host, InsecureSkipVerify: true, MinVersion: tls.VersionTLS12}}
	c, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return false
	}
	c.Close()
	return true
}

// tlsRecord reports whether the server's first byte was a TLS record's
// (handshake 0x16 or alert 0x15): an IMAP greeting starts with "*".
func (c *firstByteConn) tlsRecord() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.first) == 1 && (c.first[0] == 0x15 || c.first[0] == 0x16)
}
