package imapsync

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/emersion/go-imap/v2"
)

// batchSize is how many messages one FETCH asks for.
const batchSize = 50

var headerSection = &imap.FetchItemBodySection{Specifier: imap.PartSpecifierHeader, Peek: true}

// searchUIDs returns the UIDs of the selected mailbox in set, ascending,
// with `UID SEARCH UID set`. A range n:* also matches the last message when
// n is beyond it: callers filter.
func (s *Session) searchUIDs(set imap.UIDSet) ([]imap.UID, error) {
	defer s.guard(cmdTimeout)()
	data, err := s.c.UIDSearch(&imap.SearchCriteria{UID: []imap.UIDSet{set}}, nil).Wait()
	if err != nil {
		return nil, fmt.Errorf("search %q: %w", s.selected, err)
	}
	uids := data.AllUIDs()
	slices.Sort(uids)
	return uids, nil
}

// searchAll returns every UID of the selected mailbox, ascending.
func (s *Session) searchAll() ([]imap.UID, error) {
	var set imap.UIDSet
	set.AddRange(1, 0) // 1:*
	return s.searchUIDs(set)
}

// fetchHeaders fetches `UID FLAGS RFC822.SIZE INTERNALDATE BODY.PEEK[HEADER]`
// of uids in the selected mailbox. Messages expunged meanwhile are missing
// from the result, which is in UID order.
func (s *Session) fetchHeaders(uids []imap.UID) ([]*Message, error) {
	if len(uids) == 0 {
		return nil, nil
	}
	defer s.guard(cmdTimeout)()
	bufs, err := s.c.Fetch(imap.UIDSetNum(uids...), &imap.FetchOptions{
		UID: true, Flags: true, RFC822Size: true, InternalDate: true, ModSeq: s.caps.Has(imap.CapCondStore),
		BodySection: []*imap.FetchItemBodySection{headerSection},
	}).Collect()
	if err != nil {
		return nil, fmt.Errorf("fetch headers in %q: %w", s.selected, err)
	}
	uv := uint32(0)
	if s.sel != nil {
		uv = s.sel.UIDValidity
	}
	msgs := make([]*Message, 0, len(bufs))
	for _, b := range bufs {
		if b.UID == 0 {
			continue
		}
		h := b.FindBodySection(headerSection)
		if h == nil {
			h = []byte{}
		}
		msgs = append(msgs, &Message{
			Mailbox: s.selected, UIDValidity: uv, UID: b.UID,
			MessageID: messageIDOf(h), Size: b.RFC822Size, InternalDate: b.InternalDate,
			Flags: b.Flags, Header: h, modSeq: b.ModSeq,
		})
	}
	slices.SortFunc(msgs, func(a, b *Message) int { return cmp.Compare(a.UID, b.UID) })
	return msgs, nil
}

// fetchBodies fills Raw of msgs (in the selected mailbox) with
// BODY.PEEK[]<0.n>: the header and the first maxFetch bytes of the body.
// A message expunged meanwhile keeps Raw nil.
func (s *Session) fetchBodies(msgs []*Message, maxFetch int) error {
	if len(msgs) == 0 {
		return nil
	}
	longest := 0
	var set imap.UIDSet
	byUID := make(map[imap.UID]*Message, len(msgs))
	for _, m := range msgs {
		longest = max(longest, len(m.Header))
		set.AddNum(m.UID)
		byUID[m.UID] = m
	}
	section := &imap.FetchItemBodySection{Peek: true, Partial: &imap.SectionPartial{Offset: 0, Size: int64(longest + maxFetch)}}
	defer s.guard(cmdTimeout)()
	bufs, err := s.c.Fetch(set, &imap.FetchOptions{UID: true, BodySection: []*imap.FetchItemBodySection{section}}).Collect()
	if err != nil {
		return fmt.Errorf("fetch bodies in %q: %w", s.selected, err)
	}
	for _, b := range bufs {
		m := byUID[b.UID]
		if m == nil {
			continue
		}
		raw := b.FindBodySection(section)
		if len(raw) > len(m.Header)+maxFetch {
			raw = raw[:len(m.Header)+maxFetch]
		}
		m.Raw = append([]byte{}, raw...)
	}
	return nil
}

// fetchMessages fetches headers, then bodies, of uids.
func (s *Session) fetchMessages(uids []imap.UID, maxFetch int) ([]*Message, error) {
	msgs, err := s.fetchHeaders(uids)
	if err != nil {
		return nil, err
	}
	return msgs, s.fetchBodies(msgs, maxFetch)
}
