//go:build linux

package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// clkTck is USER_HZ, the unit of utime and stime in /proc/PID/stat. It is 100
// on every Linux architecture Go supports (sysconf needs cgo).
const clkTck = 100

// procStat is what one line of /proc/PID/stat tells.
type procStat struct {
	pid, ppid int
	ticks     int64 // utime + stime
}

// readStat parses /proc/PID/stat. The command name (field 2) may hold spaces
// and parentheses: everything after the last ')' is split.
func readStat(pid int) (procStat, error) {
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return procStat{}, err
	}
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return procStat{}, fmt.Errorf("/proc/%d/stat: no ')'", pid)
	}
	f := strings.Fields(string(b[i+1:]))
	// f[0] is field 3 (state): ppid is field 4, utime 14, stime 15.
	if len(f) < 13 {
		return procStat{}, fmt.Errorf("/proc/%d/stat: %d fields", pid, len(f))
	}
	ppid, _ := strconv.Atoi(f[1])
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return procStat{pid: pid, ppid: ppid, ticks: ut + st}, nil
}

// tree returns root and all its descendants that are alive now, with their
// stat lines.
func tree(root int) []procStat {
	ents, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	all := map[int]procStat{}
	children := map[int][]int{}
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		st, err := readStat(pid)
		if err != nil {
			continue
		}
		all[pid] = st
		children[st.ppid] = append(children[st.ppid], pid)
	}
	var out []procStat
	var walk func(int)
	walk = func(pid int) {
		st, ok := all[pid]
		if !ok {
			return
		}
		out = append(out, st)
		for _, c := range children[pid] {
			walk(c)
		}
	}
	walk(root)
	return out
}

// memKB returns Rss, Pss, and Pss split into anonymous and file-backed
// memory (KiB) of a process from /proc/PID/smaps_rollup.
func memKB(pid int) (rss, pss, anon, file int64, err error) {
	f, err := os.Open(filepath.Join("/proc", strconv.Itoa(pid), "smaps_rollup"))
	if err != nil {
		return 0, 0, 0, 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		f := strings.Fields(v)
		if len(f) == 0 {
			continue
		}
		n, _ := strconv.ParseInt(f[0], 10, 64)
		switch k {
		case "Rss":
			rss = n
		case "Pss":
			pss = n
		case "Pss_Anon":
			anon = n
		case "Pss_File":
			file = n
		}
	}
	return rss, pss, anon, file, sc.Err()
}

// sample is one look at a process tree.
type sample struct {
	t        time.Time
	rss, pss int64          // KiB, summed over the tree
	anon     int64          // KiB of pss: anonymous (heap, stacks)
	file     int64          // KiB of pss: file-backed (binary, libraries, mmapped files)
	procs    int            // processes in the tree
	ticks    map[int]int64  // pid → utime+stime
	names    map[int]string // pid → command name, for the report
}

// tracker samples a process tree (memory and CPU ticks) in the background
// from start until stop, and on demand.
type tracker struct {
	root int

	mu      sync.Mutex
	samples []sample
	stop    chan struct{}
	done    chan struct{}
}

// track starts sampling root's tree every period.
func track(root int, period time.Duration) *tracker {
	t := &tracker{root: root, stop: make(chan struct{}), done: make(chan struct{})}
	t.sample()
	go func() {
		defer close(t.done)
		tk := time.NewTicker(period)
		defer tk.Stop()
		for {
			select {
			case <-t.stop:
				return
			case <-tk.C:
				t.sample()
			}
		}
	}()
	return t
}

// Stop ends background sampling (idempotent only through the caller).
func (t *tracker) Stop() {
	close(t.stop)
	<-t.done
}

// sample takes one sample now and returns its index.
func (t *tracker) sample() int {
	s := sample{t: time.Now(), ticks: map[int]int64{}, names: map[int]string{}}
	for _, p := range tree(t.root) {
		rss, pss, anon, file, err := memKB(p.pid)
		if err != nil {
			continue // gone meanwhile
		}
		s.rss += rss
		s.pss += pss
		s.anon += anon
		s.file += file
		s.procs++
		s.ticks[p.pid] = p.ticks
		if c, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(p.pid), "comm")); err == nil {
			s.names[p.pid] = strings.TrimSpace(string(c))
		}
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.samples = append(t.samples, s)
	return len(t.samples) - 1
}

