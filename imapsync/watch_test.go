package imapsync

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/mailwarden/mailwarden/internal/dovecot"
)

// First start: the junk folder trains spam, INBOX and the ordinary folders
// ham (Trash and Drafts not at all), newest first and at most TrainCap per
// folder, the user's keywords overriding the folder; the mail already in
// INBOX is not judged, and nothing is marked \Seen.
func TestFirstStartScan(t *testing.T) {
	t.Parallel()
	srv := startServer(t, dovecot.Options{})
	for i := 1; i <= 3; i++ {
		save(t, srv, user, "INBOX", mail(fmt.Sprintf("<inbox-%d@x>", i), "spam")) // would be moved if judged
	}
	for i := 1; i <= 5; i++ {
		save(t, srv, user, "Junk", mail(fmt.Sprintf("<junk-%d@x>", i), "spam"))
	}
	save(t, srv, user, "Sent", mail("<sent@x>", "ham"))
	save(t, srv, user, "Archive", mail("<archive@x>", "ham"))
	save(t, srv, user, "Trash", mail("<trash@x>", "ham"))
	save(t, srv, user, "Drafts", mail("<drafts@x>", "ham"))
	save(t, srv, user, "Sent", mail("<sent-deleted@x>", "ham"))
	for _, f := range [][3]string{
		{"$Junk", "INBOX", "<inbox-2@x>"},        // the user said spam, in INBOX
		{"NonJunk", "Junk", "<junk-5@x>"},        // Thunderbird said ham, in Junk
		{`\Deleted`, "Sent", "<sent-deleted@x>"}, // thrown away: not trained
	} {
		if _, err := srv.Doveadm("flags", "add", "-u", user, f[0], "mailbox", f[1], "header", "Message-ID", f[2]); err != nil {
			t.Fatal(err)
		}
	}
	uidNext := uidNextOf(t, srv, user, "INBOX")

	acct := testAccount(srv, user)
	acct.TrainCap = 3
	st, h := NewMemState(), newHandler()
	r := startWatcher(t, acct, st, h)
	r.waitEvent(t, "watching", 1, 10*time.Second)

	h.mu.Lock()
	trained, order := maps(h.trained), slices.Clone(h.trainOrd)
	h.mu.Unlock()
	want := map[string]bool{
		"<junk-5@x>": false, "<junk-4@x>": true, "<junk-3@x>": true, // newest 3 of Junk; junk-5 has NonJunk
		"<sent@x>": false, "<archive@x>": false,
		"<inbox-1@x>": false, "<inbox-2@x>": true, "<inbox-3@x>": false,
	}
	if fmt.Sprint(trained) != fmt.Sprint(want) {
		t.Errorf("trained\n got %v\nwant %v", trained, want)
	}
	if i, j := slices.Index(order, "<junk-5@x>"), slices.Index(order, "<junk-3@x>"); i < 0 || j < 0 || i > j {
		t.Errorf("not newest first: %q", order)
	}
	if n := h.totalJudged(); n != 0 {
		t.Errorf("%d existing INBOX messages judged", n)
	}
	ist, ok, _ := st.Folder(acct.Name, "INBOX")
	if !ok || !ist.Trained || ist.LastUID != uidNext-1 || ist.UIDValidity != uidValidity(t, srv, user, "INBOX") {
		t.Errorf("INBOX state %+v, want LastUID %d", ist, uidNext-1)
	}
	if jst, ok, _ := st.Folder(acct.Name, "Junk"); !ok || !jst.Trained {
		t.Errorf("Junk state %+v", jst)
	}

	// New mail after the scan is judged; a restart does not scan again.
	save(t, srv, user, "INBOX", mail("<new-spam@x>", "spam"))
	h.waitDone(t, "<new-spam@x>", 1, 10*time.Second)
	r.stop(t)
	h2 := newHandler()
	r2 := startWatcher(t, acct, st, h2)
	r2.waitEvent(t, "watching", 1, 10*time.Second)
	if len(h2.trainOrd) != 0 || h2.totalJudged() != 0 {
		t.Errorf("second start trained %d, judged %d", len(h2.trainOrd), h2.totalJudged())
	}
	noSeen(t, srv, user)
	r2.stop(t)
	in := rawlog(t, srv, nil)
	assertProtocolRules(t, in)
	if !strings.Contains(in, "EXAMINE") {
		t.Errorf("the scan did not EXAMINE (read-only)")
	}
}

