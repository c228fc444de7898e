package classifier

import (
	"bytes"
	"strings"
	"sync"
	"unsafe"
)

// Bounds on the work done for one message. Anything past them is not looked
// at; the message is still classified on what was read.
const (
	// MaxMessageBytes is how much of a raw message is parsed.
	MaxMessageBytes = 4 << 20
	// MaxTextBytes is how much decoded text (all parts together) is kept.
	MaxTextBytes = 256 << 10
	// MaxDepth is how deep message/rfc822 and multipart nesting is walked.
	MaxDepth = 32
	// maxParts is how many MIME entities are visited.
	maxParts = 256
)

// Notes recorded in Text.Notes for malformed input.
const (
	NoteMissingClose   = "malformed MIME: missing closing boundary"
	NoteNoBoundary     = "malformed MIME: boundary never appears"
	NoteNoBoundaryParm = "malformed MIME: multipart without boundary"
	NoteTooDeep        = "nesting too deep"
	NoteTooManyParts   = "too many MIME parts"
	NoteTruncated      = "message truncated for classification"
)

// Text is what a message says, decoded to UTF-8: the display headers and the
// text of all its text parts (HTML converted to text), in document order.
type Text struct {
	Subject string // decoded Subject
	From    string // decoded From, as written (name and address)
	To      string // decoded To
	Body    string // text of every text part, including nested messages
	// Notes describe what was wrong with the message and how it was
	// handled, e.g. "label iso-2202-jp decoded as iso-2022-jp",
	// "malformed MIME: missing closing boundary", "nesting too deep".
	Notes []string
}

// parsed is everything the tokenizer needs from one message.
type parsed struct {
	Text
	header []field // top-level header fields
	noBody bool    // nothing but white space after the header
	// Tokens found while walking (attachment types, URLs from HTML, MIME
	// defects), joined in one buffer: feature i is feat[featEnd[i-1]:featEnd[i]].
	feat    []byte
	featEnd []int32

	// Buffers kept for the next message once the tokenizer is done with
	// this one (release): the text, the walk's stack, the header fields,
	// and the scratch buffers each text part is decoded through.
	text     []byte
	stack    []entity
	fields   []field
	hdrArena []byte      // unfolded header values (splitHeaderTo)
	htmlBuf  htmlScratch // text of the HTML part being read (htmlToTextTags)
	qpBuf    []byte      // the quoted-printable text part being read (decodeTextTransfer)
	csBuf    []byte      // the text part being read, decoded from a single-byte charset
}

// parsers are reused (see release): a message then costs a few
// allocations instead of one for every buffer that grows.
var parsers = sync.Pool{New: func() any { return new(parsed) }}

// release returns p to the pool. Only for a message whose Text and fields
// are no longer used: Body is a view of p's text buffer. Extract never
// releases, so the Text it returns owns its memory.
func (p *parsed) release() {
	if cap(p.text) > MaxTextBytes+1 || cap(p.fields) > 4*maxHeaderFields ||
		cap(p.hdrArena) > maxHeaderBytes || cap(p.qpBuf) > MaxTextBytes || cap(p.csBuf) > 2*MaxTextBytes ||
		cap(p.htmlBuf.text) > MaxTextBytes || cap(p.htmlBuf.unesc) > MaxTextBytes {
		return // an outsized message: let its buffers go
	}
	// Drop references into the message so the pool does not keep it alive.
	clear(p.stack[:cap(p.stack)])
	clear(p.fields[:cap(p.fields)])
	clear(p.Notes)
	*p = parsed{
		Text:     Text{Notes: p.Notes[:0]},
		feat:     p.feat[:0],
		featEnd:  p.featEnd[:0],
		text:     p.text[:0],
		stack:    p.stack[:0],
		fields:   p.fields[:0],
		hdrArena: p.hdrArena[:0],
		htmlBuf:  htmlScratch{p.htmlBuf.text[:0], p.htmlBuf.unesc[:0]},
		qpBuf:    p.qpBuf[:0],
		csBuf:    p.csBuf[:0],
	}
	parsers.Put(p)
}

// addJoined records the feature prefix+s (see tokenSink).
func (p *parsed) addJoined(prefix, s string) {
	p.feat = append(p.feat, prefix...)
	p.feat = append(p.feat, s...)
	p.featEnd = append(p.featEnd, int32(len(p.feat)))
}

func (p *parsed) addFeature(s string) { p.addJoined("", s) }

func (p *parsed) note(n string) {
	if n == "" {
		return
	}
	for _, x := range p.Notes {
		if x == n {
			return
		}
	}
	p.Notes = append(p.Notes, n)
}

// Extract decodes a raw RFC 822 message: header fields Subject, From and To,
// and the text of all text parts. It never fails; damage is reported in
// Text.Notes and as much text as possible is recovered.
func Extract(msg []byte) Text {
	return parseMsg(msg, true).Text
}

