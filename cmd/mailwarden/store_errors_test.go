//go:build unix

package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mailwarden/mailwarden/classifier"
	"github.com/mailwarden/mailwarden/daemon"
	"github.com/mailwarden/mailwarden/i18n"
)

// storeFixture is fifoSetup, with the store in dir/store also trained on
// spam whose body is empty (so it knows the empty body as a spam token)
// and ordinary ham. It returns the binary, the directory and the store.
func storeFixture(t *testing.T) (bin, dir, store string) {
	t.Helper()
	bin, dir, _ = fifoSetup(t)
	store = filepath.Join(dir, "store")
	args := []string{"train", "--store", store, "--spam"}
	for i := range 6 {
		p := filepath.Join(dir, "s"+string(rune('a'+i))+".eml")
		os.WriteFile(p, []byte("From: x@pills.example\r\nSubject: offer\r\n\r\n"), 0o644)
		args = append(args, p)
	}
	args = append(args, "--ham")
	for i := range 6 {
		p := filepath.Join(dir, "h"+string(rune('a'+i))+".eml")
		os.WriteFile(p, []byte("From: y@example.jp\r\nSubject: minutes\r\n\r\nthe minutes of our meeting are attached\r\n"), 0o644)
		args = append(args, p)
	}
	if out, code := mw(t, bin, args...); code != exitOK {
		t.Fatalf("train: %d %s", code, out)
	}
	return bin, dir, store
}

// A corrupt tokens.db is worded in the user's language, with advice that
// fits the command: for run, set both stores aside (the daemon then
// learns again from the server, TestCorruptTokenStoreAdviceTrainsAgain);
// for the others, train again.
func TestCorruptTokenStoreAdvice(t *testing.T) {
	bin, dir, store := storeFixture(t)
	tokens := filepath.Join(store, classifier.StoreFile)
	state := filepath.Join(store, daemon.StateFile)
	if err := os.WriteFile(tokens, []byte("MWTOKENS\x02\x00\x00\x00garbage"), 0o600); err != nil {
		t.Fatal(err)
	}
	msg := filepath.Join(dir, "ha.eml")
	out, code := mw(t, bin, "classify", "--store", store, msg)
	want := "mailwarden classify: token store " + tokens + " is corrupt (truncated): move it aside (mv " + tokens + " " + tokens + ".bad) and train again: with `mailwarden train --spam DIR --ham DIR` from message files, or, if the daemon trained it, also move " + state + " aside and start `mailwarden run`: it learns again from the mail on the server\n"
	if code != exitError || out != want {
		t.Errorf("classify on a corrupt store: %d\n%q\nwant\n%q", code, out, want)
	}
	out, code = mwEnv(t, []string{"LANG=ja_JP.UTF-8"}, bin, "explain", "--store", store, msg)
	if code != exitError || !strings.Contains(out, "トークンストア "+tokens+" が壊れています（途中で切れています）") || !strings.Contains(out, "mailwarden train") {
		t.Errorf("explain on a corrupt store, in Japanese: %d %q", code, out)
	}
	out, code = mwEnv(t, []string{"LANG=ja_JP.UTF-8"}, bin, "train", "--store", store, "--ham", msg)
	if code != exitError || !strings.Contains(out, "トークンストア "+tokens+" が壊れています") {
		t.Errorf("train on a corrupt store, in Japanese: %d %q", code, out)
	}
	dat := filepath.Join(dir, "training.dat")
	os.WriteFile(dat, trainingDat(3, 2, []tbRec{{"meeting", 3}}, []tbRec{{"viagra", 2}}), 0o600)
	out, code = mwEnv(t, []string{"LANG=ja_JP.UTF-8"}, bin, "import-thunderbird", "--store", store, "--socket", filepath.Join(dir, "none.sock"), dat)
	if code != exitError || !strings.Contains(out, "トークンストア "+tokens+" が壊れています（途中で切れています）") {
		t.Errorf("import-thunderbird on a corrupt store, in Japanese: %d %q", code, out)
	}
	cfg := filepath.Join(dir, "config.toml")
	os.WriteFile(cfg, []byte("version = 1\n"), 0o600)
	out, code = mwEnv(t, []string{"LANG=ja_JP.UTF-8"}, bin, "run", "--store", store, "--config", cfg, "--socket", "none")
	wantJa := "mailwarden run: トークンストア " + tokens + " が壊れています（途中で切れています）: これと状態ファイルを別の場所へ移して（mv " + tokens + " " + tokens + ".bad; mv " + state + " " + state + ".bad）、`mailwarden run` をもう一度起動してください。サーバーにあるメールから学習し直します\n"
	if code != exitError || !strings.HasSuffix(out, wantJa) {
		t.Errorf("run on a corrupt store, in Japanese: %d\n%q\nwant it to end\n%q", code, out, wantJa)
	}
	out, _ = mw(t, bin, "run", "--store", store, "--config", cfg, "--socket", "none")
	if !strings.Contains(out, "move it and the state store aside (mv "+tokens+" "+tokens+".bad; mv "+state+" "+state+".bad) and start `mailwarden run` again: it learns again from the mail on the server") || strings.Contains(out, "mailwarden train") {
		t.Errorf("run on a corrupt store: %q", out)
	}
}

