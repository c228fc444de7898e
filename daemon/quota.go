package daemon

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/mailwarden/mailwarden/classifier"
	"github.com/mailwarden/mailwarden/config"
	"github.com/mailwarden/mailwarden/i18n"
	"github.com/mailwarden/mailwarden/imapsync"
	"github.com/mailwarden/mailwarden/localapi"
	"github.com/mailwarden/mailwarden/quota"
	"github.com/mailwarden/mailwarden/store"
)

// Quota checks: each account's supervisor runs quotaLoop beside its
// watcher, on a connection of its own, every [quota] check_interval (and at
// once after the server refused mail for quota). A check reads the quota
// roots and every folder's size (imapsync.Session.Usage), feeds the reading
// to the account's quota.Monitor, whose state lives in the store so that a
// restart does not alert again, publishes each alert as an EventQuota with
// its text in English and Japanese, and logs it. The local API's Quota
// runs a detailed check (biggest and oldest messages too) of every account.
const (
	quotaFirstCheck   = 5 * time.Second // after the account starts: its watcher connects first
	quotaCheckTimeout = 5 * time.Minute
	quotaHistoryEvery = time.Hour // one stored reading per hour is plenty for the trend
	quotaHistoryKeep  = 90 * 24 * time.Hour
	quotaTrendWindow  = 14 * 24 * time.Hour
	quotaTop          = 10 // biggest and oldest messages shown
)

// quotaBook is a daemon's quota bookkeeping in memory: per account, a lock
// so checks do not overlap, the wake-up of its loop, and a refusal waiting
// for the next reading.
type quotaBook struct {
	mu         sync.Mutex
	accts      map[string]*quotaAcct
	now        func() time.Time // tests move the clock
	firstCheck time.Duration
}

type quotaAcct struct {
	run     sync.Mutex    // held for a whole check or clean-up
	kick    chan struct{} // wakes the account's loop
	refused error         // an [OVERQUOTA] refusal not yet reported (guarded by quotaBook.mu)
}

func newQuotaBook() *quotaBook {
	return &quotaBook{accts: map[string]*quotaAcct{}, now: time.Now, firstCheck: quotaFirstCheck}
}

func (d *Daemon) quotas() *quotaBook { return d.quota }

func (b *quotaBook) acct(name string) *quotaAcct {
	b.mu.Lock()
	defer b.mu.Unlock()
	a, ok := b.accts[name]
	if !ok {
		a = &quotaAcct{kick: make(chan struct{}, 1)}
		b.accts[name] = a
	}
	return a
}

func (b *quotaBook) clock() time.Time {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.now()
}

func (a *quotaAcct) wake() {
	select {
	case a.kick <- struct{}{}:
	default:
	}
}

// quotaLoop starts the periodic quota check of one account and returns a
// function that waits until it has ended (after ctx is done). The
// supervisor runs it for as long as the account runs:
//
//	defer s.d.quotaLoop(ctx, s.cfg)()
func (d *Daemon) quotaLoop(ctx context.Context, cfg config.Account) (wait func()) {
	done := make(chan struct{})
	book := d.quotas()
	a := book.acct(cfg.Name)
	book.mu.Lock()
	first := book.firstCheck
	book.mu.Unlock()
	log := d.log.With("account", cfg.Name)
	go func() {
		defer close(done)
		t := time.NewTimer(first)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			case <-a.kick:
			}
			if _, err := d.checkQuota(ctx, cfg, false); err != nil && ctx.Err() == nil {
				log.Debug("quota check failed; trying again later", "err", err)
			}
			t.Reset(cfg.Quota.CheckInterval.Duration)
		}
	}()
	return func() { <-done }
}

// quotaRefused is called with the outcome of every move (handler.Done):
// where the server refused it for quota ([OVERQUOTA]), the account's next
// reading, taken at once, raises an over-quota alert (at most daily while
// nothing was freed: the watcher retries the move with backoff).
func (d *Daemon) quotaRefused(account string, err error) {
	if !errors.Is(err, imapsync.ErrOverQuota) {
		return
	}
	book := d.quotas()
	a := book.acct(account)
	book.mu.Lock()
	a.refused = err
	book.mu.Unlock()
	a.wake()
}

