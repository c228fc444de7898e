package classifier

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Thunderbird's junk filter keeps its training in the profile directory as
// training.dat (mailnews/extensions/bayesian-spam-filter/nsBayesianFilter.cpp,
// CorpusStore::writeTrainingData). All integers are big-endian uint32:
//
//	magic     FE ED FA CE
//	good      messages trained as good (ham)
//	junk      messages trained as junk (spam)
//	ngood     good token records, then ngood × {count, length, bytes}
//	njunk     junk token records, then njunk × {count, length, bytes}
//
// count is the number of messages of that class the token occurred in;
// bytes are the token's text (UTF-8, no NUL).

// TrainingDatFile is the name of Thunderbird's training file.
const TrainingDatFile = "training.dat"

var trainingDatMagic = [4]byte{0xFE, 0xED, 0xFA, 0xCE}

// TrainingData is the content of a Thunderbird training.dat, as written.
type TrainingData struct {
	Good, Junk             uint32 // messages trained as good and as junk
	GoodTokens, JunkTokens []TBToken
}

// TBToken is one token record of a training.dat.
type TBToken struct {
	Word  string
	Count uint32
}

// ErrNotTrainingDat is matched (errors.Is) by the error for a file that does
// not start with Thunderbird's magic number.
var ErrNotTrainingDat = errors.New("not a Thunderbird training.dat")

// TrainingDatError says what is wrong with a training.dat and where: the
// byte offset and what was expected there.
type TrainingDatError struct {
	Path     string // the file ("" when parsed from memory)
	Offset   int    // byte offset of the problem
	Size     int    // the file's size
	Expected string // what the parser was reading, e.g. "the length of junk token 17 of 200"
	Problem  string // what was wrong with it
	notTB    bool
}

func (e *TrainingDatError) Error() string {
	name := e.Path
	if name == "" {
		name = TrainingDatFile
	}
	if e.notTB {
		return fmt.Sprintf("%s is not a Thunderbird training.dat: %s (give the training.dat from a Thunderbird profile directory)", name, e.Problem)
	}
	return fmt.Sprintf("%s is damaged at byte %d of %d: %s: %s; nothing was imported (copy the file again while Thunderbird is closed)",
		name, e.Offset, e.Size, e.Expected, e.Problem)
}

// Is makes errors.Is(err, ErrNotTrainingDat) true for a bad magic number.
func (e *TrainingDatError) Is(target error) bool { return e.notTB && target == ErrNotTrainingDat }

// ReadTrainingDat reads and parses a Thunderbird training.dat.
func ReadTrainingDat(path string) (*TrainingData, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read Thunderbird training data: %w", err)
	}
	d, err := ParseTrainingDat(data)
	var te *TrainingDatError
	if errors.As(err, &te) {
		te.Path = path
	}
	return d, err
}

// ParseTrainingDat parses the bytes of a training.dat. Any deviation from
// the layout (a wrong magic number, a file that ends inside a record, a token
// longer than the rest of the file, bytes after the last junk token) is a
// *TrainingDatError; nothing is returned with it.
func ParseTrainingDat(data []byte) (*TrainingData, error) {
	p := tbParser{data: data}
	if len(data) == 0 {
		return nil, &TrainingDatError{Size: 0, Problem: "the file is empty", notTB: true}
	}
	if len(data) < 4 || [4]byte(data[:4]) != trainingDatMagic {
		head := data[:min(4, len(data))]
		return nil, &TrainingDatError{Size: len(data), notTB: true,
			Problem: fmt.Sprintf("it starts with % X, not FE ED FA CE", head)}
	}
	p.off = 4
	d := &TrainingData{}
	var err error
	if d.Good, err = p.u32("the good message count"); err != nil {
		return nil, err
	}
	if d.Junk, err = p.u32("the junk message count"); err != nil {
		return nil, err
	}
	if d.GoodTokens, err = p.tokens("good"); err != nil {
		return nil, err
	}
	if d.JunkTokens, err = p.tokens("junk"); err != nil {
		return nil, err
	}
	if p.off != len(data) {
		return nil, p.fail("the end of the file after the last junk token",
			fmt.Sprintf("%d more bytes follow", len(data)-p.off))
	}
	return d, nil
}

