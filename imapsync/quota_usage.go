package imapsync

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/emersion/go-imap/v2"
)

// QuotaResource is one resource of a quota root, in its own units:
// STORAGE in KiB (units of 1024 octets), MESSAGE in messages.
type QuotaResource struct {
	Usage int64 `json:"usage"`
	Limit int64 `json:"limit"`
}

// QuotaRoot is one quota root that applies to INBOX (RFC 9208).
type QuotaRoot struct {
	Name    string         `json:"name"`              // e.g. "User quota"
	Storage *QuotaResource `json:"storage,omitempty"` // nil: no storage limit in this root
	Message *QuotaResource `json:"message,omitempty"` // nil: no message-count limit
}

// QuotaRoots reads every quota root of INBOX with `GETQUOTAROOT INBOX`,
// and each root's STORAGE and MESSAGE resources. ok is false when the
// server has no QUOTA capability; a server with QUOTA may still report no
// root (no limit), or roots without STORAGE.
func (s *Session) QuotaRoots() (roots []QuotaRoot, ok bool, err error) {
	if !s.caps.Has(imap.CapQuota) {
		return nil, false, nil
	}
	defer s.guard(cmdTimeout)()
	data, err := s.c.GetQuotaRoot("INBOX").Wait()
	if err != nil {
		return nil, false, fmt.Errorf("GETQUOTAROOT INBOX: %w", err)
	}
	for _, d := range data {
		r := QuotaRoot{Name: d.Root}
		for typ, res := range d.Resources {
			q := &QuotaResource{Usage: res.Usage, Limit: res.Limit}
			switch strings.ToUpper(string(typ)) {
			case string(imap.QuotaResourceStorage):
				r.Storage = q
			case string(imap.QuotaResourceMessage):
				r.Message = q
			}
		}
		roots = append(roots, r)
	}
	slices.SortFunc(roots, func(a, b QuotaRoot) int { return cmp.Compare(a.Name, b.Name) })
	return roots, true, nil
}

// FolderUsage is one folder's share of the mailbox.
type FolderUsage struct {
	Name string `json:"name"`
	// SpecialUse is the folder's special-use attribute, e.g. \Junk, \Trash,
	// \Sent, \Archive, \Drafts ("" if none).
	SpecialUse string `json:"special_use,omitempty"`
	Messages   int    `json:"messages"`
	Size       int64  `json:"size"` // bytes
}

// MessageInfo is one message of the biggest or oldest ones.
type MessageInfo struct {
	Mailbox          string    `json:"mailbox"`
	UIDValidity      uint32    `json:"uidvalidity"`
	UID              imap.UID  `json:"uid"`
	Size             int64     `json:"size"`
	Date             time.Time `json:"date"`
	DateFromInternal bool      `json:"date_from_internal,omitempty"` // the Date header is missing or bad: Date is INTERNALDATE
	MessageID        string    `json:"message_id,omitempty"`         // normalised, "" if none
	// Header holds the Date, From, Subject and Message-ID fields, raw, for
	// the caller to decode and show.
	Header []byte `json:"-"`
}

// UsageOptions say what Usage reads.
type UsageOptions struct {
	// Cache keeps folder indexes between calls, so each message's size is
	// fetched once. nil: everything needed is read this time.
	Cache SizeCache
	// Top > 0 also finds the Top biggest and the Top oldest messages (this
	// needs every folder's index even where STATUS=SIZE gives the size).
	Top int
}

// Usage is the whole storage picture of a mailbox.
type Usage struct {
	// HasQuota: the server has QUOTA. Roots are INBOX's quota roots.
	HasQuota bool
	Roots    []QuotaRoot
	// Folders are every selectable, non-virtual folder, biggest first.
	Folders []FolderUsage
	// StatusSize: folder sizes came from STATUS (SIZE); else they are sums
	// of RFC822.SIZE.
	StatusSize bool
	// Biggest and Oldest are the Top biggest and oldest messages
	// (UsageOptions.Top), biggest and oldest first.
	Biggest, Oldest []MessageInfo
	// Fetched is how many messages' sizes were fetched this time; Searched
	// how many folders needed a UID SEARCH ALL (expunges). For tests and
	// the debug log.
	Fetched, Searched int
}

