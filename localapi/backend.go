package localapi

import (
	"context"
	"errors"

	"github.com/mailwarden/mailwarden/store"
)

// Backend is what the daemon gives the server.
type Backend interface {
	Status() Status
	Actions(limit int) ([]store.Action, error)
	NotJunk(ctx context.Context, seq uint64) (store.Action, error)
	NotJunkMessage(ctx context.Context, account, messageID string) (store.Action, error)
	AllowList(account string) (AllowList, error)
	EditAllowList(req AllowEdit) (AllowList, error)
	SyncNow(account string) error
	SetPaused(paused bool)
	Reload() error
	Quota(ctx context.Context) ([]QuotaReport, error)
	Cleanup(ctx context.Context, req CleanupRequest) ([]CleanupReport, error)
	Accounts() ([]AccountConfig, error)
	AddAccount(ctx context.Context, req AccountAdd) (AccountAdded, error)
	RemoveAccount(name string) error
	SetPassword(ctx context.Context, req AccountPassword) (AccountConfig, error)
	// Subscribe returns a channel of events and a function that ends the
	// subscription. A slow subscriber loses events rather than stall the
	// daemon.
	Subscribe() (<-chan Event, func())
}

// ErrNotFound is returned by a Backend for an unknown action or account;
// the server answers 404.
var ErrNotFound = errors.New("not found")

// ErrBadRequest wraps a request the Backend refuses as the caller's
// mistake; the server answers 400.
var ErrBadRequest = errors.New("bad request")
