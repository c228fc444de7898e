package daemon

import (
	"fmt"
	"strings"
	"testing"

	"github.com/mailwarden/mailwarden/config"
)

func hdr(lines ...string) []byte { return []byte(strings.Join(lines, "\r\n") + "\r\n\r\n") }

// The sender policy, rule by rule, and their order.
func TestSenderPolicy(t *testing.T) {
	acct := config.Account{
		Username:  "sato@mail.example.jp",
		AllowList: []string{"customer.example.com", "boss@partner.example"},
		BlockList: []string{"offers.example.net", "pest@example.org"},
	}
	contacts := map[string]bool{"friend@example.org": true}
	isContact := func(a string) bool { return contacts[a] }
	pass := "Authentication-Results: mx.example.jp; spf=pass smtp.mailfrom=example.jp; dkim=pass header.d=example.jp; dmarc=pass header.from=example.jp"
	dmarcFail := "Authentication-Results: mx.example.jp; spf=fail (sender IP not allowed) smtp.mailfrom=example.jp; dkim=none; dmarc=fail (p=reject) header.from=example.jp"
	spfOnly := "Authentication-Results: mx.example.jp; spf=fail smtp.mailfrom=example.jp; dkim=none"
	spfDkim := "Authentication-Results: mx.example.jp; spf=fail smtp.mailfrom=example.jp; dkim=pass header.d=example.jp"
	for _, c := range []struct {
		name   string
		policy senderPolicy
		header []byte
		want   string
	}{
		{"nothing known", newPolicy(acct, nil), hdr("From: someone@example.info"), "none"},
		{"block list domain", newPolicy(acct, nil), hdr("From: Deals <deals@mail.offers.example.net>"), "spam:block list: offers.example.net"},
		{"block list address", newPolicy(acct, nil), hdr("From: pest@example.org"), "spam:block list: pest@example.org"},
		{"allow list subdomain", newPolicy(acct, nil), hdr("From: \"Tanaka\" <tanaka@jp.customer.example.com>"), "trusted:allow list: customer.example.com"},
		{"allow list address", newPolicy(acct, nil), hdr("From: BOSS@partner.example"), "trusted:allow list: boss@partner.example"},
		{"allow list, forged (DMARC fails)", newPolicy(acct, nil), hdr("From: x@customer.example.com", strings.ReplaceAll(dmarcFail, "example.jp", "customer.example.com")), "none"},
		{"wrote to them", newPolicy(acct, nil), hdr("From: Friend <friend@example.org>"), "trusted:you wrote to friend@example.org"},
		{"own domain from the user name, DMARC fails", newPolicy(acct, nil), hdr("From: 社長 <ceo@example.jp>", dmarcFail), "spam:claims your own domain example.jp but fails DMARC"},
		{"own domain, SPF fails, no DKIM", newPolicy(acct, nil), hdr("From: ceo@example.jp", spfOnly), "spam:claims your own domain example.jp but fails SPF"},
		{"own domain, SPF fails, DKIM passes (forwarded)", newPolicy(acct, nil), hdr("From: ceo@example.jp", spfDkim), "none"},
		{"own domain passes", newPolicy(acct, nil), hdr("From: ceo@example.jp", pass), "none"},
		{"own domain from sent mail", newPolicy(config.Account{Username: "u"}, []string{"me@own.example"}), hdr("From: me@own.example", strings.ReplaceAll(dmarcFail, "example.jp", "own.example")), "spam:claims your own domain own.example but fails DMARC"},
		{"only the topmost Authentication-Results", newPolicy(acct, nil), hdr("From: ceo@example.jp", pass, dmarcFail), "none"},
		{"spoofed own domain beats the allow list", newPolicy(config.Account{Username: "sato@mail.example.jp", AllowList: []string{"example.jp"}}, nil), hdr("From: ceo@example.jp", dmarcFail), "spam:claims your own domain example.jp but fails DMARC"},
		{"allow-list-only: unknown", newPolicy(config.Account{AllowList: []string{"customer.example.com"}, AllowListOnly: true}, nil), hdr("From: a@b.example"), "spam:allow-list-only: a@b.example is not on the allow list"},
		{"allow-list-only: allowed", newPolicy(config.Account{AllowList: []string{"customer.example.com"}, AllowListOnly: true}, nil), hdr("From: a@customer.example.com"), "trusted:allow list: customer.example.com"},
		{"allow-list-only: a contact", newPolicy(config.Account{AllowList: []string{"customer.example.com"}, AllowListOnly: true}, nil), hdr("From: friend@example.org"), "trusted:you wrote to friend@example.org"},
		{"SpamAssassin not trusted by default", newPolicy(acct, nil), hdr("From: a@b.example", "X-Spam-Flag: YES"), "none"},
		{"SpamAssassin trusted", newPolicy(config.Account{TrustSpamAssassin: true}, nil), hdr("From: a@b.example", "X-Spam-Flag: YES"), "spam:the server's SpamAssassin: X-Spam-Flag: YES"},
		{"SpamAssassin NO", newPolicy(config.Account{TrustSpamAssassin: true}, nil), hdr("From: a@b.example", "X-Spam-Flag: NO"), "none"},
		{"no From", newPolicy(acct, nil), hdr("Subject: x"), "none"},
	} {
		r := c.policy.check(c.header, isContact)
		got := "none"
		if r.kind != policyNone {
			got = map[policyKind]string{policySpam: "spam", policyTrusted: "trusted"}[r.kind] + ":" + r.reason
		}
		if got != c.want {
			t.Errorf("%s: %s, want %s", c.name, got, c.want)
		}
	}
}

func TestAddressesAndRecipients(t *testing.T) {
	h := hdr("From: \"a@fake.example\" <Real@Example.JP>", "To: =?ISO-2022-JP?B?GyRCOjRGIxsoQg==?= <sato@example.jp>, b@example.com",
		"Cc: undisclosed-recipients:;", "Bcc: Bob <bob@x.example>")
	if got := fmt.Sprint(recipients(h)); got != "[sato@example.jp b@example.com bob@x.example]" {
		t.Errorf("recipients %s", got)
	}
	if f := fromAddress(h); f != "real@example.jp" {
		t.Errorf("from %q", f)
	}
	if a := parseAuthResults("mx; dkim=pass (good) header.d=x; SPF=Fail; dmarc=none"); a["dkim"] != "pass" || a["spf"] != "fail" || a["dmarc"] != "none" {
		t.Errorf("auth %v", a)
	}
}
