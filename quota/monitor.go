package quota

import "time"

// EventKind says why an Event was raised.
type EventKind string

// Event kinds.
const (
	Crossed   EventKind = "crossed"    // usage rose into a higher level
	Reminder  EventKind = "reminder"   // still at or above warn, a day later
	Recovered EventKind = "recovered"  // usage fell back below warn (after clean-up)
	OverQuota EventKind = "over-quota" // the server refused mail for quota
)

// Event is an alert for the tray and the log.
type Event struct {
	Kind  EventKind `json:"kind"`
	Level Level     `json:"level"`
	Usage Usage     `json:"usage"`
}

// Monitor turns readings into events. Its zero value is not ready: use
// NewMonitor. State (Level, LastAlert) is exported so the daemon can persist
// it and a restart does not alert again.
type Monitor struct {
	Levels Levels
	// Hysteresis is how far (as a fraction of the limit) usage must fall
	// below a threshold before the level drops, so a reading that wobbles
	// around 80% does not alert again and again.
	Hysteresis float64
	// RemindEvery is the least time between alerts while at or above warn.
	RemindEvery time.Duration

	Level     Level     `json:"level"`
	LastAlert time.Time `json:"last_alert"`
	// RefusedAt is when the last over-quota event was raised; cleared when
	// usage falls to a lower level (space was freed).
	RefusedAt time.Time `json:"refused_at"`
}

// MonitorState is what a Monitor must remember across restarts so that a
// restart neither alerts again nor forgets a pending reminder.
type MonitorState struct {
	Level     Level     `json:"level"`
	LastAlert time.Time `json:"last_alert"`
	RefusedAt time.Time `json:"refused_at,omitzero"`
}

// State returns the monitor's state, for the store.
func (m *Monitor) State() MonitorState {
	return MonitorState{Level: m.Level, LastAlert: m.LastAlert, RefusedAt: m.RefusedAt}
}

// Restore sets the state saved by State.
func (m *Monitor) Restore(st MonitorState) {
	m.Level, m.LastAlert, m.RefusedAt = st.Level, st.LastAlert, st.RefusedAt
	if m.Level < OK || m.Level > Critical {
		m.Level = OK
	}
}

// NewMonitor returns a monitor with the given levels, 2% hysteresis and a
// daily reminder.
func NewMonitor(l Levels) *Monitor {
	return &Monitor{Levels: l, Hysteresis: 0.02, RemindEvery: 24 * time.Hour}
}

// Observe takes a reading and returns the events it raises (often none).
func (m *Monitor) Observe(u Usage) []Event {
	if !u.Known() {
		return nil
	}
	f := u.Fraction()
	raw := m.Levels.Of(f)
	next := raw
	if raw < m.Level {
		// Fall only as far as hysteresis allows: stay at a level until usage
		// is clearly below its threshold.
		next = m.Level
		for next > raw && f < m.Levels.threshold(next)-m.Hysteresis {
			next--
		}
	}
	var ev []Event
	switch {
	case next > m.Level:
		ev = append(ev, Event{Kind: Crossed, Level: next, Usage: u})
		m.LastAlert = u.Time
	case next >= Warn && u.Time.Sub(m.LastAlert) >= m.RemindEvery:
		ev = append(ev, Event{Kind: Reminder, Level: next, Usage: u})
		m.LastAlert = u.Time
	case next < Warn && m.Level >= Warn:
		ev = append(ev, Event{Kind: Recovered, Level: next, Usage: u})
	}
	if next < m.Level {
		m.RefusedAt = time.Time{} // space was freed: the next refusal is news
	}
	m.Level = next
	return ev
}

// Refused records that the server refused mail for quota ([OVERQUOTA]) at
// u.Time; u is the latest reading. It raises an OverQuota event unless one
// was raised less than RemindEvery ago and usage has not fallen to a lower
// level since: a move the watcher retries with backoff is refused again
// and again, and the user needs to hear it once (and daily), not each time.
func (m *Monitor) Refused(u Usage) (Event, bool) {
	if !m.RefusedAt.IsZero() && u.Time.Sub(m.RefusedAt) < m.RemindEvery {
		return Event{}, false
	}
	m.RefusedAt, m.LastAlert = u.Time, u.Time
	return Event{Kind: OverQuota, Level: Critical, Usage: u}, true
}