// --store naming a file: said so, for every command that takes it.
func TestStoreIsAFile(t *testing.T) {
	bin, dir, _ := storeFixture(t)
	file := filepath.Join(dir, "ha.eml")
	cfg := filepath.Join(dir, "config.toml")
	os.WriteFile(cfg, []byte("version = 1\n"), 0o600)
	for _, args := range [][]string{
		{"classify", "--store", file, file},
		{"explain", "--store", file, file},
		{"train", "--store", file, "--ham", file},
		{"run", "--store", file, "--config", cfg, "--socket", "none"},
	} {
		out, code := mw(t, bin, args...)
		want := "mailwarden " + args[0] + ": " + file + " is a file, not a directory: pass a directory to --store (the token store is kept inside it)\n"
		if code != exitError || !strings.HasSuffix(out, want) {
			t.Errorf("%s --store FILE: %d %q, want %q", args[0], code, out, want)
		}
	}
	out, code := mwEnv(t, []string{"LANG=ja_JP.UTF-8"}, bin, "classify", "--store", file, file)
	if code != exitError || !strings.Contains(out, file+" はファイルで、ディレクトリではありません: --store にはディレクトリを指定してください") {
		t.Errorf("classify --store FILE in Japanese: %d %q", code, out)
	}
	out, code = mw(t, bin, "train", "--store", filepath.Join(file, "sub"), "--ham", file)
	if code != exitError || !strings.Contains(out, "cannot create the store directory "+filepath.Join(file, "sub")+": "+file+" is a file, not a directory") {
		t.Errorf("train --store FILE/sub: %d %q", code, out)
	}
}

