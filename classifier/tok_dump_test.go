package classifier

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestTokenDump writes, for every message of every corpus, a digest of its
// tokens (in emission order) and of its extracted text, one line per
// message, to $MW_TOKDUMP. Run it with two builds and diff the files to
// prove a change to the reading or tokenizing path kept every token:
//
//	MW_TOKDUMP=/tmp/new.txt go test ./classifier -run TestTokenDump
func TestTokenDump(t *testing.T) {
	out := os.Getenv("MW_TOKDUMP")
	if out == "" {
		t.Skip("set MW_TOKDUMP=FILE to dump token digests of all corpora")
	}
	f, err := os.Create(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	w := bufio.NewWriter(f)
	defer w.Flush()
	for _, name := range []string{"spamassassin", "trec07p-1-20000", "csdmc2010", "osst_users_ja",
		"tomoyo_users_ja", "bsfilter_ja_fixtures", "spamassassin_testsuite", "ja_ham_mixed"} {
		for _, msg := range loadCorpus(t, name) {
			toks := Tokenize(msg.data)
			checkTokenHashes(t, msg.name, msg.data)
			x := Extract(msg.data)
			th := sha256.Sum256([]byte(strings.Join(toks, "\n")))
			xh := sha256.Sum256([]byte(x.Subject + "\x00" + x.From + "\x00" + x.To + "\x00" + x.Body + "\x00" + strings.Join(x.Notes, "\x00")))
			fmt.Fprintf(w, "%s/%s %d %s %s\n", name, filepath.Base(msg.name), len(toks), hex.EncodeToString(th[:8]), hex.EncodeToString(xh[:8]))
		}
	}
}

// checkTokenHashes fails unless the hashes the tokenizer computed for msg
// (some as it copies the bytes) are tokenHash of its tokens' text.
func checkTokenHashes(t testing.TB, name string, msg []byte) {
	tz := tokenizeParsed(parse(msg))
	defer tz.release()
	for i, s := range tz.strings() {
		if got, want := tz.hashes[i], tokenHash(s); got != want {
			t.Fatalf("%s: token %q has hash %x, want %x", name, s, got, want)
		}
	}
}
