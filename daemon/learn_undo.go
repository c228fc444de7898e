package daemon

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/mailwarden/mailwarden/config"
	"github.com/mailwarden/mailwarden/i18n"
	"github.com/mailwarden/mailwarden/imapsync"
	"github.com/mailwarden/mailwarden/localapi"
	"github.com/mailwarden/mailwarden/store"
)

// notJunkSeq undoes the move recorded as action seq (Daemon.NotJunk).
func (d *Daemon) notJunkSeq(ctx context.Context, seq uint64) (store.Action, error) {
	a, ok, err := d.st.ActionBySeq(seq)
	if err != nil {
		return store.Action{}, err
	}
	if !ok {
		return store.Action{}, localapi.NotFound("api no action", seq)
	}
	return d.undo(ctx, a)
}

// NotJunkMessage undoes mailwarden's newest move of a Message-ID, in
// account ("" = any account).
func (d *Daemon) NotJunkMessage(ctx context.Context, account, messageID string) (store.Action, error) {
	id := strings.TrimSpace(messageID)
	if !strings.HasPrefix(id, "<") {
		id = "<" + strings.Trim(id, "<>") + ">"
	}
	a, ok, err := d.st.LastMove(account, id)
	if err != nil {
		return store.Action{}, err
	}
	if !ok {
		return store.Action{}, localapi.NotFound("api not moved", id)
	}
	return d.undo(ctx, a)
}

// undo moves the message of a move-to-junk action back to INBOX on the
// account's learning connection (found by Message-ID in the junk folder,
// never by its old UID), where it is learned as ham and marked $NotJunk;
// the action log records the undo.
func (d *Daemon) undo(ctx context.Context, a store.Action) (store.Action, error) {
	if a.Action != "move-to-junk" {
		return store.Action{}, localapi.BadRequest("api nothing to undo", a.Seq, a.Action)
	}
	w, state := d.watcherOf(a.Account)
	if w == nil {
		if state == "" {
			return store.Action{}, localapi.NotFound("api account gone", a.Account)
		}
		return store.Action{}, localapi.Failure("api undo offline", a.Account, state)
	}
	v, _, err := d.st.Verdict(a.Account, a.Identity)
	if err != nil {
		return store.Action{}, err
	}
	req := imapsync.RestoreRequest{Identity: a.Identity, Digest: v.Digest, Size: a.Size}
	res, err := w.Restore(ctx, req)
	// The learning connection may be between sessions (a server hiccup, a
	// resume from sleep): give it a few seconds to come back rather than
	// send the user away with an error.
	for deadline := time.Now().Add(15 * time.Second); errors.Is(err, imapsync.ErrNotConnected) && time.Now().Before(deadline); {
		select {
		case <-ctx.Done():
			return store.Action{}, ctx.Err()
		case <-time.After(250 * time.Millisecond):
		}
		res, err = w.Restore(ctx, req)
	}
	switch {
	case errors.Is(err, imapsync.ErrNotInJunk):
		return store.Action{}, fmt.Errorf("%w: %v", localapi.ErrNotFound, err)
	case errors.Is(err, imapsync.ErrNotConnected):
		return store.Action{}, fmt.Errorf("%v: the undo needs it connected; try again once `mailwarden status` shows it online", err)
	case err != nil:
		return store.Action{}, err
	}
	u := &store.Action{
		Time: time.Now(), Account: a.Account, Mailbox: "INBOX", UID: uint32(res.InboxUID), JunkUID: uint32(res.JunkUID),
		MessageID: a.MessageID, Identity: a.Identity, Subject: a.Subject, From: a.From, Size: a.Size,
		Action: "not-junk", Verdict: "ham",
		Reasons: []string{fmt.Sprintf("undo of #%d", a.Seq), "learned as not junk, marked $NotJunk, never moved again"},
	}
	if res.AlreadyInInbox {
		u.Reasons = append(u.Reasons, "it was back in INBOX already")
	}
	if err := d.st.Record(u); err != nil {
		return *u, err
	}
	d.hub.publish(localapi.Event{Time: u.Time, Kind: localapi.EventAction, Account: u.Account, Action: u})
	d.log.Info("undo: moved back to INBOX", "account", u.Account, "message_id", u.MessageID, "undoes", a.Seq, "inbox_uid", res.InboxUID)
	return *u, nil
}

