package classifier

import (
	"bytes"
	"encoding/binary"
	"math/bits"
	"strings"
	"sync"
	"unicode/utf8"
	"unsafe"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
)

// Canonical names used in notes ("label X decoded as Y").
const (
	csUTF8     = "utf-8"
	csISO2022  = "iso-2022-jp"
	csCP932    = "cp932"
	csEUCJP    = "euc-jp"
	csASCII    = "us-ascii"
	csLatin1   = "windows-1252"
	csGB18030  = "gb18030"
	csReplaced = "replacement"
)

// charsetAliases maps labels that golang.org/x/text's WHATWG index does not
// know, or maps differently from what mail needs, to an encoding and the
// canonical name used in notes. Labels are compared lower-cased.
//
// x/text's Shift_JIS decoder is the WHATWG one, which is CP932 (NEC row 13,
// IBM extensions, U+FF5E for 0x8160), so every Shift_JIS spelling goes there.
// Its ISO-2022-JP decoder also maps NEC row 13 (①, ㈱), which is what the
// CP50220 family (iso-2022-jp-ms) needs; case 04c tests it.
var charsetAliases = map[string]struct {
	enc  encoding.Encoding
	name string
}{
	"cp932":               {japanese.ShiftJIS, csCP932},
	"ms932":               {japanese.ShiftJIS, csCP932},
	"windows-31j":         {japanese.ShiftJIS, csCP932},
	"shift_jis":           {japanese.ShiftJIS, csCP932},
	"shift-jis":           {japanese.ShiftJIS, csCP932},
	"sjis":                {japanese.ShiftJIS, csCP932},
	"x-sjis":              {japanese.ShiftJIS, csCP932},
	"x-ms-cp932":          {japanese.ShiftJIS, csCP932},
	"ms_kanji":            {japanese.ShiftJIS, csCP932},
	"csshiftjis":          {japanese.ShiftJIS, csCP932},
	"iso-2022-jp":         {japanese.ISO2022JP, csISO2022},
	"iso-2022-jp-ms":      {japanese.ISO2022JP, csISO2022},
	"iso-2022-jp-1":       {japanese.ISO2022JP, csISO2022},
	"iso-2022-jp-2":       {japanese.ISO2022JP, csISO2022},
	"iso-2022-jp-3":       {japanese.ISO2022JP, csISO2022},
	"cp50220":             {japanese.ISO2022JP, csISO2022},
	"cp50221":             {japanese.ISO2022JP, csISO2022},
	"cp50222":             {japanese.ISO2022JP, csISO2022},
	"csiso2022jp":         {japanese.ISO2022JP, csISO2022},
	"euc-jp":              {japanese.EUCJP, csEUCJP},
	"x-euc-jp":            {japanese.EUCJP, csEUCJP},
	"eucjp":               {japanese.EUCJP, csEUCJP},
	"eucjp-ms":            {japanese.EUCJP, csEUCJP},
	"cseucpkdfmtjapanese": {japanese.EUCJP, csEUCJP},
	"utf-8":               {unicode.UTF8, csUTF8},
	"utf8":                {unicode.UTF8, csUTF8},
	"x-utf_8j":            {unicode.UTF8, csUTF8},
	"us-ascii":            {charmap.Windows1252, csASCII},
	"ascii":               {charmap.Windows1252, csASCII},
	"ansi_x3.4-1968":      {charmap.Windows1252, csASCII},
	"iso-8859-1":          {charmap.Windows1252, csLatin1},
	"latin1":              {charmap.Windows1252, csLatin1},
	"windows-1252":        {charmap.Windows1252, csLatin1},
	"cp1252":              {charmap.Windows1252, csLatin1},
	"gb2312":              {simplifiedchinese.GB18030, csGB18030},
	"gbk":                 {simplifiedchinese.GB18030, csGB18030},
	"x-gbk":               {simplifiedchinese.GB18030, csGB18030},
	"cp936":               {simplifiedchinese.GB18030, csGB18030},
	"gb18030":             {simplifiedchinese.GB18030, csGB18030},
	"euc-cn":              {simplifiedchinese.GB18030, csGB18030},
}

