// Package daemon wires mailwarden together: it is the only place where IMAP
// accounts (imapsync) meet the classifier. It supervises one watcher per
// account, decides what happens to each new message, trains the model,
// keeps the token store saved, records every action in the state store and
// serves the local API that the command line and the tray use.
package daemon

import (
	"context"
	"log/slog"
	"maps"
	"path/filepath"
	"reflect"
	"runtime/debug"
	"slices"
	"sync"
	"time"

	"github.com/mailwarden/mailwarden/classifier"
	"github.com/mailwarden/mailwarden/config"
	"github.com/mailwarden/mailwarden/i18n"
	"github.com/mailwarden/mailwarden/imapsync"
	"github.com/mailwarden/mailwarden/localapi"
	"github.com/mailwarden/mailwarden/power"
	"github.com/mailwarden/mailwarden/secrets"
	"github.com/mailwarden/mailwarden/store"
)

// StateFile is the name of the state store inside the data directory.
const StateFile = "state.db"

// Options configure a Daemon.
type Options struct {
	Config   *config.Config
	StoreDir string // data directory: token store and state store
	Socket   string // local API socket; "" = no API (tests, demo)
	DryRun   bool   // judge and record, move nothing (also per account in the config)
	Log      *slog.Logger
	// SaveEvery is how often new training is flushed to disk (default 10s).
	SaveEvery time.Duration
	// Secrets keeps passwords (default: the keyring, or a file beside the
	// config when there is none).
	Secrets *secrets.Store
}

// Daemon serves every configured account.
type Daemon struct {
	opts     Options
	log      *slog.Logger
	model    *classifier.Model
	st       *store.Store
	hub      *hub
	quota    *quotaBook
	started  time.Time
	warnings []string

	mu        sync.Mutex
	cfg       *config.Config
	runCtx    context.Context // set by Run; accounts live under it
	accounts  []*supervisor   // in config order
	paused    bool
	verdicts  map[string]classifier.Result // judged, awaiting Done; key: account/uidvalidity/uid
	unsaved   map[trainKey]trainedAs       // class trained since the last save
	unsavedID map[string]trainedAs         // the same by identity alone (the model is shared by all accounts)
	// rebuilt: accounts whose first start trains nothing (keepTraining);
	// known: the messages such a first start saw, awaiting Save.
	rebuilt       map[string]bool
	rebuiltLogged map[string]bool
	known         []store.Known
}

// New opens the data directory: the token store and the state store. A
// corrupt state store is set aside and rebuilt, with a warning in the log
// and in the status.
func New(opts Options) (*Daemon, error) {
	if opts.Log == nil {
		opts.Log = slog.Default()
	}
	if opts.SaveEvery == 0 {
		opts.SaveEvery = 10 * time.Second
	}
	cut := classifier.DefaultOptions()
	if c := opts.Config.Classifier; c.SpamCutoff != 0 {
		cut.HamCutoff, cut.SpamCutoff = c.HamCutoff, c.SpamCutoff
	}
	model, err := classifier.Open(opts.StoreDir, cut)
	if err != nil {
		return nil, err
	}
	// Loading the token store leaves its file buffer as garbage: hand it
	// back now rather than at the runtime's two-minute forced collection,
	// so a long-running daemon stays small from the start.
	debug.FreeOSMemory()
	st, note, err := store.OpenOrRecover(filepath.Join(opts.StoreDir, StateFile))
	if err != nil {
		return nil, err
	}
	d := &Daemon{
		opts: opts, log: opts.Log, model: model, st: st, hub: newHub(), quota: newQuotaBook(), started: time.Now(),
		cfg:       opts.Config,
		verdicts:  map[string]classifier.Result{},
		unsaved:   map[trainKey]trainedAs{},
		unsavedID: map[string]trainedAs{},
	}
	if note != "" {
		d.log.Warn(note)
		d.warnings = append(d.warnings, note)
		if err := d.keepTraining(); err != nil {
			st.Close()
			return nil, err
		}
	}
	if d.rebuilt, err = st.Rebuilt(); err != nil {
		st.Close()
		return nil, err
	}
	return d, nil
}