// watcherOf returns an account's running watcher (nil when it has none)
// and its state ("" when there is no such account).
func (d *Daemon) watcherOf(account string) (*imapsync.Watcher, localapi.AccountState) {
	d.mu.Lock()
	accts := d.accounts
	d.mu.Unlock()
	for _, s := range accts {
		if s.cfg.Name == account {
			s.mu.Lock()
			w := s.watcher
			s.mu.Unlock()
			return w, s.snapshot().State
		}
	}
	return nil, ""
}

// accountConfig finds an account's settings: name "" means the only one.
func (d *Daemon) accountConfig(name string) (config.Account, string, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	var names []string
	for _, a := range d.cfg.Accounts {
		if a.Name == name || (name == "" && len(d.cfg.Accounts) == 1) {
			return a, d.cfg.Path, nil
		}
		names = append(names, a.Name)
	}
	if name == "" && len(names) > 0 {
		return config.Account{}, "", localapi.BadRequest("api several accounts", len(names), strings.Join(names, ", "))
	}
	return config.Account{}, "", d.noAccount(name, len(names))
}

// AllowList returns an account's allow and block lists.
func (d *Daemon) AllowList(account string) (localapi.AllowList, error) {
	a, path, err := d.accountConfig(account)
	if err != nil {
		return localapi.AllowList{}, err
	}
	allow := a.AllowList
	if allow == nil {
		allow = []string{} // [] in JSON, not null
	}
	return localapi.AllowList{Account: a.Name, Allow: allow, Block: a.BlockList, AllowListOnly: a.AllowListOnly, Config: path}, nil
}

// EditAllowList adds and removes allow list entries: the config file is
// edited in place (comments kept, validated before it is replaced) and
// reloaded, so the account works with the new list at once.
func (d *Daemon) EditAllowList(req localapi.AllowEdit) (localapi.AllowList, error) {
	a, path, err := d.accountConfig(req.Account)
	if err != nil {
		return localapi.AllowList{}, err
	}
	if path == "" {
		return localapi.AllowList{}, localapi.Failure("api no config file")
	}
	list := slices.Clone(a.AllowList)
	var already []string
	for _, s := range req.Add {
		e, err := config.NormalizeListEntry(s)
		if err != nil {
			return localapi.AllowList{}, badEntry(err)
		}
		if slices.Contains(a.BlockList, e) {
			return localapi.AllowList{}, localapi.BadRequest("api on block list", e, a.Name, path)
		}
		if slices.Contains(list, e) {
			already = append(already, e)
		} else {
			list = append(list, e)
		}
	}
	for _, s := range req.Remove {
		e, err := config.NormalizeListEntry(s)
		if err != nil {
			return localapi.AllowList{}, badEntry(err)
		}
		i := slices.Index(list, e)
		if i < 0 {
			return localapi.AllowList{}, localapi.BadRequest("api not on allow list", e, a.Name)
		}
		list = slices.Delete(list, i, i+1)
	}
	if err := config.SetAccountList(path, a.Name, "allow_list", list); err != nil {
		return localapi.AllowList{}, fmt.Errorf("%w: %v", localapi.ErrBadRequest, err)
	}
	if err := d.Reload(); err != nil {
		return localapi.AllowList{}, err
	}
	d.log.Info("allow list changed", "account", a.Name, "added", req.Add, "removed", req.Remove, "entries", len(list))
	l, err := d.AllowList(a.Name)
	l.Already = already
	return l, err
}

// badEntry is the caller's mistake in an allow list entry, as the catalog
// text config worded it, so the client shows it in its own language.
func badEntry(err error) error {
	var m i18n.Texter
	if errors.As(err, &m) {
		return &localapi.Problem{Kind: localapi.ErrBadRequest, Text: m.CatalogText()}
	}
	return fmt.Errorf("%w: %v", localapi.ErrBadRequest, err)
}
