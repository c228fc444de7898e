// Package power tells the daemon when the machine woke up or its network
// changed, so it reconnects at once instead of waiting for dead
// connections to time out, and can keep the machine from idle sleep while
// mailwarden runs (the always-on PC the users were told to keep awake).
package power

import (
	"context"
	"net"
	"slices"
	"time"
)

// WatchWake calls fn after the machine resumed from sleep or the set of
// network addresses changed. It checks every interval until ctx is done.
//
// Sleep is seen as a jump between the wall clock and the monotonic clock,
// which does not advance while suspended (Linux CLOCK_MONOTONIC): this
// works on every OS without a system service.
func WatchWake(ctx context.Context, interval time.Duration, fn func(reason string)) {
	t := time.NewTicker(interval)
	defer t.Stop()
	last := time.Now()
	addrs := addresses()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			if Slept(now.Round(0).Sub(last.Round(0)), now.Sub(last), interval) {
				fn("resumed from sleep")
			} else if a := addresses(); !slices.Equal(a, addrs) {
				addrs = a
				fn("network changed")
			}
			last = now
		}
	}
}

// Slept reports whether, between two readings, the wall clock moved
// clearly further than the monotonic clock: the machine was suspended in
// between. A small difference is clock adjustment (NTP), not sleep.
func Slept(wall, mono, interval time.Duration) bool {
	return wall-mono > max(interval, 3*time.Second)
}

// addresses lists the machine's unicast addresses, sorted.
func addresses() []string {
	as, err := net.InterfaceAddrs()
	if err != nil {
		return nil
	}
	var out []string
	for _, a := range as {
		if ipn, ok := a.(*net.IPNet); ok && !ipn.IP.IsLoopback() && !ipn.IP.IsLinkLocalUnicast() {
			out = append(out, ipn.IP.String())
		}
	}
	slices.Sort(out)
	return out
}