type tbParser struct {
	data []byte
	off  int
}

func (p *tbParser) fail(expected, problem string) error {
	return &TrainingDatError{Offset: p.off, Size: len(p.data), Expected: expected, Problem: problem}
}

func (p *tbParser) u32(what string) (uint32, error) {
	if rest := len(p.data) - p.off; rest < 4 {
		problem := "the file ends there (truncated)"
		if rest > 0 {
			problem = fmt.Sprintf("only %d bytes are left (truncated)", rest)
		}
		return 0, p.fail(what+" (4 bytes)", problem)
	}
	v := binary.BigEndian.Uint32(p.data[p.off:])
	p.off += 4
	return v, nil
}

func (p *tbParser) tokens(class string) ([]TBToken, error) {
	n, err := p.u32("the number of " + class + " tokens")
	if err != nil {
		return nil, err
	}
	// Each record takes at least 8 bytes: never trust n for the allocation.
	out := make([]TBToken, 0, min(int(n), (len(p.data)-p.off)/8))
	for i := uint32(0); i < n; i++ {
		what := fmt.Sprintf("%s token %d of %d", class, i+1, n)
		count, err := p.u32("the count of " + what)
		if err != nil {
			return nil, err
		}
		size, err := p.u32("the length of " + what)
		if err != nil {
			return nil, err
		}
		if rest := len(p.data) - p.off; uint64(size) > uint64(rest) {
			p.off -= 4
			return nil, p.fail("the length of "+what,
				fmt.Sprintf("it says %d bytes but only %d are left (truncated)", size, rest))
		}
		out = append(out, TBToken{Word: string(p.data[p.off : p.off+int(size)]), Count: count})
		p.off += int(size)
	}
	return out, nil
}

// ImportReport says what an import did with Thunderbird's tokens.
type ImportReport struct {
	GoodMsgs, JunkMsgs uint32 // message counts in the file
	Records            int    // token records read (good and junk)
	Mapped             int    // records that gave at least one token of ours
	Dropped            int    // records that gave none
	// MappedBy counts mapped records by kind: "body words", "subject
	// words", "Japanese", "headers", "attachments".
	MappedBy map[string]int
	// DroppedBy counts dropped records by reason.
	DroppedBy map[string]int
	Tokens    int // distinct tokens of ours the prior holds

	// Set by Model.ImportTrainingData:
	Scale               float64 // factor the counts were multiplied by (PriorScale, or 1)
	AddedSpam, AddedHam uint32  // message counts added to the model
	AddedTokens         int     // tokens of ours added (after scaling)
	OwnSpam, OwnHam     uint32  // the model's own counts before the import
}

// ImportTrainingData maps d onto our tokens (TrainingData.Prior) and adds it
// to the model as a prior, scaled by PriorScale against the model's own
// training unless full is set. It returns what was mapped and added.
func (m *Model) ImportTrainingData(d *TrainingData, full bool) ImportReport {
	p, rep := d.Prior()
	rep.OwnSpam, rep.OwnHam = m.Counts()
	rep.Scale = 1
	if !full {
		rep.Scale = PriorScale(p.Messages(), uint64(rep.OwnSpam)+uint64(rep.OwnHam))
		p = p.Scaled(rep.Scale)
	}
	m.AddPrior(p)
	rep.AddedSpam, rep.AddedHam, rep.AddedTokens = p.SpamMsgs, p.HamMsgs, len(p.Tokens)
	return rep
}

// Kinds of mapped Thunderbird tokens.
const (
	tbBody    = "body words"
	tbSubject = "subject words"
	tbJA      = "Japanese"
	tbHeader  = "headers"
	tbAttach  = "attachments"
)

