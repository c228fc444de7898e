package classifier

import (
	"slices"
	"testing"
)

func TestAuthenticationResultsTokens(t *testing.T) {
	msg := []byte("Authentication-Results: mx.example.jp; spf=fail smtp.mailfrom=bank.example.com;\r\n" +
		" dkim=none (no signature); dmarc=fail (p=REJECT) header.from=bank.example.com\r\n" +
		"Received-SPF: SoftFail (mx.example.jp: domain of bank.example.com does not designate 192.0.2.1)\r\n" +
		"From: Bank <info@bank.example.com>\r\nSubject: verify\r\n\r\nplease verify your account\r\n")
	toks := Tokenize(msg)
	for _, want := range []string{"auth:spf=fail", "auth:dkim=none", "auth:dmarc=fail", "auth:spf=softfail"} {
		if !slices.Contains(toks, want) {
			t.Errorf("token %q missing from %q", want, toks)
		}
	}
}
