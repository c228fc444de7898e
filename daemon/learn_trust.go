package daemon

import (
	"regexp"
	"slices"
	"strings"

	"github.com/mailwarden/mailwarden/config"
)

// Sender policy: what the user told mailwarden about senders, applied
// before (and above) the classifier. In order:
//
//  1. a sender on the block list is spam;
//  2. a message claiming the user's own domain in From whose server-added
//     Authentication-Results say dmarc=fail, or spf=fail without a
//     dkim=pass, is spam (spoofing): allow lists and contacts do not save it;
//  3. a sender on the allow list, or one the user wrote to (Sent folder),
//     is never moved to Junk, unless the message fails DMARC (a forged
//     trusted address is not trusted);
//  4. with allow_list_only, anyone else is moved to Junk;
//  5. with trust_spamassassin, X-Spam-Flag: YES is spam;
//  6. otherwise the classifier decides.
//
// Only the topmost Authentication-Results header is read: the receiving
// server adds its own on top, a sender can only add more below it.
type senderPolicy struct {
	allow, block []string
	allowOnly    bool
	trustSA      bool
	own          []string // own domains
}

// policyKind is the policy's verdict.
type policyKind int

const (
	policyNone    policyKind = iota // the classifier decides
	policySpam                      // move to Junk, whatever the classifier says
	policyTrusted                   // never move to Junk
)

type policyResult struct {
	kind   policyKind
	reason string
}

// newPolicy builds an account's policy. own adds the domains of the
// user's own addresses (From of their sent mail).
func newPolicy(a config.Account, ownAddrs []string) senderPolicy {
	p := senderPolicy{allow: a.AllowList, block: a.BlockList, allowOnly: a.AllowListOnly, trustSA: a.TrustSpamAssassin}
	add := func(d string) {
		if d = strings.ToLower(strings.TrimSpace(d)); d != "" && !slices.Contains(p.own, d) {
			p.own = append(p.own, d)
		}
	}
	for _, d := range a.OwnDomains {
		add(d)
	}
	if _, d, ok := strings.Cut(a.Username, "@"); ok {
		// Hosting user names name the mail host: sato@mail.example.jp
		// sends as sato@example.jp.
		add(d)
		for _, pre := range []string{"mail.", "imap.", "mx.", "smtp."} {
			if rest, ok := strings.CutPrefix(strings.ToLower(d), pre); ok && strings.Contains(rest, ".") {
				add(rest)
			}
		}
	}
	for _, addr := range ownAddrs {
		if _, d, ok := strings.Cut(addr, "@"); ok {
			add(d)
		}
	}
	return p
}

// check applies the policy to a message header. isContact tells whether the
// user wrote to an address.
func (p senderPolicy) check(header []byte, isContact func(string) bool) policyResult {
	from := fromAddress(header)
	auth := parseAuthResults(topHeader(header, "Authentication-Results"))
	if e, ok := matchList(p.block, from); ok {
		return policyResult{policySpam, "block list: " + e}
	}
	if d := domainOf(from); d != "" && matchDomain(p.own, d) && (auth["dmarc"] == "fail" || (auth["spf"] == "fail" && auth["dkim"] != "pass")) {
		return policyResult{policySpam, "claims your own domain " + d + " but fails " + failed(auth)}
	}
	forged := auth["dmarc"] == "fail"
	if e, ok := matchList(p.allow, from); ok && !forged {
		return policyResult{policyTrusted, "allow list: " + e}
	}
	if from != "" && !forged && isContact != nil && isContact(from) {
		return policyResult{policyTrusted, "you wrote to " + from}
	}
	if p.allowOnly {
		return policyResult{policySpam, "allow-list-only: " + orUnknown(from) + " is not on the allow list"}
	}
	if p.trustSA {
		if v, ok := headerValue(header, "X-Spam-Flag"); ok && strings.EqualFold(strings.TrimSpace(v), "YES") {
			return policyResult{policySpam, "the server's SpamAssassin: X-Spam-Flag: YES"}
		}
	}
	return policyResult{}
}

func failed(auth map[string]string) string {
	if auth["dmarc"] == "fail" {
		return "DMARC"
	}
	return "SPF"
}

func orUnknown(s string) string {
	if s == "" {
		return "a sender without an address"
	}
	return s
}

// matchList finds an entry that covers addr: the address itself, or its
// domain or a parent domain.
func matchList(list []string, addr string) (string, bool) {
	if addr == "" {
		return "", false
	}
	d := domainOf(addr)
	for _, e := range list {
		if strings.Contains(e, "@") {
			if e == addr {
				return e, true
			}
		} else if d == e || strings.HasSuffix(d, "."+e) {
			return e, true
		}
	}
	return "", false
}

