package classifier

import (
	"html"
	"strings"
	"unsafe"
)

// maxURLsPerPart bounds how many link targets one HTML part contributes.
const maxURLsPerPart = 64

// Tag kinds: block tags end a word (their text is separated from what
// follows); signal tags are kept as "html:" tokens (the layout elements
// every HTML mail has, such as table, td, p and div, would only add
// correlated noise).
const (
	tagBlock  = 1 << iota
	tagSignal // img, font, form, script, ...
)

// tagEntry is a tag name (a static string) and its kinds.
type tagEntry struct {
	name  string
	kinds uint8
}

// tagInfo holds the kinds of the tags that have one, in an open-addressing
// table (a Go map's string hashing cost more than the rest of the tag).
var tagInfo = func() (t [tagSlots]tagEntry) {
	add := func(kind uint8, names ...string) {
		for _, n := range names {
			i := tagHome([]byte(n))
			for t[i].name != "" && t[i].name != n {
				i = (i + 1) % tagSlots
			}
			t[i].name, t[i].kinds = n, t[i].kinds|kind
		}
	}
	add(tagBlock, "p", "br", "div", "tr", "td", "th", "li", "ul", "ol", "table", "tbody", "thead",
		"h1", "h2", "h3", "h4", "h5", "h6", "hr", "title", "blockquote", "pre", "center",
		"form", "option", "dd", "dt", "dl", "body", "head", "html", "img", "input", "select",
		"textarea", "section", "article", "header", "footer", "nav", "button", "caption")
	add(tagSignal, "img", "font", "form", "input", "iframe", "script", "center", "map", "area",
		"base", "object", "embed", "blink", "marquee", "style", "link")
	return t
}()

const tagSlots = 128

// tagHome is the slot where the search for the lower-case name b starts.
func tagHome(b []byte) int {
	n := len(b)
	return int(uint(b[0])*31+uint(b[n-1])*7+uint(b[n/2])*3+uint(n)) % tagSlots
}

// lookupTag returns the entry of the lower-case tag name b (not empty).
func lookupTag(b []byte) (tagEntry, bool) {
	for i := tagHome(b); tagInfo[i].name != ""; i = (i + 1) % tagSlots {
		if tagInfo[i].name == string(b) {
			return tagInfo[i], true
		}
	}
	return tagEntry{}, false
}

// htmlScratch holds the buffers htmlToTextTags builds its text in.
type htmlScratch struct {
	text  []byte // the text with its character references
	unesc []byte // the text with them decoded
}

// htmlToTextTags strips tags from HTML, skipping script and style content
// and comments, and decodes character references. Inline tags and comments
// join the text around them ("vi<!-- -->agra" reads "viagra"); block tags
// separate it. It returns the text, the href/src/action URLs found in tags
// and the signal tags seen (see tagSignal), in first-seen order. The text
// is built in scratch's buffers and may be a view of them: the caller
// copies it before it reuses scratch.
func htmlToTextTags(s string, scratch *htmlScratch) (string, []string, []string) {
	out := scratch.text[:0]
	if cap(out) < len(s)/2 {
		out = make([]byte, 0, len(s)/2)
	}
	var urls, tags []string
	var lname [16]byte // a tag name lower-cased, for the lookup
	i := 0
	for i < len(s) {
		lt := strings.IndexByte(s[i:], '<')
		if lt < 0 {
			out = append(out, s[i:]...)
			break
		}
		out = append(out, s[i:i+lt]...)
		i += lt
		// s[i] == '<'
		if strings.HasPrefix(s[i:], "<!--") {
			end := strings.Index(s[i+4:], "-->")
			if end < 0 {
				break
			}
			i += 4 + end + 3
			continue
		}
		if i+1 >= len(s) {
			out = append(out, '<')
			break
		}
		c := s[i+1]
		if !(isASCIILetter(c) || c == '/' || c == '!' || c == '?') {
			out = append(out, '<')
			i++
			continue
		}
		// Find the end of the tag, honouring quoted attribute values; a tag
		// with no quote before its '>' (most of them) needs no byte loop.
		j := len(s)
		if gt := strings.IndexByte(s[i+1:], '>'); gt >= 0 && noQuote(s[i+1:i+1+gt]) {
			j = i + 1 + gt
		} else {
			j = i + 1
			var quote byte
			for j < len(s) {
				ch := s[j]
				if quote != 0 {
					if ch == quote {
						quote = 0
					}
				} else if ch == '"' || ch == '\'' {
					quote = ch
				} else if ch == '>' {
					break
				}
				j++
			}
		}
		tag := s[i+1 : min(j, len(s))]
		if j < len(s) {
			j++
		}
		i = j
		closing := strings.HasPrefix(tag, "/")
		if closing {
			tag = tag[1:]
		}
		n := 0
		for n < len(tag) && (isASCIILetter(tag[n]) || (tag[n] >= '0' && tag[n] <= '9')) {
			n++
		}
		var kinds uint8
		name := ""
		if n > 0 && n <= len(lname) {
			for k := 0; k < n; k++ {
				lname[k] = lowerASCII[tag[k]]
			}
			if e, ok := lookupTag(lname[:n]); ok {
				kinds, name = e.kinds, e.name
			} else if n == 6 && string(lname[:n]) == "script" || n == 5 && string(lname[:n]) == "style" {
				name = string(lname[:n])
			}
		}
		if !closing && (name == "script" || name == "style") {
			// Skipped with their content, and not recorded (as before the
			// tag table: measured without them).
			end := indexFold(s[i:], "</"+name)
			if end < 0 {
				break
			}
			i += end
			continue
		}
		if kinds&tagSignal != 0 && !closing && !slicesContains(tags, name) {
			tags = append(tags, name)
		}
		if kinds&tagBlock != 0 {
			out = append(out, '\n')
		}
		if !closing && n < len(tag) && len(urls) < maxURLsPerPart {
			urls, out = tagURLs(tag[n:], urls, out)
		}
	}
	scratch.text = out
	text := unsafe.String(unsafe.SliceData(out), len(out))
	if strings.IndexByte(text, '&') >= 0 {
		scratch.unesc = appendUnescaped(scratch.unesc[:0], text)
		text = unsafe.String(unsafe.SliceData(scratch.unesc), len(scratch.unesc))
	}
	return text, urls, tags
}

