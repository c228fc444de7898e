package classifier

import (
	"bytes"
	"slices"
	"strings"
	"sync"
	"unsafe"
)

// Limits on header parsing, so one message cannot make the work unbounded.
const (
	maxHeaderBytes  = 64 << 10 // header bytes looked at per entity
	maxHeaderFields = 512      // fields kept per entity
)

// field is one header field: its name lower-cased and its raw value with
// folding removed (encoded-words still encoded).
type field struct {
	name  string
	value string

	decoded, note string // the value decoded, once text was called
	done          bool
}

// text returns the value with RFC 2047 words decoded (see decodeHeader),
// decoding it once.
func (f *field) text() (string, string) {
	if !f.done {
		f.decoded, f.note = decodeHeader(f.value)
		f.done = true
	}
	return f.decoded, f.note
}

// headerGet returns the first value of the named (lower-case) field.
func headerGet(h []field, name string) (string, bool) {
	for _, f := range h {
		if f.name == name {
			return f.value, true
		}
	}
	return "", false
}

// commonNames interns the names of frequent fields, in their usual
// spellings, so most fields cost no allocation for the name.
var commonNames = func() map[string]string {
	m := map[string]string{}
	for _, n := range []string{
		"Received", "Subject", "From", "To", "Cc", "Date", "Message-ID", "Message-Id",
		"Content-Type", "Content-Transfer-Encoding", "MIME-Version", "Mime-Version",
		"Return-Path", "Reply-To", "Sender", "Delivered-To", "X-Mailer", "User-Agent",
		"Content-Disposition", "In-Reply-To", "References", "List-Id", "List-Unsubscribe",
		"List-Subscribe", "List-Post", "List-Help", "List-Archive", "Precedence",
		"X-Original-To", "Errors-To", "X-Priority", "X-MSMail-Priority", "X-MimeOLE",
		"Importance", "Organization", "X-Originating-IP", "Authentication-Results",
		"Received-SPF", "DKIM-Signature", "DomainKey-Signature", "X-Beenthere",
		"X-Mailman-Version", "Content-Language", "Thread-Index", "Thread-Topic",
		"X-Virus-Scanned", "Status", "Content-Length", "Lines", "X-Spam-Status",
		"X-Spam-Level", "X-Spam-Flag", "X-Spam-Checker-Version", "Content-ID",
		"Content-Description", "X-Antivirus", "X-Antivirus-Status", "X-Accept-Language",
	} {
		l := strings.ToLower(n)
		m[n], m[l], m[strings.ToUpper(n)] = l, l, l
	}
	return m
}()

// validFieldName reports whether b can be a header field name (RFC 5322
// printable ASCII except colon and space).
func validFieldName(b []byte) bool {
	if len(b) == 0 || len(b) > 128 {
		return false
	}
	for _, c := range b {
		if c <= 32 || c >= 127 || c == ':' {
			return false
		}
	}
	return true
}

// splitHeader parses the header block at the start of b, whose line endings
// are already LF. It returns the fields and the body. A message that starts
// with a blank line, or with a line that is not a header field, has no
// header. A line that is not a field in the middle of the header ends it
// (its text is taken as body, never dropped). A header with no blank line
// after it has an empty body.
func splitHeader(b []byte) ([]field, []byte) {
	return splitHeaderTo(nil, b, nil)
}

// splitHeaderTo is splitHeader appending the fields to dst (a buffer the
// caller reuses): the fields are all[len(dst):]. With arena nil the names
// and values own their memory. Otherwise they are views of b and of
// *arena (where folded values are unfolded), for a caller that is done
// with them before b changes or *arena is reused: no copy of the block.
func splitHeaderTo(dst []field, b []byte, arena *[]byte) (all []field, body []byte) {
	// mbox "From " separator line.
	if bytes.HasPrefix(b, []byte("From ")) {
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			b = b[i+1:]
		} else {
			return dst, nil
		}
	}
	hs := headerScans.Get().(*headerScan)
	hs.locs, hs.end, hs.arena = hs.locs[:0], 0, arena
	rest := hs.scan(b)
	fields := hs.fields(dst, b)
	clear(hs.locs) // drop the folded values
	hs.arena = nil
	headerScans.Put(hs)
	return fields, rest
}