// Quota reports every configured account's storage, read now (with the
// biggest and oldest messages). An account whose server cannot be reached
// gets its last report, marked Stale, with the error.
func (d *Daemon) Quota(ctx context.Context) ([]localapi.QuotaReport, error) {
	d.mu.Lock()
	accts := append([]config.Account(nil), d.cfg.Accounts...)
	d.mu.Unlock()
	out := make([]localapi.QuotaReport, len(accts))
	var wg sync.WaitGroup
	for i, a := range accts {
		wg.Go(func() {
			rep, err := d.checkQuota(ctx, a, true)
			if err != nil {
				rep = d.staleReport(a, err)
			}
			out[i] = rep
		})
	}
	wg.Wait()
	return out, ctx.Err()
}

// quotaLevels are the account's quota thresholds in force.
func quotaLevels(a config.Account) localapi.QuotaLevels {
	return localapi.QuotaLevels{Show: a.Quota.Show, Warn: a.Quota.Warn, Critical: a.Quota.Critical}
}

// staleReport is the account's last stored report, marked stale, or an
// empty one carrying err.
func (d *Daemon) staleReport(a config.Account, err error) localapi.QuotaReport {
	rep := localapi.QuotaReport{Account: a.Name, Levels: quotaLevels(a)}
	if st, ok, serr := d.st.QuotaState(a.Name); serr == nil && ok && len(st.Report) > 0 {
		json.Unmarshal(st.Report, &rep)
	}
	rep.Stale, rep.Error = true, err.Error()
	return rep
}

// checkQuota reads one account's storage, records the reading, raises the
// alerts it calls for and returns the report. detail adds the biggest and
// oldest messages.
func (d *Daemon) checkQuota(ctx context.Context, cfg config.Account, detail bool) (localapi.QuotaReport, error) {
	book := d.quotas()
	a := book.acct(cfg.Name)
	a.run.Lock()
	defer a.run.Unlock()
	ctx, cancel := context.WithTimeout(ctx, quotaCheckTimeout)
	defer cancel()

	u, err := d.readUsage(ctx, cfg, detail)
	if err != nil {
		return localapi.QuotaReport{}, err
	}
	now := book.clock()
	reading := usageReading(u, cfg, now)

	st, _, err := d.st.QuotaState(cfg.Name)
	if err != nil {
		d.log.Error("read quota state", "account", cfg.Name, "err", err)
	}
	m := quota.NewMonitor(cfg.Quota.Levels())
	m.Restore(st.Monitor)
	events := m.Observe(reading)
	book.mu.Lock()
	refused := a.refused
	a.refused = nil
	book.mu.Unlock()
	if refused != nil {
		if ev, ok := m.Refused(reading); ok {
			events = append(events, ev)
		}
	}

	if _, err := d.st.AddQuotaReading(cfg.Name, reading, quotaHistoryEvery, quotaHistoryKeep); err != nil {
		d.log.Error("record quota reading", "account", cfg.Name, "err", err)
	}
	hist, err := d.st.QuotaHistory(cfg.Name, now.Add(-quotaTrendWindow))
	if err != nil {
		d.log.Error("read quota history", "account", cfg.Name, "err", err)
	}
	if n := len(hist); n == 0 || !hist[n-1].Time.Equal(reading.Time) {
		hist = append(hist, reading)
	}
	fullIn, hasFullIn := quota.FullIn(hist, quotaTrendWindow)

	rep := report(cfg, u, reading, m.Level, fullIn, hasFullIn)
	data, _ := json.Marshal(rep)
	if err := d.st.SetQuotaState(cfg.Name, store.QuotaState{Monitor: m.State(), Report: data}); err != nil {
		d.log.Error("save quota state", "account", cfg.Name, "err", err)
	}
	args := alertArgs(rep, fullIn, hasFullIn)
	for _, ev := range events {
		d.publishQuota(cfg.Name, ev, args, rep)
	}
	d.log.Debug("quota read", "account", cfg.Name, "used", rep.Used, "limit", rep.Limit, "estimated", rep.Estimated,
		"level", rep.Level, "fetched", u.Fetched, "searched", u.Searched)
	return rep, nil
}

// readUsage opens a connection of its own and reads the account's usage.
func (d *Daemon) readUsage(ctx context.Context, cfg config.Account, detail bool) (*imapsync.Usage, error) {
	acct, err := d.imapAccount(cfg)
	if err != nil {
		return nil, err
	}
	s, err := imapsync.Dial(ctx, acct)
	if err != nil {
		return nil, err
	}
	defer s.Close()
	opts := imapsync.UsageOptions{Cache: d.st}
	if detail {
		opts.Top = quotaTop
	}
	return s.Usage(ctx, opts)
}