// memStats summarises memory over samples [from, to] (indices, inclusive).
type memStats struct {
	peakPSS, peakRSS     int64 // KiB
	finalPSS, finalRSS   int64 // KiB
	finalAnon, finalFile int64 // KiB: the final PSS, anonymous and file-backed
	maxProcs             int
	n                    int
}

func (t *tracker) mem(from, to int) memStats {
	t.mu.Lock()
	defer t.mu.Unlock()
	var m memStats
	for i := from; i <= to && i < len(t.samples); i++ {
		s := t.samples[i]
		if s.procs == 0 {
			continue
		}
		m.peakPSS = max(m.peakPSS, s.pss)
		m.peakRSS = max(m.peakRSS, s.rss)
		m.maxProcs = max(m.maxProcs, s.procs)
		m.finalPSS, m.finalRSS = s.pss, s.rss
		m.finalAnon, m.finalFile = s.anon, s.file
		m.n++
	}
	return m
}

// trace returns the PSS (KiB) at n+1 evenly spaced moments from sample
// from to sample to: at each, the newest sample not after it.
func (t *tracker) trace(from, to, n int) []int64 {
	t.mu.Lock()
	defer t.mu.Unlock()
	if from >= len(t.samples) || to >= len(t.samples) || n < 1 {
		return nil
	}
	t0, t1 := t.samples[from].t, t.samples[to].t
	out := make([]int64, 0, n+1)
	i := from
	for k := 0; k <= n; k++ {
		at := t0.Add(time.Duration(int64(t1.Sub(t0)) * int64(k) / int64(n)))
		for i < to && !t.samples[i+1].t.After(at) {
			i++
		}
		out = append(out, t.samples[i].pss)
	}
	return out
}

// cpuTicks is the CPU time the tree used between samples from and to: per
// process, its ticks at the last sample it was seen in minus its ticks at
// sample from (0 for a process born after it). A process that dies loses at
// most one sampling period of ticks.
func (t *tracker) cpuTicks(from, to int) (total int64, perName map[string]int64) {
	t.mu.Lock()
	defer t.mu.Unlock()
	first := map[int]int64{}
	last := map[int]int64{}
	name := map[int]string{}
	for pid, v := range t.samples[from].ticks {
		first[pid] = v
	}
	for i := from; i <= to && i < len(t.samples); i++ {
		for pid, v := range t.samples[i].ticks {
			last[pid] = v
			if _, ok := first[pid]; !ok {
				first[pid] = 0
			}
			name[pid] = t.samples[i].names[pid]
		}
	}
	perName = map[string]int64{}
	for pid, v := range last {
		d := v - first[pid]
		if d < 0 { // a reused pid: count the new process from its start
			d = v
		}
		total += d
		perName[name[pid]] += d
	}
	return total, perName
}

// at returns the time of sample i.
func (t *tracker) at(i int) time.Time {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.samples[i].t
}

// last returns the index of the newest sample.
func (t *tracker) last() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.samples) - 1
}

// machineCPU reads the "cpu" line of /proc/stat: busy and total jiffies of
// all cores together (idle and iowait count as not busy).
func machineCPU() (busy, total int64) {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, 0
	}
	line, _, _ := strings.Cut(string(b), "\n")
	f := strings.Fields(line)
	if len(f) < 5 || f[0] != "cpu" {
		return 0, 0
	}
	for i, s := range f[1:] {
		if i >= 8 { // guest time is already in user
			break
		}
		n, _ := strconv.ParseInt(s, 10, 64)
		total += n
		if i != 3 && i != 4 { // idle, iowait
			busy += n
		}
	}
	return busy, total
}

// loadavg returns the first three fields of /proc/loadavg.
func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}
