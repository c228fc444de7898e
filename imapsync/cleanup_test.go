package imapsync

import (
	"context"
	"errors"
	"fmt"
	stdmaps "maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/mailwarden/mailwarden/internal/dovecot"
)

// appendAt stores raw in mailbox with the given INTERNALDATE (IMAP APPEND:
// doveadm save cannot set it).
func appendAt(t *testing.T, s *Session, mailbox string, raw []byte, at time.Time, flags ...imap.Flag) {
	t.Helper()
	cmd := s.Client().Append(mailbox, int64(len(raw)), &imap.AppendOptions{Time: at, Flags: flags})
	if _, err := cmd.Write(raw); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := cmd.Wait(); err != nil {
		t.Fatal(err)
	}
}

// snapshot maps every Message-ID of user to its folders.
func snapshot(t *testing.T, srv *dovecot.Server, user string) map[string][]string {
	t.Helper()
	boxes, _ := where(t, srv, user)
	return boxes
}

// seedCleanup fills every folder; Junk and Trash get mail that arrived 40
// days ago and mail of today. One INBOX message is marked \Deleted by
// "the user" and not expunged: no clean-up may remove it.
func seedCleanup(t *testing.T, srv *dovecot.Server, s *Session) {
	t.Helper()
	old := time.Now().AddDate(0, 0, -40)
	for i := range 3 {
		save(t, srv, user, "INBOX", mailSized(fmt.Sprintf("<in-%d@x>", i), "ham", 4<<10))
		save(t, srv, user, "Archive", mailSized(fmt.Sprintf("<arch-%d@x>", i), "ham", 8<<10))
		save(t, srv, user, "Sent", mailSized(fmt.Sprintf("<sent-%d@x>", i), "ham", 2<<10))
	}
	appendAt(t, s, "INBOX", mailSized("<in-deleted@x>", "ham", 1<<10), old, imap.FlagDeleted)
	for i := range 2 {
		appendAt(t, s, "Junk", mailSized(fmt.Sprintf("<junk-old-%d@x>", i), "spam", 50<<10), old)
		appendAt(t, s, "Trash", mailSized(fmt.Sprintf("<trash-old-%d@x>", i), "ham", 30<<10), old)
	}
	for i := range 3 {
		save(t, srv, user, "Junk", mailSized(fmt.Sprintf("<junk-new-%d@x>", i), "spam", 20<<10))
		save(t, srv, user, "Trash", mailSized(fmt.Sprintf("<trash-new-%d@x>", i), "ham", 10<<10))
	}
}

// assertOnlyGone checks that exactly the Message-IDs with prefix gone left
// the mailbox, and every other message is where it was.
func assertOnlyGone(t *testing.T, before, after map[string][]string, gone func(id string) bool) {
	t.Helper()
	for id, boxes := range before {
		if gone(id) {
			if len(after[id]) != 0 {
				t.Errorf("%s should be deleted, is in %v", id, after[id])
			}
		} else if !slices.Equal(after[id], boxes) {
			t.Errorf("%s was in %v, now %v", id, boxes, after[id])
		}
	}
	for id := range after {
		if _, ok := before[id]; !ok && !strings.Contains(id, "late") {
			t.Errorf("%s appeared", id)
		}
	}
}

func counts(t *testing.T, srv *dovecot.Server) map[string]int64 {
	t.Helper()
	m := map[string]int64{}
	for name, st := range folderStats(t, srv, user) {
		m[name] = st[0]
	}
	return m
}

