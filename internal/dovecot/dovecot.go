// Package dovecot runs a throw-away Dovecot 2.3 IMAP server on loopback, for
// tests and for `mailwarden demo`. It is the Go port of the project's
// fixtures/dovecot/start.sh: the configuration is generated from a template
// (dovecot.conf.tmpl), everything lives under Options.Dir, and nothing is read
// from or written to /etc/dovecot or /var.
//
// Started as root, the server uses Debian's dovenull/dovecot users for its
// own processes and stores mail as nobody:nogroup (imap-login refuses to run
// as root and mail access as uid 0 is refused). Started as an ordinary user,
// everything runs as that user.
//
// Accounts: test/secret (15 MiB quota) and small/secret (1 MiB quota), with
// special-use Drafts, Sent, Junk, Trash and Archive, the quota plugin and
// mail_max_userip_connections = 50.
package dovecot

import (
	"bufio"
	"bytes"
	"crypto/x509"
	_ "embed"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Accounts of every server: user name → password.
const (
	User      = "test"   // 15 MiB quota
	SmallUser = "small"  // 1 MiB quota
	Password  = "secret" // the password of both accounts
)

// Options configure a server.
type Options struct {
	// Dir is the state root (configuration, certificate, log, mail). It is
	// created if missing, for example t.TempDir().
	Dir string
	// Capability, if set, becomes `imap_capability = <this>`, to hide MOVE,
	// UIDPLUS, IDLE, QUOTA ... Dovecot still executes a hidden command if a
	// client sends it: check the protocol log (Rawlog), not for an error.
	Capability string
	// Rawlog writes a protocol log of every IMAP session (after login) under
	// RawlogDir(): one *.in and one *.out file per session.
	Rawlog bool
	// ExtraConf is appended to the configuration. A global setting placed
	// here does not reach `protocol imap`; a second `plugin {}` or
	// `protocol imap {}` block is merged with the first.
	ExtraConf string
	// JunkName is the name of the \Junk special-use mailbox ("" = "Junk"),
	// for example "Spam Email" or "迷惑メール".
	JunkName string
	// Users are more accounts (password Password, the 15 MiB quota), for
	// tests and benchmarks that watch several mailboxes.
	Users []string
	// NoJunk configures no \Junk mailbox at all (JunkName is ignored).
	NoJunk bool
}

// Server is a running (or stopped) Dovecot instance.
type Server struct {
	Dir       string // state root (Options.Dir, absolute)
	Conf      string // the generated dovecot.conf: pass it as -c to doveadm, doveconf, dovecot
	IMAPAddr  string // 127.0.0.1:port, plain IMAP (STARTTLS offered)
	IMAPSAddr string // 127.0.0.1:port, implicit TLS
	// CAPool trusts the server's self-signed certificate (CN=localhost,
	// SAN localhost and 127.0.0.1).
	CAPool *x509.CertPool

	opts    Options
	certPEM []byte
	logPath string
	baseDir string
	tmpBase bool // baseDir is a short directory of its own (removed by Stop)

	mu   sync.Mutex
	proc *exec.Cmd
	done chan struct{} // closed when proc exited
	perr error         // proc's exit error, valid once done is closed
}

// installHint is the fix named by Available's error.
const installHint = "install dovecot-imapd: apt-get install dovecot-imapd"

// Available reports whether dovecot and doveadm are installed; if not, the
// error says how to install them.
func Available() error {
	for _, name := range []string{"dovecot", "doveadm"} {
		if _, err := lookPath(name); err != nil {
			return fmt.Errorf("dovecot: %s not found (%s)", name, installHint)
		}
	}
	return nil
}

// lookPath finds a Dovecot binary in PATH or in the sbin directories, which an
// ordinary user's PATH often lacks.
func lookPath(name string) (string, error) {
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	for _, dir := range []string{"/usr/sbin", "/usr/local/sbin", "/sbin", "/usr/bin", "/usr/local/bin"} {
		p := filepath.Join(dir, name)
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() && st.Mode()&0o111 != 0 {
			return p, nil
		}
	}
	return "", fmt.Errorf("%s not found", name)
}

// Start writes the configuration, the accounts and a self-signed certificate
// under opts.Dir, picks free loopback ports, starts Dovecot in the
// background and waits for its "* OK" greeting. Stop it with Stop.
func Start(opts Options) (*Server, error) {
	if err := Available(); err != nil {
		return nil, err
	}
	if opts.Dir == "" {
		return nil, errors.New("dovecot: Options.Dir is empty")
	}
	if strings.ContainsAny(opts.JunkName, "\"\r\n\\") {
		return nil, fmt.Errorf("dovecot: JunkName %q: quotes, backslashes and line breaks are not supported", opts.JunkName)
	}
	dir, err := filepath.Abs(opts.Dir)
	if err != nil {
		return nil, err
	}
	s := &Server{Dir: dir, opts: opts}
	if err := s.prepare(); err != nil {
		return nil, err
	}
	// A free port picked here can be taken by someone else before Dovecot
	// binds it: try again with new ports.
	for attempt := 0; ; attempt++ {
		imapPort, imapsPort, err := freePorts()
		if err != nil {
			return nil, err
		}
		s.IMAPAddr = net.JoinHostPort("127.0.0.1", strconv.Itoa(imapPort))
		s.IMAPSAddr = net.JoinHostPort("127.0.0.1", strconv.Itoa(imapsPort))
		if err := s.writeConf(); err != nil {
			return nil, err
		}
		err = s.start()
		if err == nil {
			return s, nil
		}
		if attempt < 4 && strings.Contains(err.Error(), "Address already in use") {
			continue
		}
		s.cleanup()
		return nil, err
	}
}

// prepare creates the directories, the accounts and the certificate.
func (s *Server) prepare() error {
	d := filepath.Join(s.Dir, "dovecot")
	for _, p := range []string{filepath.Join(d, "state"), s.mailDir()} {
		if err := os.MkdirAll(p, 0o755); err != nil {
			return fmt.Errorf("dovecot: %w", err)
		}
	}
	if err := os.Chmod(s.Dir, 0o755); err != nil {
		return fmt.Errorf("dovecot: %w", err)
	}
	if err := os.Chmod(d, 0o755); err != nil {
		return fmt.Errorf("dovecot: %w", err)
	}
	s.Conf = filepath.Join(d, "dovecot.conf")
	s.logPath = filepath.Join(d, "dovecot.log")

	// Unix sockets live in base_dir, and a socket path has at most 107
	// bytes: a deep Dir (t.TempDir of a long test name) gets a short
	// base_dir of its own.
	s.baseDir = filepath.Join(d, "run")
	if len(s.baseDir) > 70 {
		tmp, err := os.MkdirTemp("", "mwdc")
		if err != nil {
			return fmt.Errorf("dovecot: %w", err)
		}
		s.baseDir, s.tmpBase = tmp, true
	}
	if err := os.MkdirAll(s.baseDir, 0o755); err != nil {
		return fmt.Errorf("dovecot: %w", err)
	}
	if err := os.Chmod(s.baseDir, 0o755); err != nil {
		return fmt.Errorf("dovecot: %w", err)
	}
	if s.opts.Rawlog {
		if err := os.MkdirAll(s.RawlogDir(), 0o755); err != nil {
			return fmt.Errorf("dovecot: %w", err)
		}
		// The imap processes write it as the mail user (nobody when root).
		if err := os.Chmod(s.RawlogDir(), os.ModeSticky|0o777); err != nil {
			return fmt.Errorf("dovecot: %w", err)
		}
	}
	if os.Geteuid() == 0 {
		if err := reachable(s.Dir); err != nil {
			return err
		}
		if err := reachable(s.baseDir); err != nil {
			return err
		}
		uid, gid, err := lookupIDs("nobody", "nogroup")
		if err != nil {
			return err
		}
		if err := os.Chown(s.mailDir(), uid, gid); err != nil {
			return fmt.Errorf("dovecot: %w", err)
		}
	}

	users := filepath.Join(d, "users")
	if _, err := os.Stat(users); errors.Is(err, os.ErrNotExist) {
		// user:password:uid:gid:gecos:home:shell:extra-fields (uid, gid and
		// home come from the userdb default_fields).
		text := User + ":{PLAIN}" + Password + "::::::\n" +
			SmallUser + ":{PLAIN}" + Password + "::::::userdb_quota_rule=*:storage=1M\n"
		for _, u := range s.opts.Users {
			text += u + ":{PLAIN}" + Password + "::::::\n"
		}
		// Read by the auth process, which runs as the internal user.
		if err := os.WriteFile(users, []byte(text), 0o644); err != nil {
			return fmt.Errorf("dovecot: %w", err)
		}
	}
	return s.loadCert()
}

// reachable makes sure the Dovecot users (dovecot, dovenull, nobody) can
// traverse every directory above dir. t.TempDir and os.MkdirTemp create
// 0700 directories; inside the system temporary directory those get o+x
// (traverse only, no listing). Anything else is reported, not changed.
func reachable(dir string) error {
	tmp, _ := filepath.Abs(os.TempDir())
	for p := dir; ; p = filepath.Dir(p) {
		st, err := os.Stat(p)
		if err != nil {
			return fmt.Errorf("dovecot: %w", err)
		}
		if st.Mode().Perm()&0o001 == 0 {
			if p != tmp && strings.HasPrefix(p, tmp+string(filepath.Separator)) {
				if err := os.Chmod(p, st.Mode().Perm()|0o001); err != nil {
					return fmt.Errorf("dovecot: %w", err)
				}
			} else {
				return fmt.Errorf("dovecot: %s (mode %o) cannot be traversed by the dovecot, dovenull and nobody users "+
					"that Dovecot runs as when started by root: use a Dir under %s or chmod o+x %s", p, st.Mode().Perm(), tmp, p)
			}
		}
		if p == filepath.Dir(p) {
			return nil
		}
	}
}

func (s *Server) mailDir() string { return filepath.Join(s.Dir, "mail") }

// RawlogDir is where the protocol logs go when Options.Rawlog is set.
func (s *Server) RawlogDir() string { return filepath.Join(s.Dir, "rawlog") }

// LogPath is Dovecot's own log file.
func (s *Server) LogPath() string { return s.logPath }

// CertPEM is the server's self-signed certificate, PEM-encoded (for a
// ca_file in a configuration).
func (s *Server) CertPEM() []byte { return bytes.Clone(s.certPEM) }

// Options returns the options the server was started with.
func (s *Server) Options() Options { return s.opts }

// freePorts returns two free TCP ports on 127.0.0.1.
func freePorts() (int, int, error) {
	var ports [2]int
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			l.Close()
		}
	}()
	for i := range ports {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return 0, 0, fmt.Errorf("dovecot: find a free port: %w", err)
		}
		ls = append(ls, l)
		ports[i] = l.Addr().(*net.TCPAddr).Port
	}
	return ports[0], ports[1], nil
}

