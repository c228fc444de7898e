package imapsync

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/emersion/go-imap/v2"
)

func TestMessageIDAndIdentity(t *testing.T) {
	for _, c := range []struct{ header, want string }{
		{"Subject: x\r\nMessage-ID: <a@b.example>\r\n\r\n", "<a@b.example>"},
		{"message-id:   <A@B> (comment)\r\n\r\n", "<A@B>"},
		{"Message-ID:\r\n\t<folded@example.jp>\r\n\r\n", "<folded@example.jp>"},
		{"Message-Id: bare@example.com\n\n", "<bare@example.com>"},
		{"Subject: no id\r\n\r\nMessage-ID: <in-body@x>\r\n", ""},
		{"Message-ID: <>\r\n\r\n", ""},
		{"X-Message-ID: <other@x>\r\n\r\n", ""},
		{"Subject: a\x00b\nMessage-ID: <nul@x>\n", "<nul@x>"},
	} {
		if got := messageIDOf([]byte(c.header)); got != c.want {
			t.Errorf("messageIDOf(%q) = %q, want %q", c.header, got, c.want)
		}
	}
	m := &Message{MessageID: "<a@b>", Header: []byte("Message-ID: <a@b>\r\n\r\n")}
	if m.Identity() != "<a@b>" {
		t.Errorf("Identity = %q", m.Identity())
	}
	n1 := &Message{Header: []byte("Subject: one\r\n\r\n")}
	n2 := &Message{Header: []byte("Subject: two\r\n\r\n")}
	if !strings.HasPrefix(n1.Identity(), "sha256:") || len(n1.Identity()) != 7+64 || n1.Identity() == n2.Identity() {
		t.Errorf("digest identities %q %q", n1.Identity(), n2.Identity())
	}
	if n1.Identity() != (&Message{Header: []byte("Subject: one\r\n\r\n")}).Identity() {
		t.Error("digest identity not stable")
	}
}

func TestKeywordVerdict(t *testing.T) {
	for _, c := range []struct {
		flags []imap.Flag
		want  verdict
	}{
		{nil, noVerdict},
		{[]imap.Flag{imap.FlagSeen, "$Forwarded"}, noVerdict},
		{[]imap.Flag{"$Junk"}, spamVerdict},
		{[]imap.Flag{"Junk"}, spamVerdict},
		{[]imap.Flag{"JUNK"}, spamVerdict},
		{[]imap.Flag{"$NotJunk"}, hamVerdict},
		{[]imap.Flag{"NonJunk"}, hamVerdict},
		{[]imap.Flag{"nonjunk"}, hamVerdict},
		{[]imap.Flag{"$Junk", "$NotJunk"}, hamVerdict}, // the user's rescue wins
		{[]imap.Flag{`\Junk`}, noVerdict},              // not a keyword
	} {
		if got := keywordVerdict(c.flags); got != c.want {
			t.Errorf("keywordVerdict(%v) = %v, want %v", c.flags, got, c.want)
		}
	}
}

func mbox(name string, attrs ...imap.MailboxAttr) Mailbox {
	return Mailbox{Name: name, Delim: '/', Attrs: attrs}
}

