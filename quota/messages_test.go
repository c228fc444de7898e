package quota

import (
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

var placeholder = regexp.MustCompile(`\{[a-z_]+\}`)

// Every text exists in every language, with the same placeholders, and
// every placeholder is one Text fills.
func TestCatalogComplete(t *testing.T) {
	known := []string{"{account}", "{used}", "{limit}", "{percent}", "{folder}", "{folder_size}", "{days}", "{level}", "{count}", "{size}", "{freed}"}
	for _, k := range []MsgKey{MsgCrossedShow, MsgCrossedWarn, MsgCrossedCritical, MsgReminderWarn, MsgReminderCritical,
		MsgRecovered, MsgOverQuota, MsgBiggestFolder, MsgFreeHint, MsgFullIn, MsgEstimated,
		MsgReportUsage, MsgReportNoTrend, MsgReportStale, MsgReportFolders, MsgReportBiggest, MsgReportOldest, MsgReportBadDate,
		MsgCleanupCount, MsgCleanupAsk, MsgCleanupNone, MsgCleanupKept, MsgCleanupDone} {
		if _, ok := catalog[k]; !ok {
			t.Errorf("no texts for %s", k)
		}
	}
	for _, k := range Keys() {
		var want []string
		for i, l := range Langs {
			text := catalog[k][l]
			if strings.TrimSpace(text) == "" {
				t.Errorf("%s has no %s text", k, l)
				continue
			}
			got := placeholder.FindAllString(text, -1)
			slices.Sort(got)
			got = slices.Compact(got)
			for _, p := range got {
				if !slices.Contains(known, p) {
					t.Errorf("%s/%s: unknown placeholder %s", k, l, p)
				}
			}
			if i == 0 {
				want = got
			} else if !slices.Equal(got, want) {
				t.Errorf("%s: %s placeholders %v, %s has %v", k, l, got, Langs[0], want)
			}
		}
		if !strings.ContainsFunc(catalog[k][JA], func(r rune) bool { return r >= 0x3000 }) {
			t.Errorf("%s: the ja text is not Japanese: %q", k, catalog[k][JA])
		}
	}
}

// Every event the monitor raises has a full alert in both languages, with
// the figures filled in; warnings name the biggest folder and the fix; an
// estimate says so.
func TestAlertTexts(t *testing.T) {
	u := Usage{Time: t0, Used: 812 << 10, Limit: 1 << 20}
	a := Args{Account: "work", Folder: "Archive", FolderSize: 700 << 10, FullIn: 23 * 24 * time.Hour, HasFullIn: true}
	var events []Event
	for _, l := range []Level{Show, Warn, Critical} {
		events = append(events, Event{Kind: Crossed, Level: l, Usage: u})
	}
	events = append(events, Event{Kind: Reminder, Level: Warn, Usage: u}, Event{Kind: Reminder, Level: Critical, Usage: u},
		Event{Kind: Recovered, Level: Show, Usage: u}, Event{Kind: OverQuota, Level: Critical, Usage: u})
	seen := map[MsgKey]bool{}
	for _, ev := range events {
		seen[EventKey(ev)] = true
		for _, lang := range Langs {
			text := Alert(lang, ev, a)
			if strings.Contains(text, "{") || !strings.Contains(text, "work") || !strings.Contains(text, "812.0 KiB") || !strings.Contains(text, "1.0 MiB") {
				t.Errorf("%s %s/%s: %q", lang, ev.Kind, ev.Level, text)
			}
			warning := ev.Kind == OverQuota || (ev.Kind != Recovered && ev.Level >= Warn)
			if warning != strings.Contains(text, "Archive (700.0 KiB)") && warning != strings.Contains(text, "Archive（700.0 KiB）") {
				t.Errorf("%s %s/%s: biggest folder named %v: %q", lang, ev.Kind, ev.Level, !warning, text)
			}
			if warning != strings.Contains(text, "mailwarden cleanup junk") {
				t.Errorf("%s %s/%s: fix named %v: %q", lang, ev.Kind, ev.Level, !warning, text)
			}
			if (ev.Kind == Crossed || ev.Kind == Reminder) != strings.Contains(text, "23") {
				t.Errorf("%s %s/%s: trend: %q", lang, ev.Kind, ev.Level, text)
			}
			t.Logf("%s %s/%s: %s", lang, ev.Kind, ev.Level, text)
		}
		if Alert(EN, ev, a) == Alert(JA, ev, a) {
			t.Errorf("%s/%s: the same text in en and ja", ev.Kind, ev.Level)
		}
	}
	if len(seen) != 7 {
		t.Errorf("events map to %d keys, want 7", len(seen))
	}
	est := Event{Kind: Crossed, Level: Warn, Usage: Usage{Time: t0, Used: 13 << 30, Limit: 15 << 30, Estimated: true}}
	if en, ja := Alert(EN, est, a), Alert(JA, est, a); !strings.Contains(en, "Estimated") || !strings.Contains(en, "15.0 GiB") || !strings.Contains(ja, "推定値") {
		t.Errorf("estimate not said: %q / %q", en, ja)
	}
	if got := Text("fr", MsgRecovered, Args{Account: "w", Usage: u}); !strings.HasPrefix(got, "w: the mailbox") {
		t.Errorf("unknown language: %q", got)
	}
}

func TestFormatSize(t *testing.T) {
	for n, want := range map[int64]string{
		0: "0 B", 950: "950 B", 1024: "1.0 KiB", 832000: "812.5 KiB", 1<<20 - 1: "1.0 MiB", 1536 << 10: "1.5 MiB",
		15 << 30: "15.0 GiB", -2048: "-2.0 KiB",
	} {
		if got := FormatSize(n); got != want {
			t.Errorf("FormatSize(%d) = %q, want %q", n, got, want)
		}
	}
	if got := FormatPercent(0.7934); got != "79.3%" {
		t.Errorf("FormatPercent = %q", got)
	}
}

func TestReportLevelInLanguage(t *testing.T) {
	a := Args{Account: "work", Usage: Usage{Used: 96 << 10, Limit: 1 << 20}, Level: Warn.String()}
	if got, want := Text(EN, MsgReportUsage, a), "work: 96.0 KiB of 1.0 MiB used (9.4%, warn)"; got != want {
		t.Errorf("en: %q, want %q", got, want)
	}
	if got := Text(JA, MsgReportUsage, a); !strings.Contains(got, "、警告）") || strings.Contains(got, "warn") {
		t.Errorf("ja: %q, want the level in Japanese", got)
	}
	for l := OK; l <= Critical; l++ {
		if levelName(JA, l.String()) == l.String() {
			t.Errorf("level %s has no Japanese name", l)
		}
	}
}
