//go:build linux

package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/mailwarden/mailwarden/internal/eval"
)

// peer is an external filter run through the protocol with a fresh store.
type peer interface {
	eval.Filter
	// Peak is the largest resident set of any process the peer ran.
	Peak() int64
	// Close stops what the peer started and returns its store size.
	Close() (storeBytes int64, err error)
}

// runner runs one short-lived tool process per call and remembers the
// largest max-RSS any of them had.
type runner struct {
	ctx  context.Context
	peak int64
}

type result struct {
	stdout, stderr []byte
	code           int
}

// run executes name with msg on stdin; a non-zero exit is not an error
// (the tools use exit codes for verdicts), a failure to start is.
func (r *runner) run(msg []byte, name string, args ...string) (result, error) {
	cmd := exec.CommandContext(r.ctx, name, args...)
	cmd.Stdin = bytes.NewReader(msg)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if cmd.ProcessState != nil {
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok && ru.Maxrss<<10 > r.peak {
			r.peak = ru.Maxrss << 10 // kB on Linux
		}
	}
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		return result{}, fmt.Errorf("%s: %w", name, err)
	}
	res := result{stdout: out.Bytes(), stderr: errb.Bytes()}
	if cmd.ProcessState != nil {
		res.code = cmd.ProcessState.ExitCode()
	}
	return res, nil
}

func (r *runner) Peak() int64 { return r.peak }

func failed(what string, res result) error {
	return fmt.Errorf("%s: exit %d: %s", what, res.code, bytes.TrimSpace(append(res.stderr, res.stdout...)))
}

// bogofilter: `bogofilter -d DIR -TT` prints the spamicity with 16 digits and
// exits 0 (spam), 1 (ham) or 2 (unsure) at its default cutoffs (ham 0.45,
// spam 0.99); `-s` / `-n` register a message as spam / ham. Before anything
// is registered there is no word list and bogofilter exits 3: that counts
// as unsure, score 0.5.
type bogofilter struct {
	runner
	dir     string
	trained bool
}

func newBogofilter(ctx context.Context, dir string) (peer, error) {
	return &bogofilter{runner: runner{ctx: ctx}, dir: dir}, os.MkdirAll(dir, 0o755)
}

func (b *bogofilter) Classify(msg []byte) (float64, eval.Verdict, error) {
	res, err := b.run(msg, "bogofilter", "-d", b.dir, "-TT")
	if err != nil {
		return 0, 0, err
	}
	if res.code == 3 && !b.trained {
		return 0.5, eval.Unsure, nil
	}
	v := map[int]eval.Verdict{0: eval.Spam, 1: eval.Ham, 2: eval.Unsure}
	verdict, ok := v[res.code]
	if !ok {
		return 0, 0, failed("bogofilter -TT", res)
	}
	score, err := strconv.ParseFloat(strings.TrimSpace(string(res.stdout)), 64)
	if err != nil {
		return 0, 0, fmt.Errorf("bogofilter -TT printed %q: %w", res.stdout, err)
	}
	return score, verdict, nil
}

func (b *bogofilter) Train(msg []byte, spam bool) error {
	flag := "-n"
	if spam {
		flag = "-s"
	}
	res, err := b.run(msg, "bogofilter", "-d", b.dir, flag)
	if err != nil {
		return err
	}
	if res.code != 0 {
		return failed("bogofilter "+flag, res)
	}
	b.trained = true
	return nil
}

func (b *bogofilter) Close() (int64, error) { return eval.DirSize(b.dir) }

// spamprobe: `spamprobe -d DIR score` prints "SPAM|GOOD SCORE DIGEST" without
// changing the database; `spamprobe -d DIR spam|good` always trains (and
// moves a message it has seen before, known by digest, to the other side).
// Not used: `receive` (trains with its own verdict), `train`, `train-spam`
// and `train-good` (train only on "difficult" messages: a train-on-error
// scheme, not full feedback). The directory is created and `create-db`
// bootstraps an empty database, as the manual suggests.
type spamprobe struct {
	runner
	dir string
}

func newSpamprobe(ctx context.Context, dir string) (peer, error) {
	s := &spamprobe{runner: runner{ctx: ctx}, dir: dir}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	res, err := s.run(nil, "spamprobe", "-d", dir, "create-db")
	if err != nil {
		return nil, err
	}
	if res.code != 0 {
		return nil, failed("spamprobe create-db", res)
	}
	return s, nil
}

func (s *spamprobe) Classify(msg []byte) (float64, eval.Verdict, error) {
	res, err := s.run(msg, "spamprobe", "-d", s.dir, "score")
	if err != nil {
		return 0, 0, err
	}
	f := strings.Fields(string(res.stdout))
	if res.code != 0 || len(f) < 2 {
		return 0, 0, failed("spamprobe score", res)
	}
	score, err := strconv.ParseFloat(f[1], 64)
	if err != nil {
		return 0, 0, fmt.Errorf("spamprobe score printed %q: %w", res.stdout, err)
	}
	switch f[0] {
	case "SPAM":
		return score, eval.Spam, nil
	case "GOOD":
		return score, eval.Ham, nil
	}
	return 0, 0, fmt.Errorf("spamprobe score printed %q", res.stdout)
}

