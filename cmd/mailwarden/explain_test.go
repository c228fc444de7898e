package main

import (
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/mailwarden/mailwarden/daemon"
	storepkg "github.com/mailwarden/mailwarden/store"
)

// train, classify and explain on small files, through the binary.
func TestTrainClassifyExplain(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildBinary(t)
	dir := t.TempDir()
	write := func(name, subject, body string) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte("From: x@example.com\r\nSubject: "+subject+"\r\n\r\n"+body+"\r\n"), 0o644)
		return p
	}
	var spam, ham []string
	for i := range 5 {
		spam = append(spam, write("s"+string(rune('a'+i))+".eml", "cheap pills now", "buy cheap pills viagra discount offer click"))
		ham = append(ham, write("h"+string(rune('a'+i))+".eml", "meeting notes", "the minutes of our project meeting are attached"))
	}
	store := filepath.Join(dir, "store")
	args := append([]string{"train", "--store", store, "--spam"}, spam...)
	args = append(append(args, "--ham"), ham...)
	if out, code := mw(t, bin, args...); code != 0 || !strings.Contains(out, "5 spam, 5 ham") {
		t.Fatalf("train: %d %s", code, out)
	}
	probe := write("probe.eml", "cheap pills", "discount viagra offer")
	out, code := mw(t, bin, "classify", "--store", store, probe, ham[0])
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != 0 || len(lines) != 2 || !strings.HasSuffix(lines[0], "\tspam") || !strings.HasSuffix(lines[1], "\tham") {
		t.Fatalf("classify: %d %q", code, out)
	}
	out, code = mw(t, bin, "explain", "--json", "--store", store, probe)
	var ex []struct {
		Verdict string `json:"verdict"`
		Reasons []struct {
			Token    string  `json:"token"`
			SpamProb float64 `json:"spam_prob"`
			Weight   float64 `json:"weight"`
			Spam     uint32  `json:"spam"`
			Ham      uint32  `json:"ham"`
		} `json:"reasons"`
	}
	if err := json.Unmarshal([]byte(out), &ex); err != nil || code != 0 {
		t.Fatalf("explain: %d %v %q", code, err, out)
	}
	// The reasons' keys are lower-case snake, like every JSON key of the
	// command line, not Go's field names.
	var raw []struct {
		Reasons []map[string]any `json:"reasons"`
	}
	json.Unmarshal([]byte(out), &raw)
	for _, r := range raw[0].Reasons {
		keys := slices.Sorted(maps.Keys(r))
		if !slices.Equal(keys, []string{"ham", "spam", "spam_prob", "token", "weight"}) {
			t.Fatalf("explain --json reason keys %v", keys)
		}
	}
	if r := ex[0].Reasons[0]; r.Spam+r.Ham == 0 || r.Token == "" {
		t.Errorf("explain --json first reason %+v: no counts or token", r)
	}
	if ex[0].Verdict != "spam" || len(ex[0].Reasons) == 0 || ex[0].Reasons[0].SpamProb < 0.5 {
		t.Fatalf("explain gave %+v", ex)
	}
	found := false
	for _, r := range ex[0].Reasons {
		found = found || strings.Contains(r.Token, "pills") || strings.Contains(r.Token, "viagra")
	}
	if !found {
		t.Errorf("the reasons do not name the spam words: %+v", ex[0].Reasons)
	}
	if out, code := mw(t, bin, "classify", "-h"); code != exitOK || !strings.Contains(out, "-store") {
		t.Errorf("classify -h: code %d, %q; want the flags and success", code, out)
	}
	if out, code := mw(t, bin, "classify", "--bogus"); code != exitUsage {
		t.Errorf("an unknown flag: code %d, %q; want %d", code, out, exitUsage)
	}
	if out, code := mw(t, bin, "classify", "--store", store, filepath.Join(dir, "missing.eml")); code != exitError || !strings.Contains(out, "missing.eml") {
		t.Errorf("a missing file: %d %q", code, out)
	}

	// A mistyped --store is an error, and creates nothing.
	typo := filepath.Join(dir, "stroe")
	for _, cmd := range []string{"classify", "explain"} {
		if out, code := mw(t, bin, cmd, "--store", typo, probe); code != exitError || !strings.Contains(out, "no token store in "+typo) {
			t.Errorf("%s with a missing store: %d %q", cmd, code, out)
		}
	}
	if _, err := os.Stat(typo); !os.IsNotExist(err) {
		t.Errorf("classify created the mistyped store directory: %v", err)
	}

	// Not mail: classify judges it but says so; train skips it.
	junk := filepath.Join(dir, "picture.jpg")
	os.WriteFile(junk, []byte("\xff\xd8\xff\xe0\x00\x10JFIF"), 0o644)
	out, code = mw(t, bin, "classify", "--store", store, junk)
	if code != exitOK || !strings.Contains(out, junk+"\t") || !strings.Contains(out, "does not look like a mail message") {
		t.Errorf("classify of a picture: %d %q", code, out)
	}
	folder := filepath.Join(dir, "folder")
	os.Mkdir(folder, 0o755)
	os.WriteFile(filepath.Join(folder, ".DS_Store"), []byte("Bud1\x00\x00"), 0o644)
	os.WriteFile(filepath.Join(folder, "1.eml"), []byte("Subject: more pills\r\n\r\ncheap\r\n"), 0o644)
	if out, code := mw(t, bin, "train", "--store", store, "--spam", folder); code != exitOK || !strings.Contains(out, "trained: 1 spam, 0 ham added to "+store+" (it now holds 6 spam, 5 ham in total)") || !strings.Contains(out, "skipped 1 file: "+filepath.Join(folder, ".DS_Store")+" does not look like a mail message") {
		t.Errorf("train on a folder with a .DS_Store: %d %q; want 6 spam (one new) and the .DS_Store skipped", code, out)
	}

	// A daemon holding the data directory refuses train, even when it
	// answers on another socket than the usual one.
	st, err := storepkg.Open(filepath.Join(store, daemon.StateFile))
	if err != nil {
		t.Fatal(err)
	}
	if out, code := mw(t, bin, "train", "--store", store, "--spam", spam[0]); code != exitError || !strings.Contains(out, "is using the data directory") {
		t.Errorf("train while the state store is held: %d %q", code, out)
	}
	st.Close()
	if out, code := mw(t, bin, "train", "--store", store, "--spam", spam[0]); code != exitOK {
		t.Errorf("train once the state store is free: %d %q", code, out)
	}
}

