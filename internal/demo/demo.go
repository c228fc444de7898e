// Package demo runs mailwarden's main job end to end on real labelled mail:
// a throw-away Dovecot on loopback, seeded with part of a corpus (spam in
// Junk, ham in INBOX), `mailwarden run` as a separate process that trains
// from it on first start, then the rest delivered into INBOX one message at a
// time like live mail, and a report of what happened, checked on the server.
package demo

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/mailwarden/mailwarden/i18n"
	"io"
	"maps"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/mailwarden/mailwarden/imapsync"
	"github.com/mailwarden/mailwarden/internal/corpus"
	"github.com/mailwarden/mailwarden/internal/dovecot"
)

// Options configure a demo run.
type Options struct {
	Corpus   string        // shared/corpus archive or unpacked directory; "" = download the public corpus
	Work     string        // scratch directory (server, store, logs); default a temp dir
	Deliver  int           // messages delivered live (default 300), taken from the end of the corpus order
	Interval time.Duration // pause between deliveries (default 200ms)
	Binary   string        // the mailwarden executable (default: this program)
	Out      io.Writer     // progress and the report (default stdout)
	Wait     time.Duration // how long to wait for the daemon after the last delivery (default 60s)
}

// Report is what the demo measured. It is also written as JSON.
type Report struct {
	Corpus          string   `json:"corpus"`
	TrainedSpam     int      `json:"trained_spam"`
	TrainedHam      int      `json:"trained_ham"`
	Delivered       int      `json:"delivered"`
	DeliveredSpam   int      `json:"delivered_spam"`
	DeliveredHam    int      `json:"delivered_ham"`
	Processed       int      `json:"processed"`
	SpamMoved       int      `json:"spam_moved"`
	HamWronglyMoved int      `json:"ham_wrongly_moved"`
	SpamLeftInInbox int      `json:"spam_left_in_inbox"`
	UnsureLeft      int      `json:"unsure_left_in_inbox"`
	LatencyMedianMS float64  `json:"latency_median_ms"`
	LatencyP95MS    float64  `json:"latency_p95_ms"`
	LatencyMaxMS    float64  `json:"latency_max_ms"`
	InboxBefore     int      `json:"inbox_before"`
	JunkBefore      int      `json:"junk_before"`
	InboxAfter      int      `json:"inbox_after"`
	JunkAfter       int      `json:"junk_after"`
	ExactlyOnce     bool     `json:"every_message_in_exactly_one_folder"`
	Lost            []string `json:"lost,omitempty"`
	Duplicated      []string `json:"duplicated,omitempty"`
	SeenSet         int      `json:"seen_flags_set"`
	Seconds         float64  `json:"seconds"`
}

// judged is one "judged" line of the daemon's JSON log.
type judged struct {
	Time      time.Time `json:"time"`
	Msg       string    `json:"msg"`
	MessageID string    `json:"message_id"`
	Verdict   string    `json:"verdict"`
	Action    string    `json:"action"`
}

// readyMsg is the log message the watcher prints once the first-start
// training is done and it watches INBOX.
const readyMsg = "first start: training done"

const user, password = "test", "secret"

