package daemon

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mailwarden/mailwarden/classifier"
	"github.com/mailwarden/mailwarden/internal/dovecot"
	"github.com/mailwarden/mailwarden/internal/dovecot/dovecottest"
	"github.com/mailwarden/mailwarden/localapi"
	"github.com/mailwarden/mailwarden/store"
)

// Case 24 end to end: the daemon, its classifier and its ledgers, a phone
// that only knows UID MOVE. The classifier's verdicts are forced (the
// case is about learning, not classifying): s1 spam, h2 a ham it gets
// wrong, u3 unsure, h4 ham. h2b is a ham the user had put in Junk before
// mailwarden started (trained as spam on first start).
//
//  1. s1 Junk → Trash: nothing learned.
//  2. h2 Junk → INBOX: ham trained once, $NotJunk, never moved again;
//     h2b Junk → INBOX: its spam training undone (−1 spam), ham trained.
//  3. u3 INBOX → Junk: spam trained once.
//  4. h4 INBOX → Trash: nothing learned.
//  5. h2 INBOX → Junk → INBOX within the settle time: nothing new.
//  6. three more looks and a restart: nothing changes.
//
// mailwarden does not train its own moves (no self-training), so the
// rescue of h2 is +1 ham and no −1 spam; h2b shows the untraining.
// Every step changes the folders by exactly the message moved; no \Seen.
func TestLearnCase24AgainstDovecot(t *testing.T) {
	const settle = 2 * time.Second
	fastLearn(t, settle)
	force := forceVerdicts(t)
	srv := dovecottest.Start(t, dovecot.Options{})
	spam, ham := caseMail(t, "24-*/spam.eml"), caseMail(t, "24-*/ham.eml")
	const s1, h2, h2b, u3, h4 = "<24-s1@campaign.example.jp>", "<24-h2@corp.example.jp>", "<24-h2b@corp.example.jp>", "<24-u3@campaign.example.jp>", "<24-h4@corp.example.jp>"
	if err := srv.Save("test", "Junk", withID(ham, h2b)); err != nil { // the user's old mistake
		t.Fatal(err)
	}
	force.set(s1, classifier.Spam)
	force.set(h2, classifier.Spam)
	force.set(u3, classifier.Unsure)
	force.set(h4, classifier.Ham)

	cfg := testConfig(t, srv)
	dir := t.TempDir()
	r := startDaemon(t, cfg, dir)
	waitOnline(t, r.d)
	if sp, hm := r.d.Model().Counts(); sp != 1 || hm != 0 {
		t.Fatalf("first start trained %d spam %d ham, want h2b as spam", sp, hm)
	}
	for _, m := range []struct {
		id  string
		raw []byte
	}{{s1, spam}, {h2, ham}, {u3, spam}, {h4, ham}} {
		if err := srv.Save("test", "INBOX", withID(m.raw, m.id)); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, 20*time.Second, "four judged", func() bool {
		for _, id := range []string{s1, h2, u3, h4} {
			if len(actionsOf(t, r.d.Store(), id)) == 0 {
				return false
			}
		}
		return true
	})
	settled(t, r.d, settle)
	if l := learnedActions(t, r.d.Store()); len(l) != 0 {
		t.Fatalf("mailwarden's own moves learned as user verdicts: %v", l)
	}
	if err := r.d.Save(); err != nil {
		t.Fatal(err)
	}
	ph := newPhone(t, srv)
	before, _ := places(t, srv)
	if !slices.Equal(before[s1], []string{"Junk"}) || !slices.Equal(before[h2], []string{"Junk"}) || !slices.Equal(before[u3], []string{"INBOX"}) {
		t.Fatalf("setup: %v", before)
	}
	type counts struct{ spam, ham int }
	model := func() counts {
		s, h := r.d.Model().Counts()
		return counts{int(s), int(h)}
	}
	step := func(name string, do func(), changes map[string]string, delta counts) {
		t.Helper()
		c0 := model()
		do()
		settled(t, r.d, settle)
		after, _ := places(t, srv)
		expectPlaces(t, name, before, after, changes)
		if c1 := model(); c1.spam-c0.spam != delta.spam || c1.ham-c0.ham != delta.ham {
			t.Errorf("%s: classifier counts %+v → %+v, want spam %+d ham %+d", name, c0, c1, delta.spam, delta.ham)
		}
		before = after
	}
	step("1 s1 Junk→Trash", func() { ph.move(s1, "Junk", "Trash") }, map[string]string{s1: "Trash"}, counts{})
	step("2 h2 Junk→INBOX", func() { ph.move(h2, "Junk", "INBOX") }, map[string]string{h2: "INBOX"}, counts{0, 1})
	step("2 h2b Junk→INBOX", func() { ph.move(h2b, "Junk", "INBOX") }, map[string]string{h2b: "INBOX"}, counts{-1, 1})
	step("3 u3 INBOX→Junk", func() { ph.move(u3, "INBOX", "Junk") }, map[string]string{u3: "Junk"}, counts{1, 0})
	step("4 h4 INBOX→Trash", func() { ph.move(h4, "INBOX", "Trash") }, map[string]string{h4: "Trash"}, counts{})
	step("5 h2 INBOX→Junk→INBOX", func() {
		ph.move(h2, "INBOX", "Junk")
		time.Sleep(settle / 3)
		ph.move(h2, "Junk", "INBOX")
	}, nil, counts{})
	for i := range 3 {
		step(fmt.Sprintf("6 look again %d", i+1), func() { r.d.SyncNow("t") }, nil, counts{})
	}
	r.stop()
	r = startDaemon(t, cfg, dir)
	step("6 restart", func() { waitOnline(t, r.d) }, nil, counts{})

	// The ledgers list exactly these verdicts, each learned once.
	st := r.d.Store()
	for id, want := range map[string]string{h2: "ham", h2b: "ham", u3: "spam", s1: "", h4: ""} {
		if got, _ := st.Trained(id); got != want {
			t.Errorf("training ledger: %s = %q, want %q", id, got, want)
		}
		v, _, _ := st.Verdict("t", id)
		if v.User != want || (want != "" && v.Changes != 1) {
			t.Errorf("verdict of %s: %+v, want %q learned once", id, v, want)
		}
	}
	if l := learnedActions(t, st); len(l) != 3 || l[h2] != "learned-ham" || l[h2b] != "learned-ham" || l[u3] != "learned-spam" {
		t.Errorf("action log of learning: %v", l)
	}
	for _, id := range []string{h2, h2b} {
		if acts := actionsOf(t, st, id); slices.Contains(acts[1:], "move-to-junk") {
			t.Errorf("%s moved again after the rescue: %v", id, acts)
		}
	}
	_, flags := places(t, srv)
	if f := flags[h2]; !strings.Contains(f, "$NotJunk") || strings.Contains(f, "$Junk") || strings.Contains(f, "$MailwardenSpam") {
		t.Errorf("rescued h2 flags %q", f)
	}
	if f := flags[u3]; !strings.Contains(f, "$Junk") {
		t.Errorf("swiped u3 flags %q", f)
	}
	noSeen(t, srv)
	r.stop()
	if _, err := store.Open(dir + "/" + StateFile); err != nil {
		t.Fatal(err)
	}
}