func maps(m map[string]bool) map[string]bool {
	out := map[string]bool{}
	for k, v := range m {
		out[k] = v
	}
	return out
}

func uidNextOf(t *testing.T, srv *dovecot.Server, user, mailbox string) imap.UID {
	t.Helper()
	out, err := srv.Doveadm("-f", "tab", "mailbox", "status", "-u", user, "uidnext", mailbox)
	if err != nil {
		t.Fatal(err)
	}
	f := strings.Fields(strings.Split(strings.TrimSpace(string(out)), "\n")[1])
	var n imap.UID
	fmt.Sscan(f[len(f)-1], &n)
	return n
}

// Case 20 with IDLE: a second session holds \Recent; spam and ham arrive,
// then a burst of 20 (3 of them \Seen on the phone first). Each is judged
// exactly once, spam ends in Junk with $Junk, ham stays with $NotJunk, flags
// are otherwise untouched, and the first spam moves within 5 s.
func TestIdleDelivery(t *testing.T) {
	srv := startServer(t, dovecot.Options{})
	phone, err := Dial(t.Context(), testAccount(srv, user)) // selects INBOX first: it gets \Recent
	if err != nil {
		t.Fatal(err)
	}
	defer phone.Close()
	if _, err := phone.selectMailbox("INBOX", false); err != nil {
		t.Fatal(err)
	}

	acct := testAccount(srv, user)
	acct.PollInterval = time.Hour // IDLE must do it
	st, h := NewMemState(), newHandler()
	r := startWatcher(t, acct, st, h)
	r.waitEvent(t, "idle", 1, 10*time.Second)

	start := time.Now()
	spam := caseFile(t, "20-*/spam.eml", mail("<20-spam@campaign.example.jp>", "spam"))
	ham := caseFile(t, "20-*/ham.eml", mail("<20-ham@campaign.example.jp>", "ham"))
	save(t, srv, user, "INBOX", spam)
	h.waitDone(t, "<20-spam@campaign.example.jp>", 1, 5*time.Second)
	t.Logf("delivery → moved: %v", time.Since(start))
	save(t, srv, user, "INBOX", ham)
	h.waitDone(t, "<20-ham@campaign.example.jp>", 1, 5*time.Second)

	want := map[string]string{"<20-spam@campaign.example.jp>": "Junk", "<20-ham@campaign.example.jp>": "INBOX"}
	for i := range 20 {
		id, v, box := fmt.Sprintf("<burst-%d@x>", i), "ham", "INBOX"
		if i%2 == 0 {
			v, box = "spam", "Junk"
		}
		want[id] = box
		save(t, srv, user, "INBOX", mail(id, v))
	}
	for id := range want {
		h.waitDone(t, id, 1, 10*time.Second)
	}
	for id := range want {
		if n := h.judgedCount(id); n != 1 {
			t.Errorf("%s judged %d times", id, n)
		}
		if o := h.outcomes(id); len(o) != 1 || o[0].Err != nil || (want[id] == "Junk" && o[0].JunkUID == 0) {
			t.Errorf("%s outcomes %+v", id, o)
		}
	}
	assertPlaces(t, srv, user, want)
	if got := flagsOf(t, srv, user, "Junk", "<20-spam@campaign.example.jp>"); !slices.Contains(got, "$Junk") {
		t.Errorf("junk copy flags %q, want $Junk", got)
	}
	if got := flagsOf(t, srv, user, "INBOX", "<20-ham@campaign.example.jp>"); !slices.Contains(got, "$NotJunk") {
		t.Errorf("ham flags %q, want $NotJunk", got)
	}
	noSeen(t, srv, user)
	r.stop(t)
	in := rawlog(t, srv, nil)
	assertProtocolRules(t, in)
	if !regexp.MustCompile(`(?m)^\S+ UID MOVE \d+ "?Junk"?\r?$`).MatchString(in) || !strings.Contains(in, "IDLE") {
		t.Errorf("no IDLE or UID MOVE in the protocol log")
	}
	if strings.Contains(strings.ToUpper(in), "RECENT") || strings.Contains(strings.ToUpper(in), "UNSEEN") {
		t.Errorf("new mail searched by RECENT/UNSEEN")
	}
}

