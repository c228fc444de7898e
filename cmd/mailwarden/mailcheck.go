package main

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
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