// headerScan finds the fields of a header block. Unfolded values (most of
// them) and names are then cut from one string of the block: one
// allocation for the block instead of one per field.
type headerScan struct {
	locs  []fieldLoc
	end   int     // bytes of b the unfolded fields reach
	arena *[]byte // see splitHeaderTo
	cur   []byte  // scan's buffer for a folded value
}

// headerScans are reused: their location buffers grow to the size of a
// typical header once.
var headerScans = sync.Pool{New: func() any { return &headerScan{locs: make([]fieldLoc, 0, 32)} }}

type fieldLoc struct {
	nameA, nameE int
	valA, valE   int    // the value, when it is one line
	folded       string // the value with its continuation lines, when folded
	isFolded     bool
}

// fields appends the fields found to dst.
func (h *headerScan) fields(dst []field, b []byte) []field {
	if len(h.locs) == 0 {
		return dst
	}
	var hs string
	if h.arena != nil {
		hs = unsafe.String(unsafe.SliceData(b), h.end)
	} else {
		hs = string(b[:h.end])
	}
	k := len(dst)
	dst = slices.Grow(dst, len(h.locs))[:k+len(h.locs)]
	out := dst[k:]
	clear(out)
	for i, l := range h.locs {
		name := b[l.nameA:l.nameE]
		if n, ok := commonNames[string(name)]; ok {
			out[i].name = n
		} else {
			out[i].name = strings.ToLower(hs[l.nameA:l.nameE])
		}
		if l.isFolded {
			out[i].value = l.folded
		} else {
			out[i].value = strings.TrimSpace(hs[l.valA:l.valE])
		}
	}
	return dst
}

// own returns v as a string that outlives the scan: a copy, or a view of
// the arena once v is appended to it.
func (h *headerScan) own(v []byte) string {
	if h.arena == nil || len(v) == 0 {
		return string(v)
	}
	a := *h.arena
	n := len(a)
	a = append(a, v...)
	*h.arena = a
	return unsafe.String(&a[n], len(v))
}

// scan reads the header block at the start of b and returns the body.
func (h *headerScan) scan(b []byte) []byte {
	// cur is the value of the field being read, with continuation lines;
	// its buffer is kept for the next scan (folded values are copied out).
	cur := h.cur[:0]
	defer func() { h.cur = cur[:0] }()
	folded := false
	var loc fieldLoc
	inField := false
	flush := func() {
		if inField && len(h.locs) < maxHeaderFields {
			if folded {
				loc.isFolded, loc.folded = true, h.own(bytes.TrimSpace(cur))
			} else {
				h.end = max(h.end, loc.valE)
			}
			h.end = max(h.end, loc.nameE)
			h.locs = append(h.locs, loc)
		}
		inField, cur, folded = false, cur[:0], false
	}
	// value returns the current value as bytes (folded or not).
	value := func() []byte {
		if folded {
			return cur
		}
		return b[loc.valA:loc.valE]
	}
	fold := func() {
		if !folded {
			cur, folded = append(cur[:0], b[loc.valA:loc.valE]...), true
		}
	}
	pos := 0
	for pos < len(b) {
		if pos > maxHeaderBytes {
			// Oversized header: skip to the blank line, keep what we have.
			flush()
			if i := bytes.Index(b[pos:], []byte("\n\n")); i >= 0 {
				return b[pos+i+2:]
			}
			return nil
		}
		end := bytes.IndexByte(b[pos:], '\n')
		var line []byte
		next := len(b)
		if end < 0 {
			line = b[pos:]
		} else {
			line = b[pos : pos+end]
			next = pos + end + 1
		}
		if len(line) == 0 {
			flush()
			return b[next:]
		}
		if line[0] == ' ' || line[0] == '\t' {
			if inField {
				fold()
				cur = append(cur, line...)
				pos = next
				continue
			}
			if len(h.locs) == 0 {
				h.locs = h.locs[:0]
				return b // starts with indented text: no header at all
			}
			pos = next
			continue
		}
		colon := bytes.IndexByte(line, ':')
		if colon <= 0 || !validFieldName(bytes.TrimRight(line[:colon], " \t")) {
			if inField && bytes.HasSuffix(bytes.TrimRight(value(), " \t"), []byte(";")) &&
				bytes.IndexByte(line, '=') > 0 {
				// A parameter whose folding lost its leading white space
				// ("Content-Type: multipart/mixed;" then "boundary=...").
				fold()
				cur = append(cur, ' ')
				cur = append(cur, line...)
				pos = next
				continue
			}
			flush()
			if len(h.locs) == 0 {
				return b
			}
			return b[pos:]
		}
		flush()
		inField = true
		loc = fieldLoc{nameA: pos, nameE: pos + len(bytes.TrimRight(line[:colon], " \t")),
			valA: pos + colon + 1, valE: pos + len(line)}
		pos = next
	}
	flush()
	return nil
}

