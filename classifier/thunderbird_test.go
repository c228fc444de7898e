package classifier

import (
	"encoding/binary"
	"errors"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// encodeTrainingDat writes d in Thunderbird's training.dat layout.
func encodeTrainingDat(d *TrainingData) []byte {
	b := []byte{0xFE, 0xED, 0xFA, 0xCE}
	b = binary.BigEndian.AppendUint32(b, d.Good)
	b = binary.BigEndian.AppendUint32(b, d.Junk)
	for _, list := range [][]TBToken{d.GoodTokens, d.JunkTokens} {
		b = binary.BigEndian.AppendUint32(b, uint32(len(list)))
		for _, t := range list {
			b = binary.BigEndian.AppendUint32(b, t.Count)
			b = binary.BigEndian.AppendUint32(b, uint32(len(t.Word)))
			b = append(b, t.Word...)
		}
	}
	return b
}

// sampleTrainingDat is what Thunderbird would have written after a user
// marked 40 messages as junk and 60 as good: words, a subject word,
// Japanese chunks, header and attachment tokens.
func sampleTrainingDat() *TrainingData {
	junk := []TBToken{
		{"viagra", 30}, {"cheap", 25}, {"pills", 28}, {"pills!", 12}, {"discount", 20},
		{"subject:winner", 22}, {"subject:prize", 21}, {"JA:無料", 18}, {"JA:ポイント", 15},
		{"JA:を", 30}, {"x-mailer:bulk mailer pro 2.1", 19},
		{"from:prize desk <winner@lottery.example.net>", 17},
		{"attachment/content-type:application/zip", 9}, {"attachment/filename:invoice.exe", 9},
		{"charset:utf-8", 35}, {"skip:h 20", 5}, {"x-spam-status:yes, score=9.1", 40},
	}
	good := []TBToken{
		{"meeting", 40}, {"minutes", 35}, {"project", 38}, {"budget", 30}, {"thursday", 25},
		{"subject:meeting", 30}, {"JA:会議", 20}, {"JA:資料", 18},
		{"x-mailer:microsoft outlook 16.0", 45}, {"from:colleague <colleague@corp.example.com>", 50},
		{"content-type/type:text/plain", 55}, {"charset:iso-2022-jp", 20},
	}
	return &TrainingData{Good: 60, Junk: 40, GoodTokens: good, JunkTokens: junk}
}

func TestParseTrainingDat(t *testing.T) {
	want := sampleTrainingDat()
	got, err := ParseTrainingDat(encodeTrainingDat(want))
	if err != nil {
		t.Fatal(err)
	}
	if got.Good != want.Good || got.Junk != want.Junk || !slices.Equal(got.GoodTokens, want.GoodTokens) || !slices.Equal(got.JunkTokens, want.JunkTokens) {
		t.Fatalf("round trip: got %+v", got)
	}
	// An empty training (what Thunderbird writes after a reset) is valid.
	empty, err := ParseTrainingDat(encodeTrainingDat(&TrainingData{}))
	if err != nil || empty.Good != 0 || len(empty.JunkTokens) != 0 {
		t.Fatalf("empty training: %+v %v", empty, err)
	}
}

func TestParseTrainingDatErrors(t *testing.T) {
	full := encodeTrainingDat(sampleTrainingDat())
	cases := []struct {
		name  string
		data  []byte
		want  []string // in the message
		notTB bool
	}{
		{"empty", nil, []string{"not a Thunderbird training.dat", "empty"}, true},
		{"bad magic", []byte("MWTOKENS\x00\x00\x00\x01"), []string{"not a Thunderbird training.dat", "4D 57 54 4F", "FE ED FA CE"}, true},
		{"little-endian magic", append([]byte{0xCE, 0xFA, 0xED, 0xFE}, full[4:]...), []string{"not a Thunderbird training.dat"}, true},
		{"short magic", []byte{0xFE, 0xED}, []string{"not a Thunderbird training.dat"}, true},
		{"no counts", full[:6], []string{"byte 4 of 6", "the good message count", "truncated"}, false},
		{"no junk count", full[:8], []string{"byte 8 of 8", "the junk message count"}, false},
		{"cut in a record", full[:40], []string{"good token", "truncated"}, false},
		{"cut before junk", encodeTrainingDat(&TrainingData{Good: 1})[:16], []string{"the number of junk tokens", "truncated"}, false},
		{"huge length", func() []byte {
			b := encodeTrainingDat(&TrainingData{GoodTokens: []TBToken{{"word", 1}}})
			binary.BigEndian.PutUint32(b[20:], 0xFFFFFFFF)
			return b
		}(), []string{"byte 20", "the length of good token 1 of 1", "4294967295 bytes but only 8 are left"}, false},
		{"huge token count", func() []byte {
			b := encodeTrainingDat(&TrainingData{})
			binary.BigEndian.PutUint32(b[12:], 0xFFFFFFF0)
			return b
		}(), []string{"byte 20 of 20", "the length of good token 1 of 4294967280", "the file ends there (truncated)"}, false},
		{"trailing bytes", append(slices.Clone(full), 0, 0, 0), []string{"after the last junk token", "3 more bytes"}, false},
	}
	for _, c := range cases {
		d, err := ParseTrainingDat(c.data)
		if err == nil || d != nil {
			t.Errorf("%s: parsed (%v, %v), want an error", c.name, d, err)
			continue
		}
		var te *TrainingDatError
		if !errors.As(err, &te) {
			t.Errorf("%s: %T %v, want *TrainingDatError", c.name, err, err)
			continue
		}
		if errors.Is(err, ErrNotTrainingDat) != c.notTB {
			t.Errorf("%s: errors.Is(ErrNotTrainingDat) = %v", c.name, !c.notTB)
		}
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: %q does not say %q", c.name, err, w)
			}
		}
	}
	// Every truncation of a valid file is an error naming an offset inside it.
	for n := 1; n < len(full); n++ {
		_, err := ParseTrainingDat(full[:n])
		var te *TrainingDatError
		if !errors.As(err, &te) {
			t.Fatalf("cut at %d: %v", n, err)
		}
		if n >= 4 && (te.Offset > n || !strings.Contains(err.Error(), "truncated")) {
			t.Fatalf("cut at %d: %v", n, err)
		}
	}
	// ReadTrainingDat names the file.
	p := filepath.Join(t.TempDir(), "training.dat")
	os.WriteFile(p, full[:30], 0o600)
	if _, err := ReadTrainingDat(p); err == nil || !strings.Contains(err.Error(), p) {
		t.Errorf("ReadTrainingDat: %v, want the path in the error", err)
	}
}