// Reasons for dropping a Thunderbird token.
const (
	dropSkip      = "long-word markers (skip:)"
	dropEmail     = "e-mail name/address parts"
	dropCharset   = "charset labels (not a token here)"
	dropVerdict   = "other filters' verdict headers (X-Spam*, ...)"
	dropListHdr   = "List-* headers other than List-Id"
	dropShort     = "too short or not a word here (punctuation, single kana, numbers)"
	dropSplit     = "split differently here (punctuation inside, addresses, URLs)"
	dropHanChar   = "single Han characters of Chinese text (bigrams here)"
	dropSegmented = "Thai/Lao/Khmer/Myanmar dictionary segments"
	dropInvalid   = "empty or invalid UTF-8"
	dropZero      = "count zero, or its class has no messages"
	dropNoExt     = "attachment names without an extension"
)

// Prior maps Thunderbird's tokens onto this package's tokens and returns
// them as a Prior (message counts as in the file), with a report of what was
// mapped and what was dropped.
//
// Thunderbird's tokenizer (nsBayesianFilter.cpp) and ours differ, so a token
// is carried over only where its meaning survives:
//
//   - Body words (ASCII words of 3-12 characters, lower-cased, split at
//     white space and '.'; other scripts split by a word breaker) become our
//     body words: a token that is one word here once the punctuation it kept
//     at its ends is trimmed ("free!" → "free", "e-mail" → "e-mail" and
//     "mail", as our tokenizer would emit for that text). A token with
//     punctuation inside ("a/b", "john@example") is split differently here
//     and dropped, as are Thai and other dictionary-segmented scripts.
//     Single Han characters of Chinese text (Thunderbird's unit) are
//     dropped: here a Han run is one token (two characters) or bigrams.
//   - "JA:" chunks (Japanese words cut where the character class changes)
//     become our CJK tokens after NFKC: a kanji chunk of one or two
//     characters, katakana of 2-12 and hiragana of 2-6 characters are our
//     tokens as they are; longer runs give our bigrams (each occurred
//     wherever the run did). Single kana and punctuation are dropped.
//   - "subject:word" becomes our "subject:word".
//   - Header tokens "name:value" (the whole value, lower-cased) go through
//     our own header tokenizer for that field, so "x-mailer:…" gives our
//     x-mailer words, "from:…" our from:addr:/from:domain: tokens, "date:…"
//     our date:tz: token, and every one the field's presence token
//     ("hdr:x-mailer"). "content-type/type:T" gives "ct:T".
//     X-Spam* and other verdict headers are never read, as in Tokenize.
//   - "attachment/content-type:T" gives "attach:T"; "attachment/filename:F"
//     gives "attach-ext:" and F's extension.
//   - "charset:", "skip:" (long words; our limit is 30 bytes, not 12) and
//     "email name:"/"email addr:" tokens have no counterpart and are dropped.
//
// Several Thunderbird tokens can give the same token of ours ("free",
// "free!", "free,"). For words their counts are merged by maximum, not sum:
// one message may hold all three, so the maximum is the only count known to
// be no higher than the truth. Header values are different: one message has
// one From, one Date, one X-Mailer, so the messages behind two values are
// distinct and their counts add up ("hdr:x-mailer" counts every message with
// any X-Mailer). Every count is finally cut to its class's message count.
func (d *TrainingData) Prior() (Prior, ImportReport) {
	mp := tbMapper{
		t:   tokenizers.Get().(*tokenizer),
		max: map[string][2]uint32{},
		sum: map[string][2]uint64{},
		rep: ImportReport{GoodMsgs: d.Good, JunkMsgs: d.Junk, MappedBy: map[string]int{}, DroppedBy: map[string]int{}},
	}
	defer mp.t.release()
	msgs := [2]uint32{d.Junk, d.Good} // class 0 is spam (junk), 1 is ham (good)
	for class, list := range [2][]TBToken{d.JunkTokens, d.GoodTokens} {
		for _, tk := range list {
			mp.rep.Records++
			if tk.Count == 0 || msgs[class] == 0 {
				mp.drop(dropZero)
				continue
			}
			mp.add(tk.Word, class, tk.Count)
		}
	}
	p := Prior{SpamMsgs: d.Junk, HamMsgs: d.Good, Tokens: make(map[string]TokenCounts, len(mp.max)+len(mp.sum))}
	put := func(tok string, c [2]uint64) {
		old := p.Tokens[tok]
		n := TokenCounts{
			Spam: max(old.Spam, uint32(min(c[0], uint64(d.Junk)))),
			Ham:  max(old.Ham, uint32(min(c[1], uint64(d.Good)))),
		}
		if n.Spam != 0 || n.Ham != 0 {
			p.Tokens[tok] = n
		}
	}
	for tok, c := range mp.max {
		put(tok, [2]uint64{uint64(c[0]), uint64(c[1])})
	}
	for tok, c := range mp.sum {
		put(tok, c)
	}
	mp.rep.Tokens = len(p.Tokens)
	return p, mp.rep
}