// lookupCharset returns the encoding for a MIME charset label and a canonical
// name, or nil when the label is unknown (misspelt, X-UNKNOWN, empty, or an
// encoding such as UTF-7 that we do not decode).
func lookupCharset(label string) (encoding.Encoding, string) {
	l := strings.ToLower(strings.Trim(strings.TrimSpace(label), "\"'"))
	if l == "" {
		return nil, ""
	}
	if i := strings.IndexByte(l, '*'); i >= 0 { // RFC 2231 language suffix
		l = l[:i]
	}
	if a, ok := charsetAliases[l]; ok {
		return a.enc, a.name
	}
	enc, err := htmlindex.Get(l)
	if err != nil || enc == nil {
		return nil, ""
	}
	name, err := htmlindex.Name(enc)
	if err != nil || name == csReplaced {
		// The WHATWG "replacement" encoding turns everything into U+FFFD
		// (hz-gb-2312, iso-2022-kr, ...): better to detect from the bytes.
		return nil, ""
	}
	return enc, name
}

// hasJISEscape reports whether b contains an ISO-2022-JP designation
// sequence (ESC $ B, ESC $ @, ESC ( J, ESC ( I, ESC $ ( D).
func hasJISEscape(b []byte) bool {
	for {
		i := bytes.IndexByte(b, 0x1b)
		if i < 0 || i+2 >= len(b) {
			return false
		}
		switch {
		case b[i+1] == '$' && (b[i+2] == 'B' || b[i+2] == '@' || b[i+2] == '('):
			return true
		case b[i+1] == '(' && (b[i+2] == 'J' || b[i+2] == 'I'):
			return true
		}
		b = b[i+1:]
	}
}

// hasHighByte reports a byte >= 0x80 in b, eight bytes at a time.
func hasHighByte(b []byte) bool {
	i := 0
	for ; i+8 <= len(b); i += 8 {
		if binary.LittleEndian.Uint64(b[i:])&0x8080808080808080 != 0 {
			return true
		}
	}
	for ; i < len(b); i++ {
		if b[i] >= 0x80 {
			return true
		}
	}
	return false
}

// decodeWith runs enc's decoder over b. x/text decoders replace invalid
// input with U+FFFD instead of failing, so the result is always usable.
func decodeWith(enc encoding.Encoding, b []byte) string {
	if m, ok := enc.(*charmap.Charmap); ok {
		return decodeCharmap(m, b)
	}
	out, err := enc.NewDecoder().Bytes(b)
	if err != nil {
		// Only transformer-level failures end up here; fall back to a
		// lossy UTF-8 view rather than losing the text.
		return strings.ToValidUTF8(string(b), "\uFFFD")
	}
	// out is the decoder's own new buffer: the string can own it.
	return unsafe.String(unsafe.SliceData(out), len(out))
}

// charmapTables caches the 256 runes of each single-byte charmap.
var charmapTables sync.Map // *charmap.Charmap → *charmapTable

type charmapTable struct {
	r         [256]rune
	asciiSame bool // bytes below 0x80 decode to themselves (not EBCDIC)
}

// decodeCharmap decodes a single-byte charset byte by byte through a table
// of charmap.DecodeByte: the same text as its x/text decoder, without the
// transformer's buffers.
func decodeCharmap(m *charmap.Charmap, b []byte) string {
	out, _ := decodeCharmapTo(nil, m, b)
	return out
}

// decodeCharmapTo is decodeCharmap building the text in out (returned, to
// be reused): the text is a view of it.
func decodeCharmapTo(out []byte, m *charmap.Charmap, b []byte) (string, []byte) {
	v, ok := charmapTables.Load(m)
	if !ok {
		tab := &charmapTable{asciiSame: true}
		for i := range tab.r {
			tab.r[i] = m.DecodeByte(byte(i))
			if i < utf8.RuneSelf && tab.r[i] != rune(i) {
				tab.asciiSame = false
			}
		}
		v, _ = charmapTables.LoadOrStore(m, tab)
	}
	tab := v.(*charmapTable)
	if cap(out) < len(b)+len(b)/2 {
		out = make([]byte, 0, len(b)+len(b)/2)
	}
	for i := 0; i < len(b); i++ {
		if tab.asciiSame {
			// Text in these charsets is mostly ASCII: copy each run of it
			// whole.
			j := i + asciiPrefix(b[i:])
			out = append(out, b[i:j]...)
			if i = j; i == len(b) {
				break
			}
		}
		if r := tab.r[b[i]]; r < utf8.RuneSelf {
			out = append(out, byte(r))
		} else {
			out = utf8.AppendRune(out, r)
		}
	}
	return unsafe.String(unsafe.SliceData(out), len(out)), out
}

