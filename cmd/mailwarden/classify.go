package main

import (
	"context"
	"fmt"
	"os"
	"strconv"

	"github.com/mailwarden/mailwarden/classifier"
)

func cmdClassify(ctx context.Context, args []string) error {
	batchGC()
	fs := newFlags("classify")
	storeDir := storeFlag(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return usageError{"give one or more message files (or directories)"}
	}
	if err := storeIsDir(*storeDir); err != nil {
		return err
	}
	if err := needTrainedStore(*storeDir); err != nil {
		return err
	}
	files, err := messageFiles(fs.Args())
	if err != nil {
		return err
	}
	m, err := classifier.Open(*storeDir, classifier.DefaultOptions())
	if err != nil {
		return storeError(err, *storeDir, false)
	}
	batchGCLoaded()
	if s, h := m.Counts(); s == 0 || h == 0 {
		fmt.Fprintln(os.Stderr, lang.T("classify untrained", *storeDir, s, h))
	}
	w := newLineWriter(os.Stdout)
	defer w.Flush()
	// One buffer for every file and one for every output line: Classify
	// keeps nothing of the message it is given, and a batch of small files
	// otherwise spends a fifth of its time in the runtime's file and
	// allocation machinery.
	var rd messageReader
	var line []byte
	blocking := mayBlock(fs.Args())
	for _, f := range files {
		if err := ctx.Err(); err != nil {
			return err
		}
		var raw []byte
		if blocking[f] {
			raw, err = readMessageCtx(ctx, f) // Ctrl-C must end a wait on a FIFO
		} else {
			raw, err = rd.read(f)
		}
		if err != nil {
			return err
		}
		warnNotMail(f, raw)
		r := scoreOf(m, raw)
		// Same text as "%s\t%.6f\t%s\n" (fmt formats %.6f with
		// strconv's 'f' and precision 6).
		line = append(line[:0], f...)
		line = append(line, '\t')
		line = strconv.AppendFloat(line, r.Score, 'f', 6, 64)
		line = append(line, '\t')
		line = append(line, r.Verdict.String()...)
		line = append(line, '\n')
		if _, err := w.Write(line); err != nil {
			return err
		}
	}
	return nil
}

// messageReader reads message files into one reused buffer; the bytes a
// read returns are valid until the next read. Like readMessage, a file over
// maxMessageFile is cut there.
type messageReader struct {
	buf []byte
}

// maxKeptRead is the largest read buffer kept for the next message. A
// buffer grown for one big message (up to maxMessageFile) would otherwise
// stay in the heap for the rest of the batch and eat the collector's
// headroom (batchGCLoaded): after one 29 MB message it collected 331 times
// in 31,000 messages instead of 6.
const maxKeptRead = 1 << 20

// room returns the buffer with at least n bytes of capacity (n capped at
// maxMessageFile).
func (r *messageReader) room(n int64) []byte {
	n = min(n, maxMessageFile)
	if cap(r.buf) > maxKeptRead {
		r.buf = nil // the previous message's is done with: let it go
	}
	if int64(cap(r.buf)) < n {
		r.buf = make([]byte, max(n, 64<<10))
	}
	return r.buf[:cap(r.buf)]
}

// mayBlock lists the paths among args whose open or read can wait for
// another process: standard input, FIFOs and other files that are not
// regular. Directories give regular files only (messageFiles).
func mayBlock(args []string) map[string]bool {
	out := map[string]bool{}
	for _, a := range args {
		if a == stdinPath {
			out[a] = true
			continue
		}
		if fi, err := os.Stat(a); err == nil && !fi.IsDir() && !fi.Mode().IsRegular() {
			out[a] = true
		}
	}
	return out
}

// scoreOf scores a message for classify; an empty one (no bytes, or white
// space only) is not scored at all: there is nothing to judge, and the
// store's tokens of an empty body would still make a score of it. It is
// listed unsure at 0.5, as warnNotMail says.
func scoreOf(m *classifier.Model, raw []byte) classifier.Result {
	if isEmpty(raw) {
		return classifier.Result{Score: 0.5, Verdict: classifier.Unsure}
	}
	return m.Score(raw) // no reasons: only score and verdict are printed
}