// normalizeNewlines returns a copy of b (at most MaxMessageBytes) where CRLF
// and bare CR became LF, so that all line endings give the same result.
func normalizeNewlines(b []byte) ([]byte, bool) {
	truncated := false
	if len(b) > MaxMessageBytes {
		b, truncated = b[:MaxMessageBytes], true
	}
	if bytes.IndexByte(b, '\r') < 0 {
		return b, truncated
	}
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); i++ {
		c := b[i]
		if c == '\r' {
			out = append(out, '\n')
			if i+1 < len(b) && b[i+1] == '\n' {
				i++
			}
			continue
		}
		out = append(out, c)
	}
	return out, truncated
}

// entity is one MIME entity waiting to be walked.
type entity struct {
	header  []field
	body    []byte
	depth   int
	defType string // media type when Content-Type is absent
}

// parse walks the message iteratively (an explicit stack, never recursion)
// so that a nesting bomb cannot exhaust the goroutine stack.
//
// The header fields of what parse returns are views of msg: msg must not
// change until p is released (the tokenizer releases it before it
// returns). parseMsg with own set copies them instead, for Extract, whose
// Text outlives the call.
func parse(msg []byte) *parsed { return parseMsg(msg, false) }

func parseMsg(msg []byte, own bool) *parsed {
	p := parsers.Get().(*parsed)
	arena := &p.hdrArena
	if own {
		arena = nil
	}
	raw, truncated := normalizeNewlines(msg)
	if truncated {
		p.note(NoteTruncated)
	}
	// header returns the fields of the header block at the start of b,
	// kept in p.fields.
	header := func(b []byte) ([]field, []byte) {
		n := len(p.fields)
		var body []byte
		p.fields, body = splitHeaderTo(p.fields, b, arena)
		return p.fields[n:len(p.fields):len(p.fields)], body
	}
	hdr, body := header(raw)
	p.header = hdr
	p.noBody = len(bytes.TrimSpace(body)) == 0
	var gotSubject, gotFrom, gotTo bool
	for i := range hdr {
		f := &hdr[i]
		switch {
		case f.name == "subject" && !gotSubject:
			s, n := f.text()
			p.Subject, gotSubject = s, true
			p.note(n)
		case f.name == "from" && !gotFrom:
			p.From, _ = f.text()
			gotFrom = true
		case f.name == "to" && !gotTo:
			p.To, _ = f.text()
			gotTo = true
		}
	}
	text := p.text[:0]
	if text == nil {
		text = make([]byte, 0, min(len(body), 4<<10))
	}
	addText := func(s string) {
		room := MaxTextBytes - len(text)
		if room <= 0 {
			return
		}
		if len(s) > room {
			s = capToken(s, room)
			p.note(NoteTruncated)
		}
		if len(text) > 0 {
			text = append(text, '\n')
		}
		text = append(text, s...)
	}
	stack := append(p.stack[:0], entity{header: hdr, body: body, defType: "text/plain"})
	visited := 0
	for len(stack) > 0 {
		e := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		visited++
		if visited > maxParts {
			p.note(NoteTooManyParts)
			p.addFeature("mime:too-many-parts")
			break
		}
		ctv, hasCT := headerGet(e.header, "content-type")
		mt, params := parseMediaType(ctv)
		if mt == "" || !strings.Contains(mt, "/") {
			mt = e.defType
			if hasCT && ctv != "" {
				p.addFeature("mime:bad-content-type")
			}
		}
		cte, _ := headerGet(e.header, "content-transfer-encoding")
		cte = strings.ToLower(strings.TrimSpace(cte))
		if e.depth > 0 && mt != "multipart/alternative" && mt != "multipart/related" {
			p.addJoined("part:", capToken(mt, 40))
		}
		switch {
		case strings.HasPrefix(mt, "multipart/"):
			if e.depth >= MaxDepth {
				p.note(NoteTooDeep)
				p.addFeature("mime:too-deep")
				continue
			}
			boundary := params.get("boundary")
			if boundary == "" {
				p.note(NoteNoBoundaryParm)
				p.addFeature("mime:no-boundary-param")
				addText(decodeTextPart(p, decodeTextTransfer(p, e.body, cte), "", false))
				continue
			}
			parts, found, closed := splitMultipart(e.body, boundary)
			if !found {
				// The boundary never appears: read the whole body as one
				// text part rather than lose it.
				p.note(NoteNoBoundary)
				p.addFeature("mime:boundary-missing")
				addText(decodeTextPart(p, decodeTextTransfer(p, e.body, cte), "", false))
				continue
			}
			if !closed {
				p.note(NoteMissingClose)
				p.addFeature("mime:missing-close")
			}
			def := "text/plain"
			if mt == "multipart/digest" {
				def = "message/rfc822"
			}
			for i := len(parts) - 1; i >= 0; i-- {
				// A part that starts with a blank line has no header:
				// splitHeader gives it none.
				h, b := header(parts[i])
				stack = append(stack, entity{header: h, body: b, depth: e.depth + 1, defType: def})
			}
		case mt == "message/rfc822" || mt == "message/global":
			if e.depth >= MaxDepth {
				p.note(NoteTooDeep)
				p.addFeature("mime:too-deep")
				continue
			}
			h, b := header(decodeTransfer(e.body, cte))
			// The forwarded message's subject and sender are part of what
			// this message says.
			for _, f := range h {
				if f.name == "subject" || f.name == "from" {
					s, _ := decodeHeader(f.value)
					addText(s)
				}
			}
			stack = append(stack, entity{header: h, body: b, depth: e.depth + 1, defType: "text/plain"})
		case strings.HasPrefix(mt, "text/"):
			if isAttachment(e.header) && mt != "text/plain" && mt != "text/html" {
				attachmentTokens(p, e.header, mt, &params)
				continue
			}
			addText(decodeTextPart(p, decodeTextTransfer(p, e.body, cte), params.get("charset"), mt == "text/html"))
		default:
			attachmentTokens(p, e.header, mt, &params)
		}
	}
	p.text, p.stack = text, stack
	p.Body = unsafe.String(unsafe.SliceData(text), len(text))
	return p
}

