// Package quota is mailwarden's storage-quota policy: which level a usage is
// at, when to alert (once per upward crossing, with hysteresis, and a daily
// reminder while above "warn"), and when the mailbox will be full at the
// current rate. It is pure: the numbers come from imapsync, the history from
// the state store, and the events go to the daemon.
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
}

// Fraction is Used/Limit, or 0 when the limit is unknown.
func (u Usage) Fraction() float64 {
	if u.Limit <= 0 {
		return 0
	}
	return float64(u.Used) / float64(u.Limit)
}

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
	return [...]string{"ok", "show", "warn", "critical"}[l]
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
