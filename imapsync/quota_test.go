package imapsync

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/mailwarden/mailwarden/internal/dovecot"
)

// Capabilities without STATUS=SIZE (sizes summed from RFC822.SIZE), and
// without QUOTA (the estimate path).
const (
	capsNoStatusSize = "IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE LITERAL+ UIDPLUS MOVE NAMESPACE UNSELECT CHILDREN SPECIAL-USE QUOTA"
	capsNoQuota      = "IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE LITERAL+ UIDPLUS MOVE NAMESPACE UNSELECT CHILDREN SPECIAL-USE STATUS=SIZE"
)

// folderStats returns doveadm's message count and virtual size of every
// folder of user: what the server itself counts.
func folderStats(t *testing.T, srv *dovecot.Server, user string) map[string][2]int64 {
	t.Helper()
	out, err := srv.Doveadm("-f", "tab", "mailbox", "status", "-u", user, "messages vsize", "*")
	if err != nil {
		t.Fatal(err)
	}
	m := map[string][2]int64{}
	for i, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Split(line, "\t")
		if i == 0 || len(f) != 3 {
			continue
		}
		n, _ := strconv.ParseInt(f[1], 10, 64)
		v, _ := strconv.ParseInt(f[2], 10, 64)
		m[f[0]] = [2]int64{n, v}
	}
	return m
}

// checkFolders compares Usage.Folders with the server's own figures.
func checkFolders(t *testing.T, srv *dovecot.Server, user string, u *Usage) {
	t.Helper()
	want := folderStats(t, srv, user)
	got := map[string]FolderUsage{}
	for i, f := range u.Folders {
		got[f.Name] = f
		if i > 0 && f.Size > u.Folders[i-1].Size {
			t.Errorf("folders not biggest first: %v", u.Folders)
		}
	}
	for name, w := range want {
		if g := got[name]; int64(g.Messages) != w[0] || g.Size != w[1] {
			t.Errorf("%s: %d messages, %d bytes; the server says %d, %d", name, g.Messages, g.Size, w[0], w[1])
		}
	}
	for name, g := range got {
		if _, ok := want[name]; !ok && (g.Messages != 0 || g.Size != 0) {
			t.Errorf("%s: %+v, unknown to the server", name, g)
		}
	}
}

