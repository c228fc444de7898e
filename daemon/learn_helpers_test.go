package daemon

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/mailwarden/mailwarden/classifier"
	"github.com/mailwarden/mailwarden/config"
	"github.com/mailwarden/mailwarden/imapsync"
	"github.com/mailwarden/mailwarden/internal/corpus"
	"github.com/mailwarden/mailwarden/internal/dovecot"
	"github.com/mailwarden/mailwarden/internal/dovecot/dovecottest"
	"github.com/mailwarden/mailwarden/store"
)

// fastLearn shortens the learning connection's timing for a test.
func fastLearn(t *testing.T, settle time.Duration) {
	t.Helper()
	old := learnTiming
	learnTiming.settle, learnTiming.poll = settle, 300*time.Millisecond
	t.Cleanup(func() { learnTiming = old })
}

// verdicts forces the classifier's verdict by Message-ID (and by daemon,
// for two PCs that disagree).
type verdicts struct {
	mu  sync.Mutex
	all map[string]classifier.Verdict             // every daemon
	per map[*Daemon]map[string]classifier.Verdict // one daemon
}

func forceVerdicts(t *testing.T) *verdicts {
	t.Helper()
	v := &verdicts{all: map[string]classifier.Verdict{}, per: map[*Daemon]map[string]classifier.Verdict{}}
	judgeHook = func(d *Daemon, m *imapsync.Message) (classifier.Verdict, bool) {
		v.mu.Lock()
		defer v.mu.Unlock()
		if x, ok := v.per[d][m.MessageID]; ok {
			return x, true
		}
		x, ok := v.all[m.MessageID]
		return x, ok
	}
	t.Cleanup(func() { judgeHook = nil })
	return v
}

func (v *verdicts) set(id string, x classifier.Verdict) {
	v.mu.Lock()
	v.all[id] = x
	v.mu.Unlock()
}

func (v *verdicts) setFor(d *Daemon, id string, x classifier.Verdict) {
	v.mu.Lock()
	if v.per[d] == nil {
		v.per[d] = map[string]classifier.Verdict{}
	}
	v.per[d][id] = x
	v.mu.Unlock()
}

// withID returns raw with its Message-ID replaced (or added).
func withID(raw []byte, id string) []byte {
	lines := strings.SplitAfter(string(raw), "\n")
	for i, l := range lines {
		if strings.HasPrefix(strings.ToLower(l), "message-id:") {
			lines[i] = "Message-ID: " + id + "\r\n"
			return []byte(strings.Join(lines, ""))
		}
		if strings.TrimSpace(l) == "" {
			break
		}
	}
	return append([]byte("Message-ID: "+id+"\r\n"), raw...)
}