// Size is the sum of the folder sizes.
func (u *Usage) Size() int64 {
	var n int64
	for _, f := range u.Folders {
		n += f.Size
	}
	return n
}

// Usage reads the quota roots, every folder's size and message count and,
// with opts.Top, the biggest and oldest messages. Folder sizes come from
// STATUS (SIZE) where the server has STATUS=SIZE; elsewhere they are sums
// of RFC822.SIZE kept in opts.Cache and brought up to date incrementally.
// Nothing is changed on the server: folders are only EXAMINEd.
func (s *Session) Usage(ctx context.Context, opts UsageOptions) (*Usage, error) {
	u := &Usage{StatusSize: s.caps.Has(imap.CapStatusSize) || s.caps.Has(imap.CapIMAP4rev2)}
	// STATUS of the selected mailbox is discouraged (RFC 3501 6.3.10):
	// leave it first where the server allows it without an EXPUNGE.
	if s.selected != "" && (s.caps.Has(imap.CapUnselect) || s.caps.Has(imap.CapIMAP4rev2)) {
		stop := s.guard(cmdTimeout)
		err := s.c.Unselect().Wait()
		stop()
		if err != nil {
			return nil, fmt.Errorf("UNSELECT: %w", err)
		}
		s.selected, s.sel = "", nil
	}
	var err error
	if u.Roots, u.HasQuota, err = s.QuotaRoots(); err != nil {
		return nil, err
	}
	all, err := s.list()
	if err != nil {
		return nil, err
	}
	var boxes []Mailbox
	for _, m := range all {
		// Virtual folders (\All, \Flagged) show mail that lives elsewhere:
		// counting them would count it twice.
		if m.selectable() && !m.Has(imap.MailboxAttrAll) && !m.Has(imap.MailboxAttrFlagged) {
			boxes = append(boxes, m)
		}
	}
	status, err := s.statusAll(boxes, u.StatusSize)
	if err != nil {
		return nil, err
	}
	cache := opts.Cache
	if cache == nil {
		cache = NewMemSizeCache()
	}
	needIndex := !u.StatusSize || opts.Top > 0
	indexes := map[string]*FolderIndex{}
	for _, m := range boxes {
		st := status[m.Name]
		if st == nil {
			continue // gone between LIST and STATUS
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		f := FolderUsage{Name: m.Name, SpecialUse: specialUse(m)}
		if st.NumMessages != nil {
			f.Messages = int(*st.NumMessages)
		}
		if needIndex {
			x, err := s.refreshIndex(cache, m.Name, st, u)
			if err != nil {
				return nil, err
			}
			indexes[m.Name] = x
			f.Size, f.Messages = x.Size(), len(x.Entries)
		}
		if u.StatusSize && st.Size != nil {
			f.Size = *st.Size
		}
		u.Folders = append(u.Folders, f)
	}
	slices.SortStableFunc(u.Folders, func(a, b FolderUsage) int { return cmp.Compare(b.Size, a.Size) })
	if needIndex {
		// Forget folders that are gone (deleted or renamed).
		if names, err := cache.SizeFolders(s.acct.Name); err == nil {
			for _, n := range names {
				if _, ok := status[n]; !ok {
					cache.SaveSizes(s.acct.Name, n, nil)
				}
			}
		}
	}
	if opts.Top > 0 {
		if err := s.topMessages(u, indexes, opts.Top); err != nil {
			return nil, err
		}
	}
	return u, nil
}

func specialUse(m Mailbox) string {
	for _, a := range []imap.MailboxAttr{imap.MailboxAttrJunk, imap.MailboxAttrTrash, imap.MailboxAttrSent,
		imap.MailboxAttrArchive, imap.MailboxAttrDrafts} {
		if m.Has(a) {
			return string(a)
		}
	}
	return ""
}

// statusAll sends STATUS for every folder at once (pipelined) and collects
// the answers. A folder the server refuses (deleted meanwhile) is missing.
func (s *Session) statusAll(boxes []Mailbox, size bool) (map[string]*imap.StatusData, error) {
	defer s.guard(cmdTimeout)()
	opts := &imap.StatusOptions{NumMessages: true, UIDNext: true, UIDValidity: true, Size: size}
	type pending struct {
		name string
		cmd  interface {
			Wait() (*imap.StatusData, error)
		}
	}
	var cmds []pending
	for _, m := range boxes {
		cmds = append(cmds, pending{m.Name, s.c.Status(m.Name, opts)})
	}
	out := map[string]*imap.StatusData{}
	for _, p := range cmds {
		data, err := p.cmd.Wait()
		if err != nil {
			if _, refused := serverRefusal(err); refused {
				continue
			}
			return nil, fmt.Errorf("STATUS %q: %w", p.name, err)
		}
		out[p.name] = data
	}
	return out, nil
}

// sizeSection is the one header field the index needs.
var sizeSection = &imap.FetchItemBodySection{Specifier: imap.PartSpecifierHeader, HeaderFields: []string{"Date"}, Peek: true}

// refreshIndex brings a folder's index up to date: nothing is read when
// UIDVALIDITY, UIDNEXT and the message count are as the index left them;
// else the folder is EXAMINEd, new UIDs are found with `UID SEARCH UID
// n:*` and fetched, and only where the count still does not match (mail
// was expunged) one `UID SEARCH ALL` tells which entries to drop.
func (s *Session) refreshIndex(cache SizeCache, name string, st *imap.StatusData, u *Usage) (*FolderIndex, error) {
	x, err := cache.LoadSizes(s.acct.Name, name)
	if err != nil || x == nil || x.UIDValidity != st.UIDValidity {
		x = &FolderIndex{UIDValidity: st.UIDValidity, UIDNext: 1}
	}
	if st.NumMessages != nil && st.UIDNext != 0 && st.UIDNext == x.UIDNext && int(*st.NumMessages) == len(x.Entries) {
		return x, nil
	}
	sel, err := s.selectMailbox(name, true)
	if err != nil {
		return nil, err
	}
	if sel.UIDValidity != x.UIDValidity {
		x = &FolderIndex{UIDValidity: sel.UIDValidity, UIDNext: 1}
	}
	var fresh []imap.UID
	if sel.NumMessages > 0 && (sel.UIDNext == 0 || sel.UIDNext > x.UIDNext) {
		var set imap.UIDSet
		set.AddRange(x.UIDNext, 0)
		uids, err := s.searchUIDs(set)
		if err != nil {
			return nil, err
		}
		for _, uid := range uids {
			if uid >= x.UIDNext {
				fresh = append(fresh, uid)
			}
		}
	}
	if len(x.Entries)+len(fresh) != int(sel.NumMessages) {
		// Expunged meanwhile (or more arrived): the server's list decides.
		all, err := s.searchAll()
		if err != nil {
			return nil, err
		}
		u.Searched++
		have := make(map[imap.UID]bool, len(x.Entries))
		kept := x.Entries[:0]
		live := make(map[imap.UID]bool, len(all))
		for _, uid := range all {
			live[uid] = true
		}
		for _, e := range x.Entries {
			if live[e.UID] {
				kept = append(kept, e)
				have[e.UID] = true
			}
		}
		x.Entries = kept
		fresh = fresh[:0]
		for _, uid := range all {
			if !have[uid] {
				fresh = append(fresh, uid)
			}
		}
	}
	fresh = sortedUIDs(fresh)
	for i := 0; i < len(fresh); i += 500 {
		got, err := s.fetchSizes(fresh[i:min(i+500, len(fresh))])
		if err != nil {
			return nil, err
		}
		u.Fetched += len(got)
		x.Entries = append(x.Entries, got...)
	}
	slices.SortFunc(x.Entries, func(a, b SizeEntry) int { return cmp.Compare(a.UID, b.UID) })
	x.Entries = slices.CompactFunc(x.Entries, func(a, b SizeEntry) bool { return a.UID == b.UID })
	x.UIDNext = max(sel.UIDNext, x.UIDNext)
	if n := len(x.Entries); n > 0 {
		x.UIDNext = max(x.UIDNext, x.Entries[n-1].UID+1)
	}
	if err := cache.SaveSizes(s.acct.Name, name, x); err != nil {
		return nil, err
	}
	return x, nil
}

// fetchSizes fetches UID, RFC822.SIZE, INTERNALDATE and the Date field of
// uids in the selected folder.
func (s *Session) fetchSizes(uids []imap.UID) ([]SizeEntry, error) {
	defer s.guard(cmdTimeout)()
	bufs, err := s.c.Fetch(imap.UIDSetNum(uids...), &imap.FetchOptions{
		UID: true, RFC822Size: true, InternalDate: true, BodySection: []*imap.FetchItemBodySection{sizeSection},
	}).Collect()
	if err != nil {
		return nil, fmt.Errorf("fetch sizes in %q: %w", s.selected, err)
	}
	out := make([]SizeEntry, 0, len(bufs))
	for _, b := range bufs {
		if b.UID == 0 {
			continue
		}
		d, internal := messageDate(b.FindBodySection(sizeSection), b.InternalDate)
		out = append(out, SizeEntry{UID: b.UID, Size: b.RFC822Size, Date: d, DateFromInternal: internal})
	}
	return out, nil
}

// showSection is what the biggest and oldest lists show of a message.
var showSection = &imap.FetchItemBodySection{Specifier: imap.PartSpecifierHeader,
	HeaderFields: []string{"Date", "From", "Subject", "Message-ID"}, Peek: true}

// topMessages picks the n biggest and n oldest messages over every folder
// and fetches their Date, From, Subject and Message-ID fields.
func (s *Session) topMessages(u *Usage, indexes map[string]*FolderIndex, n int) error {
	var all []MessageInfo
	for name, x := range indexes {
		for _, e := range x.Entries {
			all = append(all, MessageInfo{Mailbox: name, UIDValidity: x.UIDValidity, UID: e.UID, Size: e.Size, Date: e.Date, DateFromInternal: e.DateFromInternal})
		}
	}
	tie := func(a, b MessageInfo) int {
		return cmp.Or(cmp.Compare(a.Mailbox, b.Mailbox), cmp.Compare(a.UID, b.UID))
	}
	slices.SortFunc(all, func(a, b MessageInfo) int { return cmp.Or(cmp.Compare(b.Size, a.Size), tie(a, b)) })
	u.Biggest = slices.Clone(all[:min(n, len(all))])
	slices.SortFunc(all, func(a, b MessageInfo) int { return cmp.Or(a.Date.Compare(b.Date), tie(a, b)) })
	u.Oldest = slices.Clone(all[:min(n, len(all))])

	want := map[string][]imap.UID{}
	for _, l := range [][]MessageInfo{u.Biggest, u.Oldest} {
		for _, m := range l {
			want[m.Mailbox] = append(want[m.Mailbox], m.UID)
		}
	}
	headers := map[string]map[imap.UID][]byte{}
	for name, uids := range want {
		if _, err := s.selectMailbox(name, true); err != nil {
			if _, refused := serverRefusal(err); refused {
				continue
			}
			return err
		}
		stop := s.guard(cmdTimeout)
		bufs, err := s.c.Fetch(imap.UIDSetNum(sortedUIDs(uids)...), &imap.FetchOptions{UID: true, BodySection: []*imap.FetchItemBodySection{showSection}}).Collect()
		stop()
		if err != nil {
			return fmt.Errorf("fetch headers in %q: %w", name, err)
		}
		headers[name] = map[imap.UID][]byte{}
		for _, b := range bufs {
			headers[name][b.UID] = b.FindBodySection(showSection)
		}
	}
	for _, l := range [][]MessageInfo{u.Biggest, u.Oldest} {
		for i := range l {
			l[i].Header = headers[l[i].Mailbox][l[i].UID]
			l[i].MessageID = messageIDOf(l[i].Header)
		}
	}
	return nil
}