// A store directory train cannot write to is refused before any input is
// read (a FIFO nobody writes to would block the read for ever), naming the
// directory and the fix, in the user's language; the store is unchanged.
// Root writes anywhere: the command then runs as nobody.
func TestTrainReadOnlyStore(t *testing.T) {
	bin, _, _ := storeFixture(t)
	base, err := os.MkdirTemp("", "mwro")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(filepath.Join(base, "store"), 0o755); os.RemoveAll(base) })
	os.Chmod(base, 0o755)
	exe := filepath.Join(base, "mailwarden")
	data, _ := os.ReadFile(bin)
	os.WriteFile(exe, data, 0o755)
	msg := filepath.Join(base, "h.eml")
	os.WriteFile(msg, []byte("From: y@example.jp\r\nSubject: minutes\r\n\r\nthe minutes\r\n"), 0o644)
	fifo := filepath.Join(base, "fifo")
	if err := syscall.Mkfifo(fifo, 0o666); err != nil {
		t.Fatal(err)
	}
	store := filepath.Join(base, "store")
	os.Mkdir(store, 0o755)
	tokens := filepath.Join(store, classifier.StoreFile)
	os.WriteFile(tokens, []byte("unchanged"), 0o644)
	os.Chmod(store, 0o555)
	run := func(env []string, args ...string) (string, int) {
		cmd := exec.Command(exe, args...)
		cmd.Env = append(os.Environ(), env...)
		cmd.Env = append(cmd.Env, "HOME="+base, "XDG_RUNTIME_DIR="+base, "XDG_DATA_HOME="+base, "XDG_CONFIG_HOME="+base)
		if os.Geteuid() == 0 {
			cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
		}
		done := make(chan struct{})
		defer close(done)
		go func() {
			select {
			case <-done:
			case <-time.After(20 * time.Second):
				cmd.Process.Kill() // it read the FIFO after all
			}
		}()
		out, err := cmd.CombinedOutput()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return string(out), code
	}
	out, code := run(nil, "train", "--store", store, "--spam", fifo, "--ham", msg)
	want := "mailwarden train: cannot save the token store in " + store + ": " + store + " is not writable (permission denied): nothing was read or trained; make it writable (chmod u+w) or pass another directory to --store\n"
	if code != exitError || out != want {
		t.Errorf("train into a read-only store: %d\n%q\nwant\n%q", code, out, want)
	}
	out, code = run([]string{"LANG=ja_JP.UTF-8"}, "train", "--store", filepath.Join(store, "new", "sub"), "--ham", fifo)
	if code != exitError || !strings.Contains(out, store+" に書き込めません（permission denied）。何も読み込まず、学習もしていません") {
		t.Errorf("train into a store below a read-only directory, in Japanese: %d %q", code, out)
	}
	if got, _ := os.ReadFile(tokens); string(got) != "unchanged" {
		t.Errorf("the store changed: %q", got)
	}
}

// An empty message is not scored: classify lists it unsure at 0.5 and
// explain --json gives score 0.5, unsure, no reasons, even with a store
// that knows the empty body as spam. Emptiness is what was read: a file
// of stat size 0 with content (/proc) is judged.
func TestEmptyMessageIsNotScored(t *testing.T) {
	bin, dir, store := storeFixture(t)
	empty := filepath.Join(dir, "empty.eml")
	os.WriteFile(empty, nil, 0o644)
	blank := filepath.Join(dir, "blank.eml")
	os.WriteFile(blank, []byte("\r\n\r\n"), 0o644)
	headerOnly := filepath.Join(dir, "sa.eml") // trained as spam: scored high
	out, code := mw(t, bin, "classify", "--store", store, empty, blank, headerOnly)
	lines := strings.Split(out, "\n")
	if code != exitOK || !strings.Contains(out, empty+"\t0.500000\tunsure\n") || !strings.Contains(out, blank+"\t0.500000\tunsure\n") || !strings.Contains(out, headerOnly+"\t") || strings.Contains(out, headerOnly+"\t0.5") {
		t.Errorf("classify of empty files: %d %q", code, lines)
	}
	out, code = mw(t, bin, "explain", "--json", "--store", store, empty)
	var ex []struct {
		Score   float64           `json:"score"`
		Verdict string            `json:"verdict"`
		Tokens  int               `json:"tokens"`
		Reasons []json.RawMessage `json:"reasons"`
	}
	// stdout, then the warning on stderr: the first JSON value
	if err := json.NewDecoder(strings.NewReader(out)).Decode(&ex); err != nil || code != exitOK || len(ex) != 1 {
		t.Fatalf("explain --json: %d %v %q", code, err, out)
	}
	if ex[0].Score != 0.5 || ex[0].Verdict != "unsure" || ex[0].Tokens != 0 || ex[0].Reasons == nil || len(ex[0].Reasons) != 0 {
		t.Errorf("explain --json of an empty file: %+v", ex[0])
	}
	if out, code := mw(t, bin, "explain", "--store", store, empty); code != exitOK || out != empty+" is empty: there is nothing to explain\n" {
		t.Errorf("explain of an empty file: %d %q", code, out)
	}
	if _, err := os.Stat("/proc/self/status"); err == nil {
		out, code = mw(t, bin, "classify", "--store", store, "/proc/self/status")
		if code != exitOK || strings.Contains(out, "is empty") || strings.Contains(out, "\t0.500000\t") {
			t.Errorf("classify /proc/self/status (stat size 0, content read): %d %q", code, out)
		}
		out, _ = mw(t, bin, "explain", "--store", store, "/proc/self/status")
		if strings.Contains(out, "is empty") {
			t.Errorf("explain /proc/self/status: %q", out)
		}
	}
}

