package imapsync

import (
	"math/rand/v2"
	"time"
)

// backoff is the reconnection policy of a watcher: after a failed attempt
// the wait doubles from min up to max (with jitter: a delay is drawn from
// [wait/2, wait]). A session that logged in and selected INBOX starts the
// waits again from min, so a short outage after a long one is bridged in
// seconds; a healthy session shorter than healthyAfter (a flapping server)
// starts them one step higher each time, so such a server is not hammered.
// A retry the user asked for (SyncNow) that fails leaves the timed retry
// where it was: a user's action never lengthens the wait.
type backoff struct {
	min, max, healthyAfter time.Duration

	wait  time.Duration // upper bound of the next timed delay
	flaps int           // healthy sessions shorter than healthyAfter in a row
	due   time.Time     // when the timed retry is (or was) due
	woken bool          // the attempt under way was asked for, not timed
}

func newBackoff(min, max, healthyAfter time.Duration) *backoff {
	return &backoff{min: min, max: max, healthyAfter: healthyAfter, wait: min}
}

// next returns the delay before the next attempt, after a session that
// ended at now having lasted lasted; healthy: it logged in and selected.
func (b *backoff) next(now time.Time, healthy bool, lasted time.Duration) time.Duration {
	woken := b.woken
	b.woken = false
	switch {
	case healthy && lasted >= b.healthyAfter:
		b.wait, b.flaps = b.min, 0
	case healthy:
		b.wait = b.min << min(b.flaps, 30)
		if b.wait <= 0 || b.wait > b.max {
			b.wait = b.max
		}
		b.flaps++
	case woken && b.due.After(now):
		// A retry asked for by the user failed: keep the timed one.
		return b.due.Sub(now)
	}
	d := b.wait/2 + rand.N(b.wait/2+1)
	b.wait = min(b.wait*2, b.max)
	b.due = now.Add(d)
	return d
}

// wake notes that the wait was cut short (SyncNow, Reconnect).
func (b *backoff) wake() { b.woken = true }
