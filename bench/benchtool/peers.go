//go:build linux

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"time"

	"github.com/mailwarden/mailwarden/internal/corpus"
	"github.com/mailwarden/mailwarden/internal/eval"
)

var allTools = []string{"mailwarden", "bogofilter", "spamprobe", "spamassassin"}

type row struct {
	eval.Report
	err    error
	prefix bool // metrics of a prefix of a longer run: no speed or memory
}

func cmdPeers(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("peers", flag.ContinueOnError)
	tools := fs.String("tools", strings.Join(allTools, ","), "tools to run, comma-separated")
	mw := fs.String("mailwarden", "mailwarden", "the mailwarden binary")
	outDir := fs.String("out", "bench/out", "where the table (peers-DATE.md) and the score files go")
	workDir := fs.String("work", "", "scratch directory (default: a temporary one, removed afterwards)")
	limit := fs.Int("limit", 0, "use only the first N messages of each corpus, for every tool (0: all)")
	saLimit := fs.Int("sa-limit", 0, "run SpamAssassin on only the first N messages of each corpus (0: as --limit)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return fmt.Errorf("give one or more corpora (names in the shared corpus directory, NAME.tar.xz or directories)")
	}
	selected := strings.Split(*tools, ",")
	for _, t := range selected {
		if !contains(allTools, t) {
			return fmt.Errorf("unknown tool %q: use %s", t, strings.Join(allTools, ","))
		}
	}
	work := *workDir
	if work == "" {
		var err error
		if work, err = os.MkdirTemp("", "mailwarden-peers-"); err != nil {
			return err
		}
		defer os.RemoveAll(work)
	}
	// spamd drops root for "nobody", who must reach the store below work.
	if err := os.MkdirAll(work, 0o755); err != nil {
		return err
	}
	if err := os.Chmod(work, 0o755); err != nil {
		return err
	}
	stamp := time.Now().Format("2006-01-02-150405")
	scoreDir := filepath.Join(*outDir, "scores-"+stamp)
	if err := os.MkdirAll(scoreDir, 0o755); err != nil {
		return err
	}
	started := time.Now()
	vers := versions() // now: the tree may change while the run goes on
	var rows []row
	for _, arg := range fs.Args() {
		name, msgs, err := prepareCorpus(ctx, arg, work)
		if err != nil {
			return err
		}
		n := len(msgs)
		if *limit > 0 && *limit < n {
			n = *limit
		}
		samples := map[string][]eval.Sample{}
		saN := n
		for _, tool := range selected {
			lim := n
			if tool == "spamassassin" && *saLimit > 0 && *saLimit < n {
				lim = *saLimit
				saN = lim
			}
			fmt.Fprintf(os.Stderr, "%s: %s on %d messages...\n", name, tool, lim)
			var r row
			var s []eval.Sample
			if tool == "mailwarden" {
				r, s = runMailwarden(ctx, *mw, name, filepath.Join(work, "stripped", name), lim, filepath.Join(work, "mwscores"))
			} else {
				r, s = runPeer(ctx, tool, name, msgs[:lim], filepath.Join(work, "stores", tool+"-"+name))
			}
			if lim < len(msgs) {
				r.Corpus = fmt.Sprintf("%s (first %d)", name, lim)
			}
			if r.err != nil {
				fmt.Fprintf(os.Stderr, "  %s failed: %v\n", tool, r.err)
			} else {
				fmt.Fprintf(os.Stderr, "  %s\n", r.Report.String())
				samples[tool] = s
				if err := writeScores(filepath.Join(scoreDir, tool+"-"+name+".scores"), s); err != nil {
					return err
				}
			}
			rows = append(rows, r)
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		// SpamAssassin on a prefix: the others' metrics on the same prefix
		// (the protocol is on-line, so a prefix of a run is a run).
		if saN < n && samples["spamassassin"] != nil {
			for _, tool := range selected {
				if tool == "spamassassin" || samples[tool] == nil {
					continue
				}
				rows = append(rows, row{Report: eval.Report{Tool: tool, Corpus: fmt.Sprintf("%s (first %d)", name, saN), Mode: "full",
					Metrics: eval.Compute(samples[tool][:saN])}, prefix: true})
			}
		}
		os.RemoveAll(filepath.Join(work, "stripped", name))
		os.RemoveAll(filepath.Join(work, "stores"))
	}
	table := renderTable(rows)
	fmt.Print(table)
	doc := renderDoc(rows, table, fs.Args(), started, scoreDir, vers)
	path := filepath.Join(*outDir, "peers-"+stamp+".md")
	if err := os.WriteFile(path, []byte(doc), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "table written to %s, scores to %s\n", path, scoreDir)
	for _, r := range rows {
		if r.err != nil {
			return fmt.Errorf("%s on %s failed: %w", r.Tool, r.Corpus, r.err)
		}
	}
	return nil
}

// prepareCorpus unpacks a corpus and writes its stripped form to
// work/stripped/NAME.
func prepareCorpus(ctx context.Context, arg, work string) (string, []corpus.Labelled, error) {
	raw := filepath.Join(work, "raw")
	defer os.RemoveAll(raw)
	name, msgs, err := openCorpus(arg, raw)
	if err != nil {
		return "", nil, err
	}
	fmt.Fprintf(os.Stderr, "%s: %d messages, stripping label headers...\n", name, len(msgs))
	msgs, err = prepare(ctx, msgs, filepath.Join(work, "stripped", name))
	return name, msgs, err
}

// runMailwarden runs `mailwarden eval` in its own process, so that its peak
// memory is its own.
func runMailwarden(ctx context.Context, bin, name, dir string, limit int, scoreDir string) (row, []eval.Sample) {
	r := row{Report: eval.Report{Tool: "mailwarden", Corpus: name, Mode: "full"}}
	cmd := exec.CommandContext(ctx, bin, "eval", "--json", "--mode", "full", "--limit", fmt.Sprint(limit), "--save-scores", scoreDir, dir)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, os.Stderr
	if err := cmd.Run(); err != nil {
		r.err = fmt.Errorf("%s eval: %w", bin, err)
		return r, nil
	}
	if err := json.Unmarshal(bytes.TrimSpace(out.Bytes()), &r.Report); err != nil {
		r.err = fmt.Errorf("%s eval printed %q: %w", bin, out.Bytes(), err)
		return r, nil
	}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		r.PeakRSS = ru.Maxrss << 10 // the whole process, same as for the peers
	}
	f, err := os.Open(filepath.Join(scoreDir, name+".scores"))
	if err != nil {
		r.err = err
		return r, nil
	}
	defer f.Close()
	s, err := eval.ReadScores(f)
	if err != nil {
		r.err = err
	}
	return r, s
}

