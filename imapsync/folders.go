package imapsync

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/emersion/go-imap/v2"
)

// JunkNames are the usual names of a junk folder, tried (case-insensitive,
// on decoded names, at the top level or directly under INBOX) when no
// mailbox has the \Junk special-use attribute.
var JunkNames = []string{"Junk", "Spam", "Junk E-mail", "Junk Mail", "Spam Email", "Bulk Mail", "迷惑メール"}

var (
	trashNames  = []string{"Trash", "Deleted Items", "Deleted Messages", "Deleted", "ゴミ箱"}
	draftsNames = []string{"Drafts", "Draft", "下書き"}
)

// Mailbox is one mailbox of the LIST, with its name decoded from modified
// UTF-7: what the tray and the settings show, and what Session methods
// take (go-imap encodes it again on the wire).
type Mailbox struct {
	Name  string
	Delim rune
	Attrs []imap.MailboxAttr
}

// Has reports whether the mailbox has attr.
func (m Mailbox) Has(attr imap.MailboxAttr) bool {
	for _, a := range m.Attrs {
		if strings.EqualFold(string(a), string(attr)) {
			return true
		}
	}
	return false
}

func (m Mailbox) selectable() bool {
	return !m.Has(imap.MailboxAttrNoSelect) && !m.Has(imap.MailboxAttrNonExistent)
}

// Folders is what mailwarden found on the server.
type Folders struct {
	Inbox string // "INBOX"
	// Junk is where spam goes.
	Junk string
	// JunkBy says how Junk was chosen: "configured", "special-use",
	// "name" or "created".
	JunkBy string
	// JunkCandidates are every mailbox that looks like a junk folder (\Junk
	// or a usual junk name), for the settings to show when there are two.
	JunkCandidates []string
	// Ham are the folders trained as ham on first start besides INBOX.
	Ham []string
	// All is every mailbox of the LIST.
	All []Mailbox
}

// Folders lists the mailboxes and picks the junk folder: the configured
// one if it exists, else the \Junk special-use mailbox, else one with a
// usual junk name; if there is none and create is set, it creates (and
// subscribes) "Junk". Without create, Junk may be "".
func (s *Session) Folders(ctx context.Context, create bool) (*Folders, error) {
	all, err := s.list()
	if err != nil {
		return nil, err
	}
	f := classify(all, s.acct.JunkFolder, s.acct.TrainFolders)
	if f.Junk == "" && create {
		name, err := s.createJunk(all)
		if err != nil {
			return nil, err
		}
		if all, err = s.list(); err != nil {
			return nil, err
		}
		f = classify(all, name, s.acct.TrainFolders)
		f.JunkBy = "created"
	}
	if f.Junk == "" && create {
		return f, fmt.Errorf("no junk folder on %s", s.addr)
	}
	return f, nil
}

// list runs LIST "" "*" (RETURN (SPECIAL-USE) where the server has it).
func (s *Session) list() ([]Mailbox, error) {
	defer s.guard(cmdTimeout)()
	var opts *imap.ListOptions
	if s.caps.Has(imap.CapSpecialUse) {
		opts = &imap.ListOptions{ReturnSpecialUse: true}
	}
	data, err := s.c.List("", "*", opts).Collect()
	if _, refused := serverRefusal(err); refused && opts != nil {
		// Some servers refuse the RETURN option: plain LIST still carries
		// the special-use attributes on most of them.
		data, err = s.c.List("", "*", nil).Collect()
	}
	if err != nil {
		return nil, fmt.Errorf("list mailboxes: %w", err)
	}
	out := make([]Mailbox, 0, len(data))
	for _, d := range data {
		out = append(out, Mailbox{Name: d.Mailbox, Delim: d.Delim, Attrs: d.Attrs})
	}
	return out, nil
}

