package eval

import (
	"bytes"
)

// IsLabelHeader reports whether a header field name leaks the corpus label:
// it starts with "X-Spam" or is "X-Bogosity" (both case-insensitive).
func IsLabelHeader(name []byte) bool {
	name = bytes.TrimRight(name, " \t")
	const prefix = "x-spam"
	if len(name) >= len(prefix) && bytes.EqualFold(name[:len(prefix)], []byte(prefix)) {
		return true
	}
	return bytes.EqualFold(name, []byte("x-bogosity"))
}

// StripLabelHeaders returns msg without the header fields for which
// IsLabelHeader is true, continuation lines included. The body, the line
// ends (CRLF or LF) and every other header line are kept byte for byte; a
// leading mbox "From " line is kept too. msg itself is returned when there
// is nothing to strip.
func StripLabelHeaders(msg []byte) []byte {
	var out []byte // nil until the first dropped line
	dropping := false
	pos := 0
	for pos < len(msg) {
		end := bytes.IndexByte(msg[pos:], '\n')
		next := len(msg)
		if end >= 0 {
			next = pos + end + 1
		}
		line := msg[pos:next]
		content := bytes.TrimRight(line, "\r\n")
		if len(content) == 0 {
			// The empty line ends the header: the rest is body.
			break
		}
		switch {
		case content[0] == ' ' || content[0] == '\t':
			// A continuation line belongs to the field before it.
		default:
			dropping = false
			if colon := bytes.IndexByte(content, ':'); colon > 0 && IsLabelHeader(content[:colon]) {
				dropping = true
			}
		}
		if dropping && out == nil {
			out = make([]byte, 0, len(msg))
			out = append(out, msg[:pos]...)
		} else if !dropping && out != nil {
			out = append(out, line...)
		}
		pos = next
	}
	if out == nil {
		return msg
	}
	return append(out, msg[pos:]...)
}