func runPeer(ctx context.Context, tool, name string, msgs []corpus.Labelled, dir string) (row, []eval.Sample) {
	r := row{Report: eval.Report{Tool: tool, Corpus: name, Mode: "full"}}
	var p peer
	var err error
	switch tool {
	case "bogofilter":
		p, err = newBogofilter(ctx, dir)
	case "spamprobe":
		p, err = newSpamprobe(ctx, dir)
	case "spamassassin":
		p, err = newSpamassassin(ctx, dir)
	}
	if err != nil {
		r.err = err
		return r, nil
	}
	out, err := eval.Protocol(ctx, msgs, p, eval.Options{Mode: eval.Full, Read: os.ReadFile,
		Progress: func(done, total int) {
			if done%2000 == 0 {
				fmt.Fprintf(os.Stderr, "  %s: %d/%d\n", tool, done, total)
			}
		}})
	size, cerr := p.Close()
	if err == nil {
		err = cerr
	}
	if err != nil {
		r.err = err
		return r, nil
	}
	r.Report = eval.NewReport(tool, name, eval.Full, out)
	r.PeakRSS = p.Peak()
	r.StoreBytes = size
	if n, ok := p.(interface{ Note() string }); ok {
		r.Note = n.Note()
	}
	return r, out.Samples
}

func writeScores(path string, s []eval.Sample) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := eval.WriteScores(f, s); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func renderTable(rows []row) string {
	var b strings.Builder
	b.WriteString("| tool | corpus | msgs | (1-ROCA)% | LAM% | ham-as-spam% | spam-as-ham% | spam caught @0.1% ham | msgs/s | peak RSS | store |\n")
	b.WriteString("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n")
	for _, r := range rows {
		if r.err != nil {
			fmt.Fprintf(&b, "| %s | %s | failed: %s | | | | | | | | |\n", r.Tool, r.Corpus, oneLine(r.err.Error()))
			continue
		}
		speed, peak, store := fmt.Sprintf("%.0f", r.MsgsPerSec), eval.FormatBytes(r.PeakRSS), eval.FormatBytes(r.StoreBytes)
		if r.prefix {
			speed, peak, store = "(prefix)", "", ""
		}
		fmt.Fprintf(&b, "| %s | %s | %d | %s | %s | %s | %s | %s | %s | %s | %s |\n",
			r.Tool, r.Corpus, r.Messages, r.OneMinusROCA.Format(4), r.LAM.Format(3), r.HamAsSpam.Format(3), r.SpamAsHam.Format(3),
			r.SpamCaughtAt01.Format(2), speed, peak, store)
	}
	return b.String()
}

