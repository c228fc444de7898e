package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"time"

	"github.com/mailwarden/mailwarden/classifier"
	"github.com/mailwarden/mailwarden/daemon"
	"github.com/mailwarden/mailwarden/localapi"
	"github.com/mailwarden/mailwarden/store"
)

// maxMessageFile bounds what one message file may cost in memory.
const maxMessageFile = 32 << 20

func cmdTrain(ctx context.Context, args []string) error {
	// Flags and the --spam/--ham lists are mixed: every path after --spam is
	// spam until --ham, and the other way round.
	var storeDir string
	if def, err := defaultStore(); err == nil {
		storeDir = def
	}
	var spam, ham []string
	var list *[]string
	for i := 0; i < len(args); i++ {
		switch a := args[i]; a {
		case "--spam", "-spam":
			list = &spam
		case "--ham", "-ham":
			list = &ham
		case "--store", "-store":
			if i+1 == len(args) {
				return usageError{lang.T("train store dir")}
			}
			i++
			storeDir = args[i]
		case "-h", "--help":
			return usageError{lang.T("usage train")}
		default:
			if list == nil {
				return usageError{lang.T("train which", a)}
			}
			*list = append(*list, a)
		}
	}
	if len(spam)+len(ham) == 0 {
		return usageError{lang.T("train nothing")}
	}
	isStdin := func(p string) bool { return p == stdinPath }
	if len(slices.DeleteFunc(slices.Concat(spam, ham), func(p string) bool { return !isStdin(p) })) > 1 {
		return usageError{lang.T("train stdin twice")}
	}
	if err := needStore(storeDir); err != nil {
		return err
	}
	// Before any input is read: a store that cannot be saved would lose
	// the whole run's work at its end.
	if err := storeWritable(storeDir); err != nil {
		return err
	}
	// Every path is checked before the store is touched: a mistyped one
	// must not leave a new empty store directory behind.
	spamFiles, err := messageFiles(spam)
	if err != nil {
		return err
	}
	hamFiles, err := messageFiles(ham)
	if err != nil {
		return err
	}
	if err := storeNotInUse(ctx, storeDir); err != nil {
		return err
	}
	// The store is opened (and its directory created) at the first
	// message that is mail: a run that trains nothing creates nothing.
	var m *classifier.Model
	var skipped []string
	var firstSkipped string // why the first skipped file is not mail
	var addedSpam, addedHam int
	for _, f := range interleave(spamFiles, hamFiles) {
		if err := ctx.Err(); err != nil {
			return err
		}
		raw, err := readMessageCtx(ctx, f.path)
		if err != nil {
			return err
		}
		if !looksLikeMail(raw) {
			// A stray file of a mail folder must not teach the model.
			skipped = append(skipped, f.path)
			if len(skipped) == 1 {
				firstSkipped = notMailText(f.path, raw)
			}
			continue
		}
		if m == nil {
			if m, err = classifier.Open(storeDir, classifier.DefaultOptions()); err != nil {
				return storeError(err, storeDir, false)
			}
		}
		m.Train(raw, f.spam)
		if f.spam {
			addedSpam++
		} else {
			addedHam++
		}
	}
	if m == nil {
		switch len(skipped) {
		case 0:
			return errors.New(lang.T("train no files"))
		case 1:
			return errors.New(lang.T("nothing trained", firstSkipped))
		}
		return errors.New(lang.T("nothing trained many", len(skipped), skipped[0]))
	}
	if err := m.Save(); err != nil {
		if inner := errors.Unwrap(err); inner != nil {
			err = inner // "save token store: " is said by the text
		}
		return errors.New(lang.T("store save failed", storeDir, errText(err)))
	}
	s, h := m.Counts()
	fmt.Println(lang.T("trained", addedSpam, addedHam, storeDir, s, h))
	switch len(skipped) {
	case 0:
	case 1:
		fmt.Fprintln(os.Stderr, lang.T("not mail skipped one", firstSkipped))
	default:
		fmt.Fprintln(os.Stderr, lang.T("not mail skipped", len(skipped), skipped[0]))
	}
	return nil
}

// labelled is a message file and its class.
type labelled struct {
	path string
	spam bool
}

