// Package corpus reads labelled mail in the shared/corpus form (NAME.tar.xz
// unpacking to NAME/index + NAME/data/) for the demo, tests and benchmarks.
// It knows nothing of IMAP or the classifier.
package corpus

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// Labelled is one corpus message.
type Labelled struct {
	Path string
	Spam bool
}

// Load reads a corpus in shared/corpus form: a NAME.tar.xz that
// unpacks to NAME/index + NAME/data/, or an already unpacked directory
// holding index. Archives are unpacked into work (the corpus itself may be
// read-only). The index order is kept.
func Load(path, work string) ([]Labelled, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("corpus %s: %w", path, err)
	}
	dir := path
	if !fi.IsDir() {
		if err := os.MkdirAll(work, 0o755); err != nil {
			return nil, err
		}
		out, err := exec.Command("tar", "-xJf", path, "-C", work).CombinedOutput()
		if err != nil {
			return nil, fmt.Errorf("unpack corpus %s (is xz-utils installed?): %v: %s", path, err, bytes.TrimSpace(out))
		}
		name := strings.TrimSuffix(filepath.Base(path), ".tar.xz")
		dir = filepath.Join(work, name)
	}
	return ReadIndex(dir)
}

// ReadIndex reads dir/index of an unpacked corpus.
func ReadIndex(dir string) ([]Labelled, error) {
	f, err := os.Open(filepath.Join(dir, "index"))
	if err != nil {
		return nil, fmt.Errorf("corpus index: %w", err)
	}
	defer f.Close()
	var out []Labelled
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		label, file, ok := strings.Cut(strings.TrimSpace(sc.Text()), " ")
		if !ok || (label != "spam" && label != "ham") {
			return nil, fmt.Errorf("corpus index %s line %d: want \"spam|ham FILE\", got %q", dir, n, sc.Text())
		}
		out = append(out, Labelled{Path: filepath.Join(dir, file), Spam: label == "spam"})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("corpus index: %w", err)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("corpus index in %s is empty", dir)
	}
	return out, nil
}

// ReadMail reads a corpus message as it would arrive: without an mbox
// "From " line, with CRLF line ends.
func ReadMail(path string) ([]byte, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if bytes.HasPrefix(raw, []byte("From ")) {
		if i := bytes.IndexByte(raw, '\n'); i >= 0 {
			raw = raw[i+1:]
		}
	}
	raw = bytes.ReplaceAll(raw, []byte("\r\n"), []byte("\n"))
	return bytes.ReplaceAll(raw, []byte("\n"), []byte("\r\n")), nil
}

// Shared finds a corpus archive NAME.tar.xz in the project's shared corpus
// directory: $MAILWARDEN_CORPUS, else ../shared/corpus seen from the module
// root. dir is the caller's working directory inside the module (a package
// directory in tests). It returns an error that says what is missing.
func Shared(dir, name string) (string, error) {
	var tried []string
	if env := os.Getenv("MAILWARDEN_CORPUS"); env != "" {
		p := filepath.Join(env, name+".tar.xz")
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
		tried = append(tried, p)
	}
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			p := filepath.Join(filepath.Dir(d), "shared", "corpus", name+".tar.xz")
			if _, err := os.Stat(p); err == nil {
				return p, nil
			}
			tried = append(tried, p)
			break
		}
		if filepath.Dir(d) == d {
			break
		}
	}
	return "", fmt.Errorf("corpus %s not found (looked at %s): put the shared corpus beside the checkout or set MAILWARDEN_CORPUS", name, strings.Join(tried, ", "))
}