func matchDomain(domains []string, d string) bool {
	for _, e := range domains {
		if d == e || strings.HasSuffix(d, "."+e) {
			return true
		}
	}
	return false
}

func domainOf(addr string) string {
	if _, d, ok := strings.Cut(addr, "@"); ok {
		return d
	}
	return ""
}

var addrRe = regexp.MustCompile(`[A-Za-z0-9!#$%&'*+/=?^_{|}~.\-]+@[A-Za-z0-9](?:[A-Za-z0-9.\-]*[A-Za-z0-9])?`)

// addresses extracts the mail addresses of a header value, lower case; it
// tolerates anything (encoded names, broken quoting): display names are
// not read. Each comma-separated entry gives its <address>, or else the
// first thing that looks like an address.
func addresses(v string) []string {
	var out []string
	for _, entry := range splitAddressList(v) {
		part := entry
		if i := strings.LastIndexByte(entry, '<'); i >= 0 {
			part = entry[i+1:]
			if j := strings.IndexByte(part, '>'); j >= 0 {
				part = part[:j]
			}
		}
		if a := addrRe.FindString(part); a != "" {
			out = append(out, strings.ToLower(a))
		}
	}
	return out
}

// splitAddressList cuts an address list at the commas outside quotes and
// angle brackets.
func splitAddressList(v string) []string {
	var out []string
	quoted, angle, start := false, 0, 0
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case c == '\\' && quoted:
			i++
		case c == '"':
			quoted = !quoted
		case c == '<' && !quoted:
			angle++
		case c == '>' && !quoted && angle > 0:
			angle--
		case c == ',' && !quoted && angle == 0:
			out = append(out, v[start:i])
			start = i + 1
		}
	}
	return append(out, v[start:])
}

// fromAddress is the first address of From, lower case ("" if none).
func fromAddress(header []byte) string {
	v, _ := headerValue(header, "From")
	if a := addresses(v); len(a) > 0 {
		return a[0]
	}
	return ""
}

// parseAuthResults reads the method results of one Authentication-Results
// value (RFC 8601): "mx.example.jp; spf=fail smtp.mailfrom=...; dkim=none;
// dmarc=fail (p=reject) header.from=example.jp" → spf:fail, dkim:none,
// dmarc:fail. The first result of a method counts.
func parseAuthResults(v string) map[string]string {
	out := map[string]string{}
	parts := strings.Split(stripParens(v), ";")
	for _, p := range parts[min(1, len(parts)):] { // the first part is the server's id
		f := strings.Fields(p)
		if len(f) == 0 {
			continue
		}
		method, result, ok := strings.Cut(f[0], "=")
		if !ok {
			continue
		}
		method, result = strings.ToLower(method), strings.ToLower(result)
		if _, seen := out[method]; !seen {
			out[method] = result
		}
	}
	return out
}

func stripParens(s string) string {
	var b strings.Builder
	depth := 0
	for _, r := range s {
		switch {
		case r == '(':
			depth++
		case r == ')' && depth > 0:
			depth--
		case depth == 0:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// topHeader is the value of the first (topmost) field called name.
func topHeader(header []byte, name string) string {
	v, _ := headerValue(header, name)
	return v
}

// headerValue returns the unfolded value of the first header field called
// name (case-insensitive).
func headerValue(header []byte, name string) (string, bool) {
	lines := strings.Split(string(header), "\n")
	for i := 0; i < len(lines); i++ {
		line := strings.TrimRight(lines[i], "\r")
		if line == "" {
			break
		}
		k, v, ok := strings.Cut(line, ":")
		if !ok || line[0] == ' ' || line[0] == '\t' || !strings.EqualFold(strings.TrimSpace(k), name) {
			continue
		}
		for i+1 < len(lines) {
			next := strings.TrimRight(lines[i+1], "\r")
			if next == "" || (next[0] != ' ' && next[0] != '\t') {
				break
			}
			v += " " + strings.TrimSpace(next)
			i++
		}
		return strings.TrimSpace(v), true
	}
	return "", false
}

// recipients are the addresses of To, Cc and Bcc.
func recipients(header []byte) []string {
	var out []string
	for _, f := range []string{"To", "Cc", "Bcc"} {
		if v, ok := headerValue(header, f); ok {
			out = append(out, addresses(v)...)
		}
	}
	return out
}
