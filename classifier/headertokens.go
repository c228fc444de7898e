package classifier

import (
	"strings"
)

// skipHeader reports header fields that are never tokenized: verdicts of
// other filters (they leak the label in public corpora and would make the
// model learn the other filter instead of the mail), and bookkeeping that
// says nothing about the message.
func skipHeader(name string) bool {
	if strings.HasPrefix(name, "x-spam") || strings.HasPrefix(name, "x-bogosity") {
		return true
	}
	switch name {
	case "status", "x-status", "x-keywords", "x-uid", "x-mozilla-status", "x-mozilla-status2",
		"x-mozilla-keys", "content-length", "lines", "x-ui-filterresults", "x-virus-scanned",
		"x-dspam-result", "x-dspam-confidence", "x-dspam-probability", "x-dspam-signature",
		"x-junk", "x-junk-score", "x-asf-spam-status", "x-pmx-spam", "x-ham-report":
		return true
	}
	return false
}

// headerTokens tokenizes one top-level header field. Every field gives a
// presence token ("hdr:x-mailer"); only fields whose values say something
// about the sender or the content are tokenized further. Mailing-list
// fields (List-Help, List-Post, ...) repeat one fact many times, and
// correlated tokens distort the chi-square combination, so the list family
// counts once ("hdr:list-id" and the list's id).
func (t *tokenizer) headerTokens(f *field) {
	if strings.HasPrefix(f.name, "list-") && f.name != "list-id" {
		return
	}
	t.emitLower("hdr:", capToken(f.name, MaxTokenBytes))
	// Keep the token store from filling with one field's noise: at most
	// maxHeaderTokens tokens from the field's value.
	t.limit = min(t.count+maxHeaderTokens, MaxTokens)
	defer func() { t.limit = MaxTokens }()
	switch f.name {
	case "subject":
		s, _ := f.text()
		t.text("subject:", s, false)
		// The subject's words also count as text: a short message says
		// most of what it says there.
		t.text("", s, false)
	case "from", "to", "cc", "reply-to", "sender", "return-path", "errors-to", "delivered-to", "x-original-to":
		s, _ := f.text()
		t.addressTokens(f.name, s)
	case "received":
		t.receivedTokens(f.value)
	case "content-type":
		mt, params := parseMediaType(f.value)
		t.emitLower("ct:", capToken(mt, 40))
		if b := params.get("boundary"); b != "" {
			t.emit("boundary:", shape(b))
		}
	case "message-id":
		if at := strings.LastIndexByte(f.value, '@'); at >= 0 {
			d := strings.Trim(f.value[at+1:], "<> \t")
			t.emitLowerN("message-id:", capToken(d, 60), 60)
			t.emit("message-id:shape:", shape(strings.Trim(f.value[:at], "<> \t")))
		} else {
			t.emit("", "message-id:no-domain")
		}
	case "date":
		t.dateTokens(f.value)
	case "list-id":
		id := f.value
		if i := strings.LastIndexByte(id, '<'); i >= 0 {
			id = strings.Trim(id[i:], "<> ")
		}
		t.emitLowerN("list-id:", capToken(strings.TrimSpace(id), 60), 60)
	case "authentication-results", "arc-authentication-results", "received-spf":
		t.authTokens(f.name, f.value)
	case "x-mailer", "user-agent", "x-mimeole", "x-newsreader", "organization", "x-priority",
		"x-msmail-priority", "importance", "precedence", "x-originating-ip",
		"content-language", "x-mailer-version":
		s, _ := f.text()
		t.text(textFieldPrefix[f.name], s, false)
	}
}

// authTokens keeps the verdicts of sender authentication that the
// receiving server recorded: "auth:spf=fail", "auth:dkim=pass",
// "auth:dmarc=fail" (Received-SPF gives "auth:spf=<first word>"). A spoofed
// sender usually fails them.
func (t *tokenizer) authTokens(name, v string) {
	v = strings.ToLower(v)
	if name == "received-spf" {
		if f := strings.Fields(v); len(f) > 0 && isAlpha(f[0]) {
			t.emit("auth:spf=", capToken(f[0], 16))
		}
		return
	}
	for _, w := range strings.FieldsFunc(v, func(r rune) bool {
		return r == ' ' || r == '\t' || r == ';' || r == '(' || r == ')'
	}) {
		method, result, ok := strings.Cut(w, "=")
		if !ok || !isAlpha(result) || len(result) > 16 {
			continue
		}
		switch method {
		case "spf", "dkim", "dmarc", "arc", "iprev", "auth", "sender-id", "domainkeys", "dkim-atps", "bimi":
			t.emit("auth:", method+"="+result)
		}
	}
}