// mediaParams are the parameters of a media type, names lower-cased; the
// first of a repeated name counts. Up to four are held without an
// allocation.
type mediaParams struct {
	n    int
	kv   [4]mediaParam
	more []mediaParam
}

type mediaParam struct{ name, value string }

// get returns the value of the named parameter ("" if absent).
func (m *mediaParams) get(name string) string {
	for i := 0; i < m.n && i < len(m.kv); i++ {
		if m.kv[i].name == name {
			return m.kv[i].value
		}
	}
	for _, p := range m.more {
		if p.name == name {
			return p.value
		}
	}
	return ""
}

func (m *mediaParams) add(name, value string) {
	if m.has(name) {
		return
	}
	if m.n < len(m.kv) {
		m.kv[m.n] = mediaParam{name, value}
	} else {
		m.more = append(m.more, mediaParam{name, value})
	}
	m.n++
}

func (m *mediaParams) has(name string) bool {
	for i := 0; i < m.n && i < len(m.kv); i++ {
		if m.kv[i].name == name {
			return true
		}
	}
	for _, p := range m.more {
		if p.name == name {
			return true
		}
	}
	return false
}

// parseMediaType is a tolerant Content-Type parser: it returns the media
// type lower-cased (possibly "") and the parameters with lower-cased names.
// Unlike mime.ParseMediaType it never fails: broken parameters are skipped.
func parseMediaType(v string) (string, mediaParams) {
	mt, rest, _ := strings.Cut(v, ";")
	mt = strings.ToLower(strings.TrimSpace(mt))
	var params mediaParams
	for rest != "" {
		rest = strings.TrimLeft(rest, " \t;")
		eq := strings.IndexByte(rest, '=')
		if eq < 0 {
			break
		}
		name := strings.ToLower(strings.TrimSpace(rest[:eq]))
		rest = strings.TrimLeft(rest[eq+1:], " \t")
		var val string
		if strings.HasPrefix(rest, `"`) {
			// Quoted string with backslash escapes.
			var sb strings.Builder
			i := 1
			for ; i < len(rest); i++ {
				c := rest[i]
				if c == '\\' && i+1 < len(rest) {
					i++
					sb.WriteByte(rest[i])
					continue
				}
				if c == '"' {
					i++
					break
				}
				sb.WriteByte(c)
			}
			val = sb.String()
			rest = rest[min(i, len(rest)):]
			if j := strings.IndexByte(rest, ';'); j >= 0 {
				rest = rest[j:]
			} else {
				rest = ""
			}
		} else {
			j := strings.IndexAny(rest, "; \t")
			if j < 0 {
				val, rest = rest, ""
			} else {
				val, rest = rest[:j], rest[j:]
				if k := strings.IndexByte(rest, ';'); k >= 0 {
					rest = rest[k:]
				} else {
					rest = ""
				}
			}
		}
		// RFC 2231: name*=charset'lang'value; keep the value part.
		if strings.HasSuffix(name, "*") {
			name = strings.TrimSuffix(name, "*")
			if p := strings.SplitN(val, "'", 3); len(p) == 3 {
				val = p[2]
			}
		}
		if name == "" {
			continue
		}
		params.add(name, val)
	}
	return mt, params
}

