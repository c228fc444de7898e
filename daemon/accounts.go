package daemon

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/mailwarden/mailwarden/config"
	"github.com/mailwarden/mailwarden/i18n"
	"github.com/mailwarden/mailwarden/imapsync"
	"github.com/mailwarden/mailwarden/localapi"
	"github.com/mailwarden/mailwarden/secrets"
)

// secretStore returns the password store beside the config file.
func (d *Daemon) secretStore() *secrets.Store {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.opts.Secrets == nil {
		d.opts.Secrets = secrets.Open(filepath.Dir(d.cfg.Path))
	}
	return d.opts.Secrets
}

// password finds an account's password: its environment variable or file
// when the config names one, else the keyring (or its file fallback).
func (d *Daemon) password(a config.Account) (string, error) {
	pw, err := a.Password()
	if !errors.Is(err, config.ErrNoPasswordSource) {
		return pw, err
	}
	return d.secretStore().Get(a.Name)
}

func passwordSource(a config.Account, sec *secrets.Store) string {
	switch {
	case a.PasswordEnv != "":
		return "env " + a.PasswordEnv
	case a.PasswordFile != "":
		return "file " + a.PasswordFile
	}
	return sec.Backend()
}

// accountConfig is a as the local API shows it.
func accountConfig(a config.Account, sec *secrets.Store) localapi.AccountConfig {
	return localapi.AccountConfig{Name: a.Name, Host: a.Host, Port: a.Port, TLS: string(a.TLS), Username: a.Username,
		PasswordSource: passwordSource(a, sec), DryRun: a.DryRun}
}

// Accounts lists the configured accounts.
func (d *Daemon) Accounts() ([]localapi.AccountConfig, error) {
	sec := d.secretStore()
	d.mu.Lock()
	defer d.mu.Unlock()
	out := make([]localapi.AccountConfig, 0, len(d.cfg.Accounts)) // [] in JSON, not null
	for _, a := range d.cfg.Accounts {
		out = append(out, accountConfig(a, sec))
	}
	return out, nil
}

// Candidate is one server setting to try for a new account.
type Candidate struct {
	Host     string
	Port     int
	TLS      imapsync.TLSMode
	Username string
}

func (c Candidate) String() string {
	return fmt.Sprintf("%s:%d (%s) as %s", c.Host, c.Port, c.TLS, c.Username)
}

// Candidates proposes server settings for an address the way hosting
// providers name them: the address's domain and mail.<domain>, implicit TLS
// on 993 before STARTTLS on 143, and as user name the address on that host
// (sato@mail.example.jp) before the address itself.
func Candidates(address string) ([]Candidate, error) {
	addr, err := localapi.ParseAddress(address)
	if err != nil {
		return nil, err
	}
	local, domain, _ := strings.Cut(addr, "@")
	var out []Candidate
	for _, host := range []string{"mail." + domain, domain} {
		for _, p := range []struct {
			port int
			tls  imapsync.TLSMode
		}{{993, imapsync.TLSImplicit}, {143, imapsync.TLSStartTLS}} {
			users := []string{local + "@" + host, addr}
			if host == domain {
				users = users[1:]
			}
			for _, u := range users {
				out = append(out, Candidate{Host: host, Port: p.port, TLS: p.tls, Username: u})
			}
		}
	}
	return out, nil
}

// AddAccount tests the login of a new account (proposing settings when no
// host is given), then stores its password, writes it to the config file
// and starts watching it. Nothing is saved when no login works.
func (d *Daemon) AddAccount(ctx context.Context, req localapi.AccountAdd) (localapi.AccountAdded, error) {
	var res localapi.AccountAdded
	if req.Password == "" {
		return res, localapi.BadRequest("api no password given")
	}
	d.mu.Lock()
	path := d.cfg.Path
	d.mu.Unlock()
	if path == "" {
		return res, localapi.Failure("api no config file")
	}
	var cands []Candidate
	if req.Host != "" {
		c := Candidate{Host: req.Host, Port: req.Port, TLS: imapsync.TLSMode(req.TLS), Username: req.Username}
		if c.TLS == "" {
			c.TLS = imapsync.TLSImplicit
		}
		if c.Port == 0 {
			c.Port = map[imapsync.TLSMode]int{imapsync.TLSImplicit: 993}[c.TLS]
			if c.Port == 0 {
				c.Port = 143
			}
		}
		if c.Username == "" {
			c.Username = req.Address
		}
		cands = []Candidate{c}
	} else {
		var err error
		if cands, err = Candidates(req.Address); err != nil {
			return res, err
		}
	}
	name := req.Name
	if name == "" {
		name = req.Address
	}
	if name == "" {
		return res, localapi.BadRequest("api name or address")
	}
	// Refuse a taken name before anything is tried or stored: the password
	// store is keyed by name, and the account of that name must keep its
	// own password.
	d.mu.Lock()
	taken := false
	for _, a := range d.cfg.Accounts {
		taken = taken || a.Name == name
	}
	d.mu.Unlock()
	if taken {
		return res, localapi.BadRequest("config account exists", name)
	}
	if req.CAFile != "" {
		// A wrong --ca-file is said as such, before any login is tried.
		if _, err := readCAFile(req.CAFile, wordsAdd); err != nil {
			return res, &localapi.Problem{Kind: localapi.ErrBadRequest, Text: err.(*i18n.Error).Message}
		}
	}
	var lastErr error
	for _, c := range cands {
		a := config.Account{Name: name, Host: c.Host, Port: c.Port, TLS: config.TLSMode(c.TLS), Username: c.Username,
			AllowPlaintext: req.AllowPlaintext, CAFile: req.CAFile, DryRun: req.DryRun}
		acct, err := imapAccountWith(a, req.Password)
		if err == nil {
			err = tryLogin(ctx, acct)
		}
		if err != nil {
			res.Attempts = append(res.Attempts, fmt.Sprintf("%s: %s", c, loginError(err, "", wordsAdd)))
			lastErr = err
			if ctx.Err() != nil {
				break
			}
			continue
		}
		res.Attempts = append(res.Attempts, fmt.Sprintf("%s: login works", c))
		// The config first: it refuses a name taken meanwhile (by hand or
		// another add) before the password of that name is touched.
		if err := config.AppendAccount(path, a); err != nil {
			return res, fmt.Errorf("%w: %v", localapi.ErrBadRequest, err)
		}
		if err := d.secretStore().Set(name, req.Password); err != nil {
			if rerr := config.RemoveAccount(path, name); rerr != nil {
				d.log.Warn("take back the account whose password could not be stored", "account", name, "err", rerr)
			}
			return res, err
		}
		if err := d.Reload(); err != nil {
			return res, err
		}
		res.Account = accountConfig(a, d.secretStore())
		d.log.Info("account added", "account", name, "host", a.Host, "port", a.Port, "tls", a.TLS)
		return res, nil
	}
	switch {
	case loginFailure(lastErr) != failConnect:
		// A refused password or a certificate: the error says what to do.
		return res, localapi.BadRequest("api no login", len(res.Attempts), loginError(lastErr, "", wordsAdd))
	case req.Host != "":
		return res, localapi.BadRequest("api no login connect", len(res.Attempts), loginError(lastErr, "", wordsAdd))
	}
	return res, localapi.BadRequest("api no login guessed", len(res.Attempts), loginError(lastErr, "", wordsAdd))
}