func TestClassifyFolders(t *testing.T) {
	std := []Mailbox{mbox("INBOX"), mbox("Drafts", imap.MailboxAttrDrafts), mbox("Sent", imap.MailboxAttrSent),
		mbox("Trash", imap.MailboxAttrTrash), mbox("Archive", imap.MailboxAttrArchive), mbox("Projects"),
		mbox("Projects/2024"), mbox("[Gmail]", imap.MailboxAttrNoSelect), mbox("All Mail", imap.MailboxAttrAll)}
	for _, c := range []struct {
		name        string
		extra       []Mailbox
		configured  string
		junk, by    string
		candidates  []string
		wantHamLike []string
	}{
		{"special-use wins over a name", []Mailbox{mbox("Junk"), mbox("迷惑メール", imap.MailboxAttrJunk)}, "", "迷惑メール", "special-use",
			[]string{"Junk", "迷惑メール"}, []string{"Sent", "Archive", "Projects", "Projects/2024"}},
		{"name with a space", []Mailbox{mbox("Spam Email")}, "", "Spam Email", "name", []string{"Spam Email"}, nil},
		{"japanese name", []Mailbox{mbox("迷惑メール")}, "", "迷惑メール", "name", []string{"迷惑メール"}, nil},
		{"name order: Junk before Spam", []Mailbox{mbox("Spam"), mbox("junk")}, "", "junk", "name", []string{"Spam", "junk"}, nil},
		{"under INBOX", []Mailbox{{Name: "INBOX.Spam", Delim: '.'}}, "", "INBOX.Spam", "name", []string{"INBOX.Spam"}, nil},
		{"nested is not a junk name", []Mailbox{mbox("ゴミ箱/迷惑メール"), mbox("Projects/Junk")}, "", "", "", nil, nil},
		{"configured", []Mailbox{mbox("Junk", imap.MailboxAttrJunk), mbox("ゴミ箱/迷惑メール")}, "ゴミ箱/迷惑メール", "ゴミ箱/迷惑メール", "configured", []string{"Junk"}, nil},
		{"configured but missing: detect", []Mailbox{mbox("Junk", imap.MailboxAttrJunk)}, "Nope", "Junk", "special-use", []string{"Junk"}, nil},
		{"INBOX is never the junk folder", []Mailbox{mbox("Junk", imap.MailboxAttrJunk)}, "inbox", "Junk", "special-use", []string{"Junk"}, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := classify(append(slices.Clone(std), c.extra...), c.configured, nil)
			if f.Junk != c.junk || f.JunkBy != c.by {
				t.Errorf("junk = %q by %q, want %q by %q", f.Junk, f.JunkBy, c.junk, c.by)
			}
			if !slices.Equal(f.JunkCandidates, c.candidates) {
				t.Errorf("candidates = %q, want %q", f.JunkCandidates, c.candidates)
			}
			if slices.Contains(f.Ham, f.Junk) || slices.Contains(f.Ham, "INBOX") || slices.Contains(f.Ham, "Trash") ||
				slices.Contains(f.Ham, "Drafts") || slices.Contains(f.Ham, "All Mail") || slices.Contains(f.Ham, "[Gmail]") {
				t.Errorf("ham folders %q include junk, INBOX, Trash, Drafts or virtual folders", f.Ham)
			}
			for _, h := range c.wantHamLike {
				if !slices.Contains(f.Ham, h) && !slices.Contains(c.candidates, h) {
					t.Errorf("ham folders %q miss %s", f.Ham, h)
				}
			}
			for _, cand := range f.JunkCandidates {
				if slices.Contains(f.Ham, cand) {
					t.Errorf("junk candidate %s trained as ham", cand)
				}
			}
		})
	}
	f := classify(std, "", []string{"Archive", "Nope", "INBOX"})
	if !slices.Equal(f.Ham, []string{"Archive"}) {
		t.Errorf("TrainFolders: ham = %q, want [Archive]", f.Ham)
	}
}

func TestAccountDefaultsAndPlaintext(t *testing.T) {
	a := Account{Host: "mail.example.jp", Username: "sato"}.withDefaults()
	if a.TLS != TLSImplicit || a.Port != 993 || a.TrainCap != 2000 || a.MaxFetch != 64<<10 ||
		a.PollInterval != DefaultPollInterval || a.IdleRefresh != 25*60e9 || a.Name != "sato@mail.example.jp" {
		t.Errorf("defaults: %+v", a)
	}
	if p := (Account{Host: "h", TLS: TLSStartTLS}).withDefaults().Port; p != 143 {
		t.Errorf("starttls port = %d", p)
	}
	err := Account{Host: "h", TLS: TLSNone}.withDefaults().validate()
	if !errors.Is(err, ErrPlaintext) || !IsPermanent(err) || !strings.Contains(err.Error(), "allow_plaintext") {
		t.Errorf("plaintext without AllowPlaintext: %v", err)
	}
	if err := (Account{Host: "h", TLS: TLSNone, AllowPlaintext: true}).withDefaults().validate(); err != nil {
		t.Errorf("plaintext allowed: %v", err)
	}
	if err := (Account{Host: "h", TLS: "ssl"}).withDefaults().validate(); !errors.Is(err, ErrConfig) {
		t.Errorf("unknown TLS mode: %v", err)
	}
}

func TestMemState(t *testing.T) {
	st := NewMemState()
	if _, ok, _ := st.Folder("a", "INBOX"); ok {
		t.Fatal("state before SetFolder")
	}
	st.SetFolder("a", "INBOX", FolderState{UIDValidity: 7, LastUID: 3, Trained: true})
	if got, ok, _ := st.Folder("a", "INBOX"); !ok || got.LastUID != 3 || got.UIDValidity != 7 || !got.Trained {
		t.Fatalf("Folder = %+v %v", got, ok)
	}
	p1 := PendingMove{Mailbox: "INBOX", UIDValidity: 7, UID: 9, MessageID: "<x>"}
	p2 := PendingMove{Mailbox: "INBOX", UIDValidity: 7, UID: 4, MessageID: "<y>"}
	st.SetPending("a", p1)
	st.SetPending("a", p2)
	st.SetPending("b", p1)
	if ps, _ := st.Pending("a"); len(ps) != 2 || ps[0].UID != 4 {
		t.Fatalf("Pending = %+v", ps)
	}
	st.ClearPending("a", p1)
	if ps, _ := st.Pending("a"); len(ps) != 1 || ps[0].MessageID != "<y>" {
		t.Fatalf("after Clear: %+v", ps)
	}
}