// Messages read on the phone (\Seen) are judged too, and keep \Seen.
func TestSeenMessagesJudged(t *testing.T) {
	t.Parallel()
	srv := startServer(t, dovecot.Options{})
	acct := testAccount(srv, user)
	st, h := NewMemState(), newHandler()
	judgeExisting(t, srv, st, acct)
	save(t, srv, user, "INBOX", mail("<seen-spam@x>", "spam"))
	save(t, srv, user, "INBOX", mail("<seen-ham@x>", "ham"))
	if _, err := srv.Doveadm("flags", "add", "-u", user, `\Seen`, "mailbox", "INBOX", "all"); err != nil {
		t.Fatal(err)
	}
	startWatcher(t, acct, st, h)
	h.waitDone(t, "<seen-spam@x>", 1, 10*time.Second)
	h.waitDone(t, "<seen-ham@x>", 1, 10*time.Second)
	assertPlaces(t, srv, user, map[string]string{"<seen-spam@x>": "Junk", "<seen-ham@x>": "INBOX"})
	if f := flagsOf(t, srv, user, "Junk", "<seen-spam@x>"); !slices.Contains(f, `\Seen`) {
		t.Errorf("moved message lost \\Seen: %q", f)
	}
}

// Without IDLE the watcher polls every PollInterval and never sends IDLE.
func TestPollingWithoutIdle(t *testing.T) {
	srv := startServer(t, dovecot.Options{Capability: capsNoIdle})
	acct := testAccount(srv, user)
	acct.PollInterval = 300 * time.Millisecond
	h := newHandler()
	r := startWatcher(t, acct, NewMemState(), h)
	r.waitEvent(t, "poll", 1, 10*time.Second)
	start := time.Now()
	save(t, srv, user, "INBOX", mail("<poll-spam@x>", "spam"))
	h.waitDone(t, "<poll-spam@x>", 1, 5*time.Second)
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("polling took %v", d)
	}
	r.waitEvent(t, "poll", 3, 5*time.Second)
	r.stop(t)
	assertPlaces(t, srv, user, map[string]string{"<poll-spam@x>": "Junk"})
	in := rawlog(t, srv, nil)
	if strings.Contains(in, "IDLE") {
		t.Errorf("IDLE sent to a server without IDLE")
	}
	assertProtocolRules(t, in)
}

// IDLE is re-issued every IdleRefresh (RFC 2177: before 29 minutes) and the
// watcher keeps working across re-issues.
func TestIdleRefresh(t *testing.T) {
	srv := startServer(t, dovecot.Options{})
	acct := testAccount(srv, user)
	acct.IdleRefresh = 200 * time.Millisecond
	acct.PollInterval = time.Hour
	h := newHandler()
	r := startWatcher(t, acct, NewMemState(), h)
	r.waitEvent(t, "idle", 4, 10*time.Second)
	save(t, srv, user, "INBOX", mail("<refresh-spam@x>", "spam"))
	h.waitDone(t, "<refresh-spam@x>", 1, 5*time.Second)
	r.stop(t)
	if n := strings.Count(rawlog(t, srv, nil), "DONE"); n < 4 {
		t.Errorf("%d IDLE/DONE cycles, want ≥ 4", n)
	}
	if DefaultIdleRefresh >= 29*time.Minute {
		t.Errorf("default IDLE refresh %v not below 29 min", DefaultIdleRefresh)
	}
}

