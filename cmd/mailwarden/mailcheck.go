package main

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"

	"github.com/mailwarden/mailwarden/classifier"
	"github.com/mailwarden/mailwarden/daemon"
	"github.com/mailwarden/mailwarden/i18n"
)

// looksLikeMail reports whether raw starts like a mail message: a header
// field ("Name: value", the name printable ASCII without a colon), after
// an mbox "From " line if there is one. It keeps train from learning a
// stray file of a mail folder (an index, a .DS_Store, a picture) as mail,
// and lets classify warn that it judged something else.
func looksLikeMail(raw []byte) bool {
	if bytes.HasPrefix(raw, []byte("From ")) {
		i := bytes.IndexByte(raw, '\n')
		if i < 0 {
			return false
		}
		raw = raw[i+1:]
	}
	for i, c := range raw {
		switch {
		case c == ':':
			return i > 0
		case c < 33 || c > 126 || i >= 76:
			// A control byte, white space or a long run: not a field name.
			return false
		}
	}
	return false
}

// isEmpty reports whether a message file holds nothing but white space.
func isEmpty(raw []byte) bool { return len(bytes.TrimSpace(raw)) == 0 }

// notMailText says why the file at path, which looksLikeMail refused, is
// not a message: it is empty, or it does not start with header fields.
func notMailText(path string, raw []byte) string {
	if isEmpty(raw) {
		return lang.T("file empty", path)
	}
	return lang.T("not mail", path)
}

// pathError words a failed stat, open or read of a message path for the
// user, in their language, with what to do.
func pathError(path string, err error) error {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return errors.New(lang.T("path missing", path))
	case errors.Is(err, fs.ErrPermission):
		return errors.New(lang.T("path denied", path))
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err // the path is said once, by the text
	}
	return errors.New(lang.T("path unreadable", path, err.Error()))
}

// warnNotMail warns on standard error, for classify and explain, that the
// file at path is empty or not mail, and is judged all the same (its line
// of output stays, for scripts).
func warnNotMail(path string, raw []byte) {
	switch {
	case isEmpty(raw):
		fmt.Fprintln(os.Stderr, lang.T("empty judged", path))
	case !looksLikeMail(raw):
		fmt.Fprintln(os.Stderr, lang.T("not mail judged", notMailText(path, raw)))
	}
}

// storeIsDir refuses a --store that names a file: the token store lives in
// a directory (classifier.StoreFile inside it). A missing one is fine here.
func storeIsDir(dir string) error {
	if fi, err := os.Stat(dir); err == nil && !fi.IsDir() {
		return errors.New(lang.T("store is file", dir))
	}
	return nil
}

// storeWritable checks, before any input is read, that train can save the
// token store in dir: in dir itself, or, where it does not exist yet, in
// the nearest directory above it that does (train creates the rest). A
// file is written there and removed: permission bits say nothing to root,
// nor of a read-only mount.
func storeWritable(dir string) error {
	if err := storeIsDir(dir); err != nil {
		return err
	}
	d := dir
	for {
		fi, err := os.Stat(d)
		if err == nil {
			if !fi.IsDir() {
				return errors.New(lang.T("store under file", dir, d))
			}
			break
		}
		up := filepath.Dir(d)
		// Not there, or a file on the way (ENOTDIR): look further up.
		if !errors.Is(err, fs.ErrNotExist) && !errors.Is(err, syscall.ENOTDIR) || up == d {
			return errors.New(lang.T("store not writable", dir, d, errText(err)))
		}
		d = up
	}
	f, err := os.CreateTemp(d, ".mailwarden-write-check-*")
	if err != nil {
		return errors.New(lang.T("store not writable", dir, d, errText(err)))
	}
	f.Close()
	os.Remove(f.Name())
	return nil
}

// errText is an error without the path a *fs.PathError repeats.
func errText(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return err.Error()
}

// storeError words an error of opening or saving the token store in dir
// for the user: a corrupt store with what to do (for the daemon, forRun:
// set both stores aside, it learns again from the server), a failed save
// with the directory and the fix. Other errors pass unchanged.
func storeError(err error, dir string, forRun bool) error {
	var ce *classifier.CorruptError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &ce) && forRun:
		state := filepath.Join(dir, daemon.StateFile)
		return errors.New(lang.T("token store corrupt run", ce.Path, damageText(ce), ce.Path, ce.Path, state, state))
	case errors.As(err, &ce):
		return errors.New(lang.T("token store corrupt", ce.Path, damageText(ce), ce.Path, ce.Path, filepath.Join(dir, daemon.StateFile)))
	}
	return err
}

// damageText says what is wrong with a damaged token store, in the user's
// language where the catalog knows the kind of damage.
func damageText(ce *classifier.CorruptError) string {
	if key := "token store damage " + ce.Kind; ce.Kind != "" && i18n.Has(key) {
		return lang.T(key, ce.Args...)
	}
	return ce.Reason
}
