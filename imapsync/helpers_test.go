package imapsync

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mailwarden/mailwarden/internal/dovecot"
	"github.com/mailwarden/mailwarden/internal/dovecot/dovecottest"
)

const user = dovecot.User

// Capabilities of case 15: MOVE hidden; without UIDPLUS for variant B.
const (
	capsNoMove        = "IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE LITERAL+ UIDPLUS NAMESPACE UNSELECT CHILDREN SPECIAL-USE QUOTA"
	capsNoMoveUIDPlus = "IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE LITERAL+ NAMESPACE UNSELECT CHILDREN SPECIAL-USE QUOTA"
	capsNoIdle        = "IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE LITERAL+ UIDPLUS MOVE NAMESPACE UNSELECT CHILDREN SPECIAL-USE QUOTA"
)

// startServer starts a Dovecot of the test's own, with a protocol log.
func startServer(t *testing.T, opts dovecot.Options) *dovecot.Server {
	t.Helper()
	opts.Rawlog = true
	return dovecottest.Start(t, opts)
}

// testAccount logs in as name over implicit TLS, verified with the
// server's CA.
func testAccount(srv *dovecot.Server, name string) Account {
	_, port, _ := net.SplitHostPort(srv.IMAPSAddr)
	p, _ := strconv.Atoi(port)
	return Account{
		Name: "acct-" + name, Host: "127.0.0.1", Port: p, TLS: TLSImplicit,
		Username: name, Password: dovecot.Password, RootCAs: srv.CAPool,
		PollInterval: 200 * time.Millisecond,
	}
}

// mail builds a small message. verdict ("spam", "ham", "unsure") goes into
// X-Test-Verdict, which testHandler judges by.
func mail(id, verdict string) []byte {
	return mailSized(id, verdict, 0)
}

func mailSized(id, verdict string, bodyBytes int) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "From: sender@example.com\r\nTo: test@example.jp\r\nSubject: test %s\r\n", id)
	if id != "" {
		fmt.Fprintf(&b, "Message-ID: %s\r\n", id)
	}
	fmt.Fprintf(&b, "X-Test-Verdict: %s\r\nDate: Mon, 16 Sep 2024 10:15:00 +0900\r\n\r\nbody of %s\r\n", verdict, id)
	for b.Len() < bodyBytes {
		b.WriteString(strings.Repeat("x", 76) + "\r\n")
	}
	return b.Bytes()
}

func save(t *testing.T, srv *dovecot.Server, user, mailbox string, raw []byte) {
	t.Helper()
	if err := srv.Save(user, mailbox, raw); err != nil {
		t.Fatal(err)
	}
}

// caseFile reads an input of a shared server case (read in place, never
// copied into the repository), or returns fallback where the shared
// directory is absent.
func caseFile(t *testing.T, name string, fallback []byte) []byte {
	t.Helper()
	matches, _ := filepath.Glob(filepath.Join("..", "..", "shared", "cases", name))
	if len(matches) != 1 {
		t.Logf("shared case file %s not found: using a synthetic message", name)
		return fallback
	}
	b, err := os.ReadFile(matches[0])
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// testHandler judges by X-Test-Verdict and records every call. Known
// reports identities it trained or saw Done without error: the daemon's
// identity ledger in small.
type testHandler struct {
	mu       sync.Mutex
	judged   map[string]int // identity → Judge calls
	trained  map[string]bool
	trainOrd []string
	done     map[string][]Outcome
	known    map[string]bool
	changed  chan struct{}
}

func newHandler() *testHandler {
	return &testHandler{judged: map[string]int{}, trained: map[string]bool{}, done: map[string][]Outcome{},
		known: map[string]bool{}, changed: make(chan struct{}, 1)}
}

func (h *testHandler) Known(account string, m *Message) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.known[m.Identity()]
}

func (h *testHandler) Judge(ctx context.Context, account string, m *Message) (Action, error) {
	h.mu.Lock()
	h.judged[m.Identity()]++
	h.mu.Unlock()
	if m.Raw == nil || !bytes.HasPrefix(m.Raw, m.Header) {
		return Leave, fmt.Errorf("Raw does not start with the header")
	}
	v, ok := headerField(m.Header, "X-Test-Verdict")
	if !ok { // the shared cases' files: <NN-spam@...>, <NN-ham@...>
		switch {
		case strings.Contains(m.MessageID, "-spam"):
			v = "spam"
		case strings.Contains(m.MessageID, "-ham"):
			v = "ham"
		}
	}
	switch v {
	case "spam":
		return MoveToJunk, nil
	case "ham":
		return MarkHam, nil
	}
	return Leave, nil
}

func (h *testHandler) Train(ctx context.Context, account string, m *Message, spam bool) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if m.Raw == nil {
		return errors.New("train without Raw")
	}
	h.trained[m.Identity()] = spam
	h.trainOrd = append(h.trainOrd, m.Identity())
	h.known[m.Identity()] = true
	return nil
}

