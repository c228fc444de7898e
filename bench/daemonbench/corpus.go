//go:build linux

package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/mailwarden/mailwarden/imapsync"
	"github.com/mailwarden/mailwarden/internal/corpus"
	"github.com/mailwarden/mailwarden/internal/eval"
)

// mail is one message as the benchmark delivers or seeds it: CRLF line ends,
// no mbox "From " line, label headers (X-Spam*, X-Bogosity) stripped, and a
// Message-ID of its own.
type mail struct {
	id   string
	raw  []byte
	spam bool
}

// split is the corpus cut into its three uses.
type split struct {
	heldOut   []mail   // spam delivered live, in corpus order
	seed      [][]mail // per account: a few dozen messages already on the server
	trainDir  string   // trainDir/spam and trainDir/ham, for `mailwarden train`
	trainSpam int
	trainHam  int
	total     int // messages in the corpus
}

// prepareCorpus loads the corpus and splits it: the last nHeld spam (corpus
// order: the newest) are held out for live delivery; before them, per
// account, seedHam ham and seedSpam spam are seeded on the server (the
// daemon trains them on its first start); everything else is written to
// work/train for the token store. Label headers are stripped everywhere.
func prepareCorpus(path, work string, accounts, nHeld, seedHam, seedSpam int) (*split, error) {
	msgs, err := corpus.Load(path, filepath.Join(work, "corpus"))
	if err != nil {
		return nil, err
	}
	sp := &split{total: len(msgs), trainDir: filepath.Join(work, "train")}
	used := make([]bool, len(msgs))
	// Held-out spam: the newest nHeld.
	var held []int
	for i := len(msgs) - 1; i >= 0 && len(held) < nHeld; i-- {
		if msgs[i].Spam {
			held = append(held, i)
			used[i] = true
		}
	}
	if len(held) < nHeld {
		return nil, fmt.Errorf("corpus %s has only %d spam; %d wanted for delivery", path, len(held), nHeld)
	}
	// Seed: the newest of the rest.
	wantHam, wantSpam := seedHam*accounts, seedSpam*accounts
	var seedHamIdx, seedSpamIdx []int
	for i := len(msgs) - 1; i >= 0 && (len(seedHamIdx) < wantHam || len(seedSpamIdx) < wantSpam); i-- {
		switch {
		case used[i]:
		case msgs[i].Spam && len(seedSpamIdx) < wantSpam:
			seedSpamIdx = append(seedSpamIdx, i)
			used[i] = true
		case !msgs[i].Spam && len(seedHamIdx) < wantHam:
			seedHamIdx = append(seedHamIdx, i)
			used[i] = true
		}
	}
	ids := map[string]bool{}
	load := func(i int) (mail, error) {
		raw, err := corpus.ReadMail(msgs[i].Path)
		if err != nil {
			return mail{}, err
		}
		raw = eval.StripLabelHeaders(raw)
		id := imapsync.MessageIDOf(raw)
		if id == "" || ids[normID(id)] {
			// Every delivered and seeded message is found again by its
			// Message-ID: give it one of its own.
			id = fmt.Sprintf("<daemonbench-%d@mailwarden.invalid>", i)
			raw = append([]byte("Message-ID: "+id+"\r\n"), raw...)
		}
		ids[normID(id)] = true
		return mail{id: id, raw: raw, spam: msgs[i].Spam}, nil
	}
	for k := len(held) - 1; k >= 0; k-- {
		m, err := load(held[k])
		if err != nil {
			return nil, err
		}
		sp.heldOut = append(sp.heldOut, m)
	}
	sp.seed = make([][]mail, accounts)
	for k, i := range seedHamIdx {
		m, err := load(i)
		if err != nil {
			return nil, err
		}
		sp.seed[k%accounts] = append(sp.seed[k%accounts], m)
	}
	for k, i := range seedSpamIdx {
		m, err := load(i)
		if err != nil {
			return nil, err
		}
		sp.seed[k%accounts] = append(sp.seed[k%accounts], m)
	}
	for _, d := range []string{"spam", "ham"} {
		if err := os.MkdirAll(filepath.Join(sp.trainDir, d), 0o755); err != nil {
			return nil, err
		}
	}
	for i, m := range msgs {
		if used[i] {
			continue
		}
		raw, err := corpus.ReadMail(m.Path)
		if err != nil {
			return nil, err
		}
		class := "ham"
		if m.Spam {
			class = "spam"
			sp.trainSpam++
		} else {
			sp.trainHam++
		}
		name := filepath.Join(sp.trainDir, class, fmt.Sprintf("%05d.eml", i))
		if err := os.WriteFile(name, eval.StripLabelHeaders(raw), 0o644); err != nil {
			return nil, err
		}
	}
	// The unpacked corpus is no longer needed.
	os.RemoveAll(filepath.Join(work, "corpus"))
	return sp, nil
}

// normID is a Message-ID normalised the daemon's way (imapsync.MessageIDOf),
// without angle brackets, for comparing what the daemon, doveadm, the
// protocol log and the corpus say.
func normID(id string) string {
	if n := imapsync.MessageIDOf([]byte("Message-ID: " + id + "\r\n\r\n")); n != "" {
		id = n
	}
	return strings.Trim(strings.TrimSpace(id), "<>")
}