func dialT(t *testing.T, acct Account) *Session {
	t.Helper()
	s, err := Dial(context.Background(), acct)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// seedSizes puts mail of known sizes into four folders.
func seedSizes(t *testing.T, srv *dovecot.Server) {
	t.Helper()
	for i, n := range []int{2, 30, 5} {
		save(t, srv, user, "INBOX", mailSized(fmt.Sprintf("<in-%d@x>", i), "ham", n<<10))
	}
	save(t, srv, user, "Archive", mailSized("<arch-big@x>", "ham", 300<<10))
	save(t, srv, user, "Archive", mailSized("<arch-small@x>", "ham", 1<<10))
	old := []byte("From: a@example.com\r\nSubject: the oldest\r\nDate: Sat, 1 Jan 2005 09:00:00 +0900\r\nMessage-ID: <old-2005@x>\r\n\r\nold\r\n")
	save(t, srv, user, "Archive", old)
	save(t, srv, user, "Junk", mailSized("<junk-0@x>", "spam", 40<<10))
	save(t, srv, user, "Trash", mailSized("<trash-0@x>", "ham", 60<<10))
}

// With QUOTA and STATUS=SIZE (Dovecot's default): every root's STORAGE and
// MESSAGE, folder sizes exactly as the server counts them, and the biggest
// and oldest messages with their sizes.
func TestUsageWithQuotaAndStatusSize(t *testing.T) {
	t.Parallel()
	srv := startServer(t, dovecot.Options{ExtraConf: "plugin {\n  quota_rule = *:storage=15M:messages=500\n}\n"})
	seedSizes(t, srv)
	s := dialT(t, testAccount(srv, user))

	roots, ok, err := s.QuotaRoots()
	if err != nil || !ok || len(roots) != 1 {
		t.Fatalf("QuotaRoots = %+v %v %v", roots, ok, err)
	}
	r := roots[0]
	if r.Name != "User quota" || r.Storage == nil || r.Storage.Limit != 15*1024 || r.Message == nil || r.Message.Limit != 500 || r.Message.Usage != 8 {
		t.Fatalf("root %+v storage %+v message %+v", r, r.Storage, r.Message)
	}
	if kib := quotaKiB(t, srv, user); r.Storage.Usage != int64(kib) {
		t.Errorf("STORAGE usage %d KiB, doveadm says %d", r.Storage.Usage, kib)
	}

	cache := NewMemSizeCache()
	u, err := s.Usage(context.Background(), UsageOptions{Cache: cache, Top: 3})
	if err != nil {
		t.Fatal(err)
	}
	if !u.HasQuota || !u.StatusSize {
		t.Fatalf("HasQuota %v StatusSize %v", u.HasQuota, u.StatusSize)
	}
	checkFolders(t, srv, user, u)
	if u.Folders[0].Name != "Archive" || u.Folders[0].SpecialUse != `\Archive` {
		t.Errorf("biggest folder %+v, want Archive", u.Folders[0])
	}
	// Quota usage and the sum of folder sizes agree to the KiB rounding
	// of each message.
	if d := r.Storage.Usage*1024 - u.Size(); d < 0 || d > 8*1024 {
		t.Errorf("quota %d KiB vs folders %d bytes", r.Storage.Usage, u.Size())
	}
	if len(u.Biggest) != 3 || string(messageIDOf(u.Biggest[0].Header)) != "<arch-big@x>" || u.Biggest[0].Mailbox != "Archive" ||
		u.Biggest[1].Mailbox != "Trash" || u.Biggest[2].Mailbox != "Junk" || u.Biggest[0].Size < 300<<10 {
		t.Errorf("biggest: %+v", u.Biggest)
	}
	if len(u.Oldest) != 3 || messageIDOf(u.Oldest[0].Header) != "<old-2005@x>" || u.Oldest[0].DateFromInternal ||
		u.Oldest[0].Date.Year() != 2005 {
		t.Errorf("oldest: %+v", u.Oldest)
	}
	if h, _ := headerField(u.Oldest[0].Header, "Subject"); h != "the oldest" {
		t.Errorf("oldest's header %q", u.Oldest[0].Header)
	}
	noSeen(t, srv, user)
}

// Without STATUS=SIZE folder sizes are sums of RFC822.SIZE, kept in the
// cache: a second look fetches nothing, new mail is fetched by its UIDs
// alone, an expunge is found by the message count and costs one UID
// SEARCH, not a new fetch of the folder. A new UIDVALIDITY starts over.
func TestUsageIncrementalWithoutStatusSize(t *testing.T) {
	t.Parallel()
	srv := startServer(t, dovecot.Options{Capability: capsNoStatusSize})
	seedSizes(t, srv)
	acct := testAccount(srv, user)
	cache := NewMemSizeCache()
	look := func(wantFetched, wantSearched int) (*Usage, string) {
		t.Helper()
		before := rawlogFiles(srv)
		s, err := Dial(context.Background(), acct)
		if err != nil {
			t.Fatal(err)
		}
		u, err := s.Usage(context.Background(), UsageOptions{Cache: cache})
		s.Close()
		if err != nil {
			t.Fatal(err)
		}
		if u.StatusSize {
			t.Fatal("STATUS=SIZE used although hidden")
		}
		checkFolders(t, srv, user, u)
		if u.Fetched != wantFetched || u.Searched != wantSearched {
			t.Errorf("fetched %d, searched %d; want %d, %d", u.Fetched, u.Searched, wantFetched, wantSearched)
		}
		time.Sleep(50 * time.Millisecond) // the rawlog is written as the session ends
		in := rawlog(t, srv, before)
		assertProtocolRules(t, in)
		return u, in
	}

	_, in := look(8, 0)
	if strings.Contains(in, "STATUS") && strings.Contains(in, "SIZE)") {
		t.Errorf("STATUS (SIZE) sent although hidden")
	}
	if _, in = look(0, 0); strings.Contains(in, "FETCH") || strings.Contains(in, "EXAMINE") || strings.Contains(in, "SELECT") {
		t.Errorf("unchanged folders were read again:\n%s", in)
	}

	save(t, srv, user, "INBOX", mailSized("<in-new@x>", "ham", 7<<10))
	save(t, srv, user, "INBOX", mailSized("<in-new2@x>", "ham", 1<<10))
	_, in = look(2, 0)
	if !strings.Contains(in, "UID FETCH 4:5 ") || strings.Count(in, "UID FETCH") != 1 {
		t.Errorf("new mail not fetched by its UIDs alone:\n%s", in)
	}

	if _, err := srv.Doveadm("expunge", "-u", user, "mailbox", "Archive", "header", "Message-ID", "<arch-big@x>"); err != nil {
		t.Fatal(err)
	}
	if _, in = look(0, 1); strings.Contains(in, "FETCH") {
		t.Errorf("an expunge refetched the folder:\n%s", in)
	}
	// An expunge and a delivery between two looks: the count alone would
	// match the UID range; the search tells.
	if _, err := srv.Doveadm("expunge", "-u", user, "mailbox", "INBOX", "header", "Message-ID", "<in-1@x>"); err != nil {
		t.Fatal(err)
	}
	save(t, srv, user, "INBOX", mailSized("<in-new3@x>", "ham", 3<<10))
	look(1, 1)

	// The folder is re-created: a new UIDVALIDITY, the index starts over.
	x, _ := cache.LoadSizes(acct.Name, "Junk")
	x.UIDValidity--
	cache.SaveSizes(acct.Name, "Junk", x)
	look(1, 0)
}

// Oldest mail goes by the Date header, or by INTERNALDATE where the header
// is bad (case 06): none of the nine broken dates fails the look, none is
// taken at its word, and a Date in the future is not believed either.
func TestUsageBadDatesUseInternalDate(t *testing.T) {
	t.Parallel()
	srv := startServer(t, dovecot.Options{})
	files, _ := filepath.Glob(filepath.Join("..", "..", "shared", "cases", "06-*", "*.eml"))
	var raws [][]byte
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		raws = append(raws, b)
	}
	if len(raws) == 0 {
		t.Log("shared case 06 not found: using synthetic dates")
		for i, d := range []string{"Mon, 16 Sep 99999 10:15:00 +0900", "Thu, 13 Dec 101 15:30 WET", "Wed, 05 Sep 2018 29:24:05 +0700", "2024年9月16日(月) 10時15分", "Mon, 16 Sep 2024 10:15:00 +9999"} {
			raws = append(raws, fmt.Appendf(nil, "From: a@example.com\r\nDate: %s\r\nMessage-ID: <c06-%d@x>\r\n\r\nx\r\n", d, i))
		}
	}
	raws = append(raws, []byte("From: a@example.com\r\nDate: Fri, 1 Jan 2099 00:00:00 +0000\r\nMessage-ID: <future@x>\r\n\r\nx\r\n"))
	for _, raw := range raws {
		save(t, srv, user, "Junk", raw)
	}
	save(t, srv, user, "INBOX", mailSized("<dated-2024@x>", "ham", 0)) // Date: Mon, 16 Sep 2024
	start := time.Now().Add(-time.Minute)

	s := dialT(t, testAccount(srv, user))
	cache := NewMemSizeCache()
	u, err := s.Usage(context.Background(), UsageOptions{Cache: cache, Top: 20})
	if err != nil {
		t.Fatal(err)
	}
	if messageIDOf(u.Oldest[0].Header) != "<dated-2024@x>" || u.Oldest[0].DateFromInternal {
		t.Errorf("oldest %q %+v, want the message dated 2024", messageIDOf(u.Oldest[0].Header), u.Oldest[0])
	}
	x, _ := cache.LoadSizes(s.acct.Name, "Junk")
	if len(x.Entries) != len(raws) {
		t.Fatalf("Junk index has %d entries, want %d", len(x.Entries), len(raws))
	}
	for _, e := range x.Entries {
		if !e.DateFromInternal || e.Date.Before(start) || e.Date.After(time.Now().Add(time.Minute)) {
			t.Errorf("UID %d: date %v (from INTERNALDATE: %v), want its arrival", e.UID, e.Date, e.DateFromInternal)
		}
	}
}

