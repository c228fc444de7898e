package imapsync

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/emersion/go-imap/v2"
)

// CleanupKind names a folder the user may have mailwarden empty.
type CleanupKind string

// The folders a clean-up may touch. There is no other: mailwarden never
// deletes mail anywhere else, and never on its own.
const (
	CleanupJunk  CleanupKind = "junk"
	CleanupTrash CleanupKind = "trash"
)

// ErrNoSafeExpunge: the server has no UIDPLUS, so the only way to remove
// messages is a plain EXPUNGE, which also removes every other message of
// the folder that the user (or another client) marked \Deleted. A clean-up
// then deletes nothing.
var ErrNoSafeExpunge = errors.New("the server cannot delete single messages safely (no UIDPLUS): nothing was deleted; empty the folder in your mail client")

// ErrCleanupChanged: the folder was re-created (its UIDVALIDITY changed)
// since the dry run the user confirmed. Nothing was deleted.
var ErrCleanupChanged = errors.New("the folder changed since it was counted (UIDVALIDITY): nothing was deleted; count again and confirm")

// CleanupRequest says what a clean-up deletes.
type CleanupRequest struct {
	Kind CleanupKind
	// Before, if set, limits the clean-up to messages that arrived
	// (INTERNALDATE) before it: "older than N days". The Date header is not
	// used: spam forges it, and arrival is what the user sees as age here.
	Before time.Time
	// UIDValidity and MaxUID, if set, bound the clean-up to what a dry run
	// counted and the user confirmed: only UIDs up to MaxUID, and nothing
	// if the folder's UIDVALIDITY is no longer UIDValidity. Mail that
	// arrives in the folder after the dry run is kept.
	UIDValidity uint32
	MaxUID      imap.UID
	// DryRun counts what would be deleted and deletes nothing.
	DryRun bool
}

// CleanupResult is what a clean-up found or did.
type CleanupResult struct {
	Folder      string   `json:"folder"` // the folder's name on the server, e.g. "Junk"
	UIDValidity uint32   `json:"uidvalidity"`
	MaxUID      imap.UID `json:"max_uid"` // the highest UID looked at: pass it back with UIDValidity to delete what a dry run counted
	// Messages and Size are what matched (a dry run) or what was deleted.
	Messages int   `json:"messages"`
	Size     int64 `json:"size"` // sum of RFC822.SIZE
	// Left are matching messages still there after the deletion (the
	// server refused some); 0 normally.
	Left int `json:"left,omitempty"`
}

// CleanupFolder returns the server's name of the folder a clean-up of kind
// empties: the junk folder (configured, \Junk, or a usual junk name) or the
// trash folder (\Trash, or a usual trash name). It never returns INBOX.
func (s *Session) CleanupFolder(ctx context.Context, kind CleanupKind) (string, error) {
	f, err := s.Folders(ctx, false)
	if err != nil {
		return "", err
	}
	var name string
	switch kind {
	case CleanupJunk:
		name = f.Junk
	case CleanupTrash:
		for _, m := range f.All {
			if m.selectable() && m.Has(imap.MailboxAttrTrash) {
				name = m.Name
				break
			}
		}
		for _, n := range trashNames {
			for _, m := range f.All {
				if name == "" && m.selectable() && nameIn(m, []string{n}) {
					name = m.Name
				}
			}
		}
	default:
		return "", fmt.Errorf("%w: unknown clean-up %q (want %q or %q)", ErrConfig, kind, CleanupJunk, CleanupTrash)
	}
	if name == "" || strings.EqualFold(name, "INBOX") {
		return "", fmt.Errorf("no %s folder on %s: nothing to clean up", kind, s.addr)
	}
	return name, nil
}

// Cleanup deletes messages of one folder, the junk or the trash folder
// (see CleanupFolder), all of them or those that arrived before
// req.Before, by UID: `UID STORE +FLAGS.SILENT (\Deleted)` then `UID
// EXPUNGE` of exactly those UIDs (UIDPLUS). Without UIDPLUS it deletes
// nothing (ErrNoSafeExpunge), even in a dry run, so the user learns it
// before confirming. No other folder is selected.
func (s *Session) Cleanup(ctx context.Context, req CleanupRequest) (*CleanupResult, error) {
	name, err := s.CleanupFolder(ctx, req.Kind)
	if err != nil {
		return nil, err
	}
	if !s.caps.Has(imap.CapUIDPlus) {
		return nil, fmt.Errorf("clean up %q: %w", name, ErrNoSafeExpunge)
	}
	sel, err := s.selectMailbox(name, req.DryRun)
	if err != nil {
		return nil, err
	}
	res := &CleanupResult{Folder: name, UIDValidity: sel.UIDValidity, MaxUID: req.MaxUID}
	if req.UIDValidity != 0 && req.UIDValidity != sel.UIDValidity {
		return nil, fmt.Errorf("clean up %q: %w", name, ErrCleanupChanged)
	}
	if sel.NumMessages == 0 {
		if res.MaxUID == 0 && sel.UIDNext > 0 {
			res.MaxUID = sel.UIDNext - 1
		}
		return res, nil
	}
	var set imap.UIDSet
	set.AddRange(1, req.MaxUID) // MaxUID 0 = "*"
	uids, err := s.searchUIDs(set)
	if err != nil {
		return nil, err
	}
	var match []imap.UID
	sizes := map[imap.UID]int64{}
	for i := 0; i < len(uids); i += 500 {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		batch := uids[i:min(i+500, len(uids))]
		stop := s.guard(cmdTimeout)
		bufs, err := s.c.Fetch(imap.UIDSetNum(batch...), &imap.FetchOptions{UID: true, RFC822Size: true, InternalDate: true}).Collect()
		stop()
		if err != nil {
			return nil, fmt.Errorf("fetch sizes in %q: %w", name, err)
		}
		for _, b := range bufs {
			if b.UID == 0 || (req.MaxUID != 0 && b.UID > req.MaxUID) {
				continue
			}
			res.MaxUID = max(res.MaxUID, b.UID)
			if !req.Before.IsZero() && !b.InternalDate.Before(req.Before) {
				continue
			}
			match = append(match, b.UID)
			sizes[b.UID] = b.RFC822Size
		}
	}
	match = sortedUIDs(match)
	for _, uid := range match {
		res.Size += sizes[uid]
	}
	res.Messages = len(match)
	if req.DryRun || len(match) == 0 {
		return res, nil
	}
	for i := 0; i < len(match); i += 500 {
		if err := s.expungeUIDs(match[i:min(i+500, len(match))]); err != nil {
			return nil, fmt.Errorf("clean up %q: %w", name, err)
		}
	}
	// What is still there was not deleted (refused, or a server that
	// ignores UID EXPUNGE): say so, and do not count it as freed.
	left, err := s.searchUIDs(imap.UIDSetNum(match...))
	if err != nil {
		return nil, err
	}
	for _, uid := range left {
		if _, ok := sizes[uid]; ok {
			res.Left++
			res.Messages--
			res.Size -= sizes[uid]
		}
	}
	return res, nil
}
