package localapi

import (
	"context"
	"net/http"
	"time"
)

// QuotaReport is an account's storage: how full it is, the trend, what
// takes the space. See the quota package for the policy and the texts.
type QuotaReport struct {
	Account string    `json:"account"`
	Time    time.Time `json:"time,omitzero"` // when the figures were read; absent when never read (Error says why)
	Used    int64     `json:"used"`          // bytes
	Limit   int64     `json:"limit"`         // bytes; 0 = unknown
	// Messages and MessageLimit are the MESSAGE resource where the server
	// limits the number of messages (0 = no such limit).
	Messages     int64   `json:"messages,omitempty"`
	MessageLimit int64   `json:"message_limit,omitempty"`
	Percent      float64 `json:"percent"` // of the tighter limit
	// Estimated: the server reports no quota, so Limit is the plan's size
	// from the configuration (limit_gb) and Used the sum of folder sizes.
	Estimated  bool          `json:"estimated"`
	Level      string        `json:"level,omitempty"` // ok, show, warn, critical (with hysteresis: what the alerts said); absent when never read
	Levels     QuotaLevels   `json:"levels"`          // the thresholds in force
	Roots      []QuotaRoot   `json:"roots,omitempty"`
	FullIn     time.Duration `json:"full_in,omitempty"` // at the current rate; 0 = no estimate (flat, falling or too little history)
	FullInDays int           `json:"full_in_days,omitempty"`
	Folders    []FolderSize  `json:"folders,omitempty"` // biggest first
	// FolderSizes says where folder sizes come from: "status-size"
	// (STATUS=SIZE) or "rfc822-size" (summed per message).
	FolderSizes string        `json:"folder_sizes,omitempty"`
	Biggest     []MessageSize `json:"biggest,omitempty"`
	Oldest      []MessageSize `json:"oldest,omitempty"`
	// Stale: the server could not be read now (Error says why); the
	// figures are from Time.
	Stale bool   `json:"stale,omitempty"`
	Error string `json:"error,omitempty"`
}

// QuotaLevels are the thresholds, in percent.
type QuotaLevels struct {
	Show     float64 `json:"show"`
	Warn     float64 `json:"warn"`
	Critical float64 `json:"critical"`
}

// QuotaRoot is one quota root of INBOX as the server reports it, in bytes
// and messages.
type QuotaRoot struct {
	Name         string `json:"name"`
	Used         int64  `json:"used,omitempty"`
	Limit        int64  `json:"limit,omitempty"`
	Messages     int64  `json:"messages,omitempty"`
	MessageLimit int64  `json:"message_limit,omitempty"`
}

// FolderSize is one folder's share of the quota.
type FolderSize struct {
	Name       string `json:"name"`
	SpecialUse string `json:"special_use,omitempty"` // \Junk, \Trash, \Sent, \Archive, \Drafts
	Messages   int    `json:"messages"`
	Size       int64  `json:"size"`
}

// MessageSize is one of the biggest or oldest messages.
type MessageSize struct {
	Folder string    `json:"folder"`
	UID    uint32    `json:"uid"`
	Size   int64     `json:"size"`
	Date   time.Time `json:"date"`
	// DateFromInternal: the Date header is missing or bad, so Date is when
	// the message arrived (INTERNALDATE).
	DateFromInternal bool   `json:"date_from_internal,omitempty"`
	From             string `json:"from,omitempty"`
	Subject          string `json:"subject,omitempty"`
	MessageID        string `json:"message_id,omitempty"`
}

// QuotaAlert is the alert an EventQuota carries: its kind (crossed,
// reminder, recovered, over-quota) and level, and its text in every
// language of the quota package's catalog ("en", "ja").
type QuotaAlert struct {
	Kind  string            `json:"kind"`
	Level string            `json:"level"`
	Text  map[string]string `json:"text"`
}

// CleanupRequest asks the daemon to count (DryRun) or delete the mail of
// one account's (or every account's) junk or trash folder.
type CleanupRequest struct {
	Account string `json:"account,omitempty"` // "" = every account
	Folder  string `json:"folder"`            // "junk" or "trash"
	// OlderThanDays > 0 limits it to mail that arrived more than that many
	// days ago.
	OlderThanDays int  `json:"older_than_days,omitempty"`
	DryRun        bool `json:"dry_run,omitempty"`
	// Confirm bounds the deletion to what a dry run counted, per account:
	// its UIDValidity and MaxUID. Mail that arrived since is kept; an
	// account whose folder was re-created is not touched.
	Confirm map[string]CleanupBound `json:"confirm,omitempty"`
}

// CleanupBound is what a dry run saw of a folder.
type CleanupBound struct {
	UIDValidity uint32 `json:"uidvalidity"`
	MaxUID      uint32 `json:"max_uid"`
}

// CleanupReport is what a clean-up counted or did in one account.
type CleanupReport struct {
	Account       string       `json:"account"`
	Folder        string       `json:"folder,omitempty"` // the folder's name on the server
	DryRun        bool         `json:"dry_run,omitempty"`
	OlderThanDays int          `json:"older_than_days,omitempty"`
	Messages      int          `json:"messages"` // counted (dry run) or deleted
	Size          int64        `json:"size"`     // their sizes
	Bound         CleanupBound `json:"bound"`    // pass it back in CleanupRequest.Confirm
	// UsedBefore and UsedAfter are the mailbox's usage (the server's quota,
	// or the sum of folder sizes where it has none: Estimated) before and
	// after; Freed is the difference.
	UsedBefore int64  `json:"used_before"`
	Limit      int64  `json:"limit"` // the quota (or limit_gb) in bytes
	UsedAfter  int64  `json:"used_after,omitempty"`
	Freed      int64  `json:"freed,omitempty"`
	Estimated  bool   `json:"estimated,omitempty"`
	Left       int    `json:"left,omitempty"` // messages that should have gone and are still there
	Error      string `json:"error,omitempty"`
	// ErrorTexts are the catalog texts inside Error, for clients to show
	// it in their user's language (as AccountStatus.ErrorTexts).
	ErrorTexts []Text `json:"error_texts,omitempty"`
}

// Cleanup counts (req.DryRun) or deletes Junk or Trash mail.
func (c *Client) Cleanup(ctx context.Context, req CleanupRequest) ([]CleanupReport, error) {
	var r []CleanupReport
	return r, c.doJSON(ctx, "POST", "/v0/cleanup", nil, req, &r)
}

func (s *Server) cleanup(w http.ResponseWriter, r *http.Request) {
	var req CleanupRequest
	if !s.readBody(w, r, &req) {
		return
	}
	switch {
	case req.Folder != "junk" && req.Folder != "trash":
		s.fail(w, BadRequest("api cleanup folder", req.Folder))
		return
	case req.OlderThanDays < 0:
		s.fail(w, BadRequest("api cleanup days"))
		return
	}
	res, err := s.b.Cleanup(r.Context(), req)
	if err != nil {
		s.fail(w, err)
		return
	}
	writeJSON(w, res)
}
