package dovecot_test

import (
	"crypto/tls"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/mailwarden/mailwarden/internal/dovecot"
	"github.com/mailwarden/mailwarden/internal/dovecot/dovecottest"
)

func msg(id string) []byte {
	return []byte("From: a@example.com\r\nTo: test@example.com\r\nSubject: hello\r\nMessage-ID: " + id +
		"\r\n\r\nbody\r\n")
}

func login(t *testing.T, srv *dovecot.Server, user string, startTLS bool) *imapclient.Client {
	t.Helper()
	opts := &imapclient.Options{TLSConfig: &tls.Config{RootCAs: srv.CAPool, ServerName: "localhost"}}
	var c *imapclient.Client
	var err error
	if startTLS {
		c, err = imapclient.DialStartTLS(srv.IMAPAddr, opts)
	} else {
		c, err = imapclient.DialTLS(srv.IMAPSAddr, opts)
	}
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	if err := c.Login(user, dovecot.Password).Wait(); err != nil {
		t.Fatalf("login %s: %v", user, err)
	}
	return c
}

func listAttrs(t *testing.T, c *imapclient.Client) map[string][]imap.MailboxAttr {
	t.Helper()
	list, err := c.List("", "*", nil).Collect()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]imap.MailboxAttr{}
	for _, l := range list {
		out[l.Mailbox] = l.Attrs
	}
	return out
}

// The default server: both TLS forms verify against CAPool, the accounts and
// special-use folders exist, doveadm helpers see delivered mail, and Restart
// keeps ports and mail.
func TestServerBasics(t *testing.T) {
	srv := dovecottest.Start(t, dovecot.Options{})
	c := login(t, srv, dovecot.User, false)
	caps := c.Caps()
	for _, want := range []imap.Cap{imap.CapMove, imap.CapIdle, imap.CapUIDPlus, imap.CapSpecialUse, imap.CapQuota} {
		if !caps.Has(want) {
			t.Errorf("capability %s missing: %v", want, caps)
		}
	}
	attrs := listAttrs(t, c)
	for name, want := range map[string]imap.MailboxAttr{"Junk": imap.MailboxAttrJunk, "Trash": imap.MailboxAttrTrash,
		"Sent": imap.MailboxAttrSent, "Drafts": imap.MailboxAttrDrafts, "Archive": imap.MailboxAttrArchive} {
		if !slices.Contains(attrs[name], want) {
			t.Errorf("%s: attrs %v, want %s", name, attrs[name], want)
		}
	}
	login(t, srv, dovecot.SmallUser, true) // STARTTLS, second account

	for _, id := range []string{"<a@example.com>", "<b@example.com>"} {
		if err := srv.Save(dovecot.User, "INBOX", msg(id)); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := srv.Count(dovecot.User, "INBOX"); err != nil || n != 2 {
		t.Fatalf("Count = %d, %v; want 2", n, err)
	}
	ids, err := srv.MessageIDs(dovecot.User, "INBOX")
	if err != nil || !slices.Equal(ids, []string{"<a@example.com>", "<b@example.com>"}) {
		t.Fatalf("MessageIDs = %q, %v", ids, err)
	}
	if _, err := srv.Doveadm("flags", "add", "-u", dovecot.User, `\Seen $Junk`, "mailbox", "INBOX", "uid", "2"); err != nil {
		t.Fatal(err)
	}
	msgs, err := srv.Messages(dovecot.User, "INBOX")
	if err != nil || len(msgs) != 2 || msgs[1].UID != 2 || !msgs[1].HasFlag(`\seen`) || !msgs[1].HasFlag("$Junk") || msgs[0].HasFlag(`\Seen`) {
		t.Fatalf("Messages = %+v, %v", msgs, err)
	}

	// Kick ends the session; kicking nobody is no error.
	if err := srv.Kick(dovecot.User); err != nil {
		t.Fatal(err)
	}
	select {
	case <-c.Closed():
	case <-time.After(5 * time.Second):
		t.Fatal("kicked session still open")
	}
	if err := srv.Kick(dovecot.User); err != nil {
		t.Fatalf("kick with nobody connected: %v", err)
	}

	imapAddr, imapsAddr := srv.IMAPAddr, srv.IMAPSAddr
	if err := srv.Restart(); err != nil {
		t.Fatal(err)
	}
	if srv.IMAPAddr != imapAddr || srv.IMAPSAddr != imapsAddr {
		t.Fatalf("ports changed on restart")
	}
	login(t, srv, dovecot.User, false)
	if n, err := srv.Count(dovecot.User, "INBOX"); err != nil || n != 2 {
		t.Fatalf("after restart Count = %d, %v; want 2", n, err)
	}
	if err := srv.Stop(); err != nil {
		t.Fatal(err)
	}
	if srv.Running() {
		t.Fatal("running after Stop")
	}
	if err := srv.Stop(); err != nil {
		t.Fatalf("second Stop: %v", err)
	}
}

// Capability hides MOVE (Dovecot would still run it: only the rawlog tells),
// Rawlog records the session, the 1 MiB account has its quota.
func TestCapabilityRawlogQuota(t *testing.T) {
	srv := dovecottest.Start(t, dovecot.Options{
		Capability: "IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE LITERAL+ UIDPLUS NAMESPACE UNSELECT CHILDREN SPECIAL-USE QUOTA",
		Rawlog:     true,
	})
	c := login(t, srv, dovecot.SmallUser, false)
	if c.Caps().Has(imap.CapMove) {
		t.Fatalf("MOVE still announced: %v", c.Caps())
	}
	if !c.Caps().Has(imap.CapUIDPlus) {
		t.Fatalf("UIDPLUS missing: %v", c.Caps())
	}
	roots, err := c.GetQuotaRoot("INBOX").Wait()
	if err != nil || len(roots) == 0 {
		t.Fatalf("GETQUOTAROOT: %v, %v", roots, err)
	}
	if lim := roots[0].Resources[imap.QuotaResourceStorage].Limit; lim != 1024 {
		t.Fatalf("small's STORAGE limit = %d KiB, want 1024", lim)
	}
	if err := c.Logout().Wait(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		files, _ := filepath.Glob(filepath.Join(srv.RawlogDir(), "*.in"))
		var in string
		for _, f := range files {
			b, _ := os.ReadFile(f)
			in += string(b)
		}
		if strings.Contains(in, "GETQUOTAROOT") && strings.Contains(in, "LOGOUT") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("rawlog has no GETQUOTAROOT/LOGOUT: %q", in)
		}
		time.Sleep(20 * time.Millisecond)
	}
	st, err := os.Stat(srv.RawlogDir())
	if err != nil || st.Mode()&os.ModeSticky == 0 || st.Mode().Perm() != 0o777 {
		t.Fatalf("rawlog dir mode %v, %v; want 1777", st.Mode(), err)
	}
}

