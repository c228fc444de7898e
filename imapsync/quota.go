package imapsync

import (
	"fmt"

	"github.com/emersion/go-imap/v2"
)

// Quota is the storage quota of the root that holds INBOX.
type Quota struct {
	Root     string // e.g. "User quota"
	UsedKiB  int64
	LimitKiB int64
}

// Quota reads the storage quota of INBOX's quota root (GETQUOTAROOT). ok is
// false when the server has no QUOTA capability or no storage limit.
func (s *Session) Quota() (q Quota, ok bool, err error) {
	if !s.caps.Has(imap.CapQuota) {
		return q, false, nil
	}
	defer s.guard(cmdTimeout)()
	roots, err := s.c.GetQuotaRoot("INBOX").Wait()
	if err != nil {
		return q, false, fmt.Errorf("GETQUOTAROOT INBOX: %w", err)
	}
	for _, r := range roots {
		if res, found := r.Resources[imap.QuotaResourceStorage]; found {
			return Quota{Root: r.Root, UsedKiB: res.Usage, LimitKiB: res.Limit}, true, nil
		}
	}
	return q, false, nil
}