// shape describes the form of a machine-made string (a MIME boundary, a
// Message-ID), which often identifies the program that wrote the message:
// pieces with digits become "N<length>", other pieces are kept lower-cased.
// "----=_NextPart_000_0001_01C78096.EFCD3000" gives
// "----=_nextpart_N3_N4_N8.N8".
func shape(s string) string {
	s = capToken(s, 80)
	var b strings.Builder
	piece := func(p string) {
		if strings.IndexAny(p, "0123456789") >= 0 {
			b.WriteByte('N')
			b.WriteString(itoa(len(p)))
		} else {
			b.WriteString(strings.ToLower(p))
		}
	}
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if isASCIILetter(c) || (c >= '0' && c <= '9') {
			continue
		}
		piece(s[start:i])
		b.WriteByte(c)
		start = i + 1
	}
	piece(s[start:])
	return capToken(b.String(), 50)
}

// addressTokens emits tokens for an address header: each address, its
// domain, and the words of display names.
func (t *tokenizer) addressTokens(name, v string) {
	pf, ok := addrPrefixes[name]
	if !ok {
		pf = newAddrPrefix(name)
	}
	pre := pf.pre
	rest := v
	n := 0
	for rest != "" && n < 20 {
		at := strings.IndexByte(rest, '@')
		if at < 0 {
			break
		}
		// Expand around '@' to the address bounds.
		i := at
		for i > 0 && !addrStop[rest[i-1]] {
			i--
		}
		j := at + 1
		for j < len(rest) && !addrStop[rest[j]] {
			j++
		}
		addr := strings.Trim(rest[i:j], ".")
		if d := rest[at+1 : j]; d != "" {
			d = strings.Trim(d, ".")
			t.emitLowerN(pf.addr, capToken(addr, 60), 60)
			t.emitLowerN(pf.domain, capToken(d, 60), 60)
			if ld := strings.ToLower(d); true {
				if p := parentDomain(ld); p != "" && p != ld {
					t.emit(pf.domain, p)
				}
			}
		}
		// Words before the address (display name).
		t.text(pre, rest[:i], false)
		rest = rest[j:]
		n++
	}
	if n == 0 {
		t.emit(pre, "no-address")
	}
	t.text(pre, rest, false)
}

// addrStop are the bytes that end an address around its '@'.
var addrStop = func() (t [256]bool) {
	for _, c := range " \t<>,;:\"'()[]" {
		t[c] = true
	}
	return t
}()

// addrPrefix holds the token prefixes of one address field.
type addrPrefix struct{ pre, addr, domain string }

func newAddrPrefix(name string) addrPrefix {
	return addrPrefix{name + ":", name + ":addr:", name + ":domain:"}
}

// addrPrefixes are the prefixes of the address fields, made once.
var addrPrefixes = func() map[string]addrPrefix {
	m := map[string]addrPrefix{}
	for _, n := range []string{"from", "to", "cc", "reply-to", "sender", "return-path", "errors-to", "delivered-to", "x-original-to"} {
		m[n] = newAddrPrefix(n)
	}
	return m
}()

// textFieldPrefix is name+":" for the fields whose text is tokenized, made
// once.
var textFieldPrefix = func() map[string]string {
	m := map[string]string{}
	for _, n := range []string{"x-mailer", "user-agent", "x-mimeole", "x-newsreader", "organization", "x-priority",
		"x-msmail-priority", "importance", "precedence", "x-originating-ip", "content-language", "x-mailer-version"} {
		m[n] = n + ":"
	}
	return m
}()