// Dovecot's "* OK Still here" during IDLE (every imap_idle_notify_interval,
// 1 s here) neither ends nor re-issues IDLE, and mail still arrives.
func TestIdleStillHere(t *testing.T) {
	srv := startServer(t, dovecot.Options{ExtraConf: "protocol imap {\n  imap_idle_notify_interval = 1 secs\n}\n"})
	acct := testAccount(srv, user)
	acct.PollInterval = time.Hour
	h := newHandler()
	r := startWatcher(t, acct, NewMemState(), h)
	r.waitEvent(t, "idle", 1, 10*time.Second)
	var out string
	waitFor(t, 10*time.Second, "two \"Still here\"", func() bool {
		out = rawlogOut(t, srv)
		return strings.Count(out, "Still here") >= 2
	})
	if n := r.count("idle"); n != 1 {
		t.Errorf("IDLE issued %d times during \"Still here\"", n)
	}
	save(t, srv, user, "INBOX", mail("<still-spam@x>", "spam"))
	h.waitDone(t, "<still-spam@x>", 1, 5*time.Second)
	assertPlaces(t, srv, user, map[string]string{"<still-spam@x>": "Junk"})
}

// A server restart (case 20 variant) and a stopped watcher (mail delivered
// meanwhile) lose nothing and judge nothing twice: the watcher reconnects
// with backoff and catches up from the stored LastUID. Messages with a user
// junk keyword are not judged.
func TestRestartCatchUp(t *testing.T) {
	t.Parallel()
	srv := startServer(t, dovecot.Options{})
	acct := testAccount(srv, user)
	st, h := NewMemState(), newHandler()
	r := startWatcher(t, acct, st, h)
	r.waitEvent(t, "idle", 1, 10*time.Second)
	save(t, srv, user, "INBOX", mail("<before-restart@x>", "spam"))
	h.waitDone(t, "<before-restart@x>", 1, 5*time.Second)

	if err := srv.Restart(); err != nil {
		t.Fatal(err)
	}
	save(t, srv, user, "INBOX", mail("<after-restart-spam@x>", "spam"))
	save(t, srv, user, "INBOX", mail("<after-restart-ham@x>", "ham"))
	h.waitDone(t, "<after-restart-spam@x>", 1, 10*time.Second)
	h.waitDone(t, "<after-restart-ham@x>", 1, 10*time.Second)
	if !strings.Contains(r.log.String(), "reconnecting") {
		t.Errorf("no reconnection logged")
	}
	r.stop(t)

	// Delivered while mailwarden is not running.
	save(t, srv, user, "INBOX", mail("<offline-spam@x>", "spam"))
	save(t, srv, user, "INBOX", mail("<offline-notjunk@x>", "spam"))
	save(t, srv, user, "INBOX", mail("<offline-junk@x>", "ham"))
	save(t, srv, user, "INBOX", mail("<offline-ham@x>", "ham"))
	srv.Doveadm("flags", "add", "-u", user, "$NotJunk", "mailbox", "INBOX", "header", "Message-ID", "<offline-notjunk@x>")
	srv.Doveadm("flags", "add", "-u", user, "Junk", "mailbox", "INBOX", "header", "Message-ID", "<offline-junk@x>")
	r = startWatcher(t, acct, st, h)
	h.waitDone(t, "<offline-spam@x>", 1, 10*time.Second)
	h.waitDone(t, "<offline-ham@x>", 1, 10*time.Second)
	r.waitEvent(t, "idle", 1, 5*time.Second)
	r.stop(t)

	for _, id := range []string{"<before-restart@x>", "<after-restart-spam@x>", "<after-restart-ham@x>", "<offline-spam@x>", "<offline-ham@x>"} {
		if n, d := h.judgedCount(id), len(h.outcomes(id)); n != 1 || d != 1 {
			t.Errorf("%s judged %d, done %d times", id, n, d)
		}
	}
	for _, id := range []string{"<offline-notjunk@x>", "<offline-junk@x>"} {
		if n := h.judgedCount(id); n != 0 {
			t.Errorf("%s carries a user verdict yet was judged", id)
		}
	}
	assertPlaces(t, srv, user, map[string]string{
		"<before-restart@x>": "Junk", "<after-restart-spam@x>": "Junk", "<after-restart-ham@x>": "INBOX",
		"<offline-spam@x>": "Junk", "<offline-ham@x>": "INBOX", "<offline-notjunk@x>": "INBOX", "<offline-junk@x>": "INBOX",
	})
	noSeen(t, srv, user)
	assertProtocolRules(t, rawlog(t, srv, nil))
}