type tbMapper struct {
	t   *tokenizer
	max map[string][2]uint32 // words: merged by maximum
	sum map[string][2]uint64 // header values: merged by sum
	rep ImportReport
	got []string // tokens of the record being mapped
}

func (mp *tbMapper) drop(reason string) {
	mp.rep.Dropped++
	mp.rep.DroppedBy[reason]++
}

// tbHeaderNames are header fields Thunderbird tokenizes as "name:value"
// whose tokens are short enough to be confused with a body word holding a
// colon; longer tokens, tokens with white space and "x-" names are headers
// anyway.
var tbHeaderNames = map[string]bool{
	"from": true, "to": true, "date": true, "message-id": true, "mime-version": true,
	"importance": true, "precedence": true, "organization": true, "list-id": true,
	"delivered-to": true, "errors-to": true, "user-agent": true, "in-reply-to": true,
	"authentication-results": true, "arc-authentication-results": true,
	"dkim-signature": true, "thread-index": true, "thread-topic": true,
}

// tbMaxWord is Thunderbird's longest body word (kMaxLengthForToken).
const tbMaxWord = 12

// add maps one record of class (0 spam, 1 ham) with count.
func (mp *tbMapper) add(w string, class int, count uint32) {
	if w == "" || !utf8.ValidString(w) || strings.IndexByte(w, 0) >= 0 {
		mp.drop(dropInvalid)
		return
	}
	kind, reason := mp.classify(w)
	if reason != "" {
		mp.drop(reason)
		return
	}
	if len(mp.got) == 0 {
		mp.drop(dropShort)
		return
	}
	mp.rep.Mapped++
	mp.rep.MappedBy[kind]++
	if kind == tbHeader || kind == tbAttach {
		for _, tok := range mp.got {
			c := mp.sum[tok]
			c[class] += uint64(count)
			mp.sum[tok] = c
		}
		return
	}
	for _, tok := range mp.got {
		c := mp.max[tok]
		c[class] = max(c[class], count)
		mp.max[tok] = c
	}
}

