package quota

import (
	"math"
	"time"
)

// FullIn estimates when the mailbox will be full at the rate of the last
// window of history (least-squares line through the readings). ok is false
// when there are too few readings, less than a day of history, or the trend
// is flat or falling: then the product says nothing rather than guess.
func FullIn(history []Usage, window time.Duration) (d time.Duration, ok bool) {
	if len(history) < 3 {
		return 0, false
	}
	last := history[len(history)-1]
	if last.Limit <= 0 {
		return 0, false
	}
	var xs, ys []float64
	for _, u := range history {
		if last.Time.Sub(u.Time) > window || u.Limit != last.Limit {
			continue
		}
		xs = append(xs, u.Time.Sub(last.Time).Hours())
		ys = append(ys, float64(u.Used))
	}
	if len(xs) < 3 || -xs[0] < 24 {
		return 0, false
	}
	slope, icept := fit(xs, ys) // bytes per hour, bytes at the last reading
	// Less than 1 MiB a week is "flat": mail comes and goes, and a tiny
	// slope would promise a date decades away.
	if slope*24*7 < 1<<20 {
		return 0, false
	}
	left := float64(last.Limit) - icept
	if left <= 0 {
		return 0, true
	}
	hours := left / slope
	if hours > 5*365*24 {
		return 0, false
	}
	return time.Duration(hours * float64(time.Hour)), true
}

func fit(xs, ys []float64) (slope, intercept float64) {
	n := float64(len(xs))
	var sx, sy, sxx, sxy float64
	for i := range xs {
		sx += xs[i]
		sy += ys[i]
		sxx += xs[i] * xs[i]
		sxy += xs[i] * ys[i]
	}
	den := n*sxx - sx*sx
	if den == 0 {
		return 0, sy / n
	}
	slope = (n*sxy - sx*sy) / den
	intercept = (sy - slope*sx) / n
	if math.IsNaN(slope) {
		return 0, sy / n
	}
	return slope, intercept
}