// A server without QUOTA: no roots, and Usage still gives every folder.
func TestUsageWithoutQuota(t *testing.T) {
	t.Parallel()
	srv := startServer(t, dovecot.Options{Capability: capsNoQuota})
	seedSizes(t, srv)
	s := dialT(t, testAccount(srv, user))
	u, err := s.Usage(context.Background(), UsageOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if u.HasQuota || u.Roots != nil || !u.StatusSize {
		t.Fatalf("HasQuota %v roots %v StatusSize %v", u.HasQuota, u.Roots, u.StatusSize)
	}
	checkFolders(t, srv, user, u)
	if strings.Contains(rawlog(t, srv, nil), "GETQUOTAROOT") {
		t.Error("GETQUOTAROOT sent without QUOTA")
	}
}

func TestFolderIndexEncoding(t *testing.T) {
	d := time.Date(2005, 1, 1, 0, 0, 0, 0, time.UTC)
	x := &FolderIndex{UIDValidity: 7, UIDNext: 1000, Entries: []SizeEntry{
		{UID: 3, Size: 100, Date: d}, {UID: 999, Size: 1 << 40, Date: d.AddDate(-40, 0, 0), DateFromInternal: true},
	}}
	b, err := x.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	var y FolderIndex
	if err := y.UnmarshalBinary(b); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(*x) != fmt.Sprint(y) {
		t.Fatalf("round trip: %v → %v", *x, y)
	}
	for i := range b {
		var z FolderIndex
		if z.UnmarshalBinary(b[:i]) == nil {
			t.Errorf("a truncated index (%d of %d bytes) decoded", i, len(b))
		}
	}
	x.Entries[1].UID = imap.UID(2)
	if _, err := x.MarshalBinary(); err == nil {
		t.Error("unsorted entries encoded")
	}
}