// campaign is one message of a new kind of spam (Japanese gift-card
// phishing, unlike anything in the English training corpus): each one
// differs in sender domain, name, amount and link, like a real campaign.
func campaign(i int) []byte {
	names := []string{"佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺"}
	amounts := []string{"5万", "3万", "10万", "2万", "7万", "1万"}
	return []byte(fmt.Sprintf("From: \"Campaign Office\" <info@gift%d.example.jp>\r\nTo: test@example.jp\r\n"+
		"Subject: 【当選】Amazonギフト券%s円分のお知らせ\r\nDate: Mon, 16 Sep 2024 10:15:00 +0900\r\nMessage-ID: <gift-%d@campaign.example.jp>\r\n"+
		"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"+
		"【当選のお知らせ】\r\n%s様、おめでとうございます。Amazonギフト券%s円分に当選しました。\r\n本日中に下記URLから受け取り手続きをしてください。\r\n"+
		"https://gift%d.example.jp/claim?id=%d\r\n※期限を過ぎると無効になります。\r\n", i, amounts[i%6], i, names[i%6], amounts[i%6], i, 1000+i))
}

// The real classifier learns from the phone: trained on English mail, it
// is unsure of a new kind of spam and leaves it; one swipe into Junk is
// learned, and the next message of the campaign is moved. When the user
// then drags one out of Junk (they want these after all), that is learned
// too: every rescued one stays in INBOX, and soon the next one does.
func TestSwipeTeachesNextSimilar(t *testing.T) {
	const settle = 2 * time.Second
	fastLearn(t, settle)
	srv := dovecottest.Start(t, dovecot.Options{})
	dir := t.TempDir()
	pretrain(t, dir, 3000)
	r := startDaemon(t, testConfig(t, srv), dir)
	defer r.stop()
	waitOnline(t, r.d)
	ph := newPhone(t, srv)
	deliver := func(i int) store.Action {
		t.Helper()
		id := fmt.Sprintf("<gift-%d@campaign.example.jp>", i)
		if err := srv.Save("test", "INBOX", campaign(i)); err != nil {
			t.Fatal(err)
		}
		var a store.Action
		waitFor(t, 20*time.Second, "judging "+id, func() bool {
			acts, _ := r.d.Store().Actions(0)
			for _, x := range acts {
				if x.MessageID == id && x.Action != "learned-spam" && x.Action != "learned-ham" {
					a = x
					return true
				}
			}
			return false
		})
		return a
	}
	if a := deliver(1); a.Action != "leave" {
		t.Fatalf("the first of a new kind of spam: %s (score %.3f), want left in INBOX as unsure", a.Action, a.Score)
	}
	ph.move("<gift-1@campaign.example.jp>", "INBOX", "Junk")
	settled(t, r.d, settle)
	if l := learnedActions(t, r.d.Store()); l["<gift-1@campaign.example.jp>"] != "learned-spam" {
		t.Fatalf("the swipe was not learned: %v", l)
	}
	a := deliver(2)
	if a.Action != "move-to-junk" {
		t.Fatalf("after one swipe the next of the campaign is %s (score %.3f), want moved to Junk", a.Action, a.Score)
	}
	t.Logf("before the swipe: unsure; after one swipe the next scores %.3f and is moved", a.Score)

	// The user wants these after all: drags each one the daemon moves back
	// to INBOX. The first rescue only cancels the swipe; within three the
	// next one stays in INBOX.
	want := map[string]string{"<gift-1@campaign.example.jp>": "Junk"}
	rescues := 0
	for i := 2; ; i++ {
		id := fmt.Sprintf("<gift-%d@campaign.example.jp>", i)
		if i > 2 {
			a = deliver(i)
		}
		want[id] = "INBOX"
		if a.Action != "move-to-junk" {
			t.Logf("after %d rescues the next one scores %.3f: %s, stays in INBOX", rescues, a.Score, a.Action)
			break
		}
		if rescues == 3 {
			t.Fatalf("after 3 rescues the next one is still moved (score %.3f)", a.Score)
		}
		settled(t, r.d, settle)
		ph.move(id, "Junk", "INBOX")
		settled(t, r.d, settle)
		rescues++
		if l := learnedActions(t, r.d.Store()); l[id] != "learned-ham" {
			t.Fatalf("rescue of %s not learned: %v", id, l)
		}
	}
	r.d.SyncNow("t")
	settled(t, r.d, settle)
	where, _ := places(t, srv)
	for id, box := range want {
		if !slices.Equal(where[id], []string{box}) {
			t.Errorf("%s in %v, want %s", id, where[id], box)
		}
	}
	noSeen(t, srv)
}

