//go:build linux

package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/mailwarden/mailwarden/internal/dovecot"
	"github.com/mailwarden/mailwarden/localapi"
	"github.com/mailwarden/mailwarden/store"
)

// passwordEnv carries the accounts' password to `mailwarden run`.
const passwordEnv = "MW_DAEMONBENCH_PASSWORD"

// trainStore fills the token store dir with `mailwarden train` (the same
// binary as the daemon, so the store format always matches).
func trainStore(ctx context.Context, bin, dir string, sp *split) (string, error) {
	cmd := exec.CommandContext(ctx, bin, "train", "--store", dir,
		"--spam", filepath.Join(sp.trainDir, "spam"), "--ham", filepath.Join(sp.trainDir, "ham"))
	out, err := cmd.CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("mailwarden train: %w: %s", err, out)
	}
	return strings.TrimSpace(string(out)), nil
}

// writeConfig writes the daemon's config: the three accounts over implicit
// TLS (what users have), verified against the server's certificate.
func writeConfig(path string, srv *dovecot.Server) error {
	caPath := filepath.Join(filepath.Dir(path), "dovecot-ca.pem")
	if err := os.WriteFile(caPath, srv.CertPEM(), 0o644); err != nil {
		return err
	}
	host, port, _ := strings.Cut(srv.IMAPSAddr, ":")
	var b strings.Builder
	b.WriteString("version = 1\n")
	for _, u := range users {
		fmt.Fprintf(&b, `
[[account]]
name = %q
host = %q
port = %s
tls = "tls"
ca_file = %q
username = %q
password_env = %q
`, u, host, port, caPath, u, passwordEnv)
	}
	return os.WriteFile(path, []byte(b.String()), 0o600)
}

// daemon is `mailwarden run` as a child process.
type daemon struct {
	cmd     *exec.Cmd
	logPath string
	client  *localapi.Client
	exited  chan struct{}
	err     error // valid once exited is closed

	mu     sync.Mutex
	events map[string]store.Action // normalised Message-ID → first action on it
	stop   sync.Once
}

// startDaemon starts `mailwarden run` on the config and store.
func startDaemon(bin, work, cfg, storeDir string) (*daemon, error) {
	d := &daemon{
		logPath: filepath.Join(work, "mailwarden.log"),
		exited:  make(chan struct{}),
		events:  map[string]store.Action{},
	}
	sock := filepath.Join(work, "mw.sock")
	logf, err := os.Create(d.logPath)
	if err != nil {
		return nil, err
	}
	d.cmd = exec.Command(bin, "run", "--config", cfg, "--store", storeDir, "--socket", sock, "--log-format", "json")
	d.cmd.Env = append(os.Environ(), passwordEnv+"="+dovecot.Password)
	d.cmd.Stdout, d.cmd.Stderr = logf, logf
	d.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL} // if the benchmark dies
	if err := d.cmd.Start(); err != nil {
		logf.Close()
		return nil, fmt.Errorf("start mailwarden run: %w", err)
	}
	go func() {
		d.err = d.cmd.Wait()
		logf.Close()
		close(d.exited)
	}()
	d.client = localapi.NewClient(sock)
	return d, nil
}

// Stop asks the daemon to finish (SIGTERM) and kills it after 20 s.
func (d *daemon) Stop() {
	d.stop.Do(func() {
		d.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-d.exited:
		case <-time.After(20 * time.Second):
			d.cmd.Process.Kill()
			<-d.exited
		}
	})
}

// waitOnline polls Status until every account is online.
func (d *daemon) waitOnline(ctx context.Context, timeout time.Duration) (localapi.Status, error) {
	deadline := time.Now().Add(timeout)
	var last localapi.Status
	var lastErr error
	for time.Now().Before(deadline) {
		sctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		st, err := d.client.Status(sctx)
		cancel()
		if err == nil {
			last, lastErr = st, nil
			online := 0
			for _, a := range st.Accounts {
				if a.State == localapi.StateOnline {
					online++
				}
			}
			if online == len(users) && len(st.Accounts) == len(users) {
				return st, nil
			}
		} else {
			lastErr = err
		}
		select {
		case <-ctx.Done():
			return last, ctx.Err()
		case <-d.exited:
			return last, fmt.Errorf("mailwarden run exited (%v); see %s", d.err, d.logPath)
		case <-time.After(250 * time.Millisecond):
		}
	}
	return last, fmt.Errorf("accounts not all online after %v (last status %+v, %v); see %s", timeout, last.Accounts, lastErr, d.logPath)
}

// follow subscribes to the event stream and keeps the first action on each
// message, until ctx is done. It returns once the subscription is made.
func (d *daemon) follow(ctx context.Context) error {
	ready := make(chan error, 1)
	go func() {
		err := d.client.Events(ctx, func(ev localapi.Event) bool {
			if ev.Kind != localapi.EventAction || ev.Action == nil {
				return true
			}
			d.mu.Lock()
			id := normID(ev.Action.MessageID)
			if _, ok := d.events[id]; !ok {
				d.events[id] = *ev.Action
			}
			d.mu.Unlock()
			return true
		})
		select {
		case ready <- err:
		default:
		}
	}()
	// Events returns only on error or at the end; the request is made at
	// once. Give it a moment to fail (no daemon) before going on.
	select {
	case err := <-ready:
		if err != nil && !errors.Is(err, context.Canceled) {
			return err
		}
		return errors.New("event stream ended at once")
	case <-time.After(500 * time.Millisecond):
		return nil
	}
}

// action returns the daemon's first action on a message, if any.
func (d *daemon) action(id string) (store.Action, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	a, ok := d.events[normID(id)]
	return a, ok
}