// Run runs the demo and returns its report. The error is non-nil when the
// run itself failed or when the report breaks a product rule (a message
// lost, duplicated or marked read).
func Run(ctx context.Context, o Options) (*Report, error) {
	start := time.Now()
	if o.Deliver == 0 {
		o.Deliver = 300
	}
	if o.Interval == 0 {
		o.Interval = 200 * time.Millisecond
	}
	if o.Wait == 0 {
		o.Wait = 60 * time.Second
	}
	if o.Out == nil {
		o.Out = os.Stdout
	}
	if o.Binary == "" {
		exe, err := os.Executable()
		if err != nil {
			return nil, err
		}
		o.Binary = exe
	}
	if o.Work == "" {
		dir, err := os.MkdirTemp("", "mailwarden-demo-")
		if err != nil {
			return nil, err
		}
		defer os.RemoveAll(dir)
		o.Work = dir
	}
	if err := dovecot.Available(); err != nil {
		return nil, err
	}
	say := func(format string, args ...any) { fmt.Fprintf(o.Out, "demo: "+format+"\n", args...) }

	// 1. The corpus.
	var msgs []corpus.Labelled
	var err error
	rep := &Report{}
	if o.Corpus != "" {
		rep.Corpus = o.Corpus
		msgs, err = corpus.Load(o.Corpus, filepath.Join(o.Work, "corpus"))
	} else {
		rep.Corpus = PublicCorpusURL
		say("no local corpus: downloading the SpamAssassin public corpus from %s", PublicCorpusURL)
		var dir string
		if dir, err = DownloadSpamAssassin(ctx, PublicCorpusURL, filepath.Join(o.Work, "corpus")); err == nil {
			msgs, err = corpus.ReadIndex(dir)
		}
	}
	if err != nil {
		return nil, err
	}
	if len(msgs) < o.Deliver*2 {
		return nil, fmt.Errorf("corpus has %d messages: too few to train on and deliver %d", len(msgs), o.Deliver)
	}
	train, live := msgs[:len(msgs)-o.Deliver], msgs[len(msgs)-o.Deliver:]

	// 2. A throw-away Dovecot with room for the whole corpus.
	srv, err := dovecot.Start(dovecot.Options{
		Dir: filepath.Join(o.Work, "dovecot"),
		// A throw-away server: room for the whole corpus, and no fsync per
		// message, so seeding thousands takes seconds.
		ExtraConf: "mail_fsync = never\nplugin {\n  quota_rule = *:storage=4G\n}\n",
	})
	if err != nil {
		return nil, err
	}
	defer srv.Stop()
	say("Dovecot up on %s (imaps); seeding %d messages for training (spam in Junk, ham in INBOX)", srv.IMAPSAddr, len(train))
	phase := time.Now()

	// 3. Seed the training part over IMAP.
	seen := map[string]bool{}
	if rep.TrainedSpam, rep.TrainedHam, err = Seed(ctx, srv, train, seen); err != nil {
		return nil, err
	}
	if rep.InboxBefore, err = srv.Count(user, "INBOX"); err != nil {
		return nil, err
	}
	if rep.JunkBefore, err = srv.Count(user, "Junk"); err != nil {
		return nil, err
	}

	say("seeded in %.1f s", time.Since(phase).Seconds())
	phase = time.Now()

	// 4. mailwarden run, as its own process.
	d, err := startDaemon(ctx, o, srv)
	if err != nil {
		return nil, err
	}
	defer d.stop()
	say("mailwarden run started (pid %d); waiting for its first-start training", d.cmd.Process.Pid)
	select {
	case <-d.ready:
	case err := <-d.exited:
		return nil, fmt.Errorf("mailwarden run exited before it was ready: %v; see %s", err, d.logPath)
	case <-time.After(10 * time.Minute):
		return nil, fmt.Errorf("mailwarden run not ready after 10 minutes; see %s", d.logPath)
	case <-ctx.Done():
		return nil, ctx.Err()
	}

	// 5. Deliver the rest, one at a time, like live mail.
	say("first-start training took %.1f s; delivering %d messages into INBOX, one every %v", time.Since(phase).Seconds(), len(live), o.Interval)
	deliveredAt := map[string]time.Time{}
	isSpam := map[string]bool{}
	var order []string
	for i, m := range live {
		raw, err := corpus.ReadMail(m.Path)
		if err != nil {
			return nil, err
		}
		id := imapsync.MessageIDOf(raw)
		if id == "" || seen[id] {
			// The report checks every message by Message-ID, so each
			// delivered message needs its own.
			id = fmt.Sprintf("<demo-%d@mailwarden.invalid>", i)
			raw = append([]byte("Message-ID: "+id+"\r\n"), raw...)
		}
		seen[id] = true
		if err := srv.Save(user, "INBOX", raw); err != nil {
			return nil, fmt.Errorf("deliver message %d: %w", i, err)
		}
		deliveredAt[id] = time.Now()
		isSpam[id] = m.Spam
		order = append(order, id)
		if m.Spam {
			rep.DeliveredSpam++
		} else {
			rep.DeliveredHam++
		}
		select {
		case <-time.After(o.Interval):
		case <-ctx.Done():
			return nil, ctx.Err()
		case err := <-d.exited:
			return nil, fmt.Errorf("mailwarden run exited during delivery: %v; see %s", err, d.logPath)
		}
	}
	rep.Delivered = len(order)

	// 6. Wait until the daemon has judged every delivered message.
	deadline := time.Now().Add(o.Wait)
	for d.count(deliveredAt) < len(order) && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
	d.stop()

	// 7. Check on the server, not in the daemon's word.
	where, seenFlag, err := locate(srv)
	if err != nil {
		return nil, err
	}
	if rep.InboxAfter, err = srv.Count(user, "INBOX"); err != nil {
		return nil, err
	}
	if rep.JunkAfter, err = srv.Count(user, "Junk"); err != nil {
		return nil, err
	}
	events := d.events()
	var lat []float64
	for _, id := range order {
		boxes := where[id]
		switch {
		case len(boxes) == 0:
			rep.Lost = append(rep.Lost, id)
		case len(boxes) > 1:
			rep.Duplicated = append(rep.Duplicated, id)
		}
		if seenFlag[id] {
			rep.SeenSet++
		}
		ev, ok := events[id]
		if ok {
			rep.Processed++
		}
		inJunk := len(boxes) == 1 && boxes[0] == "Junk"
		switch {
		case inJunk && isSpam[id]:
			rep.SpamMoved++
		case inJunk:
			rep.HamWronglyMoved++
		case isSpam[id]:
			rep.SpamLeftInInbox++
		}
		if ok && ev.Verdict == "unsure" && !inJunk {
			rep.UnsureLeft++
		}
		if ok && inJunk && ev.Action == "move-to-junk" {
			lat = append(lat, float64(ev.Time.Sub(deliveredAt[id]))/float64(time.Millisecond))
		}
	}
	rep.ExactlyOnce = len(rep.Lost) == 0 && len(rep.Duplicated) == 0 &&
		rep.InboxAfter+rep.JunkAfter == rep.InboxBefore+rep.JunkBefore+rep.Delivered
	rep.LatencyMedianMS, rep.LatencyP95MS, rep.LatencyMaxMS = quantile(lat, 0.5), quantile(lat, 0.95), quantile(lat, 1)
	rep.Seconds = math.Round(time.Since(start).Seconds()*10) / 10
	rep.Print(o.Out)

	var problems []string
	if !rep.ExactlyOnce {
		problems = append(problems, fmt.Sprintf("messages lost %d, duplicated %d, folder totals %d+%d after vs %d+%d+%d", len(rep.Lost), len(rep.Duplicated), rep.InboxAfter, rep.JunkAfter, rep.InboxBefore, rep.JunkBefore, rep.Delivered))
	}
	if rep.SeenSet > 0 {
		problems = append(problems, fmt.Sprintf("%d messages marked \\Seen", rep.SeenSet))
	}
	if rep.Processed < rep.Delivered {
		problems = append(problems, fmt.Sprintf("only %d of %d delivered messages were processed; see %s", rep.Processed, rep.Delivered, d.logPath))
	}
	if len(problems) > 0 {
		return rep, errors.New("demo failed: " + strings.Join(problems, "; "))
	}
	return rep, nil
}

