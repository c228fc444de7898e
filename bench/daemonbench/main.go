//go:build linux

// Command daemonbench measures `mailwarden run` against the thing users run
// today for the same job, Thunderbird left running, on the targets of the
// daemon (issue 6): three IMAP accounts watched with IDLE on a local Dovecot
// and a token store trained on 20,000 messages; resident memory, CPU while
// idle over 5 minutes, and delivery → moved to Junk latency. It prints one
// table (also written to OUT/daemon-DATE.md). bench/daemon.sh installs what
// it needs and builds it.
//
// What it does, in order:
//
//  1. The corpus (trec07p-1-20000 by default) with X-Spam*/X-Bogosity header
//     fields stripped: the newest -deliver spam are held out for delivery;
//     before them, per account, -seed-ham ham and -seed-spam spam are put on
//     the server (ham in INBOX, spam in Junk) for the first start; the rest is
//     trained into the token store with `mailwarden train`.
//  2. mailwarden: a Dovecot with accounts u1, u2, u3; `mailwarden run` over
//     implicit TLS; wait until Status says every account is online and
//     Dovecot's protocol log shows each in IDLE on INBOX; deliver the held-out
//     spam round-robin (`doveadm save`, like the MTA), one every -interval;
//     latency from the end of each delivery to the move-to-junk action on the
//     local API's event stream; then, after -settle, an idle window of -idle
//     (default 5 minutes): PSS and RSS from /proc/PID/smaps_rollup, CPU from
//     utime+stime in /proc/PID/stat, sampled every -sample.
//  3. Thunderbird (the Debian package) under its own Xvfb with a throw-away
//     profile holding the same three accounts (prefs.js), on a second Dovecot
//     seeded the same way; its password prompts answered with xdotool; logged
//     in and in IDLE checked in Dovecot; the same spam delivered, its junk
//     filter's verdicts and moves read from the server; the same idle window,
//     PSS and CPU summed over all its processes.
//
// Nothing but loopback is used; every process started is stopped at the end.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"syscall"
	"time"

	"github.com/mailwarden/mailwarden/internal/corpus"
)

// options are the command-line flags.
type options struct {
	corpus       string
	mailwarden   string
	out          string
	work         string
	keep         bool
	deliver      int
	interval     time.Duration
	idle         time.Duration
	settle       time.Duration
	sample       time.Duration
	seedHam      int
	seedSpam     int
	thunderbird  bool
	mwRun        bool
	loginTimeout time.Duration
	note         string
}

func main() {
	var o options
	flag.StringVar(&o.corpus, "corpus", "trec07p-1-20000", "corpus: a name in ../shared/corpus (or $MAILWARDEN_CORPUS), NAME.tar.xz or an unpacked directory")
	flag.StringVar(&o.mailwarden, "mailwarden", "bin/mailwarden", "the mailwarden binary to measure")
	flag.StringVar(&o.out, "out", "bench/out", "directory for daemon-DATE.md")
	flag.StringVar(&o.work, "work", "", "scratch directory (default: a new temporary directory, removed at the end)")
	flag.BoolVar(&o.keep, "keep", false, "keep the scratch directory (logs, profiles, protocol logs)")
	flag.IntVar(&o.deliver, "deliver", 60, "held-out spam delivered live, round-robin over the three accounts")
	flag.DurationVar(&o.interval, "interval", time.Second, "time between deliveries")
	flag.DurationVar(&o.idle, "idle", 5*time.Minute, "idle measuring window (shorten only for a smoke run)")
	flag.DurationVar(&o.settle, "settle", 15*time.Second, "quiet time between the last delivery's outcome and the idle window")
	flag.DurationVar(&o.sample, "sample", 2*time.Second, "memory and CPU sampling period")
	flag.IntVar(&o.seedHam, "seed-ham", 24, "ham per account in INBOX before the first start")
	flag.IntVar(&o.seedSpam, "seed-spam", 12, "spam per account in Junk before the first start")
	flag.BoolVar(&o.mwRun, "mailwarden-run", true, "measure mailwarden (false: Thunderbird alone, to try its half)")
	flag.BoolVar(&o.thunderbird, "thunderbird", true, "also measure Thunderbird (needs thunderbird, Xvfb, xdotool)")
	flag.DurationVar(&o.loginTimeout, "login-timeout", 3*time.Minute, "how long to try to log Thunderbird in")
	flag.StringVar(&o.note, "note", "", "a line added to the report (e.g. how the binary was built)")
	flag.Parse()
	if flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "daemonbench takes flags only; -h for the list")
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// A benchmark stops by itself: set-up, two deliveries and two windows
	// with room to spare.
	limit := 30*time.Minute + 2*(o.idle+o.settle) + 4*time.Duration(o.deliver)*o.interval + o.loginTimeout
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	if err := run(ctx, o); err != nil {
		fmt.Fprintln(os.Stderr, "daemonbench:", err)
		os.Exit(1)
	}
}

// say reports progress on stderr.
func say(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "daemonbench %s  "+format+"\n", append([]any{time.Now().Format("15:04:05")}, args...)...)
}

func run(ctx context.Context, o options) error {
	if runtime.GOOS != "linux" {
		return errors.New("daemonbench reads /proc: Linux only")
	}
	if _, err := os.Stat(o.mailwarden); err != nil {
		return fmt.Errorf("mailwarden binary: %w (build it, or use bench/daemon.sh)", err)
	}
	bin, err := filepath.Abs(o.mailwarden)
	if err != nil {
		return err
	}
	o.mailwarden = bin
	if o.work == "" {
		dir, err := os.MkdirTemp("", "mw-daemonbench-")
		if err != nil {
			return err
		}
		o.work = dir
		if !o.keep {
			defer os.RemoveAll(dir)
		}
	} else if err := os.MkdirAll(o.work, 0o755); err != nil {
		return err
	}
	path := o.corpus
	if _, err := os.Stat(path); err != nil {
		if path, err = corpus.Shared(".", o.corpus); err != nil {
			return err
		}
	}
	rep := &report{opts: o, started: time.Now(), loadStart: loadavg()}
	say("corpus %s: holding out %d spam, seeding %d ham + %d spam per account, writing the rest for training", path, o.deliver, o.seedHam, o.seedSpam)
	sp, err := prepareCorpus(path, o.work, len(users), o.deliver, o.seedHam, o.seedSpam)
	if err != nil {
		return err
	}
	rep.split = sp
	rep.corpus = path

	if o.mwRun {
		if rep.mw, err = measureMailwarden(ctx, o, sp); err != nil {
			return fmt.Errorf("mailwarden: %w", err)
		}
	}
	if o.thunderbird {
		rep.tb, err = measureThunderbird(ctx, o, sp)
		if err != nil {
			// Report what was measured; say why the rest is missing.
			say("thunderbird: %v", err)
			if rep.tb == nil {
				rep.tb = &result{name: "Thunderbird"}
			}
			rep.tb.failed = err.Error()
		}
	}
	rep.loadEnd = loadavg()
	text := rep.markdown()
	fmt.Print(text)
	if err := os.MkdirAll(o.out, 0o755); err != nil {
		return err
	}
	name := filepath.Join(o.out, "daemon-"+rep.started.Format("2006-01-02-150405")+".md")
	if err := os.WriteFile(name, []byte(text), 0o644); err != nil {
		return err
	}
	say("written to %s", name)
	if o.keep {
		say("scratch directory kept: %s", o.work)
	}
	return nil
}
