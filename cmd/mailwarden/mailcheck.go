package main

import "bytes"

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