// usageReading turns what the server said into a reading: the tightest of
// the quota roots' STORAGE and MESSAGE limits; where the server reports
// no limit, the sum of folder sizes against limit_gb, as an estimate.
func usageReading(u *imapsync.Usage, cfg config.Account, now time.Time) quota.Usage {
	r := quota.Usage{Time: now}
	var storage, message float64 = -1, -1
	for _, root := range u.Roots {
		if s := root.Storage; s != nil && s.Limit > 0 && float64(s.Usage)/float64(s.Limit) > storage {
			storage = float64(s.Usage) / float64(s.Limit)
			r.Used, r.Limit = s.Usage*1024, s.Limit*1024
		}
		if m := root.Message; m != nil && m.Limit > 0 && float64(m.Usage)/float64(m.Limit) > message {
			message = float64(m.Usage) / float64(m.Limit)
			r.Messages, r.MessageLimit = m.Usage, m.Limit
		}
	}
	if r.Limit == 0 {
		r.Used, r.Limit, r.Estimated = u.Size(), cfg.Quota.Limit(), true
	}
	return r
}

// report builds the API's report of a reading.
func report(cfg config.Account, u *imapsync.Usage, r quota.Usage, level quota.Level, fullIn time.Duration, hasFullIn bool) localapi.QuotaReport {
	rep := localapi.QuotaReport{
		Account: cfg.Name, Time: r.Time, Used: r.Used, Limit: r.Limit, Messages: r.Messages, MessageLimit: r.MessageLimit,
		Percent: 100 * r.Fraction(), Estimated: r.Estimated, Level: level.String(),
		Levels:      quotaLevels(cfg),
		FolderSizes: "rfc822-size",
	}
	if u.StatusSize {
		rep.FolderSizes = "status-size"
	}
	if hasFullIn {
		rep.FullIn, rep.FullInDays = fullIn, quota.Days(fullIn)
	}
	for _, root := range u.Roots {
		qr := localapi.QuotaRoot{Name: root.Name}
		if s := root.Storage; s != nil {
			qr.Used, qr.Limit = s.Usage*1024, s.Limit*1024
		}
		if m := root.Message; m != nil {
			qr.Messages, qr.MessageLimit = m.Usage, m.Limit
		}
		rep.Roots = append(rep.Roots, qr)
	}
	for _, f := range u.Folders {
		rep.Folders = append(rep.Folders, localapi.FolderSize{Name: f.Name, SpecialUse: f.SpecialUse, Messages: f.Messages, Size: f.Size})
	}
	show := func(l []imapsync.MessageInfo) []localapi.MessageSize {
		var out []localapi.MessageSize
		for _, m := range l {
			text := classifier.Extract(m.Header)
			out = append(out, localapi.MessageSize{
				Folder: m.Mailbox, UID: uint32(m.UID), Size: m.Size, Date: m.Date, DateFromInternal: m.DateFromInternal,
				From: text.From, Subject: text.Subject, MessageID: m.MessageID,
			})
		}
		return out
	}
	rep.Biggest, rep.Oldest = show(u.Biggest), show(u.Oldest)
	return rep
}

// alertArgs fills the catalog's placeholders from a report.
func alertArgs(rep localapi.QuotaReport, fullIn time.Duration, hasFullIn bool) quota.Args {
	a := quota.Args{Account: rep.Account, FullIn: fullIn, HasFullIn: hasFullIn}
	if len(rep.Folders) > 0 && rep.Folders[0].Size > 0 {
		a.Folder, a.FolderSize = rep.Folders[0].Name, rep.Folders[0].Size
	}
	return a
}

// publishQuota sends an alert to the event stream and the log.
func (d *Daemon) publishQuota(account string, ev quota.Event, args quota.Args, rep localapi.QuotaReport) {
	alert := &localapi.QuotaAlert{Kind: string(ev.Kind), Level: ev.Level.String(), Text: map[string]string{}}
	for _, l := range quota.Langs {
		alert.Text[string(l)] = quota.Alert(l, ev, args)
	}
	d.hub.publish(localapi.Event{Time: ev.Usage.Time, Kind: localapi.EventQuota, Account: account, Quota: &rep, Alert: alert, Message: alert.Text[string(quota.EN)]})
	lvl := slog.LevelWarn
	if ev.Kind == quota.Recovered || (ev.Kind == quota.Crossed && ev.Level < quota.Warn) {
		lvl = slog.LevelInfo
	}
	d.log.Log(context.Background(), lvl, "quota "+string(ev.Kind), "account", account, "level", ev.Level.String(),
		"used", ev.Usage.Used, "limit", ev.Usage.Limit, "estimated", ev.Usage.Estimated, "msg_en", alert.Text["en"])
}

