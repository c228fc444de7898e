package imapsync

import (
	"crypto/x509"
	"fmt"
	"time"
)

// TLSMode is how the connection is secured.
type TLSMode string

// TLS modes.
const (
	TLSImplicit TLSMode = "tls"      // TLS from the first byte (port 993)
	TLSStartTLS TLSMode = "starttls" // plain connection upgraded with STARTTLS (port 143)
	TLSNone     TLSMode = "none"     // no TLS: refused unless Account.AllowPlaintext
)

// Defaults for the zero values of Account.
const (
	DefaultTrainCap     = 2000
	DefaultMaxFetch     = 64 << 10
	DefaultPollInterval = 60 * time.Second
	DefaultIdleRefresh  = 25 * time.Minute
)

// Account is one IMAP account to watch.
type Account struct {
	// Name labels the account in logs and is the key of its sync state.
	Name string
	// Host and Port of the IMAP server (Port 0 = 993 for TLSImplicit, else 143).
	Host string
	Port int
	// TLS is how the connection is secured ("" = TLSImplicit).
	TLS                TLSMode
	Username, Password string
	// AllowPlaintext permits TLSNone (the password then crosses the network
	// in clear text). Without it TLSNone is refused with ErrPlaintext.
	AllowPlaintext bool
	// RootCAs verifies the server certificate (nil = the system roots).
	// Certificates are always verified.
	RootCAs *x509.CertPool
	// JunkFolder is the folder spam is moved to ("" = auto-detect: the
	// \Junk special-use folder, else a folder with a usual junk name, else
	// a new "Junk").
	JunkFolder string
	// TrainFolders are the ham folders of the first-start scan besides
	// INBOX. nil = every ordinary folder: not the junk folders, Trash,
	// Drafts or virtual folders (\All, \Flagged); Sent and Archive are ham.
	TrainFolders []string
	// TrainCap is the most messages trained per folder on first start,
	// newest first (0 = DefaultTrainCap).
	TrainCap int
	// MaxFetch is how many body bytes are fetched for classification, after
	// the header (0 = DefaultMaxFetch).
	MaxFetch int
	// PollInterval is how often INBOX is checked when the server has no
	// IDLE (0 = DefaultPollInterval).
	PollInterval time.Duration
	// IdleRefresh is how long one IDLE runs before it is re-issued; RFC 2177
	// asks for less than 29 minutes (0 = DefaultIdleRefresh).
	IdleRefresh time.Duration
}

// withDefaults fills the zero values.
func (a Account) withDefaults() Account {
	if a.TLS == "" {
		a.TLS = TLSImplicit
	}
	if a.Port == 0 {
		a.Port = 143
		if a.TLS == TLSImplicit {
			a.Port = 993
		}
	}
	if a.Name == "" {
		a.Name = a.Username + "@" + a.Host
	}
	if a.TrainCap <= 0 {
		a.TrainCap = DefaultTrainCap
	}
	if a.MaxFetch <= 0 {
		a.MaxFetch = DefaultMaxFetch
	}
	if a.PollInterval <= 0 {
		a.PollInterval = DefaultPollInterval
	}
	if a.IdleRefresh <= 0 {
		a.IdleRefresh = DefaultIdleRefresh
	}
	return a
}

// validate rejects settings that can never work.
func (a Account) validate() error {
	switch a.TLS {
	case TLSImplicit, TLSStartTLS:
	case TLSNone:
		if !a.AllowPlaintext {
			return fmt.Errorf("%w: account %s uses tls = %q; use \"tls\" or \"starttls\", or set allow_plaintext if the password may cross the network unencrypted",
				ErrPlaintext, a.Name, a.TLS)
		}
	default:
		return fmt.Errorf("%w: account %s: unknown TLS mode %q (want %q, %q or %q)", ErrConfig, a.Name, a.TLS, TLSImplicit, TLSStartTLS, TLSNone)
	}
	if a.Host == "" {
		return fmt.Errorf("%w: account %s has no host", ErrConfig, a.Name)
	}
	return nil
}