func oneLine(s string) string {
	s = strings.ReplaceAll(s, "\n", " ")
	s = strings.ReplaceAll(s, "|", "/")
	if len(s) > 200 {
		s = s[:200] + "..."
	}
	return s
}

func renderDoc(rows []row, table string, corpora []string, started time.Time, scoreDir, vers string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# mailwarden vs. Debian's Bayesian filters, %s\n\n", started.Format("2006-01-02 15:04"))
	fmt.Fprintf(&b, "Corpora: %s. Run time %s on %d CPUs (%s).\n\n", strings.Join(corpora, ", "), time.Since(started).Round(time.Second), runtime.NumCPU(), cpuModel())
	b.WriteString("Versions: " + vers + "\n\n")
	b.WriteString(table)
	b.WriteString(`
Protocol (TREC spam track, immediate feedback): every message in index order is classified, then trained
with its gold label, by every tool, from an empty store. Headers named X-Spam* and X-Bogosity were stripped
for every tool first (bench/benchtool prepare); the mbox From line is dropped. All metrics come from the
same Go code (internal/eval) applied to each tool's (gold, score, verdict) triples; the score files are in
` + scoreDir + `.

- (1-ROCA)%: area above the ROC curve, ties count one half. LAM%: TREC's logistic average of the two
  misclassification rates, each smoothed as (errors+0.5)/(n+0.5).
- ham-as-spam%: ham with a Spam verdict (Unsure does not count). spam-as-ham%: spam with a Ham or Unsure
  verdict. Both at each tool's default threshold.
- spam caught @0.1% ham: spam scored above the best threshold that loses at most 0.1% of the ham.
- msgs/s: messages through classify + train, wall time. mailwarden runs in one process (` + "`mailwarden eval`" + `);
  bogofilter and spamprobe start one process to classify and one to train per message (their batch modes
  cannot interleave training with classification); SpamAssassin runs as spamd, with one spamc per call.
- peak RSS: the largest max-RSS of any process of the tool (for SpamAssassin: the spamd processes).
  store: the tool's database files after the run.

Configurations (defaults unless said):
- mailwarden: classifier.DefaultOptions().
- bogofilter: ` + "`bogofilter -d DIR -TT`" + ` (score, verdict from the exit code at its default cutoffs ham 0.45,
  spam 0.99), then ` + "`-s`/`-n`" + `. No word list before the first registration: those messages count as unsure 0.5.
- spamprobe: ` + "`spamprobe -d DIR create-db`" + ` once, then ` + "`score`" + ` (SPAM/GOOD at its default threshold) and ` + "`spam`/`good`" + `
  (always train). Not ` + "`receive`" + ` (trains with its own verdict) nor ` + "`train-spam`/`train-good`" + ` (train only on
  difficult messages).
- spamassassin: the Bayes classifier alone under spamd (Check + Bayes plugins, stock 10_default_prefs.cf,
  20_aux_tlds.cf, 23_bayes.cf and BAYES_* scores), bayes_auto_learn 0, trained with ` + "`spamc -L`" + `
  (spamd --allow-tell, the same as sa-learn). Its defaults stay: no Bayes opinion (0.5) before 200 spam
  and 200 ham are learned; spamc does not scan messages over 500 KB (0.5). Score: the Bayes probability
  (_BAYES_, 4 decimals). Verdict: SpamAssassin has no Bayes-only threshold (required_score 5 is out of
  reach of BAYES_* alone), so probability > 0.5 is spam, < 0.5 ham, 0.5 unsure.
`)
	for _, r := range rows {
		if r.Note != "" {
			fmt.Fprintf(&b, "- note (%s, %s): %s\n", r.Tool, r.Corpus, r.Note)
		}
	}
	return b.String()
}

func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return "unknown CPU"
	}
	for _, l := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(l, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown CPU"
}

func versions() string {
	var parts []string
	for _, p := range []string{"bogofilter", "spamprobe", "spamassassin"} {
		out, err := exec.Command("dpkg-query", "-W", "-f", "${Version}", p).Output()
		v := strings.TrimSpace(string(out))
		if err != nil || v == "" {
			v = "?"
		}
		parts = append(parts, p+" "+v)
	}
	if out, err := exec.Command("git", "describe", "--always", "--dirty").Output(); err == nil {
		parts = append(parts, "mailwarden "+strings.TrimSpace(string(out)))
	}
	return strings.Join(parts, ", ")
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