// isAttachment reports a Content-Disposition of attachment.
func isAttachment(h []field) bool {
	v, ok := headerGet(h, "content-disposition")
	return ok && strings.HasPrefix(strings.ToLower(strings.TrimSpace(v)), "attachment")
}

// attachmentTokens describes a non-text part: its type and file extension.
func attachmentTokens(p *parsed, h []field, mt string, params *mediaParams) {
	p.addJoined("attach:", capToken(mt, 40))
	name := params.get("name")
	if v, ok := headerGet(h, "content-disposition"); ok {
		_, dp := parseMediaType(v)
		if fn := dp.get("filename"); fn != "" {
			name = fn
		}
	}
	if name != "" {
		name, _ = decodeHeader(name)
		if i := strings.LastIndexByte(name, '.'); i >= 0 && len(name)-i <= 8 {
			p.addJoined("attach-ext:", strings.ToLower(name[i+1:]))
		}
	}
}

// decodeTextPart turns the transfer-decoded bytes of a text part into text.
func decodeTextPart(p *parsed, b []byte, charset string, html bool) string {
	if len(b) > MaxTextBytes {
		b = b[:MaxTextBytes]
	}
	// A view: the text is copied into the message text (or converted from
	// HTML into new text) before b goes away.
	s, n := decodeCharsetView(b, charset, &p.csBuf)
	p.note(n)
	if html {
		var urls, tags []string
		s, urls, tags = htmlToTextTags(s, &p.htmlBuf)
		for _, u := range urls {
			urlTokens(p, u)
		}
		for _, tg := range tags {
			p.addJoined("html:", tg)
		}
		p.addFeature("html:yes")
	}
	return s
}

// splitMultipart cuts a multipart body (LF line endings) at its delimiter
// lines, like RFC 2046 and Go's mime/multipart: a delimiter is a line that is
// "--" + boundary followed only by white space; the close delimiter has "--"
// after the boundary. "--B10" is not a delimiter for boundary "B1", and
// "--Part--More" closes nothing. found is false when no delimiter appears at
// all; closed is false when the close delimiter is missing (the last part
// then runs to the end).
func splitMultipart(body []byte, boundary string) (parts [][]byte, found, closed bool) {
	delim := []byte("--" + boundary)
	nlDelim := append([]byte{'\n'}, delim...)
	start := -1 // start of the current part's content
	pos := 0
	for pos <= len(body) {
		// Find the next line that starts with the delimiter.
		var i int
		if pos == 0 && bytes.HasPrefix(body, delim) {
			i = 0
		} else {
			j := bytes.Index(body[pos:], nlDelim)
			if j < 0 {
				break
			}
			i = pos + j + 1
		}
		lineEnd := bytes.IndexByte(body[i:], '\n')
		var line []byte
		next := len(body)
		if lineEnd < 0 {
			line = body[i:]
		} else {
			line = body[i : i+lineEnd]
			next = i + lineEnd + 1
		}
		rest := line[len(delim):]
		isClose := false
		if bytes.HasPrefix(rest, []byte("--")) {
			isClose = true
			rest = rest[2:]
		}
		if len(bytes.Trim(rest, " \t")) != 0 {
			// Not a delimiter line ("--B10" for "B1"); keep looking.
			pos = i + 1
			if pos >= len(body) {
				break
			}
			continue
		}
		found = true
		if start >= 0 {
			end := i - 1 // the LF before the delimiter belongs to it
			if end < start {
				end = start
			}
			parts = append(parts, body[start:end])
		}
		if isClose {
			return parts, true, true
		}
		if len(parts) >= maxParts {
			return parts, true, true
		}
		start = next
		pos = next
		if lineEnd < 0 {
			break
		}
	}
	if start >= 0 && start <= len(body) {
		parts = append(parts, body[start:])
	}
	return parts, found, false
}
