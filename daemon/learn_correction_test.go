package daemon

import (
	"fmt"
	"io"
	"log/slog"
	"math"
	"testing"

	"github.com/mailwarden/mailwarden/classifier"
	"github.com/mailwarden/mailwarden/config"
)

// plainHam is an ordinary English message, unlike the campaign.
func plainHam(i int) []byte {
	return []byte(fmt.Sprintf("From: colleague%d@example.com\r\nTo: test@example.jp\r\nSubject: meeting notes %d\r\n"+
		"Date: Mon, 16 Sep 2024 10:15:00 +0900\r\nMessage-ID: <notes-%d@example.com>\r\n\r\n"+
		"Hi, here are the notes from the meeting about the release plan, number %d.\r\nThe build is green; see you tomorrow.\r\n", i, i, i, i))
}

// The user's verdicts are trained with TrainCorrection and the ledger says
// so; first-start training stays Train. When the user changes a verdict,
// even after a restart, the correction is taken back with
// UntrainCorrection: the model ends exactly where a model given the same
// calls directly does (Untrain would leave the correction's push behind).
func TestUserVerdictsAreCorrections(t *testing.T) {
	dir := t.TempDir()
	open := func() *Daemon {
		d, err := New(Options{Config: &config.Config{}, StoreDir: dir, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	ref := classifier.New(classifier.DefaultOptions())
	d := open()
	for i := range 8 {
		for _, m := range []struct {
			raw  []byte
			spam bool
		}{{plainHam(i), false}, {campaign(100 + i), true}} {
			class := map[bool]string{true: "spam", false: "ham"}[m.spam]
			if _, _, err := d.trainAs("t", fmt.Sprintf("<first-%d-%s>", i, class), m.raw, class); err != nil {
				t.Fatal(err)
			}
			ref.Train(m.raw, m.spam)
		}
	}
	if _, _, err := d.trainUser("t", "<gift-1@campaign.example.jp>", plainHam(50), "spam"); err != nil {
		t.Fatal(err)
	}
	ref.TrainCorrection(plainHam(50), true)
	if err := d.Save(); err != nil {
		t.Fatal(err)
	}
	if class, corr, err := d.st.TrainedBy("<gift-1@campaign.example.jp>"); class != "spam" || !corr || err != nil {
		t.Fatalf("ledger after the swipe: %q, correction %v, %v", class, corr, err)
	}
	if class, corr, _ := d.st.TrainedBy("<first-0-ham>"); class != "ham" || corr {
		t.Fatalf("ledger of first-start training: %q, correction %v", class, corr)
	}
	d.st.Close()

	d = open() // the ledger and the token store from disk
	defer d.st.Close()
	old, changed, err := d.trainUser("t", "<gift-1@campaign.example.jp>", plainHam(50), "ham")
	if err != nil || old != "spam" || !changed {
		t.Fatalf("dragged out of Junk: old %q, changed %v, %v", old, changed, err)
	}
	ref.UntrainCorrection(plainHam(50), true)
	ref.TrainCorrection(plainHam(50), false)
	for _, m := range [][]byte{plainHam(50), plainHam(51), campaign(200)} {
		got, want := d.model.Classify(m).Score, ref.Classify(m).Score
		if math.Abs(got-want) > 1e-9 {
			t.Errorf("score %.9f, want %.9f as the model given the same calls", got, want)
		}
	}
	if sp, hm := d.model.Counts(); sp != 8 || hm != 9 {
		t.Errorf("counts %d spam, %d ham; want 8, 9", sp, hm)
	}
	if err := d.Save(); err != nil {
		t.Fatal(err)
	}
	if class, corr, _ := d.st.TrainedBy("<gift-1@campaign.example.jp>"); class != "ham" || !corr {
		t.Errorf("ledger after the rescue: %q, correction %v", class, corr)
	}
}