// First start interleaves the folders a batch at a time, the one furthest
// behind first, so the classifier sees spam and ham mixed rather than all
// of Junk and then all of INBOX (its online weights learn little from one
// class at a time). Every message is still trained once, with its folder's
// class.
func TestFirstStartInterleaves(t *testing.T) {
	t.Parallel()
	srv := startServer(t, dovecot.Options{})
	const nSpam, nHam = 2 * batchSize, 4 * batchSize
	for i := range nSpam {
		save(t, srv, user, "Junk", mail(fmt.Sprintf("<s-%d@x>", i), "spam"))
	}
	for i := range nHam {
		save(t, srv, user, "INBOX", mail(fmt.Sprintf("<h-%d@x>", i), "ham"))
	}
	st, h := NewMemState(), newHandler()
	r := startWatcher(t, testAccount(srv, user), st, h)
	r.waitEvent(t, "watching", 1, 30*time.Second)
	r.stop(t)

	h.mu.Lock()
	trained, order := maps(h.trained), slices.Clone(h.trainOrd)
	h.mu.Unlock()
	if len(order) != nSpam+nHam || len(trained) != nSpam+nHam {
		t.Fatalf("trained %d messages (%d distinct), want %d", len(order), len(trained), nSpam+nHam)
	}
	for id, spam := range trained {
		if spam != strings.HasPrefix(id, "<s-") {
			t.Errorf("%s trained as spam=%v", id, spam)
		}
	}
	// Folders keep pace with their size: INBOX (twice Junk) trains at most
	// two batches in a row, Junk one, and spam is spread over the scan.
	run, longest := 0, 0
	for i, id := range order {
		if i > 0 && trained[id] == trained[order[i-1]] {
			run++
		} else {
			run = 1
		}
		longest = max(longest, run)
	}
	if longest > 2*batchSize {
		t.Errorf("a run of %d messages of one class (batch %d)", longest, batchSize)
	}
	q := len(order) / 2
	for k := range 2 {
		spam := 0
		for _, id := range order[k*q : (k+1)*q] {
			if trained[id] {
				spam++
			}
		}
		if spam == 0 {
			t.Errorf("no spam trained in half %d of the scan", k+1)
		}
	}
	// The progress log labels the running total as such, and gives the
	// folder's own count beside it: never more than the folder holds.
	progress := regexp.MustCompile(`msg="first start: training" trained_total=(\d+) folder=(\S+) folder_trained=(\d+) folder_messages=(\d+)`).FindAllStringSubmatch(r.log.String(), -1)
	if want := (nSpam + nHam) / trainProgressEvery; len(progress) != want {
		t.Errorf("%d progress lines, want %d:\n%s", len(progress), want, r.log.String())
	}
	for i, m := range progress {
		total, _ := strconv.Atoi(m[1])
		done, _ := strconv.Atoi(m[3])
		of, _ := strconv.Atoi(m[4])
		want := map[string]int{"Junk": nSpam, "INBOX": nHam}[m[2]]
		if total != (i+1)*trainProgressEvery || of != want || done < 1 || done > of || done > total {
			t.Errorf("progress line %q: want total %d, folder_messages %d, folder_trained within them", m[0], (i+1)*trainProgressEvery, want)
		}
	}
	noSeen(t, srv, user)
}
