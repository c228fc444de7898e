package demo

import (
	"strings"
	"testing"
)

// The report reads in the user's language, every figure in its place.
func TestReportPrint(t *testing.T) {
	r := &Report{Corpus: "c.tar.xz", TrainedSpam: 1807, TrainedHam: 4155, Delivered: 300, DeliveredSpam: 90, DeliveredHam: 210,
		Processed: 300, SpamMoved: 87, SpamLeftInInbox: 3, UnsureLeft: 6, LatencyMedianMS: 303, LatencyP95MS: 524, LatencyMaxMS: 525,
		InboxBefore: 4155, InboxAfter: 4368, JunkBefore: 1807, JunkAfter: 1894, ExactlyOnce: true, Seconds: 96.7}
	for _, c := range []struct {
		lang string
		want []string
	}{
		{"C.UTF-8", []string{"mailwarden demo report", "spam moved to Junk           87 (96.7% of spam)", "ham wrongly moved to Junk    0 (0.0% of ham)",
			"spam left in INBOX           3\n", "judged unsure, left alone    6 (spam and ham together)", "median 303 ms, p95 524 ms, max 525 ms",
			"INBOX 4155 -> 4368, Junk 1807 -> 1894", "exactly one folder: yes", `\Seen set by mailwarden      0`, "took                         96.7 s"}},
		{"ja_JP.UTF-8", []string{"mailwarden デモのレポート", "迷惑メールフォルダへ移動     87 通（迷惑メールの 96.7%）", "判定保留でそのままのもの     6 通",
			"受信箱 4155 → 4368、迷惑メール 1807 → 1894", "ちょうど一つのフォルダに: はい", "所要時間                     96.7 秒"}},
	} {
		t.Setenv("LC_ALL", c.lang)
		t.Setenv("LANG", c.lang)
		var b strings.Builder
		r.Print(&b)
		for _, w := range c.want {
			if !strings.Contains(b.String(), w) {
				t.Errorf("%s: report lacks %q:\n%s", c.lang, w, b.String())
			}
		}
	}
	r.ExactlyOnce, r.Lost, r.Duplicated = false, []string{"<a@x>"}, nil
	t.Setenv("LC_ALL", "C.UTF-8")
	var b strings.Builder
	r.Print(&b)
	if !strings.Contains(b.String(), "exactly one folder: NO (lost 1, duplicated 0)") {
		t.Errorf("a lost message is not reported:\n%s", b.String())
	}
}