// keepTraining runs after the state store was set aside as corrupt and
// started afresh. Its sync state is rebuilt from the server by a first
// start of every account; but the token store is intact, and when it holds
// training it holds that mail already: trained again, every count would
// grow at each recovery (and spam left in INBOX be trained as ham once
// more). So each configured account is marked rebuilt: its first start
// records where it is and trains nothing (trainAs). A fresh install
// (no state store ever) trains on its first start as always, whatever the
// token store holds (mailwarden train, import-thunderbird).
func (d *Daemon) keepTraining() error {
	spam, ham := d.model.Counts()
	if spam+ham == 0 {
		return nil
	}
	var names []string
	for _, a := range d.cfg.Accounts {
		names = append(names, a.Name)
	}
	if err := d.st.MarkRebuilt(names); err != nil {
		return err
	}
	note := i18n.Detect().T("store rebuilt training kept", d.model.Path(), spam, ham)
	d.log.Warn(note, "accounts", names)
	d.warnings = append(d.warnings, note)
	return nil
}

// rebuilding reports whether the account's first start only rebuilds its
// sync state (keepTraining), logging it the first time.
func (d *Daemon) rebuilding(account string) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	if !d.rebuilt[account] {
		return false
	}
	if !d.rebuiltLogged[account] {
		if d.rebuiltLogged == nil {
			d.rebuiltLogged = map[string]bool{}
		}
		d.rebuiltLogged[account] = true
		d.log.Info("first start after the state store was rebuilt: the token store holds this mail already; recording it, training nothing", "account", account)
	}
	return true
}

// noteKnown queues a message a rebuilding first start saw, for the
// handled ledger (written with the next Save).
func (d *Daemon) noteKnown(k store.Known) {
	d.mu.Lock()
	d.known = append(d.known, k)
	d.mu.Unlock()
}

// Store returns the daemon's state store.
func (d *Daemon) Store() *store.Store { return d.st }

// Model returns the daemon's classifier.
func (d *Daemon) Model() *classifier.Model { return d.model }

func (d *Daemon) dryRun(a config.Account) bool {
	return d.opts.DryRun || d.cfg.DryRun || a.DryRun
}

// Run serves the local API and watches every account until ctx is done,
// then saves the token store and closes the state store.
func (d *Daemon) Run(ctx context.Context) error {
	defer d.st.Close()
	if d.opts.Socket != "" {
		ln, err := localapi.Listen(d.opts.Socket)
		if err != nil {
			return err
		}
		srv := localapi.NewServer(d, d.log)
		go func() {
			if err := srv.Serve(ln); err != nil {
				d.log.Error("local API stopped", "err", err)
			}
		}()
		defer func() {
			sctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			srv.Shutdown(sctx)
		}()
		d.log.Info("local API listening", "socket", d.opts.Socket)
	}
	d.mu.Lock()
	d.runCtx = ctx
	for _, a := range d.cfg.Accounts {
		d.accounts = append(d.accounts, newSupervisor(d, a))
	}
	for _, s := range d.accounts {
		s.start(ctx)
	}
	d.mu.Unlock()

	go power.WatchWake(ctx, 5*time.Second, d.resumed)
	if d.cfg.KeepAwake {
		if inh, err := power.KeepAwake("mailwarden keeps the inbox free of spam"); err != nil {
			d.log.Warn("keep_awake", "err", err)
			d.mu.Lock()
			d.warnings = append(d.warnings, err.Error())
			d.mu.Unlock()
		} else {
			defer inh.Release()
			d.log.Info("keeping the PC from idle sleep while running (keep_awake)")
		}
	}

	saver := time.NewTicker(d.opts.SaveEvery)
	defer saver.Stop()
	for {
		select {
		case <-saver.C:
			if err := d.Save(); err != nil {
				d.log.Error("save token store", "err", err)
			}
		case <-ctx.Done():
			d.mu.Lock()
			accts := d.accounts
			d.mu.Unlock()
			for _, s := range accts {
				s.stop()
			}
			return d.Save()
		}
	}
}

// resumed reconnects every account at once after sleep or a network
// change: the old connections are dead without knowing it.
func (d *Daemon) resumed(reason string) {
	d.log.Info("reconnecting every account", "why", reason)
	d.mu.Lock()
	accts := d.accounts
	d.mu.Unlock()
	for _, s := range accts {
		s.reconnect()
	}
}