// SetPassword stores a new password for a configured account whose
// password lives in the keyring (or its file fallback), once a login with
// the account's settings and that password works, and restarts the
// account with it. A refused login stores nothing.
func (d *Daemon) SetPassword(ctx context.Context, req localapi.AccountPassword) (localapi.AccountConfig, error) {
	if req.Password == "" {
		return localapi.AccountConfig{}, localapi.BadRequest("api no password given")
	}
	sec := d.secretStore()
	d.mu.Lock()
	var acct *config.Account
	for i := range d.cfg.Accounts {
		if d.cfg.Accounts[i].Name == req.Name {
			acct = &d.cfg.Accounts[i]
		}
	}
	n, path := len(d.cfg.Accounts), d.cfg.Path
	var a config.Account
	if acct != nil {
		a = *acct
	}
	d.mu.Unlock()
	if acct == nil {
		return localapi.AccountConfig{}, d.noAccount(req.Name, n)
	}
	if a.PasswordEnv != "" || a.PasswordFile != "" {
		return localapi.AccountConfig{}, localapi.BadRequest("api password elsewhere", a.Name, passwordSource(a, sec), path)
	}
	ia, err := imapAccountWith(a, req.Password)
	if err == nil {
		err = tryLogin(ctx, ia)
	}
	if err != nil {
		if loginFailure(err) == failConnect {
			return localapi.AccountConfig{}, localapi.BadRequest("api password unreachable", a.Name, err, path)
		}
		return localapi.AccountConfig{}, localapi.BadRequest("api password login", a.Name, loginError(err, a.Name, wordsPassword))
	}
	if err := sec.Set(a.Name, req.Password); err != nil {
		return localapi.AccountConfig{}, fmt.Errorf("store the password of account %s: %w", a.Name, err)
	}
	d.restartAccount(a.Name)
	d.log.Info("password stored", "account", a.Name, "store", sec.Backend())
	return accountConfig(a, sec), nil
}

// Kinds of failed test logins, for the advice that goes with them.
const (
	failOther   = iota // the error carries its own advice (certificate, plaintext, STARTTLS)
	failAuth           // the server refused the user name or password
	failConnect        // no IMAP server answered: refused, unreachable, not TLS, timed out
)

// loginFailure sorts a test login's error.
func loginFailure(err error) int {
	switch {
	case errors.Is(err, imapsync.ErrAuth):
		return failAuth
	case imapsync.IsPermanent(err), errors.Is(err, imapsync.ErrStartTLS), errors.As(err, new(*imapsync.NotTLSError)), errors.As(err, new(*imapsync.ImplicitTLSError)),
		errors.As(err, new(*i18n.Error)):
		// A server answered, or the error is worded with its fix.
		return failOther
	}
	return failConnect
}

func tryLogin(ctx context.Context, acct imapsync.Account) error {
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	s, err := imapsync.Dial(ctx, acct)
	if err != nil {
		return err
	}
	return s.Close()
}

// RemoveAccount stops watching an account, removes it from the config file
// and forgets its password. Its mail on the server is untouched.
func (d *Daemon) RemoveAccount(name string) error {
	d.mu.Lock()
	path := d.cfg.Path
	n, found := len(d.cfg.Accounts), false
	for _, a := range d.cfg.Accounts {
		found = found || a.Name == name
	}
	d.mu.Unlock()
	if !found {
		return d.noAccount(name, n)
	}
	if err := config.RemoveAccount(path, name); err != nil {
		return fmt.Errorf("%w: %v", localapi.ErrNotFound, err)
	}
	if err := d.secretStore().Delete(name); err != nil {
		d.log.Warn("forget password", "account", name, "err", err)
	}
	return d.Reload()
}
