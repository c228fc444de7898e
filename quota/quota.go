// Package quota is mailwarden's storage-quota policy: which level a usage is
// at, when to alert (once per upward crossing, with hysteresis, and a daily
// reminder while above "warn"), and when the mailbox will be full at the
// current rate. It is pure: the numbers come from imapsync, the history from
// the state store, and the events go to the daemon.
//
// The user-facing texts of the alerts are here too, in English and Japanese
// (messages.go: Alert, Text), with FormatSize and FormatPercent, so that the
// daemon's log, the command line and the tray say the same thing.
package quota

import (
	"fmt"
	"time"
)

// Usage is one reading of a mailbox's storage.
type Usage struct {
	Time      time.Time `json:"time"`
	Used      int64     `json:"used"`      // bytes
	Limit     int64     `json:"limit"`     // bytes; 0 = unknown
	Estimated bool      `json:"estimated"` // the server has no QUOTA: Limit is the user's plan, Used a sum of folder sizes
	// Messages and MessageLimit are the MESSAGE resource (RFC 9208), where
	// the server limits the number of messages too; 0 = no such limit.
	Messages     int64 `json:"messages,omitempty"`
	MessageLimit int64 `json:"message_limit,omitempty"`
}

// Fraction is how full the mailbox is: Used/Limit, or Messages/MessageLimit
// where that is higher (either limit makes the server bounce mail). 0 when
// no limit is known.
func (u Usage) Fraction() float64 {
	f := 0.0
	if u.Limit > 0 {
		f = float64(u.Used) / float64(u.Limit)
	}
	if u.MessageLimit > 0 {
		f = max(f, float64(u.Messages)/float64(u.MessageLimit))
	}
	return f
}

// Known reports whether a limit is known, so a level can be told.
func (u Usage) Known() bool { return u.Limit > 0 || u.MessageLimit > 0 }

// Level is how full a mailbox is, in the product's terms.
type Level int

// The levels, in rising order.
const (
	OK       Level = iota
	Show           // the tray shows the meter
	Warn           // the tray warns, with a desktop notification
	Critical       // mail will soon bounce
)

func (l Level) String() string {
	if l < OK || l > Critical {
		return fmt.Sprintf("level(%d)", int(l))
	}
	return [...]string{"ok", "show", "warn", "critical"}[l]
}

// ParseLevel is the inverse of Level.String.
func ParseLevel(s string) (Level, bool) {
	for l := OK; l <= Critical; l++ {
		if l.String() == s {
			return l, true
		}
	}
	return OK, false
}

// Levels are the thresholds, as fractions of the limit.
type Levels struct {
	Show, Warn, Critical float64
}

// DefaultLevels are Thunderbird's: meter at 75%, warning at 80%, critical at 95%.
var DefaultLevels = Levels{Show: 0.75, Warn: 0.80, Critical: 0.95}

// Validate checks the thresholds rise and lie in (0, 1].
func (l Levels) Validate() error {
	if !(0 < l.Show && l.Show < l.Warn && l.Warn < l.Critical && l.Critical <= 1) {
		return fmt.Errorf("quota levels must rise within (0, 1]: show %.2f < warn %.2f < critical %.2f", l.Show, l.Warn, l.Critical)
	}
	return nil
}

// Of returns the level of a fraction.
func (l Levels) Of(f float64) Level {
	switch {
	case f >= l.Critical:
		return Critical
	case f >= l.Warn:
		return Warn
	case f >= l.Show:
		return Show
	}
	return OK
}

func (l Levels) threshold(lv Level) float64 {
	switch lv {
	case Show:
		return l.Show
	case Warn:
		return l.Warn
	case Critical:
		return l.Critical
	}
	return 0
}
