package daemon

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mailwarden/mailwarden/classifier"
	"github.com/mailwarden/mailwarden/config"
	"github.com/mailwarden/mailwarden/internal/dovecot"
	"github.com/mailwarden/mailwarden/internal/dovecot/dovecottest"
)

// Trusted and blocked senders against Dovecot, whatever the classifier
// says (its verdict is forced to the opposite): the allow list and people
// the user wrote to (found in Sent) stay in INBOX; the block list, a
// spoofed own domain (DMARC fails in the server's Authentication-Results),
// the server's X-Spam-Flag: YES (trust_spamassassin) and a forged trusted
// address go to Junk; an allow-list-only account quarantines everyone
// else. Each action names its reason.
func TestTrustedSendersAgainstDovecot(t *testing.T) {
	fastLearn(t, time.Second)
	force := forceVerdicts(t)
	srv := dovecottest.Start(t, dovecot.Options{})
	if err := srv.Save("test", "Sent", []byte("From: test@example.jp\r\nTo: Friend <friend@example.org>\r\nMessage-ID: <sent-1@example.jp>\r\nSubject: lunch\r\n\r\nsee you\r\n")); err != nil {
		t.Fatal(err)
	}
	base := testConfig(t, srv)
	a := base.Accounts[0]
	acct := func(name, user, extra string) string {
		return fmt.Sprintf("[[account]]\nname = %q\nhost = %q\nport = %d\nca_file = %q\nusername = %q\npassword_env = \"MW_TEST_PASSWORD\"\npoll_interval = \"2s\"\n%s\n",
			name, a.Host, a.Port, a.CAFile, user, extra)
	}
	path := filepath.Join(t.TempDir(), "config.toml")
	text := acct("t", "test", "allow_list = [\"partner.example.com\"]\nblock_list = [\"pest.example.net\"]\ntrust_spamassassin = true\nown_domains = [\"example.jp\"]") +
		acct("o", "small", "allow_list = [\"customer.example.com\"]\nallow_list_only = true")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	r := startDaemon(t, cfg, t.TempDir())
	defer r.stop()
	waitOnline(t, r.d)
	waitFor(t, 20*time.Second, "the Sent folder read", func() bool {
		c, ok, _ := r.d.Store().Contact("t", "friend@example.org")
		return ok && c.Count == 1
	})
	waitFor(t, 30*time.Second, "account o", func() bool {
		st, ok, _ := r.d.Store().Folder("o", "INBOX")
		return ok && st.Trained
	})
	pass := "Authentication-Results: mx.example.jp; spf=pass smtp.mailfrom=%s; dkim=pass header.d=%s; dmarc=pass header.from=%s"
	fail := "Authentication-Results: mx.example.jp; spf=fail smtp.mailfrom=%s; dkim=none; dmarc=fail (p=reject) header.from=%s"
	msg := func(id, from, extra string) []byte {
		h := fmt.Sprintf("From: %s\r\nTo: test@example.jp\r\nSubject: hello\r\nMessage-ID: %s\r\n", from, id)
		if extra != "" {
			h += extra + "\r\n"
		}
		return []byte(h + "\r\nHello, see the offer.\r\n")
	}
	type tc struct {
		user, id, from, extra string
		classifier            classifier.Verdict
		want, reason          string
	}
	cases := []tc{
		{"test", "<tr-allowed@x>", "x@mail.partner.example.com", "", classifier.Spam, "INBOX", "allow list: partner.example.com"},
		{"test", "<tr-contact@x>", "Friend <friend@example.org>", fmt.Sprintf(pass, "example.org", "example.org", "example.org"), classifier.Spam, "INBOX", "you wrote to friend@example.org"},
		{"test", "<tr-blocked@x>", "deals@pest.example.net", "", classifier.Ham, "Junk", "block list: pest.example.net"},
		{"test", "<tr-spoof@x>", "社長 <ceo@example.jp>", fmt.Sprintf(fail, "example.jp", "example.jp"), classifier.Ham, "Junk", "claims your own domain example.jp but fails DMARC"},
		{"test", "<tr-own-ok@x>", "ceo@example.jp", fmt.Sprintf(pass, "example.jp", "example.jp", "example.jp"), classifier.Unsure, "INBOX", ""},
		{"test", "<tr-sa@x>", "a@b.example", "X-Spam-Flag: YES\r\nX-Spam-Status: Yes, score=9.1", classifier.Ham, "Junk", "X-Spam-Flag: YES"},
		{"test", "<tr-forged-friend@x>", "friend@example.org", fmt.Sprintf(fail, "example.org", "example.org"), classifier.Spam, "Junk", ""},
		{"small", "<tr-only-unknown@x>", "someone@unknown.example", "", classifier.Ham, "Junk", "allow-list-only: someone@unknown.example is not on the allow list"},
		{"small", "<tr-only-customer@x>", "buyer@customer.example.com", "", classifier.Unsure, "INBOX", "allow list: customer.example.com"},
	}
	for _, c := range cases {
		force.set(c.id, c.classifier)
		if err := srv.Save(c.user, "INBOX", msg(c.id, c.from, c.extra)); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range cases {
		waitFor(t, 20*time.Second, "judging "+c.id, func() bool { return len(actionsOf(t, r.d.Store(), c.id)) > 0 })
	}
	acts, _ := r.d.Store().Actions(0)
	for _, c := range cases {
		where, err := srv.Doveadm("-f", "tab", "fetch", "-u", c.user, "mailbox", "header", "Message-ID", c.id)
		if err != nil {
			t.Fatal(err)
		}
		got := strings.Fields(string(where))
		if !slices.Equal(got, []string{"mailbox", c.want}) {
			t.Errorf("%s (classifier %v) in %v, want %s", c.id, c.classifier, got[1:], c.want)
		}
		for _, x := range acts {
			if x.MessageID == c.id && c.reason != "" && !strings.Contains(strings.Join(x.Reasons, "; "), c.reason) {
				t.Errorf("%s: reasons %q lack %q", c.id, x.Reasons, c.reason)
			}
		}
	}
	noSeen(t, srv)
}
