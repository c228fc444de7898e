package localapi

import (
	"time"

	"github.com/mailwarden/mailwarden/store"
)

// AccountState is what an account's supervisor is doing, in words a script
// can match and the tray can translate.
type AccountState string

// The states of an account.
const (
	StateStarting    AccountState = "starting"     // connecting for the first time
	StateTraining    AccountState = "training"     // first-start scan of existing mail
	StateOnline      AccountState = "online"       // watching INBOX
	StateOffline     AccountState = "offline"      // server unreachable or connection lost; retrying with backoff
	StateAuthFailed  AccountState = "auth-failed"  // the server refused the password; retrying slowly
	StateTLSError    AccountState = "tls-error"    // the certificate does not verify; retrying slowly
	StateConfigError AccountState = "config-error" // the account cannot start (missing password, bad setting)
	StatePaused      AccountState = "paused"       // filtering paused by the user
)

// AccountStatus is one account as the daemon sees it.
type AccountStatus struct {
	Name  string       `json:"name"`
	State AccountState `json:"state"`
	Error string       `json:"error,omitempty"` // the last error, with its fix
	// ErrorTexts are the catalog texts inside Error, for clients to show
	// it in their language (i18n.Localize).
	ErrorTexts []Text    `json:"error_texts,omitempty"`
	Since      time.Time `json:"since"`               // when State was entered
	NextRetry  time.Time `json:"next_retry,omitzero"` // when the next connection is tried; none: left out
	// Notes are standing remarks on the account that need no retry, e.g.
	// a configured junk folder the server does not have; NoteTexts are
	// their catalog texts, note by note.
	Notes     []string `json:"notes,omitempty"`
	NoteTexts []Text   `json:"note_texts,omitempty"`
	DryRun    bool     `json:"dry_run,omitempty"`
	Moved     int      `json:"moved"` // moved to Junk since the daemon started
	Judged    int      `json:"judged"`
}

// Status is the daemon as a whole.
type Status struct {
	PID      int             `json:"pid"`
	Started  time.Time       `json:"started"`
	Paused   bool            `json:"paused"`
	Config   string          `json:"config"`
	Store    string          `json:"store"`
	Spam     uint32          `json:"trained_spam"`
	Ham      uint32          `json:"trained_ham"`
	Accounts []AccountStatus `json:"accounts"`
	// Warnings are standing problems the user should know of, e.g. a
	// password kept in a file because there is no keyring.
	Warnings []string `json:"warnings,omitempty"`
	// WarningTexts are catalog texts of Warnings, entry by entry (Key ""
	// where a warning has none), for clients to show them in their
	// language.
	WarningTexts []Text `json:"warning_texts,omitempty"`
}

// EventKind says what an Event carries.
type EventKind string

// Event kinds.
const (
	EventAction EventKind = "action" // a message was judged or moved: Action
	EventState  EventKind = "state"  // an account changed state: Account
	EventQuota  EventKind = "quota"  // a quota alert (quota.go): Quota, Alert, Message
	EventNotice EventKind = "notice" // something the user should see: Message
)

// Event is one entry of the event stream.
type Event struct {
	Time    time.Time      `json:"time"`
	Kind    EventKind      `json:"kind"`
	Account string         `json:"account,omitempty"`
	Action  *store.Action  `json:"action,omitempty"`
	State   *AccountStatus `json:"state,omitempty"`
	Quota   *QuotaReport   `json:"quota,omitempty"`
	Alert   *QuotaAlert    `json:"alert,omitempty"`
	Message string         `json:"message,omitempty"`
}