// Undo through the local API (what `mailwarden notjunk` and the tray use):
// by action number and by Message-ID. The message is found in Junk by its
// Message-ID (the UID recorded is stale: Junk got a new UIDVALIDITY), moved
// back to INBOX, learned as ham once, marked $NotJunk, recorded in the
// action log, and never moved again. Undoing something that is not a move,
// or a message the user deleted meanwhile, is refused with a reason.
func TestUndoThroughAPI(t *testing.T) {
	const settle = time.Second
	fastLearn(t, settle)
	force := forceVerdicts(t)
	srv := dovecottest.Start(t, dovecot.Options{Rawlog: true})
	sockDir, err := os.MkdirTemp("", "mwundo")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(sockDir)
	sock := filepath.Join(sockDir, "api.sock")
	ham := caseMail(t, "24-*/ham.eml")
	const byseq, byid, gone, kept = "<undo-seq@corp.example.jp>", "<undo-id@corp.example.jp>", "<undo-gone@corp.example.jp>", "<undo-kept@corp.example.jp>"
	for _, id := range []string{byseq, byid, gone} {
		force.set(id, classifier.Spam) // hams the classifier gets wrong
	}
	force.set(kept, classifier.Ham)
	d, err := New(Options{Config: testConfig(t, srv), StoreDir: t.TempDir(), Socket: sock,
		Log: slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelInfo}))})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- d.Run(ctx) }()
	defer func() { cancel(); <-done }()
	waitOnline(t, d)
	for _, id := range []string{byseq, byid, gone, kept} {
		if err := srv.Save("test", "INBOX", withID(ham, id)); err != nil {
			t.Fatal(err)
		}
	}
	c := localapi.NewClient(sock)
	seqOf := func(id, action string) uint64 {
		acts, _ := c.Actions(ctx, 0)
		for _, a := range acts {
			if a.MessageID == id && a.Action == action {
				return a.Seq
			}
		}
		return 0
	}
	waitFor(t, 20*time.Second, "four judged", func() bool {
		return seqOf(byseq, "move-to-junk") > 0 && seqOf(byid, "move-to-junk") > 0 && seqOf(gone, "move-to-junk") > 0 && seqOf(kept, "mark-ham") > 0
	})
	settled(t, d, settle)
	if _, err := srv.Doveadm("mailbox", "update", "-u", "test", "--uid-validity", "777", "Junk"); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.Doveadm("expunge", "-u", "test", "mailbox", "Junk", "header", "Message-ID", gone); err != nil {
		t.Fatal(err)
	}
	before, _ := places(t, srv)
	s0, h0 := d.Model().Counts()

	seq := seqOf(byseq, "move-to-junk")
	u, err := c.NotJunk(ctx, seq)
	if err != nil {
		t.Fatal(err)
	}
	if u.Action != "not-junk" || u.MessageID != byseq || !slices.Contains(u.Reasons, fmt.Sprintf("undo of #%d", seq)) || u.UID == 0 {
		t.Errorf("undo recorded as %+v", u)
	}
	if u, err := c.NotJunkMessage(ctx, "", strings.Trim(byid, "<>")); err != nil || u.MessageID != byid {
		t.Fatalf("undo by Message-ID: %+v %v", u, err)
	}
	var apiErr *localapi.APIError
	if _, err := c.NotJunk(ctx, seqOf(kept, "mark-ham")); !errors.As(err, &apiErr) || apiErr.Status != 400 || !strings.Contains(err.Error(), "not a move to Junk") {
		t.Errorf("undo of a ham mark: %v", err)
	}
	if _, err := c.NotJunk(ctx, seqOf(gone, "move-to-junk")); !errors.As(err, &apiErr) || apiErr.Status != 404 || !strings.Contains(err.Error(), "not in the junk folder") {
		t.Errorf("undo of a deleted message: %v", err)
	}
	if _, err := c.NotJunkMessage(ctx, "", "<never@x>"); !errors.As(err, &apiErr) || apiErr.Status != 404 || !strings.Contains(err.Error(), "did not move") {
		t.Errorf("undo of a message never moved: %v", err)
	}
	settled(t, d, settle)
	d.SyncNow("t")
	settled(t, d, settle)
	after, flags := places(t, srv)
	expectPlaces(t, "undo", before, after, map[string]string{byseq: "INBOX", byid: "INBOX"})
	if s1, h1 := d.Model().Counts(); s1 != s0 || h1 != h0+2 {
		t.Errorf("classifier counts %d/%d → %d/%d, want two more ham", s0, h0, s1, h1)
	}
	if err := d.Save(); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{byseq, byid} {
		if f := flags[id]; !strings.Contains(f, "$NotJunk") || strings.Contains(f, "$Junk") || strings.Contains(f, "$MailwardenSpam") {
			t.Errorf("%s flags %q", id, f)
		}
		if acts := actionsOf(t, d.Store(), id); !slices.Equal(acts, []string{"move-to-junk", "not-junk"}) {
			t.Errorf("%s actions %v, want the move and its undo only", id, acts)
		}
		if cl, _ := d.Store().Trained(id); cl != "ham" {
			t.Errorf("%s trained %q", id, cl)
		}
	}
	// Undoing again changes nothing on the server.
	if u, err := c.NotJunk(ctx, seq); err != nil || !strings.Contains(strings.Join(u.Reasons, " "), "back in INBOX already") {
		t.Errorf("second undo: %+v %v", u, err)
	}
	if again, _ := places(t, srv); !maps.EqualFunc(again, after, slices.Equal) {
		t.Errorf("a second undo moved something")
	}
	noSeen(t, srv)
	in := rawlogIn(t, srv)
	if n := regexp.MustCompile(`(?m)^\S+ UID MOVE \d+ "?INBOX"?\r?$`).FindAllString(in, -1); len(n) != 2 {
		t.Errorf("UID MOVE into INBOX %d times, want the two undos", len(n))
	}
	if regexp.MustCompile(`(?m)^\S+ (MOVE|COPY|STORE|FETCH|EXPUNGE) `).MatchString(in) {
		t.Errorf("a command by sequence number")
	}
}

// rawlogIn is every client line of the protocol log.
func rawlogIn(t *testing.T, srv *dovecot.Server) string {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(srv.RawlogDir(), "*.in"))
	var b strings.Builder
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		b.Write(regexp.MustCompile(`(?m)^\d+\.\d+ `).ReplaceAll(data, nil))
	}
	return b.String()
}
