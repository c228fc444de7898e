package classifier

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// sharedDir finds the project's shared/ directory (field cases and corpus):
// $MAILWARDEN_SHARED, or a "shared" directory beside the repository
// (../shared from the repository root, ../../shared from this package).
// Tests that need it skip, saying so, when it is absent.
func sharedDir(t testing.TB) string {
	t.Helper()
	if d := os.Getenv("MAILWARDEN_SHARED"); d != "" {
		return d
	}
	for _, d := range []string{"../shared", "../../shared", "../../../shared"} {
		if st, err := os.Stat(filepath.Join(d, "cases")); err == nil && st.IsDir() {
			return d
		}
	}
	t.Skip("shared test data not found at ../shared or ../../shared (set MAILWARDEN_SHARED): field cases and corpus unavailable")
	return ""
}

// caseFile reads one .eml of a field case, e.g. caseFile(t, "01", "a").
func caseFile(t testing.TB, num, prefix string) []byte {
	t.Helper()
	dir := sharedDir(t)
	m, _ := filepath.Glob(filepath.Join(dir, "cases", num+"-*", prefix+"*.eml"))
	if len(m) != 1 {
		t.Fatalf("field case %s/%s: want one file, found %v", num, prefix, m)
	}
	b, err := os.ReadFile(m[0])
	if err != nil {
		t.Fatal(err)
	}
	return b
}

var unpackMu sync.Mutex

// corpusDir returns the unpacked directory of a corpus archive
// (shared/corpus/NAME.tar.xz), unpacking it once into
// $MAILWARDEN_CORPUS_DIR or $TMPDIR/mwcorpus. The archives are read-only
// and their contents never enter the repository.
func corpusDir(t testing.TB, name string) string {
	t.Helper()
	shared := os.Getenv("MAILWARDEN_SHARED")
	archive := ""
	if shared != "" {
		archive = filepath.Join(shared, "corpus", name+".tar.xz")
	} else {
		for _, d := range []string{"../shared", "../../shared", "../../../shared"} {
			a := filepath.Join(d, "corpus", name+".tar.xz")
			if _, err := os.Stat(a); err == nil {
				archive = a
				break
			}
		}
	}
	if archive == "" {
		t.Skipf("corpus not found at ../shared/corpus or ../../shared/corpus (set MAILWARDEN_SHARED): %s.tar.xz", name)
	}
	if _, err := os.Stat(archive); err != nil {
		t.Skipf("corpus not found at %s: %v", archive, err)
	}
	base := os.Getenv("MAILWARDEN_CORPUS_DIR")
	if base == "" {
		base = filepath.Join(os.TempDir(), "mwcorpus")
	}
	dir := filepath.Join(base, name)
	unpackMu.Lock()
	defer unpackMu.Unlock()
	if _, err := os.Stat(filepath.Join(dir, "index")); err == nil {
		return dir
	}
	if err := os.MkdirAll(base, 0o700); err != nil {
		t.Fatal(err)
	}
	// Unpack into a private directory, then rename into place, so another
	// test process never sees a half-unpacked corpus.
	tmp, err := os.MkdirTemp(base, name+".unpack-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(tmp)
	abs, _ := filepath.Abs(archive)
	cmd := exec.Command("tar", "-xJf", abs, "-C", tmp)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Skipf("cannot unpack corpus %s (needs tar and xz): %v: %s", archive, err, strings.TrimSpace(string(out)))
	}
	if err := os.Rename(filepath.Join(tmp, name), dir); err != nil {
		if _, statErr := os.Stat(filepath.Join(dir, "index")); statErr != nil {
			t.Fatalf("unpack corpus %s: %v", name, err)
		}
		// Another process won the race; its copy is complete.
	}
	return dir
}

// corpusMessage is one labelled message of a corpus, in index order.
type corpusMessage struct {
	spam bool
	path string
}

func readIndex(t testing.TB, dir string) []corpusMessage {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "index"))
	if err != nil {
		t.Fatalf("corpus index: %v", err)
	}
	var out []corpusMessage
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) != 2 {
			continue
		}
		out = append(out, corpusMessage{spam: f[0] == "spam", path: filepath.Join(dir, f[1])})
	}
	return out
}