// Print writes the report for a person.
func (r *Report) Print(w io.Writer) {
	pct := func(n, of int) string {
		if of == 0 {
			return "-"
		}
		return fmt.Sprintf("%.1f%%", 100*float64(n)/float64(of))
	}
	l := i18n.Detect()
	ok := l.T("demo yes")
	if !r.ExactlyOnce {
		ok = l.T("demo no", len(r.Lost), len(r.Duplicated))
	}
	fmt.Fprint(w, l.T("demo report text", r.Corpus, r.TrainedSpam, r.TrainedHam, r.Delivered, r.DeliveredSpam, r.DeliveredHam, r.Processed,
		r.SpamMoved, pct(r.SpamMoved, r.DeliveredSpam), r.HamWronglyMoved, pct(r.HamWronglyMoved, r.DeliveredHam),
		r.SpamLeftInInbox, r.UnsureLeft, r.LatencyMedianMS, r.LatencyP95MS, r.LatencyMaxMS,
		r.InboxBefore, r.InboxAfter, r.JunkBefore, r.JunkAfter, ok, r.SeenSet, r.Seconds))
}

// WriteJSON writes the report as indented JSON to path.
func (r *Report) WriteJSON(path string) error {
	data, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(data, '\n'), 0o644)
}

func quantile(v []float64, q float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	i := int(math.Ceil(q*float64(len(s)))) - 1
	return s[max(i, 0)]
}