func (s *spamprobe) Train(msg []byte, spam bool) error {
	cmd := "good"
	if spam {
		cmd = "spam"
	}
	res, err := s.run(msg, "spamprobe", "-d", s.dir, cmd)
	if err != nil {
		return err
	}
	if res.code != 0 {
		return failed("spamprobe "+cmd, res)
	}
	return nil
}

func (s *spamprobe) Close() (int64, error) { return eval.DirSize(s.dir) }

// spamassassin: SpamAssassin's Bayes classifier alone, served by spamd so
// that the rules are not compiled again for every message. spamd reads a
// private configuration: the Check and Bayes plugins, the stock
// 10_default_prefs.cf, 20_aux_tlds.cf, 23_bayes.cf and the stock BAYES_*
// scores, with bayes_auto_learn off (the protocol trains with the gold label)
// and the Bayes probability added as a header (add_header all Bayes
// _BAYES_). Everything else is SpamAssassin's default, notably
// bayes_min_spam_num / bayes_min_ham_num 200 (no Bayes opinion, 0.5, before
// 200 of each are learned) and spamc's 500 KB size limit (bigger messages
// are not scanned: 0.5). Training is `spamc -L spam|ham` (spamd
// --allow-tell), the same as sa-learn but without a process start per
// message. The verdict: SpamAssassin has no threshold for Bayes alone (its
// required_score 5 is out of reach of the BAYES_* rules, at most 3.7), so a
// probability above 0.5 is Spam, below is Ham, exactly 0.5 Unsure.
type spamassassin struct {
	runner
	dir    string
	port   string
	spamd  *exec.Cmd
	done   chan error
	logf   *os.File
	sapeak int64
	calls  int
	// Messages over spamc's default 500 KB limit are passed through
	// unscanned (no Bayes header: 0.5) and refused for learning (exit 98).
	unscanned, unlearned int
}

// exTooBig is spamc's exit code for a message over its size limit.
const exTooBig = 98

const saShare = "/usr/share/spamassassin"

func newSpamassassin(ctx context.Context, dir string) (peer, error) {
	s := &spamassassin{runner: runner{ctx: ctx}, dir: dir}
	for _, d := range []string{"rules", "site", "bayes", "home"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o777); err != nil {
			return nil, fmt.Errorf("spamassassin: %w", err)
		}
	}
	// spamd drops root for "nobody", who must write the Bayes database.
	for _, d := range []string{"bayes", "home"} {
		if err := os.Chmod(filepath.Join(dir, d), 0o777); err != nil {
			return nil, fmt.Errorf("spamassassin: %w", err)
		}
	}
	for _, f := range []string{"10_default_prefs.cf", "20_aux_tlds.cf", "23_bayes.cf"} {
		b, err := os.ReadFile(filepath.Join(saShare, f))
		if err != nil {
			return nil, fmt.Errorf("spamassassin rules (is spamassassin installed?): %w", err)
		}
		if err := os.WriteFile(filepath.Join(dir, "rules", f), b, 0o644); err != nil {
			return nil, fmt.Errorf("spamassassin: %w", err)
		}
	}
	scores, err := os.ReadFile(filepath.Join(saShare, "50_scores.cf"))
	if err != nil {
		return nil, fmt.Errorf("spamassassin rules: %w", err)
	}
	var bayesScores bytes.Buffer
	for _, l := range strings.Split(string(scores), "\n") {
		if strings.HasPrefix(l, "score BAYES_") {
			bayesScores.WriteString(l + "\n")
		}
	}
	files := map[string]string{
		"rules/50_scores.cf": bayesScores.String(),
		"site/init.pre":      "loadplugin Mail::SpamAssassin::Plugin::Check\nloadplugin Mail::SpamAssassin::Plugin::Bayes\n",
		"site/local.cf": fmt.Sprintf("use_bayes 1\nbayes_auto_learn 0\nbayes_path %s\nbayes_file_mode 0666\nadd_header all Bayes _BAYES_\n",
			filepath.Join(dir, "bayes", "bayes")),
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			return nil, fmt.Errorf("spamassassin: %w", err)
		}
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	s.port = port
	if s.logf, err = os.Create(filepath.Join(dir, "spamd.log")); err != nil {
		return nil, fmt.Errorf("spamassassin: %w", err)
	}
	args := []string{"-i", "127.0.0.1", "-p", port, "-C", filepath.Join(dir, "rules"),
		"--siteconfigpath=" + filepath.Join(dir, "site"), "-L", "--allow-tell", "-x",
		"-m", "1", "--max-conn-per-child=1000000", "--helper-home-dir=" + filepath.Join(dir, "home"),
		"-s", "stderr"}
	if os.Geteuid() == 0 {
		args = append(args, "-u", "nobody")
	}
	s.spamd = exec.Command("spamd", args...)
	s.spamd.Stdout, s.spamd.Stderr = s.logf, s.logf
	s.spamd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := s.spamd.Start(); err != nil {
		return nil, fmt.Errorf("start spamd: %w", err)
	}
	s.done = make(chan error, 1)
	go func() { s.done <- s.spamd.Wait() }()
	// Wait until it answers.
	deadline := time.Now().Add(60 * time.Second)
	for {
		res, err := s.run(nil, "spamc", "-p", port, "-K")
		if err == nil && res.code == 0 {
			break
		}
		select {
		case err := <-s.done:
			return nil, fmt.Errorf("spamd exited (%v): see %s", err, s.logf.Name())
		default:
		}
		if time.Now().After(deadline) {
			s.Close()
			return nil, fmt.Errorf("spamd did not answer within 60 s: see %s", s.logf.Name())
		}
		time.Sleep(200 * time.Millisecond)
	}
	return s, nil
}