// JunkName renames the \Junk mailbox (here to a Japanese name, encoded in
// modified UTF-7 on the wire); NoJunk drops it; ExtraConf reaches the server.
func TestJunkNameNoJunkExtraConf(t *testing.T) {
	srv := dovecottest.Start(t, dovecot.Options{JunkName: "迷惑メール"})
	attrs := listAttrs(t, login(t, srv, dovecot.User, false))
	if !slices.Contains(attrs["迷惑メール"], imap.MailboxAttrJunk) {
		t.Fatalf("迷惑メール not \\Junk: %v", attrs)
	}
	if _, ok := attrs["Junk"]; ok {
		t.Fatalf("Junk exists too: %v", attrs)
	}

	srv = dovecottest.Start(t, dovecot.Options{NoJunk: true, ExtraConf: "plugin {\n  quota_rule = *:storage=2M\n}\n"})
	c := login(t, srv, dovecot.User, false)
	for name, a := range listAttrs(t, c) {
		if slices.Contains(a, imap.MailboxAttrJunk) || name == "Junk" {
			t.Fatalf("NoJunk: %s %v", name, a)
		}
	}
	roots, err := c.GetQuotaRoot("INBOX").Wait()
	if err != nil || len(roots) == 0 || roots[0].Resources[imap.QuotaResourceStorage].Limit != 2048 {
		t.Fatalf("ExtraConf quota_rule not applied: %+v, %v", roots, err)
	}
}

// A deep Dir would overflow the 107-byte limit of a Unix socket path: the
// server gets a short base_dir of its own.
func TestDeepDir(t *testing.T) {
	dir := filepath.Join(t.TempDir(), strings.Repeat("d", 60), strings.Repeat("e", 60))
	srv := dovecottest.Start(t, dovecot.Options{Dir: dir})
	login(t, srv, dovecot.User, false)
	if err := srv.Stop(); err != nil {
		t.Fatal(err)
	}
	if err := srv.Restart(); err != nil {
		t.Fatalf("restart after stop: %v", err)
	}
	login(t, srv, dovecot.User, false)
}

func TestRequired(t *testing.T) {
	t.Setenv("MAILWARDEN_REQUIRE_DOVECOT", "")
	t.Setenv("CI", "")
	if dovecottest.Required() {
		t.Fatal("required without the variables")
	}
	t.Setenv("CI", "true")
	if !dovecottest.Required() {
		t.Fatal("CI=true not required")
	}
	t.Setenv("CI", "")
	t.Setenv("MAILWARDEN_REQUIRE_DOVECOT", "1")
	if !dovecottest.Required() {
		t.Fatal("MAILWARDEN_REQUIRE_DOVECOT=1 not required")
	}
}