// asciiPrefix is the length of the run of bytes below 0x80 that b starts
// with, found eight bytes at a time.
func asciiPrefix(b []byte) int {
	i := 0
	for ; i+8 <= len(b); i += 8 {
		if x := binary.LittleEndian.Uint64(b[i:]) & 0x8080808080808080; x != 0 {
			return i + bits.TrailingZeros64(x)/8
		}
	}
	for ; i < len(b) && b[i] < utf8.RuneSelf; i++ {
	}
	return i
}

// decodeCP932 decodes Shift_JIS/CP932 like x/text, and also maps the
// user-defined area (lead bytes 0xF0-0xF9) to private-use code points as
// WHATWG specifies (U+E000 + pointer - 8836). That area holds the Japanese
// carrier emoji of mobile mail, which would otherwise become U+FFFD.
func decodeCP932(b []byte) string {
	var out strings.Builder
	start := 0 // start of the pending run for x/text
	flush := func(end int) {
		if end > start {
			out.WriteString(decodeWith(japanese.ShiftJIS, b[start:end]))
		}
	}
	for i := 0; i < len(b); {
		c := b[i]
		switch {
		case c >= 0xF0 && c <= 0xF9 && i+1 < len(b) && isSJISTrail(b[i+1]):
			flush(i)
			off := 0x40
			if b[i+1] >= 0x80 {
				off = 0x41
			}
			pointer := int(c-0xC1)*188 + int(b[i+1]) - off
			out.WriteRune(rune(0xE000 - 8836 + pointer))
			i += 2
			start = i
		case (c >= 0x81 && c <= 0x9F) || (c >= 0xE0 && c <= 0xFC):
			i += 2 // a double-byte character (or a broken one: x/text decides)
		default:
			i++
		}
	}
	flush(len(b))
	return out.String()
}

func isSJISTrail(c byte) bool { return (c >= 0x40 && c <= 0x7E) || (c >= 0x80 && c <= 0xFC) }

// badness scores how implausible a decoding is: replacement characters
// (decode errors), private-use code points, half-width katakana (the tell of
// EUC-JP read as Shift_JIS) and C1 controls all count against it.
func badness(s string) int {
	bad := 0
	for _, r := range s {
		switch {
		case r == utf8.RuneError:
			bad += 10
		case r >= 0xE000 && r <= 0xF8FF:
			bad += 5
		case r >= 0xFF61 && r <= 0xFF9F:
			bad += 2
		case r >= 0x80 && r <= 0x9F:
			bad += 5
		}
	}
	return bad
}

// mostlyIsolatedHigh reports whether most runs of high bytes are a single
// byte between ASCII bytes: the shape of Latin-1 text ("café"), not of a
// double-byte CJK encoding.
func mostlyIsolatedHigh(b []byte) bool {
	runs, single := 0, 0
	for i := 0; i < len(b); {
		if b[i] < 0x80 {
			i++
			continue
		}
		j := i
		for j < len(b) && b[j] >= 0x80 {
			j++
		}
		runs++
		if j-i == 1 {
			single++
		}
		i = j
	}
	return runs > 0 && single*2 > runs
}

// detectJapanese picks the best decoding of 8-bit text among UTF-8, CP932
// and EUC-JP by the badness of each result: the least bad wins, an earlier
// candidate (in that order) wins a tie, and preferred (if non-empty) has one
// point taken off, so it wins ties. It returns the text and the canonical
// name chosen.
func detectJapanese(b []byte, preferred string) (string, string) {
	best, bestName, bestBad := detectJapanese3(b, preferred)
	if bestBad >= 9 {
		// Every reading has decode errors: two last guesses, each taken
		// only when it leaves at most a quarter of the damage (a reading
		// that merely trades one garbage for another is no better).
		if t, ok := decodeMixed(b); ok {
			if bad := badness(t); 4*bad <= bestBad {
				best, bestName, bestBad = t, csMixed, bad
			}
		}
		if preferred == "" && !mostlyKana(best) {
			// Unlabelled GB2312/GBK (Chinese) has the byte shape of
			// EUC-JP. GB18030 reads almost any 8-bit text without an
			// error, so it is tried only for text that is not Japanese
			// (Japanese text is full of kana in both EUC-JP and CP932).
			if t := decodeWith(simplifiedchinese.GB18030, b); 4*badness(t) <= bestBad {
				best, bestName = t, csGB18030
			}
		}
	}
	return best, bestName
}

