//go:build linux

package main

import (
	"fmt"
	"math"
	"os"
	"runtime"
	"sort"
	"strings"
	"time"
)

// Targets of issue 6 for mailwarden.
const (
	targetMemBytes = 60e6            // resident memory under 60 MB
	targetCPUPct   = 1.0             // idle CPU under 1% of a core
	targetMedian   = time.Second     // delivery → moved, median
	mbUnit         = 1e6             // the report's MB
	kib            = int64(1024)     // smaps units
	dash           = "–"             // no value
	defaultWindow  = 5 * time.Minute // what a real run uses
)

// report is one benchmark run.
type report struct {
	opts      options
	started   time.Time
	loadStart string
	loadEnd   string
	corpus    string
	split     *split
	mw, tb    *result
}

// mb formats bytes as MB (10^6 bytes).
func mb(b int64) string { return fmt.Sprintf("%.1f MB", float64(b)/mbUnit) }

// mbKiB formats KiB as MB.
func mbKiB(k int64) string { return mb(k * kib) }

// quantile is the nearest-rank q-quantile of v (0 when empty).
func quantile(v []time.Duration, q float64) time.Duration {
	if len(v) == 0 {
		return 0
	}
	s := append([]time.Duration(nil), v...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	i := int(math.Ceil(q*float64(len(s)))) - 1
	return s[max(i, 0)]
}

// latencies are delivery → event times for the messages in m.
func (r *result) latencies(m map[string]time.Time) []time.Duration {
	var out []time.Duration
	for _, d := range r.delivered {
		if t, ok := m[normID(d.id)]; ok {
			out = append(out, t.Sub(d.at))
		}
	}
	return out
}

func secs(d time.Duration) string { return fmt.Sprintf("%.2f", d.Seconds()) }

// latencyCell is "median / p95 / max s (n)".
func latencyCell(l []time.Duration) string {
	if len(l) == 0 {
		return dash
	}
	return fmt.Sprintf("%s / %s / %s s", secs(quantile(l, 0.5)), secs(quantile(l, 0.95)), secs(quantile(l, 1)))
}

// cell returns f(r) or a dash when r did not get that far.
func cell(r *result, ok bool, f func() string) string {
	if r == nil || !ok {
		return dash
	}
	return f()
}

func (rep *report) markdown() string {
	var b strings.Builder
	mw, tb := rep.mw, rep.tb
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	row := func(label, a, c, target string) { p("| %s | %s | %s | %s |\n", label, a, c, target) }
	tbName := "Thunderbird (not measured)"
	if tb != nil {
		tbName = tb.name
	}
	w := rep.opts.idle
	p("# Daemon footprint, %s: mailwarden vs Thunderbird on 3 IMAP accounts\n\n", rep.started.Format("2006-01-02 15:04"))
	p("Three accounts (u1, u2, u3) on a local Dovecot 2.3, watched with IDLE; a token store of %d messages (%s, label headers stripped); "+
		"%d held-out spam delivered round-robin (`doveadm save`, the MTA's path), one every %v; then %v left idle.\n\n",
		rep.split.trainSpam+rep.split.trainHam+seedCount(rep.split), rep.corpus, len(rep.split.heldOut), rep.opts.interval, w)
	if w != defaultWindow {
		p("**Smoke run: the idle window is %v, not the 5 minutes of the target.**\n\n", w)
	}
	p("| | mailwarden | %s | target (mailwarden) |\n|---|--:|--:|---|\n", tbName)

	has := func(r *result) bool { return r != nil && r.win != nil }
	row("accounts logged in / in IDLE on INBOX before delivery (Dovecot's view)",
		cell(mw, mw != nil, func() string { return loginCell(mw, mw.atDelivery) }),
		cell(tb, tb != nil, func() string { return loginCell(tb, tb.atDelivery) }), "3 / 3")
	row("accounts in IDLE on INBOX at the idle window's start / end",
		cell(mw, has(mw), func() string { return idleCell(mw.win) }),
		cell(tb, has(tb), func() string { return idleCell(tb.win) }), "")
	row("processes",
		cell(mw, has(mw), func() string { return fmt.Sprint(mw.win.mem.maxProcs) }),
		cell(tb, has(tb), func() string { return fmt.Sprint(tb.win.mem.maxProcs) }), "")
	row("**PSS**, idle window: peak / final",
		cell(mw, has(mw), func() string { return memCell(mw.win.mem.peakPSS, mw.win.mem.finalPSS) }),
		cell(tb, has(tb), func() string { return memCell(tb.win.mem.peakPSS, tb.win.mem.finalPSS) }), "< 60 MB")
	row(fmt.Sprintf("PSS through the window, every %v", (w/5).Round(time.Second)),
		cell(mw, has(mw), func() string { return traceCell(mw.win.trace) }),
		cell(tb, has(tb), func() string { return traceCell(tb.win.trace) }), "")
	row("final PSS: anonymous (heap, stacks) / file-backed (binaries, libraries, mmapped files)",
		cell(mw, has(mw), func() string { return memCell(mw.win.mem.finalAnon, mw.win.mem.finalFile) }),
		cell(tb, has(tb), func() string { return memCell(tb.win.mem.finalAnon, tb.win.mem.finalFile) }), "")
	row("RSS (summed over processes), idle window: peak / final",
		cell(mw, has(mw), func() string { return memCell(mw.win.mem.peakRSS, mw.win.mem.finalRSS) }),
		cell(tb, has(tb), func() string { return memCell(tb.win.mem.peakRSS, tb.win.mem.finalRSS) }), "< 60 MB")
	row("PSS / RSS peak over the whole run (start, first sync, delivery, idle)",
		cell(mw, has(mw), func() string { return memCell(mw.whole.peakPSS, mw.whole.peakRSS) }),
		cell(tb, has(tb), func() string { return memCell(tb.whole.peakPSS, tb.whole.peakRSS) }), "< 60 MB")
	row(fmt.Sprintf("**CPU while idle**, %v window", w),
		cell(mw, has(mw), func() string { return cpuCell(mw.win, mw.win.ticks) }),
		cell(tb, has(tb), func() string {
			return cpuCell(tb.win, tb.win.ticks) + fmt.Sprintf("; Xvfb %.2f%%", tb.win.cpuPct(tb.win.extraTicks))
		}), "< 1% of a core")
	row("delivery → new message fetched by the client (IDLE wake-up; Dovecot's protocol log): median / p95 / max",
		cell(mw, mw != nil, func() string { return fetchedCell(mw) }),
		cell(tb, tb != nil && tb.loggedIn, func() string { return fetchedCell(tb) }), "")
	row("**delivery → moved to Junk**: median / p95 / max",
		cell(mw, mw != nil, func() string { return latencyCell(mw.latencies(mw.moved)) }),
		cell(tb, tb != nil && tb.loggedIn, func() string {
			if len(tb.moved) == 0 {
				return "none moved"
			}
			return latencyCell(tb.latencies(tb.moved)) + " (read every 0.5 s)"
		}), "median < 1 s")
	row("held-out spam in Junk afterwards (checked on the server)",
		cell(mw, mw != nil, func() string { return fmt.Sprintf("%d / %d", mw.inJunk, len(mw.delivered)) }),
		cell(tb, tb != nil && tb.loggedIn, func() string { return fmt.Sprintf("%d / %d", tb.inJunk, len(tb.delivered)) }), "")
	row("held-out spam judged; delivery → verdict median",
		cell(mw, mw != nil, func() string {
			return fmt.Sprintf("%d / %d; %s s (action event)", len(mw.judged), len(mw.delivered), secs(quantile(mw.latencies(mw.judged), 0.5)))
		}),
		cell(tb, tb != nil && tb.loggedIn, func() string {
			if len(tb.judged) == 0 {
				return fmt.Sprintf("0 / %d (no Junk/NonJunk keyword on the server)", len(tb.delivered))
			}
			return fmt.Sprintf("%d / %d; %s s (keyword on the server)", len(tb.judged), len(tb.delivered), secs(quantile(tb.latencies(tb.judged), 0.5)))
		}), "")
	row("start → ready",
		cell(mw, mw != nil && mw.startup > 0, func() string { return fmt.Sprintf("%.1f s", mw.startup.Seconds()) }),
		cell(tb, tb != nil && tb.startup > 0, func() string { return fmt.Sprintf("%.1f s", tb.startup.Seconds()) }), "")
	row("load average (1/5/15 min), window start → end",
		cell(mw, has(mw), func() string { return mw.win.loadStart + " → " + mw.win.loadEnd }),
		cell(tb, has(tb), func() string { return tb.win.loadStart + " → " + tb.win.loadEnd }), "")
	row(fmt.Sprintf("whole machine busy during the window (%d cores, everyone's work)", runtime.NumCPU()),
		cell(mw, has(mw), func() string { return fmt.Sprintf("%.0f%%", mw.win.busyPct) }),
		cell(tb, has(tb), func() string { return fmt.Sprintf("%.0f%%", tb.win.busyPct) }), "")
	p("\n")

	if mw != nil && mw.win != nil {
		peakRSS := max(mw.whole.peakRSS, mw.win.mem.peakRSS) * kib
		cpu := mw.win.cpuPct(mw.win.ticks)
		med := quantile(mw.latencies(mw.moved), 0.5)
		verdict := func(ok bool) string {
			if ok {
				return "PASS"
			}
			return "FAIL"
		}
		p("**Targets, mailwarden:** memory %s (peak RSS over the whole run %s, the strictest reading; < 60 MB); "+
			"idle CPU %s (%.3f%% of a core over %v; < 1%%); latency %s (median %s s over %d moved; < 1 s).\n\n",
			verdict(peakRSS < targetMemBytes), mb(peakRSS), verdict(cpu < targetCPUPct), cpu, mw.win.dur.Round(time.Second),
			verdict(len(mw.moved) > 0 && med < targetMedian), secs(med), len(mw.moved))
		if tb != nil && tb.win != nil && tb.win.mem.finalPSS > 0 {
			p("Thunderbird's final PSS is %.1f times mailwarden's", float64(tb.win.mem.finalPSS)/float64(max(mw.win.mem.finalPSS, 1)))
			if mw.win.ticks > 0 {
				p("; its idle CPU (without Xvfb) %.1f times", float64(tb.win.ticks)/float64(mw.win.ticks))
			}
			p(".\n\n")
		}
	}
	if tb != nil && !tb.loggedIn {
		p("**Thunderbird was NOT logged in**: it was measured with the accounts configured but not logged in (%s).\n\n", tb.notLogged)
	}
	if tb != nil && tb.failed != "" {
		p("**Thunderbird's measurement is incomplete:** %s\n\n", tb.failed)
	}

	p("How it was measured:\n\n")
	note := func(format string, args ...any) { p("- "+format+"\n", args...) }
	note("Memory: Pss and Rss of /proc/PID/smaps_rollup summed over the program's process tree, sampled every %v; MB = 10^6 bytes.", rep.opts.sample)
	note("CPU: utime+stime of /proc/PID/stat (USER_HZ = 100) per process of the tree, first to last sample of the window; a process that exits mid-window loses at most one sampling period.")
	note("mailwarden: `mailwarden run --config --store --socket`, the accounts over implicit TLS (ca_file), passwords from password_env; latency from the return of `doveadm save` to the time of the daemon's move-to-junk action (recorded after the server's MOVE) on the local API event stream. Dovecot wakes an IDLE connection about 0.5 s after a delivery: the floor.")
	if len(rep.split.heldOut) > 0 && mw != nil && len(mw.delivered) > 0 {
		var took []time.Duration
		for _, d := range mw.delivered {
			took = append(took, d.took)
		}
		note("`doveadm save` itself took %s s median per delivery (not counted in the latency).", secs(quantile(took, 0.5)))
	}
	note("Thunderbird: the Debian package under its own Xvfb, `-profile DIR -no-remote`, LANG=en_US.UTF-8; the accounts in prefs.js (IMAP on the plain port, socketType 0, authMethod 3, use_idle, check_new_mail, spamLevel 100, moveOnSpam to the account's Junk); its update, telemetry, remote-settings and first-run traffic switched off (loopback only; this can only lower its figures). Its password prompts are answered with xdotool. Xvfb's CPU is shown apart: it stands in for the desktop's X server. Its junk filter is untrained, as on a new profile: its verdicts are a fairness note, not a target.")
	note("Logged in and in IDLE are Dovecot's view: `doveadm who -1` for the sessions, the protocol log (rawlog) for each session's last command.")
	note("The two programs run one after the other, each on its own Dovecot seeded alike (%d ham in INBOX and %d spam in Junk per account).", rep.opts.seedHam, rep.opts.seedSpam)
	for _, r := range []*result{mw, tb} {
		if r == nil {
			continue
		}
		if r.startupNote != "" {
			note("%s start → ready: %s.", r.name, r.startupNote)
		}
		for _, n := range r.notes {
			note("%s: %s.", r.name, strings.TrimSuffix(n, "."))
		}
		if r.win != nil && len(r.win.perName) > 1 {
			var parts []string
			for name, t := range r.win.perName {
				parts = append(parts, fmt.Sprintf("%s %d", name, t))
			}
			sort.Strings(parts)
			note("%s CPU ticks in the window by process name: %s.", r.name, strings.Join(parts, ", "))
		}
	}
	note("Machine: %s, %d cores; load average at the start %s, at the end %s; other engineers' tests were running on it.", cpuModel(), runtime.NumCPU(), rep.loadStart, rep.loadEnd)
	if rep.opts.note != "" {
		note("%s", rep.opts.note)
	}
	return b.String()
}

func loginCell(r *result, c idleCheck) string {
	s := fmt.Sprintf("%d / %d", c.accountsLoggedIn(), c.accountsIdling())
	if !r.loggedIn {
		s += " (**not logged in**)"
	}
	return s
}

func traceCell(t []int64) string {
	var parts []string
	for _, k := range t {
		parts = append(parts, fmt.Sprintf("%.0f", float64(k*kib)/mbUnit))
	}
	return strings.Join(parts, " → ") + " MB"
}

func fetchedCell(r *result) string {
	l := r.latencies(r.fetched)
	return fmt.Sprintf("%s (%d / %d)", latencyCell(l), len(l), len(r.delivered))
}

func idleCell(w *window) string {
	return fmt.Sprintf("%d / %d", w.before.accountsIdling(), w.after.accountsIdling())
}

func memCell(a, b int64) string {
	return fmt.Sprintf("%s / %s", strings.TrimSuffix(mbKiB(a), " MB"), mbKiB(b))
}

func cpuCell(w *window, ticks int64) string {
	return fmt.Sprintf("%.3f%% of a core (%d ticks in %.0f s)", w.cpuPct(ticks), ticks, w.dur.Seconds())
}

// cpuModel is the "model name" of /proc/cpuinfo.
func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return "?"
	}
	for _, l := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(l, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "?"
}