// locate lists, for every Message-ID on the server, the folders holding it,
// and whether any copy is \Seen.
func locate(srv *dovecot.Server) (map[string][]string, map[string]bool, error) {
	out, err := srv.Doveadm("-f", "tab", "fetch", "-u", user, "mailbox flags hdr.message-id", "all")
	if err != nil {
		return nil, nil, fmt.Errorf("list messages on the server: %w", err)
	}
	where := map[string][]string{}
	seenFlag := map[string]bool{}
	for i, line := range strings.Split(string(out), "\n") {
		f := strings.SplitN(line, "\t", 3)
		if i == 0 || len(f) < 3 {
			continue
		}
		id := imapsync.MessageIDOf([]byte("Message-ID: " + f[2] + "\r\n"))
		where[id] = append(where[id], f[0])
		if strings.Contains(f[1], `\Seen`) {
			seenFlag[id] = true
		}
	}
	return where, seenFlag, nil
}

// daemonProc is `mailwarden run` as a child process, its JSON log parsed.
type daemonProc struct {
	cmd     *exec.Cmd
	logPath string
	ready   chan struct{}
	exited  chan error

	mu     sync.Mutex
	judged map[string]judged
	once   sync.Once
	halt   sync.Once
}

func startDaemon(ctx context.Context, o Options, srv *dovecot.Server) (*daemonProc, error) {
	cfgPath := filepath.Join(o.Work, "config.toml")
	caPath := filepath.Join(o.Work, "dovecot-ca.pem")
	if err := os.WriteFile(caPath, srv.CertPEM(), 0o644); err != nil {
		return nil, err
	}
	host, port, _ := strings.Cut(srv.IMAPSAddr, ":")
	cfg := fmt.Sprintf(`version = 1

[[account]]
name = "demo"
host = %q
port = %s
tls = "tls"
ca_file = %q
username = %q
password_env = "MAILWARDEN_DEMO_PASSWORD"
train_cap = 100000
poll_interval = "5s"
`, host, port, caPath, user)
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o600); err != nil {
		return nil, err
	}
	d := &daemonProc{logPath: filepath.Join(o.Work, "daemon.log"), ready: make(chan struct{}), exited: make(chan error, 1), judged: map[string]judged{}}
	logf, err := os.Create(d.logPath)
	if err != nil {
		return nil, err
	}
	d.cmd = exec.CommandContext(ctx, o.Binary, "run", "--config", cfgPath, "--store", filepath.Join(o.Work, "store"), "--socket", filepath.Join(o.Work, "api.sock"), "--log-format", "json")
	d.cmd.Env = append(os.Environ(), "MAILWARDEN_DEMO_PASSWORD="+password)
	stderr, err := d.cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	if err := d.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s run: %w", o.Binary, err)
	}
	go func() {
		defer logf.Close()
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			line := sc.Bytes()
			logf.Write(append(line, '\n'))
			var j judged
			if json.Unmarshal(line, &j) != nil {
				continue
			}
			switch {
			case j.Msg == "judged":
				d.mu.Lock()
				d.judged[j.MessageID] = j
				d.mu.Unlock()
			case strings.HasPrefix(j.Msg, readyMsg):
				d.once.Do(func() { close(d.ready) })
			}
		}
		d.exited <- d.cmd.Wait()
	}()
	return d, nil
}

func (d *daemonProc) count(ids map[string]time.Time) int {
	d.mu.Lock()
	defer d.mu.Unlock()
	n := 0
	for id := range ids {
		if _, ok := d.judged[id]; ok {
			n++
		}
	}
	return n
}

func (d *daemonProc) events() map[string]judged {
	d.mu.Lock()
	defer d.mu.Unlock()
	return maps.Clone(d.judged)
}

// stop asks the daemon to finish (SIGTERM) and waits for it.
func (d *daemonProc) stop() {
	d.halt.Do(func() {
		d.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-d.exited:
		case <-time.After(20 * time.Second):
			d.cmd.Process.Kill()
		}
	})
}