// detectJapanese3 is detectJapanese among UTF-8, CP932 and EUC-JP only; it
// also returns the badness of the reading chosen (less the preference).
func detectJapanese3(b []byte, preferred string) (string, string, int) {
	if utf8.Valid(b) {
		// Valid UTF-8 with high bytes is almost never anything else.
		return string(b), csUTF8, 0
	}
	bonus := func(name string) int {
		if name == preferred {
			return 1
		}
		return 0
	}
	// CP932 first: when it decodes cleanly (most Japanese mail), the other
	// two cannot beat it and are not decoded at all. Invalid UTF-8 has at
	// least one U+FFFD, 10 points; EUC-JP can do no better than 0.
	cp := decodeCP932(b)
	cpBad := badness(cp) - bonus(csCP932)
	utfMin := 10 - bonus(csUTF8)
	eucMin := 0 - bonus(csEUCJP)
	if cpBad < utfMin && cpBad <= eucMin {
		return cp, csCP932, cpBad
	}
	best, bestName := strings.ToValidUTF8(string(b), "\uFFFD"), csUTF8
	bestBad := badness(best) - bonus(csUTF8)
	if cpBad < bestBad {
		best, bestName, bestBad = cp, csCP932, cpBad
	}
	if eucMin < bestBad {
		if euc := decodeWith(japanese.EUCJP, b); badness(euc)-bonus(csEUCJP) < bestBad {
			best, bestName, bestBad = euc, csEUCJP, badness(euc)-bonus(csEUCJP)
		}
	}
	return best, bestName, bestBad
}

// csMixed names text read as UTF-8 where it is valid and as Japanese
// elsewhere (decodeMixed).
const csMixed = "utf-8+euc-jp/cp932"

// decodeMixed reads b as a mixture: valid UTF-8 multi-byte sequences as
// UTF-8, each other run of 8-bit bytes by detectJapanese. Spam mixes
// encodings inside one header (a subject half UTF-8, half EUC-JP) so that
// no single charset reads it. ok is false when b has no valid multi-byte
// UTF-8 sequence (nothing to mix).
func decodeMixed(b []byte) (string, bool) {
	if !hasUTF8Multi(b) {
		return "", false // not decoded: nothing to mix
	}
	var out []byte
	for i := 0; i < len(b); {
		if b[i] < utf8.RuneSelf {
			out = append(out, b[i])
			i++
			continue
		}
		if r, n := utf8.DecodeRune(b[i:]); r != utf8.RuneError && n >= 2 {
			out = append(out, b[i:i+n]...)
			i += n
			continue
		}
		// A run of bytes that are not UTF-8: up to the next ASCII byte or
		// valid UTF-8 sequence of three bytes or more (a two-byte one is
		// as likely a legacy character).
		j := i + 1
		for j < len(b) && b[j] >= utf8.RuneSelf {
			if r, n := utf8.DecodeRune(b[j:]); r != utf8.RuneError && n >= 3 {
				break
			}
			j++
		}
		t, _, _ := detectJapanese3(b[i:j], "")
		out = append(out, t...)
		i = j
	}
	return string(out), true
}

// hasUTF8Multi reports a valid multi-byte UTF-8 sequence in b.
func hasUTF8Multi(b []byte) bool {
	for i := 0; i < len(b); i++ {
		if b[i] >= utf8.RuneSelf {
			if r, n := utf8.DecodeRune(b[i:]); r != utf8.RuneError && n >= 2 {
				return true
			}
		}
	}
	return false
}

// mostlyKana reports whether at least a tenth of the non-ASCII characters
// of s are kana.
func mostlyKana(s string) bool {
	kana, high := 0, 0
	for _, r := range s {
		if r < utf8.RuneSelf {
			continue
		}
		high++
		if r >= 0x3041 && r <= 0x30FF || r >= 0xFF66 && r <= 0xFF9D {
			kana++
		}
	}
	return kana*10 >= high && high > 0
}

