package main

import (
	"bytes"
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

type tbRec struct {
	word  string
	count uint32
}

// trainingDat writes Thunderbird's training.dat layout.
func trainingDat(good, junk uint32, goodToks, junkToks []tbRec) []byte {
	b := []byte{0xFE, 0xED, 0xFA, 0xCE}
	b = binary.BigEndian.AppendUint32(b, good)
	b = binary.BigEndian.AppendUint32(b, junk)
	for _, list := range [][]tbRec{goodToks, junkToks} {
		b = binary.BigEndian.AppendUint32(b, uint32(len(list)))
		for _, r := range list {
			b = binary.BigEndian.AppendUint32(b, r.count)
			b = binary.BigEndian.AppendUint32(b, uint32(len(r.word)))
			b = append(b, r.word...)
		}
	}
	return b
}

func TestImportThunderbird(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildBinary(t)
	dir := t.TempDir()
	store := filepath.Join(dir, "store")
	sock := filepath.Join(dir, "no-daemon.sock")
	root := filepath.Join(dir, "thunderbird")
	prof := filepath.Join(root, "abcd1234.default-esr")
	os.MkdirAll(prof, 0o700)
	good := []tbRec{{"meeting", 30}, {"minutes", 28}, {"project", 29}, {"budget", 25}, {"subject:meeting", 20}, {"JA:会議", 15}}
	junk := []tbRec{{"viagra", 18}, {"cheap", 17}, {"pills", 19}, {"discount", 16}, {"subject:winner", 15}, {"JA:無料", 12}, {"charset:utf-8", 20}, {"skip:h 20", 3}}
	datFile := filepath.Join(prof, "training.dat")
	os.WriteFile(datFile, trainingDat(30, 20, good, junk), 0o600)

	// A damaged file changes nothing: the store is not even created.
	bad := filepath.Join(dir, "bad.dat")
	os.WriteFile(bad, []byte("MWTOKENS not thunderbird"), 0o600)
	out, code := mw(t, bin, "import-thunderbird", "--store", store, "--socket", sock, bad)
	if code != exitError || !strings.Contains(out, "not a Thunderbird training.dat") || !strings.Contains(out, bad) {
		t.Fatalf("bad magic: %d %q", code, out)
	}
	cut := filepath.Join(dir, "cut.dat")
	os.WriteFile(cut, trainingDat(30, 20, good, junk)[:50], 0o600)
	out, code = mw(t, bin, "import-thunderbird", "--store", store, "--socket", sock, cut)
	if code != exitError || !strings.Contains(out, "truncated") || !strings.Contains(out, "byte ") {
		t.Fatalf("truncated: %d %q", code, out)
	}
	if _, err := os.Stat(filepath.Join(store, "tokens.db")); err == nil {
		t.Fatal("a failed import wrote a token store")
	}

	// The profile directory of profiles: the only training.dat is found.
	out, code = mw(t, bin, "import-thunderbird", "--store", store, "--socket", sock, "--profile", root)
	if code != 0 || !strings.Contains(out, datFile) || !strings.Contains(out, "mapped:  12 records") ||
		!strings.Contains(out, "dropped: 2 records") || !strings.Contains(out, "20 spam and 30 ham") {
		t.Fatalf("import: %d %s", code, out)
	}
	db := filepath.Join(store, "tokens.db")
	before, err := os.ReadFile(db)
	if err != nil {
		t.Fatal(err)
	}
	msg := filepath.Join(dir, "spam.eml")
	os.WriteFile(msg, []byte("From: x@example.net\r\nSubject: you are a winner\r\n\r\ncheap viagra pills at a discount, 無料\r\n"), 0o644)
	hamMsg := filepath.Join(dir, "ham.eml")
	os.WriteFile(hamMsg, []byte("From: y@corp.example.com\r\nSubject: meeting\r\n\r\nthe minutes of the project budget meeting, 会議\r\n"), 0o644)
	out, code = mw(t, bin, "classify", "--store", store, msg, hamMsg)
	if lines := strings.Split(strings.TrimSpace(out), "\n"); code != 0 || len(lines) != 2 ||
		!strings.HasSuffix(lines[0], "\tspam") || !strings.HasSuffix(lines[1], "\tham") {
		t.Fatalf("classify after import: %d %q", code, out)
	}

	// The same file twice is refused (the store is unchanged) unless --again.
	out, code = mw(t, bin, "import-thunderbird", "--store", store, "--socket", sock, datFile)
	if code != exitError || !strings.Contains(out, "already imported") || !strings.Contains(out, "--again") {
		t.Fatalf("second import: %d %q", code, out)
	}
	if after, _ := os.ReadFile(db); !bytes.Equal(after, before) {
		t.Fatal("a refused import changed the store")
	}
	out, code = mw(t, bin, "import-thunderbird", "--store", store, "--socket", sock, "--dry-run", datFile)
	if after, _ := os.ReadFile(db); code != 0 || !strings.Contains(out, "dry run") || !bytes.Equal(after, before) {
		t.Fatalf("dry run: %d %q", code, out)
	}
	out, code = mw(t, bin, "import-thunderbird", "--store", store, "--socket", sock, "--again", prof)
	if code != 0 || !strings.Contains(out, "40 spam and 60 ham messages") {
		t.Fatalf("--again: %d %q", code, out)
	}

	// Two profiles with training data: the user must choose.
	other := filepath.Join(root, "efgh5678.work")
	os.MkdirAll(other, 0o700)
	os.WriteFile(filepath.Join(other, "training.dat"), trainingDat(0, 0, nil, nil), 0o600)
	out, code = mw(t, bin, "import-thunderbird", "--store", store, "--socket", sock, "--profile", root)
	if code != exitError || !strings.Contains(out, "several") || !strings.Contains(out, other) {
		t.Fatalf("two profiles: %d %q", code, out)
	}
	out, code = mw(t, bin, "import-thunderbird", "--store", store, "--socket", sock, "--profile", filepath.Join(dir, "nothing"))
	if code != exitError || !strings.Contains(out, "Thunderbird profile") {
		t.Fatalf("missing profile: %d %q", code, out)
	}
}
