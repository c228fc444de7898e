package classifier

import (
	"strings"
	"unicode/utf8"
)

// parentDomain returns the registrable part of a host name, roughly: the
// last two labels, or three when the second-level label is a short generic
// one (example.co.jp, example.com.cn).
func parentDomain(host string) string {
	host = strings.TrimSuffix(host, ".")
	last := strings.LastIndexByte(host, '.')
	if last <= 0 {
		return ""
	}
	second := strings.LastIndexByte(host[:last], '.')
	if second < 0 {
		return host
	}
	sld := host[second+1 : last]
	tld := host[last+1:]
	if len(tld) == 2 && (len(sld) <= 2 || sld == "com" || sld == "net" || sld == "org" || sld == "gov" || sld == "edu") {
		third := strings.LastIndexByte(host[:second], '.')
		return host[third+1:]
	}
	return host[second+1:]
}

// tokenSink receives tokens as two parts to be joined (prefix and text),
// so that no string is built for them: the tokenizer writes them into its
// arena, a parsed message into its feature buffer.
type tokenSink interface {
	addJoined(prefix, s string)
}

// urlTokens adds the tokens for one link target: its host and the
// host's registrable domain ("url:www.example.co.jp", "url:example.co.jp"),
// or "url:ip" for a numeric host. mailto: links give "email:domain".
func urlTokens(sink tokenSink, u string) {
	u = strings.TrimSpace(u)
	// Only the host is lower-cased: strings.ToLower maps rune by rune and
	// no rune to or from the ASCII delimiters below, so cutting u and then
	// lowering the host gives the host of the lowered URL, without
	// lowering (and copying) a long path. The scheme is read from the
	// first runes lowered (each gives at least one byte).
	lu := strings.ToLower(firstRunes(u, 8))
	if strings.HasPrefix(lu, "mailto:") {
		lu = strings.ToLower(u)
	}
	switch {
	case strings.HasPrefix(lu, "mailto:"):
		if at := strings.LastIndexByte(lu, '@'); at >= 0 {
			d := lu[at+1:]
			if k := strings.IndexAny(d, "?>&\"' "); k >= 0 {
				d = d[:k]
			}
			if d != "" {
				sink.addJoined("email:", capToken(d, 60))
			}
		}
		return
	case strings.HasPrefix(lu, "http://"), strings.HasPrefix(lu, "https://"):
		// Only ASCII runes lower to these letters (of the two non-ASCII
		// runes that lower to ASCII, K and İ, neither is here), so the
		// scheme has the same bytes in u.
		u = u[strings.Index(u, "://")+3:]
	case strings.HasPrefix(lu, "www."):
	default:
		return
	}
	host := u
	if k := strings.IndexAny(host, "/?#\\\"'<> "); k >= 0 {
		host = host[:k]
	}
	host = strings.ToLower(host)
	if at := strings.LastIndexByte(host, '@'); at >= 0 {
		host = host[at+1:] // user-info trick: http://bank.example@evil.example/
		sink.addJoined("", "url:userinfo")
	}
	if k := strings.LastIndexByte(host, ':'); k >= 0 {
		if k != len(host)-1 {
			sink.addJoined("", "url:port")
		}
		host = host[:k]
	}
	host = strings.Trim(host, ".")
	if host == "" {
		return
	}
	if isIPv4(host) {
		sink.addJoined("", "url:ip")
		return
	}
	if strings.Contains(host, "%") {
		sink.addJoined("", "url:escaped-host")
	}
	sink.addJoined("url:", capToken(host, 60))
	if p := parentDomain(host); p != "" && p != host {
		sink.addJoined("url:", p)
	}
}

// firstRunes returns the first n runes of s (all of s if it has fewer).
func firstRunes(s string, n int) string {
	i := 0
	for ; n > 0 && i < len(s); n-- {
		if s[i] < utf8.RuneSelf {
			i++
			continue
		}
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	return s[:i]
}