// Cleanup counts (req.DryRun) or deletes the mail of the junk or trash
// folder of one account or of all, each on a connection of its own, and
// says how much each freed: the server's quota usage (or the sum of folder
// sizes where it has none) before and after. A confirmed request
// (req.Confirm) touches only the accounts the dry run showed, and in each
// only the messages it counted. Afterwards the quota is read again, so a
// level the clean-up left raises its "recovered" alert at once.
func (d *Daemon) Cleanup(ctx context.Context, req localapi.CleanupRequest) ([]localapi.CleanupReport, error) {
	kind := imapsync.CleanupKind(req.Folder)
	if kind != imapsync.CleanupJunk && kind != imapsync.CleanupTrash {
		return nil, localapi.BadRequest("api cleanup folder", req.Folder)
	}
	d.mu.Lock()
	var accts []config.Account
	for _, a := range d.cfg.Accounts {
		if req.Account == "" || a.Name == req.Account {
			accts = append(accts, a)
		}
	}
	n := len(d.cfg.Accounts)
	d.mu.Unlock()
	if len(accts) == 0 {
		return nil, d.noAccount(req.Account, n)
	}
	var out []localapi.CleanupReport
	for _, a := range accts {
		var bound localapi.CleanupBound
		if !req.DryRun && req.Confirm != nil {
			b, ok := req.Confirm[a.Name]
			if !ok {
				continue // not in the dry run the user confirmed
			}
			bound = b
		}
		rep := d.cleanupAccount(ctx, a, kind, req, bound)
		out = append(out, rep)
		if !req.DryRun && rep.Messages > 0 {
			if _, err := d.checkQuota(ctx, a, false); err != nil {
				d.log.Warn("quota check after clean-up", "account", a.Name, "err", err)
			}
		}
	}
	return out, nil
}

func (d *Daemon) cleanupAccount(ctx context.Context, cfg config.Account, kind imapsync.CleanupKind, req localapi.CleanupRequest, bound localapi.CleanupBound) localapi.CleanupReport {
	rep := localapi.CleanupReport{Account: cfg.Name, DryRun: req.DryRun, OlderThanDays: req.OlderThanDays}
	fail := func(err error) localapi.CleanupReport {
		rep.Error, rep.ErrorTexts = err.Error(), i18n.Messages(err)
		d.log.Warn("clean-up failed", "account", cfg.Name, "folder", kind, "err", err)
		return rep
	}
	a := d.quotas().acct(cfg.Name)
	a.run.Lock()
	defer a.run.Unlock()
	ctx, cancel := context.WithTimeout(ctx, quotaCheckTimeout)
	defer cancel()
	acct, err := d.imapAccount(cfg)
	if err != nil {
		return fail(err)
	}
	s, err := imapsync.Dial(ctx, acct)
	if err != nil {
		return fail(dialError(err, cfg.Name))
	}
	defer s.Close()
	used := func() (quota.Usage, error) {
		u, err := s.Usage(ctx, imapsync.UsageOptions{Cache: d.st})
		if err != nil {
			return quota.Usage{}, err
		}
		return usageReading(u, cfg, time.Now()), nil
	}
	before, err := used()
	if err != nil {
		return fail(err)
	}
	rep.UsedBefore, rep.Limit, rep.Estimated = before.Used, before.Limit, before.Estimated
	ireq := imapsync.CleanupRequest{Kind: kind, DryRun: req.DryRun, UIDValidity: bound.UIDValidity, MaxUID: imap.UID(bound.MaxUID)}
	if req.OlderThanDays > 0 {
		ireq.Before = time.Now().AddDate(0, 0, -req.OlderThanDays)
	}
	res, err := s.Cleanup(ctx, ireq)
	if err != nil {
		return fail(err)
	}
	rep.Folder, rep.Messages, rep.Size, rep.Left = res.Folder, res.Messages, res.Size, res.Left
	rep.Bound = localapi.CleanupBound{UIDValidity: res.UIDValidity, MaxUID: uint32(res.MaxUID)}
	if req.DryRun {
		return rep
	}
	after, err := used()
	if err != nil {
		return fail(fmt.Errorf("deleted %d messages from %s, then: %w", res.Messages, res.Folder, err))
	}
	rep.UsedAfter, rep.Freed = after.Used, before.Used-after.Used
	d.log.Info("clean-up", "account", cfg.Name, "folder", res.Folder, "older_than_days", req.OlderThanDays,
		"deleted", res.Messages, "size", res.Size, "freed", rep.Freed, "left", res.Left)
	return rep
}