// train reads standard input once: "-" given twice is a usage error.
func TestTrainStdinTwice(t *testing.T) {
	bin, _, store := storeFixture(t)
	for _, args := range [][]string{{"--spam", "-", "--ham", "-"}, {"--ham", "-", "-"}} {
		out, code := mwRun(t, nil, strings.NewReader("Subject: x\r\n\r\ny\r\n"), bin, append([]string{"train", "--store", store}, args...)...)
		if code != exitUsage || !strings.Contains(out, "- (standard input) is given more than once: it can be read only once; give it in one place (--spam - or --ham -)") {
			t.Errorf("train %v: %d %q", args, code, out)
		}
	}
	out, code := mwRun(t, []string{"LANG=ja_JP.UTF-8"}, strings.NewReader(""), bin, "train", "--store", store, "--spam", "-", "--ham", "-")
	if code != exitUsage || !strings.Contains(out, "-（標準入力）が複数回指定されています") {
		t.Errorf("train - twice, in Japanese: %d %q", code, out)
	}
	out, code = mwRun(t, nil, strings.NewReader("From: a@example.jp\r\nSubject: x\r\n\r\nhello there\r\n"), bin, "train", "--store", store, "--ham", "-")
	if code != exitOK || !strings.Contains(out, "0 spam, 1 ham added") {
		t.Errorf("train --ham -: %d %q", code, out)
	}
}

// Every kind of damage the classifier names (corrupt("KIND", ...) in
// classifier/store.go) is worded in both languages, with its numbers; a
// real damaged store is worded in Japanese.
func TestDamageTextEveryKind(t *testing.T) {
	src, err := os.ReadFile("../../classifier/store.go")
	if err != nil {
		t.Fatal(err)
	}
	kinds := regexp.MustCompile(`corrupt\("([^"]+)"`).FindAllSubmatch(src, -1)
	if len(kinds) < 8 {
		t.Fatalf("found %d corrupt(...) calls in classifier/store.go", len(kinds))
	}
	for _, k := range kinds {
		key := "token store damage " + string(k[1])
		if !i18n.Has(key) {
			t.Errorf("no catalog text %q", key)
		}
	}
	dir := t.TempDir()
	m, _ := classifier.Open(dir, classifier.DefaultOptions())
	m.Train([]byte("Subject: offer\r\n\r\ncheap pills\r\n"), true)
	m.Train([]byte("Subject: minutes\r\n\r\nof the meeting\r\n"), false)
	if err := m.Save(); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, classifier.StoreFile)
	good, _ := os.ReadFile(path)
	flipped := bytes.Clone(good)
	flipped[len(flipped)-2] ^= 0x55
	future := bytes.Clone(good)
	future[8] = 9
	defer func(l i18n.Lang) { lang = l }(lang)
	for _, c := range []struct {
		data   []byte
		en, ja string
	}{
		{[]byte("hello"), "not a token store", "学習データのファイルではありません"},
		{good[:len(good)/2], "truncated: ", "途中で切れています: トークン "},
		{flipped, "checksum mismatch", "チェックサムが合いません"},
		{future, "unsupported version 9, this mailwarden reads versions 1 and 2", "対応していない版 9 です。この mailwarden が読めるのは版 1 と 2 です"},
	} {
		os.WriteFile(path, c.data, 0o600)
		_, err := classifier.Open(dir, classifier.DefaultOptions())
		var ce *classifier.CorruptError
		if !errors.As(err, &ce) {
			t.Fatalf("%q: %v", c.data[:5], err)
		}
		lang = i18n.En
		en := damageText(ce)
		lang = i18n.Ja
		ja := storeError(err, dir, true).Error()
		if !strings.HasPrefix(en, c.en) || !strings.Contains(ja, "（"+c.ja) || strings.Contains(ja, "%!") {
			t.Errorf("%s: %q / %q", ce.Reason, en, ja)
		}
	}
}