// decodeLatin reads 8-bit text whose high bytes are mostly isolated as
// windows-1252, unless windows-1252 leaves bytes undecoded (0x81, 0x8D,
// 0x8F, 0x90, 0x9D mean it is not windows-1252) and a Japanese reading does
// better: Shift_JIS has ASCII trail bytes, so it often looks isolated too.
func decodeLatin(b []byte) (string, string) {
	t := decodeWith(charmap.Windows1252, b)
	if !strings.ContainsRune(t, utf8.RuneError) {
		return t, csLatin1
	}
	if j, name := detectJapanese(b, ""); badness(j) < badness(t) {
		return j, name
	}
	return t, csLatin1
}

// decodeCharset converts body or header bytes labelled with a MIME charset to
// UTF-8. Detection beats a label that cannot be right. It returns the text and,
// when the bytes were not decoded as the label says, a note such as
// "label iso-2202-jp decoded as iso-2022-jp".
func decodeCharset(b []byte, label string) (string, string) {
	return decodeCharsetView(b, label, nil)
}

// decodeCharsetView is decodeCharset; with scratch non-nil, text that needs
// no decoding (ASCII, valid UTF-8) is returned as a view of b instead of a
// copy, and text in a single-byte charset is decoded into *scratch, for a
// caller that copies it before b changes or *scratch is reused.
func decodeCharsetView(b []byte, label string, scratch *[]byte) (string, string) {
	enc, name := lookupCharset(label)
	text, used := decodeDetect(b, enc, name, scratch)
	l := strings.ToLower(strings.Trim(strings.TrimSpace(label), "\"'"))
	if used == name || (used == csASCII && (name != "" || l == "")) {
		return text, ""
	}
	if l == "" {
		l = `""`
	}
	return text, "label " + l + " decoded as " + used
}

func decodeDetect(b []byte, enc encoding.Encoding, name string, scratch *[]byte) (string, string) {
	asIs := func() string {
		if scratch != nil {
			return unsafe.String(unsafe.SliceData(b), len(b))
		}
		return string(b)
	}
	if !hasHighByte(b) {
		if hasJISEscape(b) {
			return decodeWith(japanese.ISO2022JP, b), csISO2022
		}
		// Pure 7-bit text: identical in every ASCII-compatible charset.
		return asIs(), csASCII
	}
	switch name {
	case csISO2022:
		// Bytes >0x7F cannot be ISO-2022-JP.
		return detectJapanese(b, "")
	case csCP932, csEUCJP:
		return detectJapanese(b, name)
	case csUTF8:
		if utf8.Valid(b) {
			return asIs(), csUTF8
		}
		t, used := detectJapanese(b, csUTF8)
		return t, used
	case "":
		if utf8.Valid(b) {
			return asIs(), csUTF8
		}
		if mostlyIsolatedHigh(b) {
			return decodeLatin(b)
		}
		return detectJapanese(b, "")
	case csASCII, csLatin1:
		// A common lie: UTF-8 text labelled us-ascii or iso-8859-1.
		if utf8.Valid(b) {
			return asIs(), csUTF8
		}
		if name == csASCII {
			if !mostlyIsolatedHigh(b) {
				return detectJapanese(b, "")
			}
			return decodeLatin(b)
		}
	}
	if _, single := enc.(*charmap.Charmap); single && utf8.Valid(b) {
		// UTF-8 under a single-byte label (iso-8859-x, windows-125x,
		// koi8-r): text in those charsets is almost never valid UTF-8.
		return asIs(), csUTF8
	}
	var out string
	if m, single := enc.(*charmap.Charmap); single && scratch != nil {
		out, *scratch = decodeCharmapTo((*scratch)[:0], m, b)
	} else if enc == japanese.ShiftJIS {
		out = decodeCP932(b)
	} else {
		out = decodeWith(enc, b)
	}
	if utf8.Valid(b) && strings.ContainsRune(out, utf8.RuneError) {
		// The label cannot be right (its decoder fails) and the bytes are
		// valid UTF-8.
		return asIs(), csUTF8
	}
	return out, name
}