func (h *testHandler) Done(ctx context.Context, account string, m *Message, o Outcome) {
	h.mu.Lock()
	h.done[m.Identity()] = append(h.done[m.Identity()], o)
	if o.Err == nil {
		h.known[m.Identity()] = true
	}
	h.mu.Unlock()
	select {
	case h.changed <- struct{}{}:
	default:
	}
}

func (h *testHandler) judgedCount(id string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.judged[id]
}

func (h *testHandler) totalJudged() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	n := 0
	for _, c := range h.judged {
		n += c
	}
	return n
}

func (h *testHandler) outcomes(id string) []Outcome {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.done[id])
}

// waitDone waits until id has n outcomes.
func (h *testHandler) waitDone(t *testing.T, id string, n int, timeout time.Duration) []Outcome {
	t.Helper()
	waitFor(t, timeout, fmt.Sprintf("%d outcome(s) for %s", n, id), func() bool { return len(h.outcomes(id)) >= n })
	return h.outcomes(id)
}

// waitFor polls cond every 10 ms.
func waitFor(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", timeout, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// running is a Watcher started by startWatcher.
type running struct {
	w      *Watcher
	cancel context.CancelFunc
	errc   chan error
	mu     sync.Mutex
	events []string
	log    *bytes.Buffer
}

// startWatcher runs a watcher with fast test timing until stop or the end
// of the test.
func startWatcher(t *testing.T, acct Account, st StateStore, h Handler, tweak ...func(*Watcher)) *running {
	t.Helper()
	r := &running{errc: make(chan error, 1), log: &bytes.Buffer{}}
	logw := &lockedWriter{w: r.log}
	log := slog.New(slog.NewTextHandler(io.MultiWriter(logw, testWriter{t}), &slog.HandlerOptions{Level: slog.LevelDebug}))
	r.w = NewWatcher(acct, st, h, log)
	r.w.backoffMin, r.w.backoffMax, r.w.retryMin, r.w.retryMax = 20*time.Millisecond, 200*time.Millisecond, 100*time.Millisecond, time.Second
	r.w.settle = 300 * time.Millisecond
	r.w.event = func(e string) {
		r.mu.Lock()
		r.events = append(r.events, e)
		r.mu.Unlock()
	}
	for _, f := range tweak {
		f(r.w)
	}
	ctx, cancel := context.WithCancel(context.Background())
	r.cancel = cancel
	go func() { r.errc <- r.w.Run(ctx) }()
	t.Cleanup(func() { r.stop(t) })
	return r
}

// stop cancels the watcher and checks that Run returned ctx's error.
func (r *running) stop(t *testing.T) {
	t.Helper()
	if r.cancel == nil {
		return
	}
	r.cancel()
	r.cancel = nil
	select {
	case err := <-r.errc:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Run returned %v, want context.Canceled", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return within 10s of cancel")
	}
}

func (r *running) count(e string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, x := range r.events {
		if x == e {
			n++
		}
	}
	return n
}

// waitEvent waits until event e happened n times in all.
func (r *running) waitEvent(t *testing.T, e string, n int, timeout time.Duration) {
	t.Helper()
	waitFor(t, timeout, fmt.Sprintf("watcher event %q ×%d", e, n), func() bool { return r.count(e) >= n })
}

type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// testWriter sends the watcher's log to t.Log (shown with -v or on failure).
type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	defer func() { recover() }() // a log line after the test ended
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// where maps every Message-ID of user to the mailboxes holding it (one entry
// per copy), and to the flags of each copy.
func where(t *testing.T, srv *dovecot.Server, user string) (map[string][]string, map[string][]string) {
	t.Helper()
	out, err := srv.Doveadm("-f", "tab", "fetch", "-u", user, "mailbox flags hdr.message-id", "all")
	if err != nil {
		t.Fatal(err)
	}
	boxes, flags := map[string][]string{}, map[string][]string{}
	for i, line := range strings.Split(strings.TrimRight(string(out), "\n"), "\n") {
		f := strings.SplitN(line, "\t", 3)
		if i == 0 || len(f) < 3 {
			continue
		}
		id := strings.TrimSpace(f[2])
		boxes[id] = append(boxes[id], f[0])
		flags[id] = append(flags[id], f[1])
	}
	for _, v := range boxes {
		sort.Strings(v)
	}
	return boxes, flags
}

// assertPlaces checks that each Message-ID lives in exactly the given
// mailbox, once.
func assertPlaces(t *testing.T, srv *dovecot.Server, user string, want map[string]string) {
	t.Helper()
	boxes, _ := where(t, srv, user)
	for id, box := range want {
		if got := boxes[id]; len(got) != 1 || got[0] != box {
			t.Errorf("%s is in %v, want exactly once in %s", id, got, box)
		}
	}
}