// Each clean-up deletes what it counted and nothing else: a dry run
// changes nothing; "older than" takes only old mail; emptying takes the
// whole folder but not mail that arrived after the user confirmed; no other
// folder loses or gains a message; the freed space is what was deleted.
func TestCleanupFreesWhatItSaysAndNothingElse(t *testing.T) {
	t.Parallel()
	srv := startServer(t, dovecot.Options{})
	s := dialT(t, testAccount(srv, user))
	seedCleanup(t, srv, s)
	ctx := context.Background()
	sizeOf := func(box string) int64 { return folderStats(t, srv, user)[box][1] }

	// Dry run: counts, touches nothing.
	before, c0, used0 := snapshot(t, srv, user), counts(t, srv), quotaKiB(t, srv, user)
	dry, err := s.Cleanup(ctx, CleanupRequest{Kind: CleanupJunk, DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	if dry.Folder != "Junk" || dry.Messages != 5 || dry.Size != sizeOf("Junk") || dry.MaxUID != 5 {
		t.Fatalf("dry run %+v (Junk holds %d bytes)", dry, sizeOf("Junk"))
	}
	if c := counts(t, srv); !stdmaps.Equal(c, c0) || quotaKiB(t, srv, user) != used0 {
		t.Fatalf("the dry run changed counts %v → %v", c0, c)
	}

	// Junk older than 30 days: the two old ones only.
	oldJunk := sizeOf("Junk")
	res, err := s.Cleanup(ctx, CleanupRequest{Kind: CleanupJunk, Before: time.Now().AddDate(0, 0, -30)})
	if err != nil {
		t.Fatal(err)
	}
	freedBytes := oldJunk - sizeOf("Junk")
	if res.Messages != 2 || res.Left != 0 || res.Size != freedBytes || res.Size < 100<<10 {
		t.Fatalf("older than 30 days: %+v, the folder shrank by %d", res, freedBytes)
	}
	if used := quotaKiB(t, srv, user); used0-used < int(res.Size>>10)-2 || used0-used > int(res.Size>>10)+2 {
		t.Errorf("quota %d → %d KiB after freeing %d bytes", used0, used, res.Size)
	}
	after := snapshot(t, srv, user)
	assertOnlyGone(t, before, after, func(id string) bool { return strings.HasPrefix(id, "<junk-old") })
	if c := counts(t, srv); c["Junk"] != c0["Junk"]-2 || c["INBOX"] != c0["INBOX"] || c["Trash"] != c0["Trash"] || c["Archive"] != c0["Archive"] || c["Sent"] != c0["Sent"] {
		t.Errorf("counts %v → %v", c0, c)
	}

	// Empty Trash after a dry run; a message that arrives in between stays.
	before = after
	dry, err = s.Cleanup(ctx, CleanupRequest{Kind: CleanupTrash, DryRun: true})
	if err != nil || dry.Messages != 5 {
		t.Fatalf("trash dry run %+v %v", dry, err)
	}
	save(t, srv, user, "Trash", mailSized("<trash-late@x>", "ham", 1<<10))
	res, err = s.Cleanup(ctx, CleanupRequest{Kind: CleanupTrash, UIDValidity: dry.UIDValidity, MaxUID: dry.MaxUID})
	if err != nil {
		t.Fatal(err)
	}
	if res.Messages != dry.Messages || res.Size != dry.Size {
		t.Errorf("deleted %+v, the dry run counted %+v", res, dry)
	}
	after = snapshot(t, srv, user)
	assertOnlyGone(t, before, after, func(id string) bool { return strings.HasPrefix(id, "<trash-") })
	if !slices.Equal(after["<trash-late@x>"], []string{"Trash"}) {
		t.Errorf("mail that arrived after the dry run: %v", after["<trash-late@x>"])
	}

	// A folder re-created since the dry run: nothing deleted.
	if _, err := s.Cleanup(ctx, CleanupRequest{Kind: CleanupTrash, UIDValidity: dry.UIDValidity + 1, MaxUID: dry.MaxUID}); !errors.Is(err, ErrCleanupChanged) {
		t.Errorf("UIDVALIDITY changed: %v", err)
	}
	// Empty Junk entirely.
	res, err = s.Cleanup(ctx, CleanupRequest{Kind: CleanupJunk})
	if err != nil || res.Messages != 3 || counts(t, srv)["Junk"] != 0 {
		t.Fatalf("empty Junk: %+v %v", res, err)
	}
	// An empty folder: nothing to do, no error.
	if res, err = s.Cleanup(ctx, CleanupRequest{Kind: CleanupJunk}); err != nil || res.Messages != 0 {
		t.Fatalf("empty Junk twice: %+v %v", res, err)
	}

	// The user's own \Deleted message in INBOX is still there, flag and all.
	if f := flagsOf(t, srv, user, "INBOX", "<in-deleted@x>"); !slices.Contains(f, `\Deleted`) {
		t.Errorf("INBOX's \\Deleted message: flags %v", f)
	}
	in := rawlog(t, srv, nil)
	assertProtocolRules(t, in)
	for _, line := range strings.Split(in, "\n") {
		up := strings.ToUpper(line)
		if (strings.Contains(up, "SELECT") || strings.Contains(up, "EXAMINE")) && !strings.Contains(up, "JUNK") && !strings.Contains(up, "TRASH") {
			t.Errorf("a clean-up opened another folder: %q", line)
		}
	}
	noSeen(t, srv, user)
}

// Without UIDPLUS a clean-up deletes nothing, not even in a dry run: a
// plain EXPUNGE would also remove mail the user marked \Deleted.
func TestCleanupWithoutUIDPlusRefuses(t *testing.T) {
	t.Parallel()
	srv := startServer(t, dovecot.Options{Capability: capsNoMoveUIDPlus})
	s := dialT(t, testAccount(srv, user))
	seedCleanup(t, srv, s)
	before := snapshot(t, srv, user)
	for _, dry := range []bool{true, false} {
		_, err := s.Cleanup(context.Background(), CleanupRequest{Kind: CleanupJunk, DryRun: dry})
		if !errors.Is(err, ErrNoSafeExpunge) || !strings.Contains(err.Error(), "mail client") {
			t.Fatalf("dry run %v: %v", dry, err)
		}
	}
	assertOnlyGone(t, before, snapshot(t, srv, user), func(string) bool { return false })
	if in := rawlog(t, srv, nil); strings.Contains(in, "EXPUNGE") || strings.Contains(in, "STORE") {
		t.Errorf("deleting commands sent:\n%s", in)
	}
}

// Only "junk" and "trash" exist; each is found by special use (here a
// Japanese junk folder name).
func TestCleanupFolderChoice(t *testing.T) {
	t.Parallel()
	srv := startServer(t, dovecot.Options{JunkName: "迷惑メール"})
	s := dialT(t, testAccount(srv, user))
	if name, err := s.CleanupFolder(context.Background(), CleanupJunk); err != nil || name != "迷惑メール" {
		t.Errorf("junk folder %q %v", name, err)
	}
	if name, err := s.CleanupFolder(context.Background(), CleanupTrash); err != nil || name != "Trash" {
		t.Errorf("trash folder %q %v", name, err)
	}
	if _, err := s.CleanupFolder(context.Background(), "inbox"); !errors.Is(err, ErrConfig) {
		t.Errorf("cleanup of inbox: %v", err)
	}
}
