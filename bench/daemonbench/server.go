//go:build linux

package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/mailwarden/mailwarden/internal/dovecot"
)

// users are the three benchmark accounts (password dovecot.Password).
var users = []string{"u1", "u2", "u3"}

// startServer starts a Dovecot with the benchmark accounts and a protocol
// log (to see who is in IDLE), and seeds every account: ham in INBOX, spam
// in Junk.
func startServer(dir string, sp *split) (*dovecot.Server, error) {
	srv, err := dovecot.Start(dovecot.Options{
		Dir:    dir,
		Users:  users,
		Rawlog: true,
		// Room for the seed and the deliveries; no fsync per message.
		ExtraConf: "mail_fsync = never\nplugin {\n  quota_rule = *:storage=1G\n}\n",
	})
	if err != nil {
		return nil, err
	}
	for i, u := range users {
		for _, m := range sp.seed[i] {
			box := "INBOX"
			if m.spam {
				box = "Junk"
			}
			if err := srv.Save(u, box, m.raw); err != nil {
				srv.Stop()
				return nil, fmt.Errorf("seed %s/%s: %w", u, box, err)
			}
		}
	}
	return srv, nil
}

// session is one IMAP session as Dovecot lists it.
type session struct {
	user    string
	pid     int
	idling  bool   // the client's last command is IDLE, not yet ended by DONE
	mailbox string // the mailbox last SELECTed or EXAMINEd ("" if none)
	idles   int    // IDLE commands sent in this session so far
}

var rawlogStamp = regexp.MustCompile(`^\d+\.\d+ `)

// sessions lists the live IMAP sessions (doveadm who -1) and reads each
// one's protocol log to tell whether it is in IDLE now.
func sessions(srv *dovecot.Server) ([]session, error) {
	out, err := srv.Doveadm("who", "-1")
	if err != nil {
		return nil, err
	}
	logs, _ := filepath.Glob(filepath.Join(srv.RawlogDir(), "*.in"))
	var ss []session
	for i, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(line)
		// "username proto pid ip" after a header line.
		if i == 0 || len(f) < 3 || f[1] != "imap" {
			continue
		}
		pid, err := strconv.Atoi(f[2])
		if err != nil {
			continue
		}
		s := session{user: f[0], pid: pid}
		for _, p := range logs {
			if !strings.Contains(filepath.Base(p), "."+f[2]+".") && !strings.Contains(filepath.Base(p), "-"+f[2]+".") {
				continue
			}
			data, err := os.ReadFile(p)
			if err != nil {
				continue
			}
			var lastCmd string
			for _, l := range strings.Split(string(data), "\n") {
				l = strings.TrimSpace(rawlogStamp.ReplaceAllString(strings.TrimRight(l, "\r"), ""))
				if l == "" {
					continue
				}
				lastCmd = l
				w := strings.Fields(l)
				if len(w) >= 2 && strings.EqualFold(w[1], "IDLE") {
					s.idles++
				}
				if len(w) >= 3 && (strings.EqualFold(w[1], "SELECT") || strings.EqualFold(w[1], "EXAMINE")) {
					s.mailbox = strings.Trim(w[2], `"`)
				}
			}
			w := strings.Fields(lastCmd)
			s.idling = len(w) == 2 && strings.EqualFold(w[1], "IDLE")
		}
		ss = append(ss, s)
	}
	sort.Slice(ss, func(i, j int) bool {
		return ss[i].user < ss[j].user || ss[i].user == ss[j].user && ss[i].pid < ss[j].pid
	})
	return ss, nil
}

// idleCheck is who was logged in and in IDLE at one moment.
type idleCheck struct {
	at        time.Time
	loggedIn  map[string]int // user → sessions
	idling    map[string]int // user → sessions in IDLE now
	inboxIdle map[string]bool
}

// accountsIdling is the number of benchmark accounts with a session in
// IDLE on INBOX.
func (c idleCheck) accountsIdling() int {
	n := 0
	for _, u := range users {
		if c.inboxIdle[u] {
			n++
		}
	}
	return n
}