// receivedTokens keeps the host names, IP addresses and protocol words of a
// Received field; ids and timestamps would only fill the store.
func (t *tokenizer) receivedTokens(v string) {
	if i := strings.LastIndexByte(v, ';'); i >= 0 {
		v = v[:i] // the date
	}
	for i := 0; i < len(v); {
		if receivedSep[v[i]] {
			i++
			continue
		}
		j := i + 1
		for j < len(v) && !receivedSep[v[j]] {
			j++
		}
		w := v[i:j]
		i = j
		for len(w) > 0 && (w[0] == '.' || w[0] == ',' || w[0] == ':') {
			w = w[1:]
		}
		for len(w) > 0 && (w[len(w)-1] == '.' || w[len(w)-1] == ',' || w[len(w)-1] == ':') {
			w = w[:len(w)-1]
		}
		if w == "" || len(w) > 60 {
			continue
		}
		if strings.Contains(w, ".") {
			if isIPv4(w) {
				t.emit("received:ip:", w)
				if k := strings.LastIndexByte(w, '.'); k > 0 {
					t.emit("received:net:", w[:k])
				}
				continue
			}
			if strings.IndexByte(w, '@') >= 0 {
				continue
			}
			t.emitLowerN("received:", capToken(w, 60), 60)
			continue
		}
		if isAlpha(w) && len(w) >= 3 && len(w) <= 12 {
			t.emitLower("received:", w)
		}
	}
}

// receivedSep are the bytes that separate the words of a Received field.
var receivedSep = func() (t [256]bool) {
	for _, c := range " \t()[]<>;=" {
		t[c] = true
	}
	return t
}()

// dateTokens notes an unparseable or impossible Date ("date:invalid") and
// the time zone ("date:tz:+0900"). The check is a light RFC 5322 parse
// (day, month name, year 1970-2200, hh:mm[:ss] in range); it never fails
// and never allocates for a good date.
func (t *tokenizer) dateTokens(v string) {
	if !plausibleDate(v) {
		t.emit("", "date:invalid")
		return
	}
	f := strings.Fields(v)
	if len(f) > 0 {
		tz := f[len(f)-1]
		if len(tz) == 5 && (tz[0] == '+' || tz[0] == '-') {
			t.emit("date:tz:", tz)
		}
	}
}

// plausibleDate reports whether v looks like "[Mon,] 2 Jan 2006 15:04[:05] zone".
func plausibleDate(v string) bool {
	v = strings.TrimSpace(v)
	if i := strings.IndexByte(v, ','); i >= 0 {
		v = v[i+1:]
	}
	var f [5]string
	n := 0
	for _, w := range strings.Fields(v) {
		if n == len(f) {
			break
		}
		f[n] = w
		n++
	}
	if n < 4 {
		return false
	}
	day, ok := atoiSmall(f[0])
	if !ok || day < 1 || day > 31 {
		return false
	}
	if !strings.Contains("jan feb mar apr may jun jul aug sep oct nov dec", strings.ToLower(f[1])) || len(f[1]) != 3 {
		return false
	}
	year, ok := atoiSmall(f[2])
	if !ok || year < 1970 || year > 2200 {
		return false
	}
	hms := strings.Split(f[3], ":")
	if len(hms) < 2 || len(hms) > 3 {
		return false
	}
	for i, limit := range []int{23, 59, 60} {
		if i >= len(hms) {
			break
		}
		x, ok := atoiSmall(hms[i])
		if !ok || x > limit || len(hms[i]) != 2 {
			return false
		}
	}
	if n == 5 {
		if z := f[4]; (z[0] == '+' || z[0] == '-') && (len(z) != 5 || z[3] > '5') {
			return false
		} else if z[0] == '+' || z[0] == '-' {
			if h, ok := atoiSmall(z[1:3]); !ok || h > 14 {
				return false
			}
		}
	}
	return true
}

// atoiSmall parses up to 9 decimal digits.
func atoiSmall(s string) (int, bool) {
	if s == "" || len(s) > 9 {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

func isIPv4(s string) bool {
	dots := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '.' {
			dots++
		} else if c < '0' || c > '9' {
			return false
		}
	}
	return dots == 3
}

func isAlpha(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isASCIILetter(s[i]) {
			return false
		}
	}
	return true
}