// Empty, missing and non-mail files get a message that names the file and
// what is wrong, in the user's language: no JSON null, no "trained" when
// nothing was, no store created for a path that does not exist.
func TestEmptyMissingAndNonMailFiles(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildBinary(t)
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(text), 0o644)
		return p
	}
	spam := write("s.eml", "Subject: cheap pills\r\n\r\nbuy cheap pills now\r\n")
	ham := write("h.eml", "Subject: minutes\r\n\r\nthe minutes of our meeting\r\n")
	empty := write("empty.eml", "")
	readme := write("readme.txt", "hello\n")
	store := filepath.Join(dir, "store")
	if out, code := mw(t, bin, "train", "--store", store, "--spam", spam, "--ham", ham); code != exitOK || !strings.Contains(out, "trained: 1 spam, 1 ham added to "+store+" (it now holds 1 spam, 1 ham in total)") {
		t.Fatalf("train: %d %q", code, out)
	}

	// 1. explain --json of an empty file: reasons [], not null.
	out, code := mw(t, bin, "explain", "--json", "--store", store, empty)
	if code != exitOK || !strings.Contains(out, `"reasons": []`) || strings.Contains(out, "null") {
		t.Errorf("explain --json of an empty file: %d %q", code, out)
	}

	// 2. Only files that are not mail: nothing trained is an error, and
	// the store keeps its counts.
	if out, code := mw(t, bin, "train", "--store", store, "--spam", empty, readme); code != exitError || !strings.Contains(out, "nothing trained: none of the 2 files looks like a mail message") || strings.Contains(out, "added to") {
		t.Errorf("train on non-mail files: %d %q", code, out)
	}
	if out, code := mw(t, bin, "train", "--store", store, "--spam", empty); code != exitError || !strings.Contains(out, "nothing trained: "+empty+" is empty") {
		t.Errorf("train on an empty file: %d %q", code, out)
	}
	if out, code := mw(t, bin, "train", "--store", store, "--spam", os.DevNull, spam); code != exitOK || !strings.Contains(out, "1 spam, 0 ham added") || !strings.Contains(out, "2 spam, 1 ham in total") {
		t.Errorf("train on a message and a non-mail file: %d %q", code, out)
	}

	// 3. A missing path: a translated message naming it, and no store.
	newStore := filepath.Join(dir, "new", "st")
	missing := filepath.Join(dir, "nonexist")
	if out, code := mwEnv(t, []string{"LANG=ja_JP.UTF-8"}, bin, "train", "--store", newStore, "--spam", missing); code != exitError || !strings.Contains(out, missing+" は存在しません: パスを確認してください") {
		t.Errorf("train on a missing path: %d %q", code, out)
	}
	if _, err := os.Stat(filepath.Join(dir, "new")); !os.IsNotExist(err) {
		t.Errorf("train with a missing path created the store's directory: %v", err)
	}
	if out, code := mw(t, bin, "classify", "--store", store, missing); code != exitError || out != "mailwarden classify: "+missing+" does not exist: check the path (give message files, or directories of them)\n" {
		t.Errorf("classify of a missing path: %d %q", code, out)
	}

	// 4. An empty file is reported as empty, without training advice;
	// classify keeps its line for scripts.
	out, code = mw(t, bin, "classify", "--store", store, empty)
	if code != exitOK || !strings.Contains(out, empty+"\t0.500000\tunsure\n") || !strings.Contains(out, "warning: "+empty+" is empty") || strings.Contains(out, "does not look like") {
		t.Errorf("classify of an empty file: %d %q", code, out)
	}
	if out, code := mw(t, bin, "explain", "--store", store, empty); code != exitOK || out != empty+" is empty: there is nothing to explain\n" {
		t.Errorf("explain of an empty file: %d %q", code, out)
	}
	if out, code := mwRun(t, nil, strings.NewReader(""), bin, "explain", "--store", store, "-"); code != exitOK || out != "- is empty: there is nothing to explain\n" {
		t.Errorf("explain of empty standard input: %d %q", code, out)
	}
	if out, _ := mw(t, bin, "explain", "--store", store, write("odd.eml", "X-Odd: zzqx\r\n\r\nzzqx\r\n")); strings.Contains(out, "mailwarden train") || !strings.Contains(out, "none of this message's words was seen often enough") {
		t.Errorf("explain of a message of unseen words, with a trained store: %q", out)
	}

	// 5. explain of a directory: use classify.
	if out, code := mwEnv(t, []string{"LANG=ja_JP.UTF-8"}, bin, "explain", "--store", store, dir); code != exitError || !strings.Contains(out, dir+" はディレクトリです") || !strings.Contains(out, "mailwarden classify "+dir) {
		t.Errorf("explain of a directory: %d %q", code, out)
	}
}