// interleave merges the spam and ham files, each in its own order, evenly
// (as a line is drawn on a grid): the classifier's online weights learn
// from a mixed stream and little from all the spam and then all the ham.
func interleave(spam, ham []string) []labelled {
	out := make([]labelled, 0, len(spam)+len(ham))
	i, j := 0, 0
	for i < len(spam) || j < len(ham) {
		// Take spam while its share so far is behind its share of the whole.
		if j == len(ham) || (i < len(spam) && i*len(ham) <= j*len(spam)) {
			out = append(out, labelled{spam[i], true})
			i++
		} else {
			out = append(out, labelled{ham[j], false})
			j++
		}
	}
	return out
}

func defaultStore() (string, error) {
	fs := newFlags("x")
	return *storeFlag(fs), nil
}

// messageFiles expands directories (recursively, sorted) into files.
func messageFiles(paths []string) ([]string, error) {
	var out []string
	for _, p := range paths {
		if p == stdinPath {
			out = append(out, p)
			continue
		}
		fi, err := os.Stat(p)
		if err != nil {
			return nil, pathError(p, err)
		}
		if !fi.IsDir() {
			out = append(out, p)
			continue
		}
		var files []string
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return pathError(path, err)
			}
			if d.Type().IsRegular() {
				files = append(files, path)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		sort.Strings(files)
		out = append(out, files...)
	}
	return out, nil
}

// stdinPath names standard input among message files.
const stdinPath = "-"

// readMessageCtx is readMessage that gives up when ctx is done. Only a
// FIFO, a pipe or a terminal can block (a FIFO's open waits for a writer,
// its reads for data) and no read of those can be cancelled, so it runs in
// a goroutine that is left behind: the command is ending anyway.
func readMessageCtx(ctx context.Context, path string) ([]byte, error) {
	if path != stdinPath {
		if fi, err := os.Stat(path); err != nil || fi.Mode().IsRegular() {
			return readMessage(path)
		}
	}
	type result struct {
		raw []byte
		err error
	}
	ch := make(chan result, 1)
	go func() {
		raw, err := readMessage(path)
		ch <- result{raw, err}
	}()
	select {
	case r := <-ch:
		return r.raw, r.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// readMessage reads a message file, or standard input for "-"; a message
// over maxMessageFile is cut there (the classifier reads far less than that
// anyway). A FIFO, a pipe or a terminal is read to its end: its size says
// nothing.
func readMessage(path string) ([]byte, error) {
	f := os.Stdin
	if path != stdinPath {
		var err error
		if f, err = os.Open(path); err != nil {
			return nil, pathError(path, err)
		}
		defer f.Close()
	}
	fi, err := f.Stat()
	// A regular file of size 0 may hold bytes all the same (/proc, /sys):
	// only reading finds its end.
	if err != nil || !fi.Mode().IsRegular() || fi.Size() == 0 {
		raw, err := io.ReadAll(io.LimitReader(f, maxMessageFile))
		if err != nil {
			return nil, pathError(path, err)
		}
		return raw, nil
	}
	// Size the buffer from the file: growing it from 512 bytes cost a
	// seventh of a batch classify.
	size := min(fi.Size(), int64(maxMessageFile))
	raw := make([]byte, size)
	n, err := io.ReadFull(f, raw)
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return nil, pathError(path, err)
	}
	return raw[:n], nil
}

// storeNotInUse refuses to train a token store a running daemon holds in
// memory: its next save would silently drop this training.
func storeNotInUse(ctx context.Context, storeDir string) error {
	cctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	st, err := localapi.NewClient(localapi.DefaultSocketPath(storeDir)).Status(cctx)
	if err != nil {
		return storeNotLocked(storeDir) // no daemon answers on the default socket
	}
	a, _ := filepath.Abs(storeDir)
	b, _ := filepath.Abs(st.Store)
	if a == b {
		return errors.New(lang.T("train daemon busy", st.PID, storeDir))
	}
	return storeNotLocked(storeDir)
}

// storeNotLocked refuses a data directory whose state store a running
// daemon holds (daemon.StateFile is locked while it runs): that catches a
// daemon on another socket, which the socket check cannot reach.
func storeNotLocked(storeDir string) error {
	if store.InUse(filepath.Join(storeDir, daemon.StateFile)) {
		return errors.New(lang.T("store locked", storeDir))
	}
	return nil
}
