package demo

import (
	"archive/tar"
	"compress/bzip2"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"
)

// PublicCorpusURL is where the SpamAssassin public corpus is published.
const PublicCorpusURL = "https://spamassassin.apache.org/old/publiccorpus/"

// publicCorpusFiles are the archives of the public corpus and their label.
var publicCorpusFiles = []struct {
	name string
	spam bool
}{
	{"20030228_easy_ham.tar.bz2", false},
	{"20030228_easy_ham_2.tar.bz2", false},
	{"20030228_hard_ham.tar.bz2", false},
	{"20030228_spam.tar.bz2", true},
	{"20050311_spam_2.tar.bz2", true},
}

// DownloadSpamAssassin fetches the SpamAssassin public corpus from its
// official site into work/spamassassin, in shared/corpus form (index with a
// fixed shuffle + data/), and returns that directory.
func DownloadSpamAssassin(ctx context.Context, baseURL, work string) (string, error) {
	dir := filepath.Join(work, "spamassassin")
	if err := os.MkdirAll(filepath.Join(dir, "data"), 0o755); err != nil {
		return "", err
	}
	client := &http.Client{Timeout: 10 * time.Minute}
	var index []string
	for _, f := range publicCorpusFiles {
		req, err := http.NewRequestWithContext(ctx, "GET", strings.TrimSuffix(baseURL, "/")+"/"+f.name, nil)
		if err != nil {
			return "", err
		}
		resp, err := client.Do(req)
		if err != nil {
			return "", fmt.Errorf("download the SpamAssassin corpus (%s): %w; without network, pass --corpus with a copy (shared/corpus/spamassassin.tar.xz)", f.name, err)
		}
		names, err := untarBzip2(resp.Body, filepath.Join(dir, "data"), f.spam)
		resp.Body.Close()
		if err != nil {
			return "", fmt.Errorf("unpack %s: %w", f.name, err)
		}
		index = append(index, names...)
	}
	// The archives are grouped by label; shuffle once, with a fixed seed, so
	// every run (and every split) sees the same mixed order.
	r := rand.New(rand.NewPCG(2002, 2003))
	r.Shuffle(len(index), func(i, j int) { index[i], index[j] = index[j], index[i] })
	if err := os.WriteFile(filepath.Join(dir, "index"), []byte(strings.Join(index, "\n")+"\n"), 0o644); err != nil {
		return "", err
	}
	return dir, nil
}

// untarBzip2 writes each message file of a .tar.bz2 into dst and returns
// index lines ("spam data/NAME").
func untarBzip2(r io.Reader, dst string, spam bool) ([]string, error) {
	label := "ham"
	if spam {
		label = "spam"
	}
	tr := tar.NewReader(bzip2.NewReader(r))
	var lines []string
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return lines, nil
		}
		if err != nil {
			return nil, err
		}
		base := path.Base(h.Name)
		if h.Typeflag != tar.TypeReg || base == "cmds" || strings.HasPrefix(base, ".") {
			continue
		}
		name := strings.ReplaceAll(path.Clean(h.Name), "/", "_")
		f, err := os.Create(filepath.Join(dst, name))
		if err != nil {
			return nil, err
		}
		_, err = io.Copy(f, io.LimitReader(tr, 32<<20))
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return nil, err
		}
		lines = append(lines, label+" data/"+name)
	}
}
