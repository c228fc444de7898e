package classifier

import (
	"bytes"
	"html"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/encoding/japanese"
)

// The speed work replaced some decoders with faster ones that must give
// the same output. The previous implementations are kept here as the
// reference, and the fuzz targets hold the new ones equal to them.

// refQuotedPrintable is decodeQuotedPrintable as it was: byte by byte.
func refQuotedPrintable(b []byte) []byte {
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); i++ {
		c := b[i]
		if c != '=' {
			out = append(out, c)
			continue
		}
		j := i + 1
		for j < len(b) && (b[j] == ' ' || b[j] == '\t') {
			j++
		}
		if j == len(b) {
			i = j
			continue
		}
		if b[j] == '\n' {
			i = j
			continue
		}
		if i+2 < len(b) && isHex(b[i+1]) && isHex(b[i+2]) {
			out = append(out, unhex(b[i+1])<<4|unhex(b[i+2]))
			i += 2
			continue
		}
		out = append(out, c)
	}
	return out
}

// refDetectJapanese is detectJapanese3 as it was (detectJapanese before
// its fallbacks): all three decodings, always.
func refDetectJapanese(b []byte, preferred string) (string, string) {
	type cand struct {
		name string
		text string
		bad  int
	}
	var best cand
	first := true
	try := func(name string, text string) {
		c := cand{name, text, badness(text)}
		if name == preferred {
			c.bad--
		}
		if first || c.bad < best.bad {
			best, first = c, false
		}
	}
	if utf8.Valid(b) {
		return string(b), csUTF8
	}
	try(csUTF8, strings.ToValidUTF8(string(b), "\uFFFD"))
	try(csCP932, decodeCP932(b))
	try(csEUCJP, decodeWith(japanese.EUCJP, b))
	return best.text, best.name
}

var qpSeeds = []string{"", "=", "=4", "=41", "a=\n", "a= \t\nb", "=zz=3D=3d", "x = \t", "=\n=41=", "caf=E9 =C3=A9\n"}

func TestQuotedPrintableSame(t *testing.T) {
	for _, s := range qpSeeds {
		if got, want := decodeQuotedPrintable([]byte(s)), refQuotedPrintable([]byte(s)); !bytes.Equal(got, want) {
			t.Errorf("%q: got %q, want %q", s, got, want)
		}
	}
}

func FuzzQuotedPrintableSame(f *testing.F) {
	for _, s := range qpSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if got, want := decodeQuotedPrintable(b), refQuotedPrintable(b); !bytes.Equal(got, want) {
			t.Fatalf("%q: got %q, want %q", b, got, want)
		}
	})
}

var jaSeeds = []string{
	"\x82\xa0\x82\xa2",         // Shift_JIS
	"\xa4\xa2\xa4\xa4",         // EUC-JP
	"\xe3\x81\x82\xff",         // broken UTF-8
	"caf\xe9",                  // Latin-1
	"\xf0\x40\x82\xa0",         // CP932 user-defined area
	"\x8e\xb1\x8e\xb2\xa4\xa2", // EUC-JP half-width kana
}

func TestDetectJapaneseSame(t *testing.T) {
	for _, s := range jaSeeds {
		for _, pref := range []string{"", csUTF8, csCP932, csEUCJP} {
			gt, gn, _ := detectJapanese3([]byte(s), pref)
			wt, wn := refDetectJapanese([]byte(s), pref)
			if gt != wt || gn != wn {
				t.Errorf("%q preferred %q: got %q %s, want %q %s", s, pref, gt, gn, wt, wn)
			}
		}
	}
}

func FuzzDetectJapaneseSame(f *testing.F) {
	for _, s := range jaSeeds {
		f.Add([]byte(s), uint8(0))
	}
	prefs := []string{"", csUTF8, csCP932, csEUCJP}
	f.Fuzz(func(t *testing.T, b []byte, p uint8) {
		pref := prefs[int(p)%len(prefs)]
		gt, gn, _ := detectJapanese3(b, pref)
		wt, wn := refDetectJapanese(b, pref)
		if gt != wt || gn != wn {
			t.Fatalf("%q preferred %q: got %q %s, want %q %s", b, pref, gt, gn, wt, wn)
		}
	})
}

// refURLTokens is urlTokens as it was: the whole URL lower-cased first.
func refURLTokens(sink tokenSink, u string) {
	u = strings.TrimSpace(u)
	lu := strings.ToLower(u)
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
		lu = lu[strings.Index(lu, "://")+3:]
	case strings.HasPrefix(lu, "www."):
	default:
		return
	}
	host := lu
	if k := strings.IndexAny(host, "/?#\\\"'<> "); k >= 0 {
		host = host[:k]
	}
	if at := strings.LastIndexByte(host, '@'); at >= 0 {
		host = host[at+1:]
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

// tokenList collects what a tokenSink is given.
type tokenList []string

func (l *tokenList) addJoined(prefix, s string) { *l = append(*l, prefix+s) }

var urlSeeds = []string{
	"http://Www.Example.COM/Path?Q=1", "HTTPS://a.b.example:8080/", "www.EXAMPLE.co.jp/x", "mailto:Someone@Example.ORG?subject=Hi",
	"http://user@Bank.example@evil.example/", "http://192.0.2.1/a", "http://%65xample.com", "http://\u212Aelvin.example/",
	"MA\u0130LTO:a@B.example", "http://\xff\xfe.example/", "http://", "www.", "https://..Example..:/",
}

func TestURLTokensSame(t *testing.T) {
	for _, u := range urlSeeds {
		var got, want tokenList
		urlTokens(&got, u)
		refURLTokens(&want, u)
		if strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("%q: got %q, want %q", u, got, want)
		}
	}
}

func FuzzURLTokensSame(f *testing.F) {
	for _, u := range urlSeeds {
		f.Add(u)
	}
	f.Fuzz(func(t *testing.T, u string) {
		var got, want tokenList
		urlTokens(&got, u)
		refURLTokens(&want, u)
		if strings.Join(got, "|") != strings.Join(want, "|") {
			t.Fatalf("%q: got %q, want %q", u, got, want)
		}
	})
}

// FuzzAppendUnescaped: decoding HTML character references piece by piece
// gives html.UnescapeString's text.
func FuzzAppendUnescaped(f *testing.F) {
	for _, s := range []string{"", "a&b", "&", "&&", "&;", "x&nbsp;y", "&nbsp", "&amp;&lt;&gt;&quot;&#39;", "&#x41;&#65;&#0000000000000065;",
		"&#x;", "&#;", "&notit;", "&notin;", "&nGt;", "&CounterClockwiseContourIntegral;", "&amp&lt", "caf&eacute; &euro;5",
		"&#xD800;", "&#1114112;", "&#128;", "&Aacute", "&aacute;x&#x1F600;"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := string(appendUnescaped([]byte("pre"), s)), "pre"+html.UnescapeString(s); got != want {
			t.Fatalf("appendUnescaped(%q) = %q, want %q", s, got, want)
		}
	})
}