// mapOne returns our tokens for one Thunderbird token ("" kind: dropped).
func mapOne(w string) (kind, reason string, toks []string) {
	mp := tbMapper{t: tokenizers.Get().(*tokenizer)}
	defer mp.t.release()
	kind, reason = mp.classify(w)
	if reason == "" && len(mp.got) == 0 {
		reason = dropShort
	}
	if reason != "" {
		return "", reason, nil
	}
	return kind, "", slices.Clone(mp.got)
}

func TestTrainingDatTokenMapping(t *testing.T) {
	cases := []struct {
		tb   string
		kind string   // "" = dropped
		want []string // all must be among our tokens for it
	}{
		{"viagra", tbBody, []string{"viagra"}},
		{"free!", tbBody, []string{"free"}},
		{"(click", tbBody, []string{"click"}},
		{"e-mail", tbBody, []string{"e-mail", "mail"}},
		{"don't", tbBody, []string{"don't"}},
		{"привет", tbBody, []string{"привет"}},
		{"café", tbBody, []string{"café"}},
		{"a/b/cde", "", nil},
		{"john@example", "", nil},
		{"http://www", "", nil},
		{"!!!", "", nil},
		{"免", "", nil},       // a single Han character of Chinese text
		{"ภาษาไทย", "", nil}, // Thai: dictionary segments
		{"JA:無料", tbJA, []string{"無料"}},
		{"JA:ポイント", tbJA, []string{"ポイント"}},
		{"JA:ｶﾀｶﾅ", tbJA, []string{"カタカナ"}},
		{"JA:円", tbJA, []string{"円"}}, // an isolated kanji is a token here too
		{"JA:無料配布中", tbJA, []string{"無料", "料配", "配布", "布中"}},
		{"JA:ＡＢＣＤ", tbJA, []string{"abcd"}},
		{"JA:を", "", nil},
		{"JA:、", "", nil},
		{"subject:winner", tbSubject, []string{"subject:winner"}},
		{"subject:winner!", tbSubject, []string{"subject:winner"}},
		{"x-mailer:microsoft outlook 16.0", tbHeader, []string{"hdr:x-mailer", "x-mailer:microsoft", "x-mailer:outlook"}},
		{"from:prize desk <winner@lottery.example.net>", tbHeader, []string{"hdr:from", "from:addr:winner@lottery.example.net", "from:domain:lottery.example.net", "from:domain:example.net", "from:prize", "from:desk"}},
		{"from:=?iso-2022-jp?b?gyrcjcibkei=?= <a@b.example>", tbHeader, []string{"from:addr:a@b.example"}},
		{"date:mon, 16 sep 2024 10:15:00 +0900", tbHeader, []string{"hdr:date", "date:tz:+0900"}},
		{"message-id:<123.abc@mx.example.com>", tbHeader, []string{"hdr:message-id", "message-id:mx.example.com"}},
		{"mime-version:1.0", tbHeader, []string{"hdr:mime-version"}},
		{"content-type/type:text/html", tbHeader, []string{"hdr:content-type", "ct:text/html"}},
		{"attachment/content-type:application/zip", tbAttach, []string{"attach:application/zip"}},
		{"attachment/filename:invoice.exe", tbAttach, []string{"attach-ext:exe"}},
		{"attachment/filename:readme", "", nil},
		{"x-spam-status:yes, score=9.1", "", nil},
		{"x-bogosity:spam", "", nil},
		{"list-unsubscribe:<mailto:x@y.example>", "", nil},
		{"charset:utf-8", "", nil},
		{"skip:h 20", "", nil},
		{"email name:john", "", nil},
	}
	for _, c := range cases {
		kind, reason, toks := mapOne(c.tb)
		if kind != c.kind {
			t.Errorf("%q: kind %q (dropped: %q), want %q; tokens %q", c.tb, kind, reason, c.kind, toks)
			continue
		}
		for _, w := range c.want {
			if !slices.Contains(toks, w) {
				t.Errorf("%q: tokens %q lack %q", c.tb, toks, w)
			}
		}
		for _, tok := range toks {
			if strings.HasPrefix(tok, "skip:") || !utf8.ValidString(tok) {
				t.Errorf("%q: bad token %q", c.tb, tok)
			}
		}
	}
}

