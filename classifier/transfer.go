package classifier

import (
	"bytes"
	"encoding/base64"
)

func isHex(c byte) bool {
	return ('0' <= c && c <= '9') || ('a' <= c && c <= 'f') || ('A' <= c && c <= 'F')
}

func unhex(c byte) byte {
	switch {
	case '0' <= c && c <= '9':
		return c - '0'
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10
	default:
		return c - 'A' + 10
	}
}

// decodeBase64Loose decodes base64 while skipping anything outside the
// alphabet (line breaks, spaces, junk) and stopping at padding. It never fails;
// a trailing partial group decodes as far as it goes.
func decodeBase64Loose(b []byte) []byte {
	clean := make([]byte, 0, len(b))
	for _, c := range b {
		switch {
		case 'A' <= c && c <= 'Z', 'a' <= c && c <= 'z', '0' <= c && c <= '9', c == '+', c == '/':
			clean = append(clean, c)
		case c == '-':
			clean = append(clean, '+') // URL-safe alphabet
		case c == '_':
			clean = append(clean, '/')
		case c == '=':
			// Padding ends a group; data after it (a new group glued on by a
			// broken mailer) is rare, so stop here.
			goto done
		}
	}
done:
	if len(clean)%4 == 1 {
		clean = clean[:len(clean)-1]
	}
	out := make([]byte, base64.RawStdEncoding.DecodedLen(len(clean)))
	n, err := base64.RawStdEncoding.Decode(out, clean)
	if err != nil {
		return out[:n]
	}
	return out[:n]
}

// decodeQuotedPrintable decodes quoted-printable text (LF line endings),
// leaving malformed escapes as they are. The runs between '=' signs are
// copied whole.
func decodeQuotedPrintable(b []byte) []byte {
	return decodeQuotedPrintableTo(make([]byte, 0, len(b)), b)
}

// decodeQuotedPrintableTo is decodeQuotedPrintable appending to out.
func decodeQuotedPrintableTo(out, b []byte) []byte {
	for {
		k := bytes.IndexByte(b, '=')
		if k < 0 {
			return append(out, b...)
		}
		out = append(out, b[:k]...)
		b = b[k:]
		// Soft line break: "=" then optional white space then LF (or the
		// end of the text).
		j := 1
		for j < len(b) && (b[j] == ' ' || b[j] == '\t') {
			j++
		}
		if j == len(b) {
			return out
		}
		if b[j] == '\n' {
			b = b[j+1:]
			continue
		}
		if len(b) > 2 && isHex(b[1]) && isHex(b[2]) {
			out = append(out, unhex(b[1])<<4|unhex(b[2]))
			b = b[3:]
			continue
		}
		out = append(out, '=')
		b = b[1:]
	}
}

// decodeTransfer undoes a Content-Transfer-Encoding; unknown encodings
// (7bit, 8bit, binary, misspellings) pass the bytes through.
func decodeTransfer(b []byte, cte string) []byte {
	switch cte {
	case "base64":
		return decodeBase64Loose(b)
	case "quoted-printable":
		return decodeQuotedPrintable(b)
	}
	return b
}

// decodeTextTransfer is decodeTransfer for a text part, whose decoded bytes
// are read once (decodeTextPart copies what it keeps): quoted-printable is
// decoded into p's reused buffer.
func decodeTextTransfer(p *parsed, b []byte, cte string) []byte {
	if cte == "quoted-printable" {
		p.qpBuf = decodeQuotedPrintableTo(p.qpBuf[:0], b)
		return p.qpBuf
	}
	return decodeTransfer(b, cte)
}
