package classifier

import (
	"encoding/binary"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
	"unsafe"

	"golang.org/x/text/unicode/norm"
)

// Tokenizer limits.
const (
	// MaxTokenBytes is the longest token kept; longer words become a
	// "skip:" token that records only their first letter and length.
	MaxTokenBytes = 30
	// MaxTokens bounds the tokens emitted for one message (before
	// de-duplication).
	MaxTokens = 20000
	// maxHeaderTokens bounds the tokens from any single header field.
	maxHeaderTokens = 40
	// maxCJKRun is the longest kana run kept as one token.
	maxCJKRun = 12
)

// tokEmptyBody marks a message with nothing after its header.
const tokEmptyBody = "body:empty"

// Tokenize returns the tokens the model uses for msg: lower-cased, NFKC
// normalised, de-duplicated, in the order first seen. Header tokens carry the name of
// their field ("subject:word", "from:domain:example.jp"), link targets are
// "url:host", and features of the MIME structure ("mime:missing-close",
// "attach:image/gif") are tokens too. Headers named X-Spam* and X-Bogosity
// are ignored entirely: they carry another filter's verdict.
func Tokenize(msg []byte) []string {
	t := tokenizeParsed(parse(msg))
	defer t.release()
	return t.strings()
}

// tokenizer collects tokens into one byte arena to keep allocations per
// message constant. Tokens are de-duplicated as they are emitted: a token
// seen before in the message is counted (MaxTokens and the per-field bound
// count every emitted token, as they always did) but not kept twice.
type tokenizer struct {
	arena  []byte
	uniq   []span   // distinct tokens, in the order first emitted
	hashes []uint64 // their store hashes
	table  []tslot  // hash set of the tokens so far: key hash, value index in uniq
	count  int      // tokens emitted, duplicates included
	limit  int      // emitted tokens allowed (the bound of the current header field)
	// pre is the model's token table when the tokens will be looked up
	// in it (Classify, Train): every prefetchBatch new tokens, the lines
	// they will be found in are prefetched, so that the lookups after
	// tokenizing find them in the cache. preDone counts the hashes done.
	pre     []wslot
	preDone int
	norm    []byte // text() normalises into it (nfkcTo); reused
}

// prefetchBatch is how many new tokens wait for one prefetchHomes call:
// the call costs a few nanoseconds, a token's line about a hundred.
const prefetchBatch = 16

type span struct{ off, n int32 }

func (t *tokenizer) full() bool { return t.count >= MaxTokens }

// reset prepares the tokenizer for a new message (or any text). The
// de-duplication table is sized from the previous one's distinct tokens,
// and at least minTable slots (a power of two).
func (t *tokenizer) reset(minTable int) {
	size := minTable
	for size < 2*len(t.uniq) {
		size *= 2
	}
	if cap(t.table) < size {
		t.table = make([]tslot, size)
	}
	t.table = t.table[:size]
	clear(t.table)
	t.arena, t.uniq, t.hashes = t.arena[:0], t.uniq[:0], t.hashes[:0]
	t.count, t.limit = 0, MaxTokens
}

// add records the token the arena holds from off on, unless it is empty,
// over the current field's bound, or was emitted before (then its bytes are
// dropped from the arena).
func (t *tokenizer) add(off int) {
	if len(t.arena) == off {
		return
	}
	t.addHash(off, hashBytes(t.arena[off:]))
}

// addHash is add for a token whose hash h the caller computed (as
// hashBytes of the arena's bytes from off on, which must not be empty).
func (t *tokenizer) addHash(off int, h uint64) {
	if t.count >= t.limit {
		t.arena = t.arena[:off]
		return
	}
	t.count++
	k := fixKey(h)
	mask := uint64(len(t.table) - 1)
	for i := k & mask; ; i = (i + 1) & mask {
		e := &t.table[i]
		if e.key == 0 {
			sp := span{int32(off), int32(len(t.arena) - off)}
			e.key, e.c.spam = k, uint32(len(t.uniq))
			t.uniq = append(t.uniq, sp)
			t.hashes = append(t.hashes, h)
			if 2*len(t.uniq) >= len(t.table) {
				t.growTable()
			}
			if len(t.hashes)-t.preDone >= prefetchBatch && t.pre != nil {
				prefetchHomes(t.pre, t.hashes[t.preDone:])
				t.preDone = len(t.hashes)
			}
			return
		}
		if e.key == k {
			t.arena = t.arena[:off]
			return
		}
	}
}

