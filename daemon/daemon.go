// Package daemon wires mailwarden together: it is the only place where IMAP
// accounts (imapsync) meet the classifier. It runs one watcher per account,
// decides what happens to each new message, trains the model, keeps the
// token store saved and records every action in the state store.
package daemon

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/mailwarden/mailwarden/classifier"
	"github.com/mailwarden/mailwarden/config"
	"github.com/mailwarden/mailwarden/imapsync"
	"github.com/mailwarden/mailwarden/store"
)

// StateFile is the name of the state store inside the data directory.
const StateFile = "state.db"

// Options configure a Daemon.
type Options struct {
	Config   *config.Config
	StoreDir string // data directory: token store and state store
	DryRun   bool   // judge and record, move nothing (also per account in the config)
	Log      *slog.Logger
	// SaveEvery is how often new training is flushed to disk (default 10s).
	SaveEvery time.Duration
}

// Daemon serves every configured account.
type Daemon struct {
	opts  Options
	log   *slog.Logger
	model *classifier.Model
	st    *store.Store

	mu       sync.Mutex
	verdicts map[string]classifier.Result // judged, awaiting Done; key: account/uidvalidity/uid
	unsaved  map[string]string            // identity -> class trained since the last save
}

// New opens the data directory: the token store and the state store. A
// corrupt state store is set aside and rebuilt, with a warning in the log.
func New(opts Options) (*Daemon, error) {
	if opts.Log == nil {
		opts.Log = slog.Default()
	}
	if opts.SaveEvery == 0 {
		opts.SaveEvery = 10 * time.Second
	}
	var cut classifier.Options = classifier.DefaultOptions()
	if c := opts.Config.Classifier; c.SpamCutoff != 0 {
		cut.HamCutoff, cut.SpamCutoff = c.HamCutoff, c.SpamCutoff
	}
	model, err := classifier.Open(opts.StoreDir, cut)
	if err != nil {
		return nil, err
	}
	st, note, err := store.OpenOrRecover(filepath.Join(opts.StoreDir, StateFile))
	if err != nil {
		return nil, err
	}
	if note != "" {
		opts.Log.Warn(note)
	}
	return &Daemon{
		opts: opts, log: opts.Log, model: model, st: st,
		verdicts: map[string]classifier.Result{},
		unsaved:  map[string]string{},
	}, nil
}

// Store returns the daemon's state store.
func (d *Daemon) Store() *store.Store { return d.st }

// Model returns the daemon's classifier.
func (d *Daemon) Model() *classifier.Model { return d.model }

// Run watches every account until ctx is done, then saves the token store
// and closes the state store. A failing account does not stop the others.
func (d *Daemon) Run(ctx context.Context) error {
	defer d.st.Close()
	var wg sync.WaitGroup
	for i := range d.opts.Config.Accounts {
		ac := d.opts.Config.Accounts[i]
		acct, err := imapAccount(ac)
		if err != nil {
			d.log.Error("account not started", "account", ac.Name, "err", err)
			continue
		}
		h := &handler{d: d, dryRun: d.opts.DryRun || d.opts.Config.DryRun || ac.DryRun}
		w := imapsync.NewWatcher(acct, d.st, h, d.log.With("account", ac.Name))
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := w.Run(ctx); err != nil && !errors.Is(err, context.Canceled) {
				d.log.Error("account stopped", "account", ac.Name, "err", err)
			}
		}()
	}
	saver := time.NewTicker(d.opts.SaveEvery)
	defer saver.Stop()
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	for {
		select {
		case <-saver.C:
			if err := d.Save(); err != nil {
				d.log.Error("save token store", "err", err)
			}
		case <-done:
			return d.Save()
		}
	}
}

// Save writes new training to the token store and only then records it in
// the training ledger, so a crash never leaves the ledger claiming training
// the token store lost. Judging goes on while the file is written.
func (d *Daemon) Save() error {
	d.mu.Lock()
	batch := maps.Clone(d.unsaved)
	d.mu.Unlock()
	if len(batch) == 0 {
		return nil
	}
	if err := d.model.Save(); err != nil {
		return err
	}
	if err := d.st.SetTrained(batch); err != nil {
		return err
	}
	d.mu.Lock()
	for id, class := range batch {
		if d.unsaved[id] == class {
			delete(d.unsaved, id)
		}
	}
	d.mu.Unlock()
	d.log.Info("token store saved", "new_trained", len(batch))
	return nil
}

func imapAccount(a config.Account) (imapsync.Account, error) {
	pw, err := a.Password()
	if err != nil {
		return imapsync.Account{}, err
	}
	acct := imapsync.Account{
		Name: a.Name, Host: a.Host, Port: a.Port, TLS: imapsync.TLSMode(a.TLS),
		Username: a.Username, Password: pw, AllowPlaintext: a.AllowPlaintext,
		JunkFolder: a.JunkFolder, TrainFolders: a.TrainFolders, TrainCap: a.TrainCap,
		MaxFetch: a.MaxFetchKiB * 1024, PollInterval: a.PollInterval.Duration,
	}
	if a.CAFile != "" {
		pem, err := os.ReadFile(a.CAFile)
		if err != nil {
			return acct, fmt.Errorf("account %s: read ca_file: %w", a.Name, err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return acct, fmt.Errorf("account %s: ca_file %s holds no PEM certificate", a.Name, a.CAFile)
		}
		acct.RootCAs = pool
	}
	return acct, nil
}