// decodeHeader decodes RFC 2047 encoded-words in a header value to UTF-8.
// Adjacent encoded-words (separated only by white space) in the same charset
// are joined as bytes before charset decoding, so an ISO-2022-JP run cut in
// the middle of a JIS sequence, or even of one character, comes out whole.
// Raw 8-bit or ISO-2022-JP text outside encoded-words is decoded by
// detection. It also returns a note when a label was overridden.
func decodeHeader(v string) (string, string) {
	if !strings.Contains(v, "=?") {
		return decodeRawHeader(v)
	}
	var out strings.Builder
	var note string
	var pend []byte // decoded bytes of the current run of encoded-words
	pendCharset := ""
	flushPend := func() {
		if pendCharset == "" && len(pend) == 0 {
			return
		}
		s, n := decodeCharset(pend, pendCharset)
		out.WriteString(s)
		if n != "" && note == "" {
			note = n
		}
		pend, pendCharset = pend[:0], ""
	}
	rest := v
	for rest != "" {
		i := strings.Index(rest, "=?")
		if i < 0 {
			break
		}
		cs, payload, ok := parseEncodedWord(rest[i:])
		if !ok {
			// Not an encoded-word: emit through the "=?" and go on.
			flushPend()
			t, _ := decodeRawHeader(rest[:i+2])
			out.WriteString(t)
			rest = rest[i+2:]
			continue
		}
		between := rest[:i]
		if pendCharset != "" && strings.TrimSpace(between) == "" && strings.EqualFold(cs, pendCharset) {
			// White space between adjacent encoded-words is dropped (RFC 2047 6.2).
		} else {
			flushPend()
			t, _ := decodeRawHeader(between)
			out.WriteString(t)
		}
		if pendCharset == "" {
			pendCharset = cs
		}
		pend = append(pend, payload.data...)
		rest = rest[i+payload.n:]
	}
	flushPend()
	if rest != "" {
		t, _ := decodeRawHeader(rest)
		out.WriteString(t)
	}
	return out.String(), note
}

// decodeRawHeader decodes header text that is not an encoded-word: plain
// ASCII passes through; 8-bit bytes or ISO-2022-JP escapes go to detection.
func decodeRawHeader(s string) (string, string) {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 || s[i] == 0x1b {
			return decodeCharset([]byte(s), "")
		}
	}
	return s, ""
}

// maxEncodedWord bounds the encoded text of one encoded-word.
const maxEncodedWord = 1024

type encodedPayload struct {
	data []byte
	n    int // bytes of the source consumed, through "?="
}

// parseEncodedWord parses "=?charset?B|Q?text?=" at the start of s.
func parseEncodedWord(s string) (string, encodedPayload, bool) {
	if !strings.HasPrefix(s, "=?") {
		return "", encodedPayload{}, false
	}
	q1 := strings.IndexByte(s[2:], '?')
	if q1 <= 0 || q1 > 64 {
		return "", encodedPayload{}, false
	}
	cs := s[2 : 2+q1]
	r := s[2+q1+1:]
	if len(r) < 2 || r[1] != '?' {
		return "", encodedPayload{}, false
	}
	encChar := r[0] | 0x20
	if encChar != 'b' && encChar != 'q' {
		return "", encodedPayload{}, false
	}
	r = r[2:]
	// An encoded-word is at most 75 bytes (RFC 2047); broken mailers write
	// longer ones, but looking further than maxEncodedWord for the end
	// would make a header full of "=?" quadratic.
	end := strings.Index(r[:min(len(r), maxEncodedWord)], "?=")
	if end < 0 {
		return "", encodedPayload{}, false
	}
	text := r[:end]
	if strings.ContainsAny(text, " \t") && encChar == 'b' {
		return "", encodedPayload{}, false
	}
	consumed := len(s) - len(r) + end + 2
	if i := strings.IndexByte(cs, '*'); i >= 0 {
		cs = cs[:i]
	}
	var data []byte
	if encChar == 'b' {
		data = decodeBase64Loose([]byte(text))
	} else {
		data = decodeQWord(text)
	}
	return cs, encodedPayload{data: data, n: consumed}, true
}

// decodeQWord decodes the RFC 2047 "Q" encoding.
func decodeQWord(s string) []byte {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '_':
			out = append(out, ' ')
		case c == '=' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]):
			out = append(out, unhex(s[i+1])<<4|unhex(s[i+2]))
			i += 2
		default:
			out = append(out, c)
		}
	}
	return out
}