// classify finds what a Thunderbird token is and leaves our tokens for it
// in mp.got; it returns the kind, or a reason to drop it.
func (mp *tbMapper) classify(w string) (kind, reason string) {
	mp.got = mp.got[:0]
	switch {
	case strings.HasPrefix(w, "JA:"):
		return tbJA, mp.words("", w[3:], true)
	case strings.HasPrefix(w, "skip:"):
		return "", dropSkip
	case strings.HasPrefix(w, "email name:"), strings.HasPrefix(w, "email addr:"):
		return "", dropEmail
	case strings.HasPrefix(w, "charset:"):
		return "", dropCharset
	case strings.HasPrefix(w, "attachment/content-type:"):
		if mt := strings.TrimSpace(w[len("attachment/content-type:"):]); mt != "" {
			mp.got = append(mp.got, "attach:"+capToken(strings.ToLower(mt), 40))
		}
		return tbAttach, ""
	case strings.HasPrefix(w, "attachment/filename:"):
		name := w[len("attachment/filename:"):]
		if i := strings.LastIndexByte(name, '.'); i >= 0 && len(name)-i <= 8 && i+1 < len(name) {
			mp.got = append(mp.got, "attach-ext:"+strings.ToLower(name[i+1:]))
			return tbAttach, ""
		}
		return "", dropNoExt
	case strings.HasPrefix(w, "content-type/type:"):
		mp.header("content-type", w[len("content-type/type:"):])
		return tbHeader, ""
	}
	if name, value, ok := strings.Cut(w, ":"); ok && value != "" && validFieldName([]byte(name)) && !strings.ContainsAny(name, "/@") {
		isHeader := name == "subject" || tbHeaderNames[name] || strings.HasPrefix(name, "x-") ||
			len(w) > tbMaxWord || strings.ContainsAny(value, " \t")
		if isHeader {
			switch {
			case name == "subject":
				return tbSubject, mp.words("subject:", value, false)
			case skipHeader(name):
				return "", dropVerdict
			case strings.HasPrefix(name, "list-") && name != "list-id":
				return "", dropListHdr
			}
			mp.header(name, value)
			return tbHeader, ""
		}
	}
	return tbBody, mp.words("", w, false)
}

// header runs our header tokenizer over one field as Thunderbird saw it
// (lower-cased; RFC 2047 words, which lower-casing broke, left out).
func (mp *tbMapper) header(name, value string) {
	for {
		i := strings.Index(value, "=?")
		if i < 0 {
			break
		}
		j := strings.Index(value[i+2:], "?=")
		if j < 0 {
			break
		}
		value = value[:i] + " " + value[i+2+j+2:]
	}
	t := mp.t
	t.reset(16)
	f := field{name: name, value: strings.TrimSpace(value)}
	t.headerTokens(&f)
	mp.collect()
}

// words maps a word-like token: it must be one word (or one CJK run) of
// ours once the punctuation at its ends is trimmed. hanChar allows a single
// Han character (a Japanese kanji chunk is a whole run; Chinese text is cut
// into single characters by Thunderbird, which is not our unit).
func (mp *tbMapper) words(prefix, w string, hanChar bool) string {
	if !isASCII(w) {
		w = norm.NFKC.String(w)
	}
	// Trim what is not part of a word at either end.
	start, end := 0, len(w)
	for start < end {
		r, size := utf8.DecodeRuneInString(w[start:])
		if runeClass(r) != clsNone {
			break
		}
		start += size
	}
	for end > start {
		r, size := utf8.DecodeLastRuneInString(w[start:end])
		if runeClass(r) != clsNone {
			break
		}
		end -= size
	}
	seg := w[start:end]
	if seg == "" {
		return dropShort
	}
	cls, n := clsNone, 0
	for _, r := range seg {
		k := runeClass(r)
		if n > 0 && k != cls {
			return dropSplit
		}
		if k == clsWord && r >= utf8.RuneSelf && (unicode.Is(unicode.Thai, r) || unicode.Is(unicode.Lao, r) ||
			unicode.Is(unicode.Khmer, r) || unicode.Is(unicode.Myanmar, r)) {
			return dropSegmented
		}
		cls = k
		n++
	}
	if cls == clsHan && n == 1 && !hanChar {
		return dropHanChar
	}
	t := mp.t
	t.reset(16)
	t.segment(prefix, seg, cls)
	mp.collect()
	if len(mp.got) == 0 {
		return dropShort
	}
	return ""
}

// collect moves the tokens the tokenizer emitted into mp.got, once each.
func (mp *tbMapper) collect() {
	t := mp.t
	for _, sp := range t.uniq {
		tok := string(t.arena[sp.off : sp.off+sp.n])
		dup := false
		for _, g := range mp.got {
			if g == tok {
				dup = true
				break
			}
		}
		if !dup {
			mp.got = append(mp.got, tok)
		}
	}
}
