package classifier

import (
	"html"
	"strings"
)

// maxURLsPerPart bounds how many link targets one HTML part contributes.
const maxURLsPerPart = 64

// blockTags end a word: their text is separated from what follows.
var blockTags = map[string]bool{
	"p": true, "br": true, "div": true, "tr": true, "td": true, "th": true,
	"li": true, "ul": true, "ol": true, "table": true, "tbody": true, "thead": true,
	"h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true,
	"hr": true, "title": true, "blockquote": true, "pre": true, "center": true,
	"form": true, "option": true, "dd": true, "dt": true, "dl": true, "body": true,
	"head": true, "html": true, "img": true, "input": true, "select": true,
	"textarea": true, "section": true, "article": true, "header": true, "footer": true,
	"nav": true, "button": true, "caption": true,
}

// htmlToText strips tags from HTML, skipping script and style content and
// comments, and decodes character references. Inline tags and comments join
// the text around them ("vi<!-- -->agra" reads "viagra"); block tags separate
// it. It returns the text and the href/src/action URLs found in tags.
func htmlToText(s string) (string, []string) {
	text, urls, _ := htmlToTextTags(s)
	return text, urls
}

// maxTagNames bounds the distinct tag names reported per part.
const maxTagNames = 64

// htmlToTextTags is htmlToText that also returns the distinct tag names
// (lower-case) seen, in first-seen order.
func htmlToTextTags(s string) (string, []string, []string) {
	var out strings.Builder
	out.Grow(len(s) / 2)
	var urls, tags []string
	i := 0
	for i < len(s) {
		lt := strings.IndexByte(s[i:], '<')
		if lt < 0 {
			out.WriteString(s[i:])
			break
		}
		out.WriteString(s[i : i+lt])
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
			out.WriteByte('<')
			break
		}
		c := s[i+1]
		if !(isASCIILetter(c) || c == '/' || c == '!' || c == '?') {
			out.WriteByte('<')
			i++
			continue
		}
		// Find the end of the tag, honouring quoted attribute values.
		j := i + 1
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
		name := strings.ToLower(tag[:n])
		if !closing && (name == "script" || name == "style") {
			end := indexFold(s[i:], "</"+name)
			if end < 0 {
				break
			}
			i += end
			continue
		}
		if name != "" && !closing && len(tags) < maxTagNames && !slicesContains(tags, name) {
			tags = append(tags, name)
		}
		if blockTags[name] {
			out.WriteByte('\n')
		}
		if !closing && n < len(tag) && len(urls) < maxURLsPerPart {
			urls = tagURLs(tag[n:], urls, &out)
		}
	}
	text := out.String()
	if strings.IndexByte(text, '&') >= 0 {
		text = html.UnescapeString(text)
	}
	return text, urls, tags
}

func slicesContains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// tagURLs appends the values of href, src and action attributes in attrs to
// urls; alt and title text goes to the output text.
func tagURLs(attrs string, urls []string, out *strings.Builder) []string {
	for attrs != "" {
		attrs = strings.TrimLeft(attrs, " \t\n/")
		eq := strings.IndexByte(attrs, '=')
		if eq < 0 {
			return urls
		}
		name := strings.ToLower(strings.TrimSpace(attrs[:eq]))
		if sp := strings.LastIndexAny(name, " \t\n"); sp >= 0 {
			name = name[sp+1:]
		}
		rest := strings.TrimLeft(attrs[eq+1:], " \t\n")
		var val string
		if rest != "" && (rest[0] == '"' || rest[0] == '\'') {
			end := strings.IndexByte(rest[1:], rest[0])
			if end < 0 {
				val, attrs = rest[1:], ""
			} else {
				val, attrs = rest[1:1+end], rest[2+end:]
			}
		} else {
			end := strings.IndexAny(rest, " \t\n>")
			if end < 0 {
				val, attrs = rest, ""
			} else {
				val, attrs = rest[:end], rest[end:]
			}
		}
		switch name {
		case "href", "src", "action", "background":
			if len(urls) < maxURLsPerPart {
				urls = append(urls, html.UnescapeString(val))
			}
		case "alt", "title":
			out.WriteByte(' ')
			out.WriteString(val)
			out.WriteByte(' ')
		}
	}
	return urls
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