func (c idleCheck) accountsLoggedIn() int {
	n := 0
	for _, u := range users {
		if c.loggedIn[u] > 0 {
			n++
		}
	}
	return n
}

// String is "u1 2 sessions (1 in IDLE on INBOX), ...".
func (c idleCheck) String() string {
	var parts []string
	for _, u := range users {
		s := fmt.Sprintf("%s: %d sessions, %d in IDLE", u, c.loggedIn[u], c.idling[u])
		if c.inboxIdle[u] {
			s += " (INBOX)"
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, "; ")
}

func checkIdle(srv *dovecot.Server) idleCheck {
	c := idleCheck{at: time.Now(), loggedIn: map[string]int{}, idling: map[string]int{}, inboxIdle: map[string]bool{}}
	ss, err := sessions(srv)
	if err != nil {
		return c
	}
	for _, s := range ss {
		c.loggedIn[s.user]++
		if s.idling {
			c.idling[s.user]++
			if strings.EqualFold(s.mailbox, "INBOX") {
				c.inboxIdle[s.user] = true
			}
		}
	}
	return c
}

// waitIdle polls until every account has a session in IDLE on INBOX, or
// until timeout.
func waitIdle(ctx context.Context, srv *dovecot.Server, timeout time.Duration) idleCheck {
	deadline := time.Now().Add(timeout)
	for {
		c := checkIdle(srv)
		if c.accountsIdling() == len(users) || time.Now().After(deadline) {
			return c
		}
		select {
		case <-ctx.Done():
			return c
		case <-time.After(500 * time.Millisecond):
		}
	}
}

// fetchedAt reads the server side of every protocol log (*.out, one
// timestamp per line) and returns, per wanted Message-ID, when a client was
// first sent that message's header: when the client, woken by IDLE, fetched
// the new message.
func fetchedAt(srv *dovecot.Server, want map[string]bool) map[string]time.Time {
	out := map[string]time.Time{}
	files, _ := filepath.Glob(filepath.Join(srv.RawlogDir(), "*.out"))
	for _, p := range files {
		data, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		lines := strings.Split(string(data), "\n")
		for i, l := range lines {
			ts, rest, ok := strings.Cut(l, " ")
			if !ok || len(rest) < 11 || !strings.EqualFold(rest[:11], "message-id:") {
				continue
			}
			v := strings.TrimSpace(rest[11:])
			if v == "" && i+1 < len(lines) { // folded: the value is on the next line
				if _, next, ok := strings.Cut(lines[i+1], " "); ok {
					v = strings.TrimSpace(next)
				}
			}
			id := normID(v)
			if !want[id] {
				continue
			}
			sec, frac, _ := strings.Cut(ts, ".")
			s, err1 := strconv.ParseInt(sec, 10, 64)
			us, err2 := strconv.ParseInt((frac + "000000")[:6], 10, 64)
			if err1 != nil || err2 != nil {
				continue
			}
			t := time.Unix(s, us*1000)
			if old, ok := out[id]; !ok || t.Before(old) {
				out[id] = t
			}
		}
	}
	return out
}

// location is where a delivered message is on the server now.
type location struct {
	mailbox string
	flags   string
}

// locate lists the messages of a user by Message-ID: mailbox and flags.
func locate(srv *dovecot.Server, user string) (map[string]location, error) {
	out, err := srv.Doveadm("-f", "tab", "fetch", "-u", user, "mailbox flags hdr.message-id", "all")
	if err != nil {
		return nil, err
	}
	m := map[string]location{}
	for i, line := range strings.Split(string(out), "\n") {
		f := strings.SplitN(line, "\t", 3)
		if i == 0 || len(f) < 3 {
			continue
		}
		m[normID(f[2])] = location{mailbox: f[0], flags: f[1]}
	}
	return m, nil
}

// hasJunkKeyword reports whether flags hold a junk verdict keyword as
// Thunderbird writes them: Junk, NonJunk, $Junk, $NotJunk.
func hasJunkKeyword(flags string) bool {
	for _, f := range strings.Fields(flags) {
		switch strings.ToLower(f) {
		case "junk", "nonjunk", "$junk", "$notjunk":
			return true
		}
	}
	return false
}