func count(t *testing.T, srv *dovecot.Server, user, mailbox string) int {
	t.Helper()
	n, err := srv.Count(user, mailbox)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func flagsOf(t *testing.T, srv *dovecot.Server, user, mailbox, id string) []string {
	t.Helper()
	msgs, err := srv.Messages(user, mailbox)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range msgs {
		if m.MessageID == id {
			return m.Flags
		}
	}
	t.Fatalf("%s not in %s", id, mailbox)
	return nil
}

// noSeen checks that no message of user carries \Seen.
func noSeen(t *testing.T, srv *dovecot.Server, user string) {
	t.Helper()
	_, flags := where(t, srv, user)
	for id, fl := range flags {
		for _, f := range fl {
			if strings.Contains(f, `\Seen`) {
				t.Errorf("%s got \\Seen: %q", id, f)
			}
		}
	}
}

var rawlogStamp = regexp.MustCompile(`(?m)^\d+\.\d+ `)

// rawlog returns the client lines (*.in) of every session logged so far,
// except files in skip, without Dovecot's timestamps.
func rawlog(t *testing.T, srv *dovecot.Server, skip map[string]bool) string {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(srv.RawlogDir(), "*.in"))
	sort.Strings(files)
	var b strings.Builder
	for _, f := range files {
		if skip[f] {
			continue
		}
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		b.Write(rawlogStamp.ReplaceAll(data, nil))
	}
	return b.String()
}

// rawlogOut returns the server side (*.out) of every session.
func rawlogOut(t *testing.T, srv *dovecot.Server) string {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(srv.RawlogDir(), "*.out"))
	var b strings.Builder
	for _, f := range files {
		data, _ := os.ReadFile(f)
		b.Write(data)
	}
	return b.String()
}

func rawlogFiles(srv *dovecot.Server) map[string]bool {
	files, _ := filepath.Glob(filepath.Join(srv.RawlogDir(), "*.in"))
	m := map[string]bool{}
	for _, f := range files {
		m[f] = true
	}
	return m
}

// nonUIDCommand matches a command that names messages by sequence number,
// or expunges more than its own UIDs.
var nonUIDCommand = regexp.MustCompile(`(?im)^\S+ (FETCH|STORE|COPY|MOVE|SEARCH|EXPUNGE|CLOSE)\b`)

// assertProtocolRules checks the client side of the protocol log: only UID
// forms for message sets, no plain EXPUNGE or CLOSE, BODY.PEEK only, no raw
// 8-bit bytes (mailbox names go out in modified UTF-7).
func assertProtocolRules(t *testing.T, in string) {
	t.Helper()
	if m := nonUIDCommand.FindAllString(in, -1); m != nil {
		t.Errorf("non-UID or unsafe commands in the protocol log: %q", m)
	}
	for _, line := range strings.Split(in, "\n") {
		up := strings.ToUpper(line)
		if strings.Contains(up, "FETCH") && (strings.Contains(up, "BODY[") || strings.Contains(up, "RFC822 ") ||
			strings.Contains(up, "RFC822)") || strings.Contains(up, "RFC822.TEXT") || strings.Contains(up, "RFC822.HEADER")) {
			t.Errorf("FETCH without PEEK: %q", line)
		}
		if strings.Contains(up, "STORE") && strings.Contains(up, `\SEEN`) {
			t.Errorf("STORE touches \\Seen: %q", line)
		}
	}
	for i := 0; i < len(in); i++ {
		if in[i] >= 0x80 {
			t.Errorf("raw 8-bit byte in the protocol log near %q", in[max(0, i-40):min(len(in), i+20)])
			break
		}
	}
}

// uidValidity reads a mailbox's UIDVALIDITY with doveadm.
func uidValidity(t *testing.T, srv *dovecot.Server, user, mailbox string) uint32 {
	t.Helper()
	out, err := srv.Doveadm("-f", "tab", "mailbox", "status", "-u", user, "uidvalidity", mailbox)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	f := strings.Split(lines[len(lines)-1], "\t")
	v, err := strconv.ParseUint(f[len(f)-1], 10, 32)
	if err != nil {
		t.Fatalf("uidvalidity: %q", out)
	}
	return uint32(v)
}

// judgeExisting marks INBOX as trained with LastUID 0, so the messages
// already there are judged as new (skipping the first-start scan).
func judgeExisting(t *testing.T, srv *dovecot.Server, st StateStore, acct Account) {
	t.Helper()
	if err := st.SetFolder(acct.Name, "INBOX", FolderState{UIDValidity: uidValidity(t, srv, acct.Username, "INBOX"), Trained: true}); err != nil {
		t.Fatal(err)
	}
}