// The tokens a body word or JA chunk maps to are tokens our tokenizer
// really emits for a message holding the text Thunderbird saw.
func TestTrainingDatMappingMatchesTokenize(t *testing.T) {
	for _, c := range []struct{ tb, text string }{
		{"viagra", "buy viagra today"},
		{"free!", "it is free! really"},
		{"e-mail", "send an e-mail now"},
		{"JA:無料", "今なら無料です"},
		{"JA:ポイント", "ポイントが貯まる"},
		{"JA:無料配布中", "無料配布中です"},
		{"JA:ｶﾀｶﾅ", "ｶﾀｶﾅです"},
		{"subject:winner", ""},
	} {
		_, reason, toks := mapOne(c.tb)
		if reason != "" {
			t.Fatalf("%q dropped: %s", c.tb, reason)
		}
		msg := "From: a@b.example\r\nSubject: you are a winner\r\n\r\n" + c.text + "\r\n"
		ours := Tokenize([]byte(msg))
		for _, tok := range toks {
			if !slices.Contains(ours, tok) {
				t.Errorf("%q maps to %q, which Tokenize does not emit for %q (%q)", c.tb, tok, c.text, ours)
			}
		}
	}
}

func TestTrainingDatPriorMerging(t *testing.T) {
	d := &TrainingData{Good: 10, Junk: 20,
		JunkTokens: []TBToken{
			{"free", 3}, {"free!", 5}, {"free,", 4}, // one word: maximum
			{"x-mailer:mailer a", 3}, {"x-mailer:mailer b", 4}, // one field, distinct messages: sum
			{"x-mailer:mailer c", 19}, // the sum is cut to the 20 junk messages
			{"cheap", 50},             // more than the junk messages: cut
			{"nothing", 0},
		},
		GoodTokens: []TBToken{{"free", 2}, {"x-mailer:mailer a", 1}},
	}
	p, rep := d.Prior()
	check := func(tok string, spam, ham uint32) {
		t.Helper()
		if c := p.Tokens[tok]; c.Spam != spam || c.Ham != ham {
			t.Errorf("%s: %+v, want spam %d ham %d", tok, c, spam, ham)
		}
	}
	check("free", 5, 2)
	check("x-mailer:mailer", 20, 1)
	check("hdr:x-mailer", 20, 1)
	check("x-mailer:b", 0, 0) // one-letter words are not tokens
	check("cheap", 20, 0)
	if p.SpamMsgs != 20 || p.HamMsgs != 10 {
		t.Errorf("messages %d/%d", p.SpamMsgs, p.HamMsgs)
	}
	if rep.Records != 10 || rep.Mapped != 9 || rep.Dropped != 1 || rep.DroppedBy[dropZero] != 1 ||
		rep.MappedBy[tbBody] != 5 || rep.MappedBy[tbHeader] != 4 {
		t.Errorf("report %+v", rep)
	}
	for tok, c := range p.Tokens {
		if c.Spam > p.SpamMsgs || c.Ham > p.HamMsgs {
			t.Errorf("%s: %+v over the message counts", tok, c)
		}
	}
}