// growTable doubles the de-duplication table.
func (t *tokenizer) growTable() {
	if n := 2 * len(t.table); cap(t.table) >= n {
		t.table = t.table[:n]
		clear(t.table)
	} else {
		t.table = make([]tslot, n)
	}
	mask := uint64(len(t.table) - 1)
	for j, h := range t.hashes {
		k := fixKey(h)
		i := k & mask
		for t.table[i].key != 0 {
			i = (i + 1) & mask
		}
		t.table[i].key, t.table[i].c.spam = k, uint32(j)
	}
}

// emit adds prefix+tok as a token.
func (t *tokenizer) emit(prefix, tok string) {
	if t.full() || tok == "" {
		return
	}
	off := len(t.arena)
	t.arena = append(t.arena, prefix...)
	t.arena = append(t.arena, tok...)
	t.finish(off, off+len(prefix))
}

// finish records the token appended to the arena at off, whose text after
// the prefix starts at from. That text is cut at the first control
// character, invalid UTF-8 or U+FFFD (raw header values can hold anything),
// and the token is dropped if nothing is left. Prefixes are constants and
// field names, which hold none of those.
func (t *tokenizer) finish(off, from int) {
	seg := t.arena[from:]
	for i := 0; i < len(seg); {
		c := seg[i]
		if c < utf8.RuneSelf {
			if c < 0x20 || c == 0x7f {
				t.arena = t.arena[:from+i]
				break
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(seg[i:])
		if r == utf8.RuneError || unicode.IsControl(r) {
			t.arena = t.arena[:from+i]
			break
		}
		i += size
	}
	t.add(off)
}

// addJoined adds prefix+s as a token, checked as a whole (see tokenSink).
func (t *tokenizer) addJoined(prefix, s string) {
	if t.full() || prefix == "" && s == "" {
		return
	}
	off := len(t.arena)
	t.arena = append(t.arena, prefix...)
	t.arena = append(t.arena, s...)
	t.finish(off, off)
}

// emitLower adds prefix+lower(word); word is NFKC text.
func (t *tokenizer) emitLower(prefix, word string) {
	t.emitLowerN(prefix, word, MaxTokenBytes)
}

// emitLowerN is emitLower with a length limit of max bytes. It lower-cases
// and checks the word in one pass, with the rules of finish.
func (t *tokenizer) emitLowerN(prefix, word string, max int) {
	if t.full() {
		return
	}
	if len(word) > max {
		r, _ := utf8.DecodeRuneInString(word)
		b := len(word) / 10 * 10
		t.emit(prefix, "skip:"+string(unicode.ToLower(r))+":"+itoa(b))
		return
	}
	off := len(t.arena)
	t.arena = append(t.arena, prefix...)
	// ASCII bytes go straight into room made once; the first other byte
	// goes on rune by rune.
	n := len(t.arena)
	t.grow(len(word))
	d := t.arena[n : n+len(word)]
	i := 0
	for ; i < len(word); i++ {
		c := word[i]
		if c >= utf8.RuneSelf || c < 0x20 || c == 0x7f {
			break
		}
		d[i] = lowerASCII[c]
	}
	t.arena = t.arena[:n+i]
	for i < len(word) {
		c := word[i]
		if c < utf8.RuneSelf {
			if c < 0x20 || c == 0x7f {
				break
			}
			t.arena = append(t.arena, lowerASCII[c])
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(word[i:])
		r = unicode.ToLower(r)
		if r == utf8.RuneError || unicode.IsControl(r) {
			break
		}
		t.arena = utf8.AppendRune(t.arena, r)
		i += size
	}
	t.add(off)
}

// names returns the distinct tokens at idx; one allocation holds their
// bytes.
func (t *tokenizer) names(idx []int32) []string {
	total := 0
	for _, i := range idx {
		total += int(t.uniq[i].n)
	}
	buf := make([]byte, 0, total)
	for _, i := range idx {
		u := t.uniq[i]
		buf = append(buf, t.arena[u.off:u.off+u.n]...)
	}
	all := unsafe.String(unsafe.SliceData(buf), len(buf))
	out := make([]string, len(idx))
	off := 0
	for k, i := range idx {
		n := int(t.uniq[i].n)
		out[k] = all[off : off+n]
		off += n
	}
	return out
}

// strings returns all distinct tokens; one allocation holds their bytes.
func (t *tokenizer) strings() []string {
	total := 0
	for _, u := range t.uniq {
		total += int(u.n)
	}
	buf := make([]byte, 0, total)
	for _, u := range t.uniq {
		buf = append(buf, t.arena[u.off:u.off+u.n]...)
	}
	all := string(buf)
	out := make([]string, len(t.uniq))
	off := 0
	for i, u := range t.uniq {
		out[i] = all[off : off+int(u.n)]
		off += int(u.n)
	}
	return out
}

// release returns the tokenizer's buffers to the pool; the tokenizer must
// not be used afterwards.
func (t *tokenizer) release() {
	if cap(t.arena) <= 4<<20 && cap(t.norm) <= 1<<20 {
		tokenizers.Put(t)
	}
}

// tokenizers are reused: their buffers grow to the size of typical mail
// once, not on every message.
var tokenizers = sync.Pool{New: func() any { return new(tokenizer) }}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[i:])
}

// tokenizeParsed tokenizes a parsed message into a pooled tokenizer and
// releases p (its tokens are copies); the caller reads t.uniq/t.hashes and
// then calls t.release.
func tokenizeParsed(p *parsed) *tokenizer { return tokenizeFor(p, nil) }

// tokenizeFor is tokenizeParsed for tokens that will be looked up in the
// token table with slots pre (see tokenizer.pre).
func tokenizeFor(p *parsed, pre []wslot) *tokenizer {
	t := tokenizers.Get().(*tokenizer)
	t.reset(512)
	t.pre, t.preDone = pre, 0
	for i := range p.header {
		if skipHeader(p.header[i].name) {
			continue
		}
		t.headerTokens(&p.header[i])
	}
	if p.noBody {
		t.emit("", tokEmptyBody)
	}
	t.text("", p.Body, true)
	start := int32(0)
	for _, end := range p.featEnd {
		if end > start {
			t.emit("", unsafe.String(&p.feat[start], end-start))
		}
		start = end
	}
	p.release()
	if t.pre != nil {
		prefetchHomes(t.pre, t.hashes[t.preDone:])
		t.pre = nil // the pool must not keep the table alive
	}
	return t
}

// capToken cuts s to at most n bytes on a rune boundary.
func capToken(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// isSep reports runes that separate tokens: white space, controls
// (including NUL), U+FFFD (undecodable bytes such as a stray 0x80), and
// punctuation and symbols other than the joiners kept inside words.
func isSep(r rune) bool {
	if r < utf8.RuneSelf {
		return asciiSep[r]
	}
	if isCJKLetter(r) {
		return false // the common case in CJK text, without the Unicode tables
	}
	if r == utf8.RuneError || unicode.IsSpace(r) || unicode.IsControl(r) {
		return true
	}
	return unicode.IsPunct(r) && r != 'ー' && r != '・' || unicode.IsSymbol(r) && !isCJKSymbol(r)
}

func isCJKSymbol(r rune) bool { return r == '々' || r == '〆' || r == 'ヶ' }

// isCJKLetter reports runes of the blocks that hold nothing but letters:
// CJK Unified Ideographs, Hangul syllables, and the hiragana and katakana
// letters (TestCJKLetterRanges checks every one against the tables).
func isCJKLetter(r rune) bool {
	return r >= 0x4E00 && r <= 0x9FFF || r >= 0xAC00 && r <= 0xD7A3 ||
		r >= 0x3041 && r <= 0x3096 || r >= 0x30A1 && r <= 0x30FA
}

var asciiSep = func() (t [utf8.RuneSelf]bool) {
	for c := 0; c < utf8.RuneSelf; c++ {
		b := byte(c)
		isWord := isASCIILetter(b) || ('0' <= b && b <= '9') || strings.IndexByte(".-_'$!@/:%&?=#+~", b) >= 0
		t[c] = !isWord
	}
	return t
}()

// text tokenizes free text. body selects the body rules (URLs in the text
// become url: tokens); header text carries prefix.
func (t *tokenizer) text(prefix, s string, body bool) {
	if s == "" || t.full() {
		return
	}
	if !isASCII(s) {
		// The normalised text is read only here: the tokens are copied.
		s, t.norm = nfkcTo(t.norm[:0], s)
	}
	i := 0
	for i < len(s) && !t.full() {
		// Skip separators: runs of ASCII ones first, in a tight loop.
		for textClass[s[i]] == tcSep {
			if i++; i == len(s) {
				return
			}
		}
		switch textClass[s[i]] {
		case tcSep:
			i++
			continue
		case tcHigh:
			if r, size := utf8.DecodeRuneInString(s[i:]); isSep(r) {
				i += size
				continue
			}
		}
		// A chunk is a maximal run of non-separators; note its first '@',
		// and whether it holds other bytes that end a word or joiners
		// that split one, on the way.
		j, high, at, punct, inner := i, false, -1, false, false
	scan:
		for j < len(s) {
			// Letters and digits, the most of any chunk, in a tight loop.
			for textClass[s[j]] == tcWord {
				if j++; j == len(s) {
					break scan
				}
			}
			switch textClass[s[j]] {
			case tcSep:
				break scan
			case tcInner:
				inner = true
				j++
			case tcPunct:
				punct = true
				j++
			case tcAt:
				if at < 0 {
					at = j - i
				}
				j++
			default:
				r, size := utf8.DecodeRuneInString(s[j:])
				if isSep(r) {
					break scan
				}
				high = true
				j += size
			}
		}
		t.chunk(prefix, s[i:j], body, high, at, punct, inner)
		i = j
	}
}

// nfkcTo is norm.NFKC.String(s), computed only on the runs between ASCII
// white space that hold a non-ASCII byte: the rest is ASCII, which NFKC
// leaves alone, and white space neither composes with what precedes it nor
// lets what follows compose across it, so normalising the runs one by one
// gives the same text. Mostly English text with a stray non-breaking
// space or curly quote no longer goes through the normaliser whole. The
// text is built in buf (returned, to be reused): the result is a view of
// buf, or s itself.
func nfkcTo(buf []byte, s string) (string, []byte) {
	if !utf8.ValidString(s) {
		// x/text reads a broken sequence differently near the end of its
		// input; decoded text is always valid, so this is only for safety.
		return norm.NFKC.String(s), buf
	}
	var out []byte
	use := func() {
		if out == nil {
			out = buf[:0]
			if cap(out) < len(s)+len(s)/8 {
				out = make([]byte, 0, len(s)+len(s)/8)
			}
		}
	}
	done := 0 // s[:done] is in out (once out is in use)
	for i := 0; i < len(s); {
		j := i
		for j < len(s) && s[j] < utf8.RuneSelf {
			j++
		}
		if j == len(s) {
			break
		}
		if isNBSP(s, j) {
			// NFKC makes a no-break space (HTML's &nbsp;, the most common
			// non-ASCII character of English mail) a space, and it is a
			// boundary like one: no call into the normaliser for it.
			use()
			out = append(out, s[done:j]...)
			out = append(out, ' ')
			done, i = j+2, j+2
			continue
		}
		start := j
		for start > i && !isASCIIWhite(s[start-1]) {
			start--
		}
		end := j
		for end < len(s) && !isASCIIWhite(s[end]) && !isNBSP(s, end) {
			end++
		}
		if run := s[start:end]; norm.NFKC.QuickSpanString(run) != len(run) {
			use()
			out = append(out, s[done:start]...)
			out = norm.NFKC.AppendString(out, run)
			done = end
		}
		i = end
	}
	if out == nil {
		return s, buf
	}
	out = append(out, s[done:]...)
	return unsafe.String(unsafe.SliceData(out), len(out)), out
}

// isNBSP reports U+00A0 (no-break space) at s[i].
func isNBSP(s string, i int) bool { return i+1 < len(s) && s[i] == 0xC2 && s[i+1] == 0xA0 }

func isASCIIWhite(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// Byte classes of text scanning.
const (
	tcWord  = iota // ASCII that is part of a chunk
	tcSep          // ASCII separator
	tcAt           // '@'
	tcHigh         // the first or a later byte of a multi-byte rune
	tcPunct        // ASCII that is part of a chunk but not of a word: ! / : % & ? = # + ~
	tcInner        // a joiner that splits compounds: . - _
)

var textClass = func() (t [256]uint8) {
	for c := 0; c < 256; c++ {
		switch {
		case c >= utf8.RuneSelf:
			t[c] = tcHigh
		case asciiSep[c]:
			t[c] = tcSep
		case c == '@':
			t[c] = tcAt
		case asciiClass[c] == bOther:
			t[c] = tcPunct
		case asciiClass[c]&bInner != 0:
			t[c] = tcInner
		}
	}
	return t
}()

func isASCII(s string) bool {
	i := 0
	for ; i+8 <= len(s); i += 8 {
		w := uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
			uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56
		if w&0x8080808080808080 != 0 {
			return false
		}
	}
	for ; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// chunk tokenizes one run of non-separator text: a URL, an e-mail address,
// or words and CJK segments. at is the offset of its first '@' (-1: none);
// high reports bytes of multi-byte runes, punct ASCII bytes that end a word
// other than '@' (tcPunct), inner joiners that split one (tcInner).
func (t *tokenizer) chunk(prefix, c string, body, high bool, at int, punct, inner bool) {
	if body && len(c) > 4 {
		if b := c[0] | 0x20; (b == 'h' || b == 'w') &&
			(hasPrefixFold(c, "http://") || hasPrefixFold(c, "https://") || hasPrefixFold(c, "www.")) {
			urlTokens(t, c)
			return
		}
	}
	if at > 0 && at < len(c)-3 && strings.IndexByte(c[at:], '.') > 0 {
		d := strings.Trim(c[at+1:], ".,:;!?'\"-")
		t.emitLowerN(prefix+"email:", capToken(d, 60), 60)
		c = c[:at]
	}
	if !high {
		if at < 0 && !punct {
			// Letters, digits and joiners only: one word.
			t.asciiWord(prefix, c, inner)
			return
		}
		t.asciiWords(prefix, c)
		return
	}
	t.chunkWords(prefix, c)
}

// Byte classes of the ASCII fast path.
const (
	bOther = 0 // ends a word (and is not part of one)
	bWord  = 1 // letter or digit
	bJoin  = 2 // allowed inside a word: . - ' _ $
	bInner = 4 // with bJoin: one that splits a compound (. - _)
)

var asciiClass = func() (t [256]uint8) {
	for c := 0; c < utf8.RuneSelf; c++ {
		b := byte(c)
		switch {
		case isASCIILetter(b) || ('0' <= b && b <= '9'):
			t[c] = bWord
		case b == '.' || b == '-' || b == '_':
			t[c] = bJoin | bInner
		case b == '\'' || b == '$':
			t[c] = bJoin
		}
	}
	return t
}()

// asciiWords is chunkWords for a chunk of ASCII text: words are runs of
// letters, digits and joiners.
func (t *tokenizer) asciiWords(prefix, c string) {
	for i := 0; i < len(c); {
		if asciiClass[c[i]] == bOther {
			i++
			continue
		}
		j, m := i+1, asciiClass[c[i]]
		for j < len(c) && asciiClass[c[j]] != bOther {
			m |= asciiClass[c[j]]
			j++
		}
		t.asciiWord(prefix, c[i:j], m&bInner != 0)
		i = j
	}
}

// asciiWord is word for an ASCII run of letters, digits and joiners, in
// one pass: trim, copy lower-cased, and note
// inner joiners for the compound parts. joiners reports a '.', '-' or '_'
// anywhere in s (trimmed ends included).
func (t *tokenizer) asciiWord(prefix, s string, joiners bool) {
	a, b := 0, len(s)
	for a < b && trimByte[s[a]]&1 != 0 {
		a++
	}
	for b > a && trimByte[s[b-1]] != 0 {
		b--
	}
	w := s[a:b]
	if len(w) < 3 || t.full() {
		return
	}
	if len(w) > MaxTokenBytes {
		t.word(prefix, w) // the skip token
		return
	}
	if prefix == "" {
		t.bodyWord(w, joiners && hasInnerJoiner(w))
		return
	}
	off := len(t.arena)
	t.grow(len(prefix) + len(w))
	d := t.arena[off : off+len(prefix)+len(w)]
	if prefix != "" {
		copy(d, prefix)
	}
	d = d[len(prefix):]
	d = d[:len(w)]
	var inner uint8
	for k := 0; k < len(w); k++ {
		c := w[k]
		d[k] = lowerASCII[c]
		inner |= innerJoiner[c] // w does not start or end with one
	}
	t.arena = t.arena[:off+len(prefix)+len(w)]
	t.add(off)
	if inner != 0 {
		t.compoundParts(prefix, w)
	}
}

// Constants of hashBytes (model.go), which bodyWord computes as it copies.
const (
	hashM1 = 0x9E3779B97F4A7C15
	hashM2 = 0xBF58476D1CE4E5B9
	hashM3 = 0x94D049BB133111EB
)

// lower8 lower-cases the eight ASCII bytes of x (none has its top bit set):
// bytes from 'A' to 'Z' get bit 0x20.
func lower8(x uint64) uint64 {
	const ones = 0x0101010101010101
	ge := x + (0x80-'A')*ones   // top bit: byte >= 'A'
	gt := x + (0x80-'Z'-1)*ones // top bit: byte > 'Z'
	return x | (ge&^gt&(0x80*ones))>>2
}

// bodyWord adds the body word w (ASCII letters, digits and joiners, 3 to
// MaxTokenBytes bytes, trimmed) lower-cased, and its compound parts when
// inner is set. It copies w eight bytes at a time, lower-casing them as one
// word and computing the token's hash on the way (hashBytes, step for
// step), so the bytes are read once. The last 1-7 bytes are read with
// overlapping loads from w and stored as a whole word, writing up to seven
// bytes past the token inside the arena's capacity.
func (t *tokenizer) bodyWord(w string, inner bool) {
	off := len(t.arena)
	n := len(w)
	t.grow(n + 8)
	d := t.arena[off : off+n+8]
	h := uint64(n) * hashM1
	k := 0
	src := unsafe.Slice(unsafe.StringData(w), n) // read only
	for ; k+8 <= n; k += 8 {
		x := lower8(binary.LittleEndian.Uint64(src[k : k+8]))
		binary.LittleEndian.PutUint64(d[k:k+8], x)
		h = (h ^ x) * hashM2
		h ^= h >> 29
	}
	if r := n - k; r > 0 {
		s := src[k:]
		var x uint64
		if r >= 4 {
			lo := uint64(binary.LittleEndian.Uint32(s))
			hi := uint64(binary.LittleEndian.Uint32(s[r-4:]))
			x = lo | hi<<(8*uint(r-4))
		} else {
			x = uint64(s[0]) | uint64(s[r/2])<<(8*uint(r/2)) | uint64(s[r-1])<<(8*uint(r-1))
		}
		x = lower8(x)
		binary.LittleEndian.PutUint64(d[k:k+8], x)
		h = (h ^ x) * hashM2
		h ^= h >> 29
	}
	h ^= h >> 30
	h *= hashM2
	h ^= h >> 27
	h *= hashM3
	h ^= h >> 31
	t.arena = t.arena[:off+n]
	t.addHash(off, h)
	if inner {
		t.compoundParts("", w)
	}
}

// trimByte marks the joiners trimmed from the start of a word (bit 1) and
// from its end (any bit; '$' only there).
var trimByte = func() (t [256]uint8) {
	for _, c := range ".-'_" {
		t[c] = 1
	}
	t['$'] = 2
	return t
}()

// innerJoiner marks the joiners that split a compound word into parts.
var innerJoiner = func() (t [256]uint8) {
	t['.'], t['-'], t['_'] = 1, 1, 1
	return t
}()

// compoundParts adds the parts (3 bytes or more) of a word with inner
// dots, hyphens or underscores.
func (t *tokenizer) compoundParts(prefix, w string) {
	start := 0
	for i := 0; i <= len(w); i++ {
		if i < len(w) && w[i] != '.' && w[i] != '-' && w[i] != '_' {
			continue
		}
		if part := w[start:i]; len(part) >= 3 && len(part) < len(w) {
			t.emitWord(prefix, part)
		}
		start = i + 1
	}
}

// chunkWords splits a chunk into words (letters, digits and inner joiners)
// and CJK runs.
func (t *tokenizer) chunkWords(prefix, c string) {
	start := -1
	cls := clsNone
	for i := 0; i <= len(c); {
		var r rune
		size := 1
		k := clsNone
		if i < len(c) {
			r = rune(c[i])
			if r >= utf8.RuneSelf {
				r, size = utf8.DecodeRuneInString(c[i:])
			}
			k = runeClass(r)
		}
		if k != cls {
			if start >= 0 {
				t.segment(prefix, c[start:i], cls)
			}
			start, cls = -1, k
			if k != clsNone {
				start = i
			}
		}
		i += size
		if i > len(c) {
			break
		}
	}
}

func hasPrefixFold(s, p string) bool {
	return len(s) >= len(p) && strings.EqualFold(s[:len(p)], p)
}

// Character classes for segmenting.
const (
	clsNone = iota // joiner punctuation: ends a CJK segment, trimmed from words
	clsWord        // letters and digits of space-separated scripts
	clsHan
	clsHira
	clsKata
)

func runeClass(r rune) int {
	if r < utf8.RuneSelf {
		b := byte(r)
		if isASCIILetter(b) || ('0' <= b && b <= '9') {
			return clsWord
		}
		if b == '.' || b == '-' || b == '\'' || b == '_' || b == '$' {
			return clsWord // joiners; trimmed at word ends below
		}
		return clsNone
	}
	switch {
	case r >= 0x4E00 && r <= 0x9FFF:
		return clsHan // all Han (TestCJKLetterRanges), before the table search
	case r >= 0x3041 && r <= 0x309F:
		return clsHira
	case r >= 0x30A0 && r <= 0x30FF, r >= 0x31F0 && r <= 0x31FF:
		return clsKata
	case unicode.Is(unicode.Han, r), r == '々', r == '〆', r == 'ヶ':
		return clsHan
	case unicode.IsLetter(r), unicode.IsDigit(r), unicode.IsMark(r):
		return clsWord
	}
	return clsNone
}

// segment emits the tokens of one same-class run.
func (t *tokenizer) segment(prefix, s string, cls int) {
	switch cls {
	case clsWord:
		t.word(prefix, s)
	case clsHan:
		n := utf8.RuneCountInString(s)
		if n <= 2 {
			t.emit(prefix, s)
			return
		}
		// Character bigrams for longer kanji/hanzi runs.
		t.bigrams(prefix, s)
	case clsHira:
		n := utf8.RuneCountInString(s)
		if n < 2 {
			return
		}
		if n <= maxCJKRun/2 {
			t.emit(prefix, s)
			return
		}
		t.bigrams(prefix, s)
	case clsKata:
		n := utf8.RuneCountInString(s)
		if n < 2 {
			return
		}
		if n <= maxCJKRun {
			t.emit(prefix, s)
			return
		}
		t.bigrams(prefix, s)
	}
}

// word emits one word (a run of letters, digits and joiners): the word
// lower-cased and the parts of a dotted or hyphenated compound.
func (t *tokenizer) word(prefix, s string) {
	w := trimJoiners(s)
	if len(w) < 3 {
		if len(w) == 2 && !isASCII(w) {
			t.emitWord(prefix, w) // a two-byte letter is one non-Latin letter
		}
		return
	}
	t.emitWord(prefix, w)
	// Also the parts of dotted or hyphenated compounds.
	if len(w) <= MaxTokenBytes && hasInnerJoiner(w) {
		t.compoundParts(prefix, w)
	}
}

// emitWord adds prefix+lower(w) for a word cut from normalised text, which
// holds no control characters or U+FFFD (they are separators), so unlike
// emit it needs no validation.
func (t *tokenizer) emitWord(prefix, w string) {
	if t.full() {
		return
	}
	if len(w) > MaxTokenBytes {
		t.emitLower(prefix, w) // the skip token
		return
	}
	off := len(t.arena)
	if prefix != "" {
		t.arena = append(t.arena, prefix...)
	}
	n := len(t.arena)
	t.grow(len(w))
	b := t.arena[n : n+len(w)]
	for k := 0; k < len(w); k++ {
		c := w[k]
		if c >= utf8.RuneSelf {
			// Not ASCII: lower-case rune by rune.
			for _, r := range w {
				t.arena = utf8.AppendRune(t.arena, unicode.ToLower(r))
			}
			b = nil
			break
		}
		b[k] = lowerASCII[c]
	}
	if b != nil {
		t.arena = t.arena[:n+len(w)]
	}
	t.add(off)
}

// grow makes room for n more bytes in the arena.
func (t *tokenizer) grow(n int) {
	if cap(t.arena)-len(t.arena) < n {
		t.arena = slices.Grow(t.arena, n)
	}
}

// lowerASCII maps ASCII upper-case letters to lower case and every other
// byte below 0x80 to itself.
var lowerASCII = func() (t [256]byte) {
	for c := range t {
		t[c] = byte(c)
		if 'A' <= c && c <= 'Z' {
			t[c] = byte(c) + 'a' - 'A'
		}
	}
	return t
}()

// trimJoiners trims the punctuation allowed inside words from both ends
// of a word (and '$' from its end: "$100" keeps its sign).
func trimJoiners(s string) string {
	isJ := func(c byte) bool { return c == '.' || c == '-' || c == '\'' || c == '_' }
	for len(s) > 0 && isJ(s[0]) {
		s = s[1:]
	}
	for len(s) > 0 && (isJ(s[len(s)-1]) || s[len(s)-1] == '$') {
		s = s[:len(s)-1]
	}
	return s
}

// hasInnerJoiner reports a '.', '-' or '_' inside a (trimmed) word.
func hasInnerJoiner(w string) bool {
	for i := 1; i < len(w); i++ {
		if c := w[i]; c == '.' || c == '-' || c == '_' {
			return true
		}
	}
	return false
}

func (t *tokenizer) bigrams(prefix, s string) {
	for i := 0; i < len(s) && !t.full(); {
		_, a := utf8.DecodeRuneInString(s[i:])
		if i+a >= len(s) {
			break
		}
		_, b := utf8.DecodeRuneInString(s[i+a:])
		t.emit(prefix, s[i:i+a+b])
		i += a
	}
}