// classify picks INBOX, the junk folder and the ham folders from a LIST.
func classify(all []Mailbox, configured string, train []string) *Folders {
	f := &Folders{Inbox: "INBOX", All: all}
	var special, named string
	for _, m := range all {
		if !m.selectable() || strings.EqualFold(m.Name, "INBOX") {
			continue
		}
		if m.Has(imap.MailboxAttrJunk) || nameIn(m, JunkNames) {
			f.JunkCandidates = append(f.JunkCandidates, m.Name)
		}
		if m.Has(imap.MailboxAttrJunk) && special == "" {
			special = m.Name
		}
	}
	for _, n := range JunkNames { // a usual name, in the order of JunkNames
		for _, m := range all {
			if m.selectable() && named == "" && nameIn(m, []string{n}) {
				named = m.Name
			}
		}
	}
	if configured != "" && !strings.EqualFold(configured, "INBOX") {
		for _, m := range all {
			if m.selectable() && (m.Name == configured || strings.EqualFold(m.Name, configured)) {
				f.Junk, f.JunkBy = m.Name, "configured"
				break
			}
		}
	}
	switch {
	case f.Junk != "":
	case special != "":
		f.Junk, f.JunkBy = special, "special-use"
	case named != "":
		f.Junk, f.JunkBy = named, "name"
	}

	if train != nil {
		for _, name := range train {
			for _, m := range all {
				if m.selectable() && m.Name == name && !strings.EqualFold(name, "INBOX") && m.Name != f.Junk {
					f.Ham = append(f.Ham, m.Name)
				}
			}
		}
		return f
	}
	for _, m := range all {
		switch {
		case !m.selectable(), strings.EqualFold(m.Name, "INBOX"), m.Name == f.Junk,
			slices.Contains(f.JunkCandidates, m.Name),
			m.Has(imap.MailboxAttrTrash), m.Has(imap.MailboxAttrDrafts),
			m.Has(imap.MailboxAttrAll), m.Has(imap.MailboxAttrFlagged), m.Has(imap.MailboxAttrImportant),
			nameIn(m, trashNames), nameIn(m, draftsNames),
			leafIn(m, JunkNames), insideTrash(m, all):
			continue
		}
		f.Ham = append(f.Ham, m.Name)
	}
	return f
}

// nameIn reports whether the mailbox is called one of names (any case),
// at the top level or directly under INBOX ("INBOX.Spam", "INBOX/Spam").
func nameIn(m Mailbox, names []string) bool {
	leaf := m.Name
	if m.Delim != 0 {
		prefix := "INBOX" + string(m.Delim)
		if len(leaf) > len(prefix) && strings.EqualFold(leaf[:len(prefix)], prefix) {
			leaf = leaf[len(prefix):]
		}
		if strings.ContainsRune(leaf, m.Delim) {
			return false
		}
	}
	return slices.ContainsFunc(names, func(n string) bool { return strings.EqualFold(leaf, n) })
}

// leafIn reports whether the last component of the name is one of names:
// "ゴミ箱/迷惑メール" is no ham folder, even if it is not the junk folder.
func leafIn(m Mailbox, names []string) bool {
	leaf := m.Name
	if m.Delim != 0 {
		if i := strings.LastIndex(leaf, string(m.Delim)); i >= 0 {
			leaf = leaf[i+1:]
		}
	}
	return slices.ContainsFunc(names, func(n string) bool { return strings.EqualFold(leaf, n) })
}

// insideTrash reports whether m lies below a trash folder.
func insideTrash(m Mailbox, all []Mailbox) bool {
	if m.Delim == 0 {
		return false
	}
	for _, t := range all {
		if (t.Has(imap.MailboxAttrTrash) || nameIn(t, trashNames)) && strings.HasPrefix(m.Name, t.Name+string(m.Delim)) {
			return true
		}
	}
	return false
}

// createJunk creates "Junk" in the personal namespace and subscribes it.
func (s *Session) createJunk(all []Mailbox) (string, error) {
	defer s.guard(cmdTimeout)()
	name := "Junk"
	if s.caps.Has(imap.CapNamespace) {
		if ns, err := s.c.Namespace().Wait(); err == nil && len(ns.Personal) > 0 {
			name = ns.Personal[0].Prefix + name
		}
	} else {
		// Without NAMESPACE: servers that keep every folder under INBOX
		// show it in the LIST.
		for _, m := range all {
			if m.Delim != 0 && strings.HasPrefix(strings.ToUpper(m.Name), "INBOX"+string(m.Delim)) {
				name = "INBOX" + string(m.Delim) + name
				break
			}
		}
	}
	if err := s.c.Create(name, nil).Wait(); err != nil {
		if ie, ok := serverRefusal(err); !ok || ie.Code != imap.ResponseCodeAlreadyExists {
			return "", fmt.Errorf("create junk folder %q: %w", name, err)
		}
	}
	if err := s.c.Subscribe(name).Wait(); err != nil {
		return "", fmt.Errorf("subscribe junk folder %q: %w", name, err)
	}
	return name, nil
}