func freePort() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("find a free port: %w", err)
	}
	defer l.Close()
	return strconv.Itoa(l.Addr().(*net.TCPAddr).Port), nil
}

func (s *spamassassin) Classify(msg []byte) (float64, eval.Verdict, error) {
	res, err := s.run(msg, "spamc", "-p", s.port, "-x")
	if err != nil {
		return 0, 0, err
	}
	if res.code != 0 {
		return 0, 0, failed("spamc", res)
	}
	p, found := 0.5, false // not scanned (over spamc's size limit): no opinion
	sc := bufio.NewScanner(bytes.NewReader(res.stdout))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if line == "" {
			break
		}
		if v, ok := strings.CutPrefix(line, "X-Spam-Bayes: "); ok {
			if p, err = strconv.ParseFloat(strings.TrimSpace(v), 64); err != nil {
				return 0, 0, fmt.Errorf("spamc: X-Spam-Bayes %q: %w", v, err)
			}
			found = true
			break
		}
	}
	if !found {
		s.unscanned++
	}
	if s.calls++; s.calls%500 == 1 {
		s.sample()
	}
	switch {
	case p > 0.5:
		return p, eval.Spam, nil
	case p < 0.5:
		return p, eval.Ham, nil
	}
	return p, eval.Unsure, nil
}

func (s *spamassassin) Train(msg []byte, spam bool) error {
	label := "ham"
	if spam {
		label = "spam"
	}
	res, err := s.run(msg, "spamc", "-p", s.port, "-L", label)
	if err != nil {
		return err
	}
	// spamc exits 0 for "learned" and "already learned" (a duplicate).
	if res.code == exTooBig {
		s.unlearned++
		return nil
	}
	if res.code != 0 {
		return failed("spamc -L "+label, res)
	}
	return nil
}

// sample records the spamd processes' peak resident sets now and then
// (children are kept alive with --max-conn-per-child, so a final look
// would do, but a child that dies early would be missed).
func (s *spamassassin) sample() {
	for _, pid := range spamdPIDs(s.spamd.Process.Pid) {
		if n, err := eval.ProcPeakRSS(pid); err == nil && n > s.sapeak {
			s.sapeak = n
		}
	}
}

// spamdPIDs returns the spamd parent and its children.
func spamdPIDs(parent int) []int {
	pids := []int{parent}
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...
		if i := bytes.LastIndexByte(b, ')'); i >= 0 {
			if f := strings.Fields(string(b[i+1:])); len(f) > 1 && f[1] == strconv.Itoa(parent) {
				pids = append(pids, pid)
			}
		}
	}
	return pids
}

// Note says how many messages spamc did not pass on (over its size limit).
func (s *spamassassin) Note() string {
	if s.unscanned+s.unlearned == 0 {
		return ""
	}
	return fmt.Sprintf("spamc's default 500 KB limit: %d messages not scanned (scored 0.5, unsure), %d not learned", s.unscanned, s.unlearned)
}

// Peak is the largest spamd process (the spamc clients are tiny).
func (s *spamassassin) Peak() int64 {
	if s.sapeak > s.runner.peak {
		return s.sapeak
	}
	return s.runner.peak
}

func (s *spamassassin) Close() (int64, error) {
	if s.spamd != nil && s.spamd.Process != nil {
		s.sample()
		syscall.Kill(-s.spamd.Process.Pid, syscall.SIGTERM)
		select {
		case <-s.done:
		case <-time.After(10 * time.Second):
			syscall.Kill(-s.spamd.Process.Pid, syscall.SIGKILL)
			<-s.done
		}
	}
	if s.logf != nil {
		s.logf.Close()
	}
	return eval.DirSize(filepath.Join(s.dir, "bayes"))
}