// start runs the master in the foreground (-F) as a child process, so Stop
// knows when it is gone, and waits for the greeting.
func (s *Server) start() error {
	bin, err := lookPath("dovecot")
	if err != nil {
		return fmt.Errorf("dovecot: %s", installHint)
	}
	logStart := fileSize(s.logPath)
	cmd := exec.Command(bin, "-F", "-c", s.Conf)
	var stderr bytes.Buffer
	cmd.Stdout = &stderr
	cmd.Stderr = &stderr
	setProcAttr(cmd)
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("dovecot: start: %w", err)
	}
	done := make(chan struct{})
	s.mu.Lock()
	s.proc, s.done = cmd, done
	s.mu.Unlock()
	go func() {
		err := cmd.Wait()
		s.mu.Lock()
		s.perr = err
		s.mu.Unlock()
		close(done)
	}()

	deadline := time.Now().Add(10 * time.Second)
	for {
		select {
		case <-done:
			return fmt.Errorf("dovecot did not come up (%v): %s%s", s.exitErr(),
				strings.TrimSpace(stderr.String()), s.logTail(logStart))
		default:
		}
		if greetingOK(s.IMAPAddr) == nil {
			return nil
		}
		if time.Now().After(deadline) {
			s.kill()
			return fmt.Errorf("dovecot did not greet on %s within 10s; see %s%s", s.IMAPAddr, s.logPath, s.logTail(logStart))
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func (s *Server) exitErr() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.perr
}

func fileSize(path string) int64 {
	st, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return st.Size()
}

// logTail returns what Dovecot logged since offset, for error messages.
func (s *Server) logTail(offset int64) string {
	b, err := os.ReadFile(s.logPath)
	if err != nil || int64(len(b)) <= offset {
		return ""
	}
	b = b[offset:]
	if len(b) > 2000 {
		b = b[len(b)-2000:]
	}
	return "\n" + s.logPath + ":\n" + string(b)
}

// greetingOK connects and expects "* OK".
func greetingOK(addr string) error {
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(2 * time.Second))
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		return err
	}
	if !strings.HasPrefix(line, "* OK") {
		return fmt.Errorf("unexpected greeting %q", line)
	}
	c.Write([]byte("a LOGOUT\r\n"))
	return nil
}