// After importing Thunderbird's training, a message made of its junk words
// is spam and one made of its good words is ham, with no training of ours.
func TestImportTrainingDataClassifies(t *testing.T) {
	d, err := ParseTrainingDat(encodeTrainingDat(sampleTrainingDat()))
	if err != nil {
		t.Fatal(err)
	}
	m := New(DefaultOptions())
	rep := m.ImportTrainingData(d, false)
	if rep.Scale != 1 || rep.AddedSpam != 40 || rep.AddedHam != 60 {
		t.Fatalf("report %+v", rep)
	}
	if s, h := m.Counts(); s != 40 || h != 60 {
		t.Fatalf("counts %d/%d", s, h)
	}
	for _, r := range []string{dropCharset, dropSkip, dropVerdict, dropShort} {
		if rep.DroppedBy[r] == 0 {
			t.Errorf("nothing dropped as %q: %+v", r, rep.DroppedBy)
		}
	}
	spam := "From: Prize Desk <winner@lottery.example.net>\r\nSubject: You are a winner, claim your prize\r\n" +
		"X-Mailer: Bulk Mailer Pro 2.1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" +
		"Cheap viagra pills at a discount! 今なら無料でポイント進呈\r\n"
	r := m.Classify([]byte(spam))
	if r.Verdict != Spam {
		t.Errorf("spam made of imported junk words: %v %.3f %+v", r.Verdict, r.Score, r.Reasons)
	}
	ham := "From: Colleague <colleague@corp.example.com>\r\nSubject: Meeting on Thursday\r\n" +
		"X-Mailer: Microsoft Outlook 16.0\r\nContent-Type: text/plain\r\n\r\n" +
		"The minutes of the project meeting and the budget. 会議の資料です\r\n"
	if r := m.Classify([]byte(ham)); r.Verdict != Ham {
		t.Errorf("ham made of imported good words: %v %.3f %+v", r.Verdict, r.Score, r.Reasons)
	}
}

// Priors are added like trained messages: the user's own Train/Untrain stay
// exact inverses around them, and RemovePrior undoes AddPrior.
func TestPriorKeepsUntrainSound(t *testing.T) {
	m := New(DefaultOptions())
	for i := range 5 {
		m.Train(spamMsg(i), true)
		m.Train(synthHam(i), false)
	}
	own, ownS, ownH := snapshot(m)
	p, _ := sampleTrainingDat().Prior()
	p.Tokens["viagra"] = TokenCounts{Spam: 1000} // over the 40 junk messages: cut on the way in
	m.AddPrior(p)
	withPrior, ps, ph := snapshot(m)
	if ps != ownS+40 || ph != ownH+60 {
		t.Fatalf("counts %d/%d after the prior", ps, ph)
	}
	if c := withPrior[tokenHash("viagra")]; c.spam > 40 {
		t.Errorf("viagra %+v: over the 40 junk messages", c)
	}
	m.Train(spamMsg(77), true)
	m.Untrain(spamMsg(77), true)
	if got, s, h := snapshot(m); !maps.Equal(got, withPrior) || s != ps || h != ph {
		t.Error("Train then Untrain after a prior does not restore the store")
	}
	m.RemovePrior(p)
	if got, s, h := snapshot(m); !maps.Equal(got, own) || s != ownS || h != ownH {
		t.Errorf("RemovePrior does not undo AddPrior: %d tokens vs %d", len(got), len(own))
	}
	// Removing a prior that was never added never goes below zero.
	e := New(DefaultOptions())
	e.RemovePrior(p)
	if s, h := e.Counts(); s != 0 || h != 0 || e.TokenCount() != 0 {
		t.Errorf("RemovePrior on an empty model: %d/%d, %d tokens", s, h, e.TokenCount())
	}
}