// Save writes new training to the token store and only then records it in
// the training ledger, so a crash never leaves the ledger claiming training
// the token store lost. Judging goes on while the file is written.
func (d *Daemon) Save() error {
	d.mu.Lock()
	batch := maps.Clone(d.unsaved)
	known := d.known
	d.known = nil
	d.mu.Unlock()
	if len(known) > 0 {
		if err := d.st.RecordKnown(known); err != nil {
			d.mu.Lock()
			d.known = append(known, d.known...)
			d.mu.Unlock()
			return err
		}
	}
	if len(batch) == 0 {
		return nil
	}
	if err := d.model.Save(); err != nil {
		return err
	}
	debug.FreeOSMemory() // the encoded store was garbage the moment it hit the disk
	var recs []store.Training
	for k, t := range batch {
		recs = append(recs, store.Training{Account: k.account, Identity: k.identity, Class: t.class, Correction: t.correction})
	}
	if err := d.st.RecordTraining(recs); err != nil {
		return err
	}
	d.mu.Lock()
	for k, t := range batch {
		if d.unsaved[k] == t {
			delete(d.unsaved, k)
			if d.unsavedID[k.identity] == t {
				delete(d.unsavedID, k.identity)
			}
		}
	}
	d.mu.Unlock()
	d.log.Info("token store saved", "new_trained", len(batch))
	return nil
}

// trainKey names a message trained from one account.
type trainKey struct{ account, identity string }

// applyConfig makes the running accounts match cfg: removed or changed
// accounts are stopped, new or changed ones started. Unchanged accounts
// keep their connection.
func (d *Daemon) applyConfig(cfg *config.Config) {
	d.mu.Lock()
	old := map[string]*supervisor{}
	for _, s := range d.accounts {
		old[s.cfg.Name] = s
	}
	globalChanged := cfg.DryRun != d.cfg.DryRun
	d.cfg = cfg
	var next, stop, start []*supervisor
	for _, a := range cfg.Accounts {
		if s, ok := old[a.Name]; ok && reflect.DeepEqual(s.cfg, a) && !globalChanged {
			next = append(next, s)
			delete(old, a.Name)
			continue
		}
		s := newSupervisor(d, a)
		next = append(next, s)
		start = append(start, s)
	}
	for _, s := range old {
		stop = append(stop, s)
	}
	for name := range d.rebuilt {
		if !slices.ContainsFunc(cfg.Accounts, func(a config.Account) bool { return a.Name == name }) {
			// Removed: added again later, it is a new account that trains.
			delete(d.rebuilt, name)
			if err := d.st.ForgetRebuilt(name); err != nil {
				d.log.Error("forget rebuilt account", "account", name, "err", err)
			}
		}
	}
	d.accounts = next
	ctx, paused := d.runCtx, d.paused
	d.mu.Unlock()
	swapSupervisors(ctx, paused, stop, start)
}

// restartAccount starts the named account's watcher afresh (after its
// password changed); a paused daemon leaves it paused.
func (d *Daemon) restartAccount(name string) {
	d.mu.Lock()
	next := slices.Clone(d.accounts) // others may hold the old slice
	var stop, start []*supervisor
	for i, s := range next {
		if s.cfg.Name == name {
			next[i] = newSupervisor(d, s.cfg)
			stop, start = append(stop, s), append(start, next[i])
		}
	}
	d.accounts = next
	ctx, paused := d.runCtx, d.paused
	d.mu.Unlock()
	swapSupervisors(ctx, paused, stop, start)
}

// swapSupervisors stops the supervisors of stop, then starts those of
// start (or marks them paused). An account restarted keeps its counts:
// JUDGED and MOVED are totals since the daemon started.
func swapSupervisors(ctx context.Context, paused bool, stop, start []*supervisor) {
	for _, s := range stop {
		s.stop()
	}
	for _, s := range start {
		for _, prev := range stop {
			s.carryCounts(prev)
		}
	}
	for _, s := range start {
		if paused {
			s.setState(localapi.StatePaused, nil, time.Time{})
			continue
		}
		s.start(ctx)
	}
}

// imapAccount turns a configured account into imapsync's, with its password.
func (d *Daemon) imapAccount(a config.Account) (imapsync.Account, error) {
	pw, err := d.password(a)
	if err != nil {
		return imapsync.Account{}, err
	}
	return imapAccountWith(a, pw)
}

func imapAccountWith(a config.Account, pw string) (imapsync.Account, error) {
	acct := imapsync.Account{
		Name: a.Name, Host: a.Host, Port: a.Port, TLS: imapsync.TLSMode(a.TLS),
		Username: a.Username, Password: pw, AllowPlaintext: a.AllowPlaintext,
		JunkFolder: a.JunkFolder, TrainFolders: a.TrainFolders, TrainCap: a.TrainCap,
		MaxFetch: a.MaxFetchKiB * 1024, PollInterval: a.PollInterval.Duration,
	}
	if a.CAFile != "" {
		pool, err := readCAFile(a.CAFile, wordsConfig)
		if err != nil {
			return acct, err
		}
		acct.RootCAs = pool
	}
	return acct, nil
}