func caseMail(t *testing.T, name string) []byte {
	t.Helper()
	m, _ := filepath.Glob(filepath.Join("..", "..", "shared", "cases", name))
	if len(m) != 1 {
		t.Skipf("needs the shared case file %s", name)
	}
	b, err := os.ReadFile(m[0])
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// phone is a second IMAP connection: what a phone's mail app does (UID
// MOVE between folders, keywords), nothing else.
type phone struct {
	t *testing.T
	s *imapsync.Session
	c *imapclient.Client
}

func newPhone(t *testing.T, srv *dovecot.Server) *phone {
	t.Helper()
	_, port, _ := net.SplitHostPort(srv.IMAPSAddr)
	p, _ := strconv.Atoi(port)
	s, err := imapsync.Dial(t.Context(), imapsync.Account{Name: "phone", Host: "127.0.0.1", Port: p, TLS: imapsync.TLSImplicit,
		Username: "test", Password: dovecot.Password, RootCAs: srv.CAPool})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return &phone{t: t, s: s, c: s.Client()}
}

func (p *phone) uidOf(mailbox, id string) imap.UID {
	p.t.Helper()
	if _, err := p.c.Select(mailbox, nil).Wait(); err != nil {
		p.t.Fatal(err)
	}
	data, err := p.c.UIDSearch(&imap.SearchCriteria{Header: []imap.SearchCriteriaHeaderField{{Key: "Message-ID", Value: strings.Trim(id, "<>")}}}, nil).Wait()
	if err != nil || len(data.AllUIDs()) != 1 {
		p.t.Fatalf("phone: %s in %s: %v %v", id, mailbox, data, err)
	}
	return data.AllUIDs()[0]
}

func (p *phone) move(id, from, to string) {
	p.t.Helper()
	if _, err := p.c.Move(imap.UIDSetNum(p.uidOf(from, id)), to).Wait(); err != nil {
		p.t.Fatalf("phone: move %s %s → %s: %v", id, from, to, err)
	}
}

func (p *phone) flag(id, mailbox string, add bool, flags ...imap.Flag) {
	p.t.Helper()
	op := imap.StoreFlagsAdd
	if !add {
		op = imap.StoreFlagsDel
	}
	if err := p.c.Store(imap.UIDSetNum(p.uidOf(mailbox, id)), &imap.StoreFlags{Op: op, Silent: true, Flags: flags}, nil).Close(); err != nil {
		p.t.Fatal(err)
	}
}

// places maps each Message-ID to its folders; flags to the flags of each copy.
func places(t *testing.T, srv *dovecot.Server) (map[string][]string, map[string]string) {
	t.Helper()
	out, err := srv.Doveadm("-f", "tab", "fetch", "-u", "test", "mailbox flags hdr.message-id", "all")
	if err != nil {
		t.Fatal(err)
	}
	where, flags := map[string][]string{}, map[string]string{}
	for i, line := range strings.Split(strings.TrimRight(string(out), "\n"), "\n") {
		f := strings.SplitN(line, "\t", 3)
		if i == 0 || len(f) < 3 {
			continue
		}
		id := strings.TrimSpace(f[2])
		where[id] = append(where[id], f[0])
		flags[id] += " " + f[1]
	}
	for _, v := range where {
		sort.Strings(v)
	}
	return where, flags
}

// expectPlaces checks that after differs from before by exactly changes; see
// dovecottest.ExpectPlaces.
func expectPlaces(t *testing.T, step string, before, after map[string][]string, changes map[string]string) {
	t.Helper()
	dovecottest.ExpectPlaces(t, step, before, after, changes)
}

func noSeen(t *testing.T, srv *dovecot.Server) {
	t.Helper()
	_, flags := places(t, srv)
	for id, f := range flags {
		if strings.Contains(f, `\Seen`) {
			t.Errorf("%s got \\Seen: %s", id, f)
		}
	}
}

// actionsOf returns the action log entries of one Message-ID, by action.
func actionsOf(t *testing.T, st *store.Store, id string) []string {
	t.Helper()
	acts, err := st.Actions(0)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, a := range acts {
		if a.MessageID == id {
			out = append(out, a.Action)
		}
	}
	return out
}

// learnedActions counts the "learned-*" entries of the action log.
func learnedActions(t *testing.T, st *store.Store) map[string]string {
	t.Helper()
	acts, err := st.Actions(0)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, a := range acts {
		if strings.HasPrefix(a.Action, "learned-") {
			if prev, dup := out[a.MessageID]; dup {
				out[a.MessageID] = prev + "," + a.Action
			} else {
				out[a.MessageID] = a.Action
			}
		}
	}
	return out
}

// settled waits until the account's learning connection has nothing
// waiting, after giving Dovecot a second to announce what happened.
func settled(t *testing.T, d *Daemon, settle time.Duration) {
	t.Helper()
	time.Sleep(time.Second + settle)
	w, _ := d.watcherOf("t")
	if w == nil {
		t.Fatal("account t has no watcher")
	}
	waitFor(t, settle+15*time.Second, "the learning connection to settle", func() bool { return w.LearnWaiting() == 0 })
	time.Sleep(700 * time.Millisecond) // one more poll
}

// pretrain writes a token store trained on the first n messages of the
// SpamAssassin corpus into dir (the daemon opens it), or skips the test.
func pretrain(t *testing.T, dir string, n int) {
	t.Helper()
	arch, err := corpus.Shared(".", "spamassassin")
	if err != nil {
		t.Skipf("needs the shared corpus: %v", err)
	}
	all, err := corpus.Load(arch, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	m, err := classifier.Open(dir, classifier.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range all[:min(n, len(all))] {
		raw, err := corpus.ReadMail(l.Path)
		if err != nil {
			t.Fatal(err)
		}
		m.Train(raw, l.Spam)
	}
	if err := m.Save(); err != nil {
		t.Fatal(err)
	}
}

// learnConfig is testConfig with extra account settings appended.
func learnConfig(t *testing.T, srv *dovecot.Server, extra string) *config.Config {
	t.Helper()
	base := testConfig(t, srv)
	a := base.Accounts[0]
	text := fmt.Sprintf("[[account]]\nname = %q\nhost = %q\nport = %d\nca_file = %q\nusername = \"test\"\npassword_env = \"MW_TEST_PASSWORD\"\ntrain_cap = 100000\npoll_interval = \"2s\"\n%s\n",
		a.Name, a.Host, a.Port, a.CAFile, extra)
	path := filepath.Join(t.TempDir(), "config.toml")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := config.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// waitOnline waits for the first start and the learning connection.
func waitOnline(t *testing.T, d *Daemon) {
	t.Helper()
	waitFor(t, time.Minute, "first start", func() bool {
		st, ok, _ := d.Store().Folder("t", "INBOX")
		return ok && st.Trained
	})
	waitFor(t, 20*time.Second, "the learning connection", func() bool {
		w, _ := d.watcherOf("t")
		return w != nil && w.Learning()
	})
}