func TestPriorScale(t *testing.T) {
	for _, c := range []struct {
		prior, own uint64
		want       float64
	}{
		{100, 0, 1}, {PriorFloor, 0, 1}, {4 * PriorFloor, 0, 0.25}, {10000, 5000, 0.5}, {10000, 20000, 1},
	} {
		if got := PriorScale(c.prior, c.own); got != c.want {
			t.Errorf("PriorScale(%d, %d) = %v, want %v", c.prior, c.own, got, c.want)
		}
	}
	p := Prior{SpamMsgs: 8000, HamMsgs: 4000, Tokens: map[string]TokenCounts{
		"a": {8000, 0}, "b": {1, 1}, "c": {6, 2}, "d": {9000, 0},
	}}
	s := p.Scaled(PriorScale(p.Messages(), 0))
	if s.SpamMsgs != 1333 || s.HamMsgs != 667 {
		t.Fatalf("scaled messages %d/%d", s.SpamMsgs, s.HamMsgs)
	}
	if s.Tokens["a"] != (TokenCounts{1333, 0}) || s.Tokens["c"] != (TokenCounts{1, 0}) || s.Tokens["d"].Spam != 1333 {
		t.Errorf("scaled tokens %+v", s.Tokens)
	}
	if _, ok := s.Tokens["b"]; ok {
		t.Errorf("a token rounded to nothing is kept: %+v", s.Tokens["b"])
	}
	if p.Scaled(1).Tokens["b"] != p.Tokens["b"] {
		t.Error("Scaled(1) changed the prior")
	}
}

// A big Thunderbird training weighs no more than the user's own training.
func TestImportTrainingDataScales(t *testing.T) {
	d := &TrainingData{Good: 6000, Junk: 2000, JunkTokens: []TBToken{{"viagra", 1500}}, GoodTokens: []TBToken{{"meeting", 3000}}}
	m := New(DefaultOptions())
	rep := m.ImportTrainingData(d, false)
	if rep.Scale != 0.25 || rep.AddedSpam != 500 || rep.AddedHam != 1500 {
		t.Errorf("fresh store: %+v", rep)
	}
	full := New(DefaultOptions())
	if rep := full.ImportTrainingData(d, true); rep.Scale != 1 || rep.AddedHam != 6000 {
		t.Errorf("full import: %+v", rep)
	}
}

func FuzzParseTrainingDat(f *testing.F) {
	f.Add(encodeTrainingDat(sampleTrainingDat()))
	f.Add(encodeTrainingDat(&TrainingData{}))
	f.Add([]byte{0xFE, 0xED, 0xFA, 0xCE, 0, 0, 0, 1})
	f.Add(encodeTrainingDat(&TrainingData{Good: 1, Junk: 1, GoodTokens: []TBToken{{"JA:\xff", 1}, {"from:", 1}}, JunkTokens: []TBToken{{"subject:=?x", 3}}}))
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := ParseTrainingDat(data)
		if err != nil {
			if d != nil {
				t.Fatal("data returned with an error")
			}
			var te *TrainingDatError
			if !errors.As(err, &te) || te.Offset > len(data) {
				t.Fatalf("error %v", err)
			}
			return
		}
		if enc := encodeTrainingDat(d); string(enc) != string(data) {
			t.Fatal("parsed file does not encode back to itself")
		}
		p, rep := d.Prior()
		if rep.Mapped+rep.Dropped != rep.Records {
			t.Fatalf("report %+v", rep)
		}
		for tok, c := range p.Tokens {
			if tok == "" || !utf8.ValidString(tok) || c.Spam > d.Junk || c.Ham > d.Good || (c.Spam == 0 && c.Ham == 0) {
				t.Fatalf("token %q %+v", tok, c)
			}
		}
		m := New(DefaultOptions())
		m.AddPrior(p)
		m.RemovePrior(p)
		if s, h := m.Counts(); s != 0 || h != 0 || m.TokenCount() != 0 {
			t.Fatalf("RemovePrior left %d/%d, %d tokens", s, h, m.TokenCount())
		}
	})
}

// FuzzTrainingDatToken maps arbitrary tokens: never a panic, never a bad
// token of ours.
func FuzzTrainingDatToken(f *testing.F) {
	for _, s := range []string{"viagra", "JA:無料配布中", "from:a <b@c.example>", "subject:x", "content-type/type:",
		"attachment/filename:.", "x-mailer:=?utf-8?b?", "JA:ｶﾞ゛", "date:", "e-mail!", "\u0301abc"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, w string) {
		d := &TrainingData{Good: 3, Junk: 3, GoodTokens: []TBToken{{w, 2}}, JunkTokens: []TBToken{{w, 9}}}
		p, rep := d.Prior()
		if rep.Records != 2 || rep.Mapped+rep.Dropped != 2 {
			t.Fatalf("report %+v", rep)
		}
		for tok, c := range p.Tokens {
			if tok == "" || !utf8.ValidString(tok) || strings.ContainsAny(tok, "\x00\uFFFD") || c.Spam > 3 || c.Ham > 2 {
				t.Fatalf("%q gave token %q %+v", w, tok, c)
			}
		}
	})
}