// appendUnescaped appends html.UnescapeString(s) to dst without copying s
// twice: the text between character references is appended as it is, and
// each reference is decoded by html.UnescapeString on its own (the common
// ones by a switch). A reference is '&', then letters, digits and '#',
// then an optional ';': html reads no further, so decoding the pieces one
// by one gives the same text (FuzzAppendUnescaped).
func appendUnescaped(dst []byte, s string) []byte {
	for {
		k := strings.IndexByte(s, '&')
		if k < 0 {
			return append(dst, s...)
		}
		dst = append(dst, s[:k]...)
		s = s[k:]
		e := 1
		for e < len(s) && (isASCIILetter(s[e]) || s[e] >= '0' && s[e] <= '9' || s[e] == '#') {
			e++
		}
		if e < len(s) && s[e] == ';' {
			e++
		}
		switch ref := s[:e]; ref {
		case "&nbsp;":
			dst = append(dst, "\u00a0"...)
		case "&amp;", "&":
			dst = append(dst, '&')
		case "&lt;":
			dst = append(dst, '<')
		case "&gt;":
			dst = append(dst, '>')
		case "&quot;":
			dst = append(dst, '"')
		case "&#39;":
			dst = append(dst, '\'')
		default:
			dst = append(dst, html.UnescapeString(ref)...)
		}
		s = s[e:]
	}
}

func slicesContains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// noQuote reports a string without '"' or '\”.
func noQuote(s string) bool {
	return strings.IndexByte(s, '"') < 0 && strings.IndexByte(s, '\'') < 0
}

func isHTMLSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' }

// tagURLs appends the values of href, src and action attributes in attrs to
// urls; alt and title text is appended to out.
func tagURLs(attrs string, urls []string, out []byte) ([]string, []byte) {
	for attrs != "" {
		k := 0
		for k < len(attrs) && (isHTMLSpace(attrs[k]) || attrs[k] == '/') {
			k++
		}
		attrs = attrs[k:]
		eq := strings.IndexByte(attrs, '=')
		if eq < 0 {
			return urls, out
		}
		// The attribute name: the last word before '='.
		e := eq
		for e > 0 && isSpaceByte(attrs[e-1]) {
			e--
		}
		b := e
		for b > 0 && !isHTMLSpace(attrs[b-1]) && !isSpaceByte(attrs[b-1]) {
			b--
		}
		name := attrs[b:e]
		k = eq + 1
		for k < len(attrs) && isHTMLSpace(attrs[k]) {
			k++
		}
		rest := attrs[k:]
		var val string
		if rest != "" && (rest[0] == '"' || rest[0] == '\'') {
			end := strings.IndexByte(rest[1:], rest[0])
			if end < 0 {
				val, attrs = rest[1:], ""
			} else {
				val, attrs = rest[1:1+end], rest[2+end:]
			}
		} else {
			end := 0
			for end < len(rest) && !isHTMLSpace(rest[end]) && rest[end] != '>' {
				end++
			}
			val, attrs = rest[:end], rest[end:]
		}
		switch len(name) {
		case 3, 4, 5, 6, 10:
		default:
			continue
		}
		switch {
		case strings.EqualFold(name, "href"), strings.EqualFold(name, "src"),
			strings.EqualFold(name, "action"), strings.EqualFold(name, "background"):
			if len(urls) < maxURLsPerPart {
				urls = append(urls, html.UnescapeString(val))
			}
		case strings.EqualFold(name, "alt"), strings.EqualFold(name, "title"):
			out = append(out, ' ')
			out = append(out, val...)
			out = append(out, ' ')
		}
	}
	return urls, out
}

// isSpaceByte is the ASCII white space strings.TrimSpace removes.
func isSpaceByte(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'
}

func isASCIILetter(c byte) bool {
	return ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z')
}

// indexFold is strings.Index ignoring ASCII case in s (sub is lower-case).
func indexFold(s, sub string) int {
	n := len(sub)
	for i := 0; i+n <= len(s); i++ {
		if s[i] != '<' {
			j := strings.IndexByte(s[i:], '<')
			if j < 0 {
				return -1
			}
			i += j
			if i+n > len(s) {
				return -1
			}
		}
		if strings.EqualFold(s[i:i+n], sub) {
			return i
		}
	}
	return -1
}
