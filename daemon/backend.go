package daemon

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"time"

	"github.com/mailwarden/mailwarden/config"
	"github.com/mailwarden/mailwarden/i18n"
	"github.com/mailwarden/mailwarden/localapi"
	"github.com/mailwarden/mailwarden/store"
)

// The Daemon is the local API's backend.
var _ localapi.Backend = (*Daemon)(nil)

// Status reports the daemon and every account.
func (d *Daemon) Status() localapi.Status {
	spam, ham := d.model.Counts()
	secWarn := d.secretStore().Warning()
	d.mu.Lock()
	defer d.mu.Unlock()
	st := localapi.Status{
		PID: os.Getpid(), Started: d.started, Paused: d.paused, Config: d.cfg.Path,
		Store: d.opts.StoreDir, Spam: spam, Ham: ham, Warnings: d.warnings,
		Accounts: make([]localapi.AccountStatus, 0, len(d.accounts)), // [] in JSON, not null
	}
	for _, s := range d.accounts {
		st.Accounts = append(st.Accounts, s.snapshot())
	}
	var texts []localapi.Text // entry by entry of st.Warnings; Key "" where a warning has none
	warn := func(m localapi.Text) {
		if texts == nil {
			texts = make([]localapi.Text, len(st.Warnings))
		}
		st.Warnings = append(append([]string(nil), st.Warnings...), m.In(i18n.Detect()))
		texts = append(texts, m)
	}
	if secWarn.Key != "" {
		for _, a := range d.cfg.Accounts {
			if a.PasswordEnv == "" && a.PasswordFile == "" {
				warn(secWarn)
				break
			}
		}
	}
	if (spam == 0 || ham == 0) && len(st.Accounts) > 0 && !firstStartUnderWay(st.Accounts) {
		// Nothing is moved until the model knows both classes.
		warn(i18n.Msg("untrained", spam, ham))
	}
	st.WarningTexts = texts
	return st
}

// firstStartUnderWay reports whether an account is still connecting or
// training: the model may be empty because its training has not come yet.
func firstStartUnderWay(accts []localapi.AccountStatus) bool {
	for _, a := range accts {
		if a.State == localapi.StateStarting || a.State == localapi.StateTraining {
			return true
		}
	}
	return false
}

// Actions returns the newest limit entries of the action log.
func (d *Daemon) Actions(limit int) ([]store.Action, error) {
	acts, err := d.st.Actions(limit)
	if acts == nil && err == nil {
		acts = []store.Action{} // [] in JSON, not null
	}
	return acts, err
}

// Subscribe streams the daemon's events.
func (d *Daemon) Subscribe() (<-chan localapi.Event, func()) { return d.hub.Subscribe() }

// SyncNow makes one account ("" = every account) check INBOX at once. An
// account whose settings cannot work (config-error) cannot sync: naming
// it, or syncing when no account can, is an error that says why.
func (d *Daemon) SyncNow(account string) error {
	d.mu.Lock()
	accts, paused := d.accounts, d.paused
	d.mu.Unlock()
	var cannot error
	synced := 0
	for _, s := range accts {
		if account != "" && s.cfg.Name != account {
			continue
		}
		switch st := s.snapshot(); {
		case st.State == localapi.StateConfigError:
			cannot = localapi.BadRequest("api cannot sync", s.cfg.Name, st.Error)
			continue
		case st.State == localapi.StatePaused || paused:
			// A paused account has no connection to check with.
			if account == "" {
				cannot = localapi.BadRequest("sync all paused")
			} else {
				cannot = localapi.BadRequest("sync paused", s.cfg.Name)
			}
			continue
		}
		s.syncNow()
		synced++
	}
	switch {
	case synced > 0:
		return nil
	case cannot != nil:
		return cannot
	}
	return d.noAccount(account, len(accts))
}

// noAccount is the error for an account name that matches none of n
// accounts: with none at all, how to add one.
func (d *Daemon) noAccount(name string, n int) error {
	if n == 0 {
		return localapi.NotFound("api no accounts yet")
	}
	return localapi.NotFound("api no account", name)
}

// SetPaused stops filtering (every watcher disconnects) or starts it again.
// Mail that arrives while paused is handled on resume: nothing is skipped.
func (d *Daemon) SetPaused(paused bool) {
	d.mu.Lock()
	if d.paused == paused || d.runCtx == nil {
		d.paused = paused
		d.mu.Unlock()
		return
	}
	d.paused = paused
	old := d.accounts
	var fresh []*supervisor
	if !paused {
		for _, s := range old {
			fresh = append(fresh, newSupervisor(d, s.cfg).carryCounts(s))
		}
		d.accounts = fresh
	}
	ctx := d.runCtx
	d.mu.Unlock()
	if paused {
		for _, s := range old {
			s.stop()
			s.setState(localapi.StatePaused, nil, time.Time{})
		}
		d.log.Info("filtering paused")
		return
	}
	for _, s := range fresh {
		s.start(ctx)
	}
	d.log.Info("filtering resumed")
}

// Reload re-reads the config file; accounts whose settings changed are
// restarted, the others keep running. A bad file changes nothing and the
// error says what to fix.
func (d *Daemon) Reload() error {
	d.mu.Lock()
	path := d.cfg.Path
	d.mu.Unlock()
	if path == "" {
		return localapi.Failure("api no config file")
	}
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		// config.Load's advice (create it or pass --config) is run's:
		// reload reads the file the daemon was started with.
		return localapi.BadRequest("api reload refused", i18n.Msg("reload config gone", path))
	}
	cfg, err := config.Load(path)
	if err != nil {
		return localapi.BadRequest("api reload refused", err)
	}
	d.applyConfig(cfg)
	d.log.Info("config reloaded", "path", path, "accounts", len(cfg.Accounts))
	return nil
}

// NotJunk undoes the move to Junk recorded as action seq: the message goes
// back to INBOX, is learned as ham, marked $NotJunk and never moved again
// (learn_undo.go).
func (d *Daemon) NotJunk(ctx context.Context, seq uint64) (store.Action, error) {
	return d.notJunkSeq(ctx, seq)
}

// Quota and Cleanup: see quota.go.