// Stop shuts the server down and waits until its master process is gone.
// The mail and the configuration stay (Restart uses them).
func (s *Server) Stop() error {
	err := s.kill()
	s.cleanup()
	return err
}

// cleanup removes what Start made outside Dir.
func (s *Server) cleanup() {
	if s.tmpBase {
		os.RemoveAll(s.baseDir)
	}
}

func (s *Server) kill() error {
	s.mu.Lock()
	proc, done := s.proc, s.done
	s.proc = nil
	s.mu.Unlock()
	if proc == nil {
		return nil
	}
	terminate(proc)
	select {
	case <-done:
		return nil
	case <-time.After(10 * time.Second):
	}
	proc.Process.Kill()
	<-done
	return fmt.Errorf("dovecot: master did not stop within 10s of SIGTERM; killed")
}

// Restart stops the server and starts it again on the same ports with the
// same mail (and the same configuration file, which a test may have edited).
func (s *Server) Restart() error {
	if err := s.kill(); err != nil {
		return err
	}
	if s.tmpBase { // removed by Stop: only sockets live there
		if err := os.MkdirAll(s.baseDir, 0o755); err != nil {
			return fmt.Errorf("dovecot: %w", err)
		}
		if err := os.Chmod(s.baseDir, 0o755); err != nil {
			return fmt.Errorf("dovecot: %w", err)
		}
	}
	var err error
	for range 50 { // the old listeners may take a moment to go
		if err = s.start(); err == nil || !strings.Contains(err.Error(), "Address already in use") {
			return err
		}
		time.Sleep(100 * time.Millisecond)
	}
	return err
}

// Running reports whether the master process is up.
func (s *Server) Running() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.proc == nil {
		return false
	}
	select {
	case <-s.done:
		return false
	default:
		return true
	}
}
