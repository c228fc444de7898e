package quota

import (
	"fmt"
	"math"
	"strings"
	"time"
)

// Lang is a language of the message catalog.
type Lang string

// The catalog's languages. Every key has a text in each.
const (
	EN Lang = "en"
	JA Lang = "ja"
)

// Langs are the languages of the catalog, English first.
var Langs = []Lang{EN, JA}

// MsgKey names one user-facing text of the catalog.
type MsgKey string

// The catalog's keys: one per event kind and level, and the pieces an alert
// or a report adds.
const (
	MsgCrossedShow      MsgKey = "crossed.show"
	MsgCrossedWarn      MsgKey = "crossed.warn"
	MsgCrossedCritical  MsgKey = "crossed.critical"
	MsgReminderWarn     MsgKey = "reminder.warn"
	MsgReminderCritical MsgKey = "reminder.critical"
	MsgRecovered        MsgKey = "recovered"
	MsgOverQuota        MsgKey = "over-quota"
	MsgBiggestFolder    MsgKey = "biggest-folder" // what takes the space
	MsgFreeHint         MsgKey = "free-hint"      // how to free it
	MsgFullIn           MsgKey = "full-in"        // the trend
	MsgEstimated        MsgKey = "estimated"      // no QUOTA on the server

	// The command line's report and clean-ups.
	MsgReportUsage   MsgKey = "report.usage"
	MsgReportNoTrend MsgKey = "report.no-trend"
	MsgReportStale   MsgKey = "report.stale"
	MsgReportFolders MsgKey = "report.folders"
	MsgReportBiggest MsgKey = "report.biggest"
	MsgReportOldest  MsgKey = "report.oldest"
	MsgReportBadDate MsgKey = "report.bad-date"
	MsgCleanupCount  MsgKey = "cleanup.count"
	MsgCleanupAsk    MsgKey = "cleanup.ask"
	MsgCleanupNone   MsgKey = "cleanup.none"
	MsgCleanupKept   MsgKey = "cleanup.kept"
	MsgCleanupDone   MsgKey = "cleanup.done"
)

// catalog holds the texts. Placeholders: {account} {used} {limit}
// {percent} {level} {folder} {folder_size} {days} {count} {size} {freed}.
var catalog = map[MsgKey]map[Lang]string{
	MsgCrossedShow: {
		EN: "{account}: the mailbox is {percent} full ({used} of {limit}).",
		JA: "{account}: メールボックスの使用量が {percent} になりました（{limit} 中 {used}）。",
	},
	MsgCrossedWarn: {
		EN: "{account}: the mailbox is {percent} full ({used} of {limit}). Free some space before the server starts refusing mail.",
		JA: "{account}: メールボックスの使用量が {percent} です（{limit} 中 {used}）。サーバーがメールを受け取れなくなる前に空き容量を確保してください。",
	},
	MsgCrossedCritical: {
		EN: "{account}: the mailbox is almost full: {percent} ({used} of {limit}). When it is full, the server bounces new mail back to its senders: free space now.",
		JA: "{account}: メールボックスがほぼ満杯です: {percent}（{limit} 中 {used}）。満杯になると新しいメールは送信者に返送されます。今すぐ空き容量を確保してください。",
	},
	MsgReminderWarn: {
		EN: "{account}: the mailbox is still {percent} full ({used} of {limit}). Free some space before the server starts refusing mail.",
		JA: "{account}: メールボックスの使用量はまだ {percent} です（{limit} 中 {used}）。サーバーがメールを受け取れなくなる前に空き容量を確保してください。",
	},
	MsgReminderCritical: {
		EN: "{account}: the mailbox is still almost full: {percent} ({used} of {limit}). New mail will soon bounce: free space now.",
		JA: "{account}: メールボックスはまだほぼ満杯です: {percent}（{limit} 中 {used}）。まもなく新しいメールが返送されます。今すぐ空き容量を確保してください。",
	},
	MsgRecovered: {
		EN: "{account}: the mailbox is back down to {percent} ({used} of {limit}).",
		JA: "{account}: メールボックスの使用量が {percent} に下がりました（{limit} 中 {used}）。",
	},
	MsgOverQuota: {
		EN: "{account}: the mailbox is full ({used} of {limit}). The server refused to move spam into Junk, so it stays in the inbox, and new mail may bounce back to its senders. Free space; mailwarden retries by itself.",
		JA: "{account}: メールボックスが満杯です（{limit} 中 {used}）。サーバーが迷惑メールを Junk に移すことを拒否したため、迷惑メールは受信トレイに残っています。新しいメールが送信者に返送されるおそれがあります。空き容量を確保してください。mailwarden は自動的に再試行します。",
	},
	MsgBiggestFolder: {
		EN: "The biggest folder is {folder} ({folder_size}).",
		JA: "最も大きいフォルダーは {folder}（{folder_size}）です。",
	},
	MsgFreeHint: {
		EN: "Empty Junk or Trash (mailwarden cleanup junk, mailwarden cleanup trash) or delete old mail.",
		JA: "迷惑メールやごみ箱を空にする（mailwarden cleanup junk、mailwarden cleanup trash）か、古いメールを削除してください。",
	},
	MsgFullIn: {
		EN: "At the current rate it will be full in about {days} days.",
		JA: "このままでは約 {days} 日で満杯になります。",
	},
	MsgEstimated: {
		EN: "(Estimated: the server does not report a quota, so the limit is the {limit} set in the configuration.)",
		JA: "（推定値: サーバーが容量制限を報告しないため、設定の上限 {limit} を使っています。）",
	},
	MsgReportUsage: {
		EN: "{account}: {used} of {limit} used ({percent}, {level})",
		JA: "{account}: {limit} 中 {used} 使用（{percent}、{level}）",
	},
	MsgReportNoTrend: {
		EN: "No estimate of when it will be full: usage is not rising, or there is too little history yet.",
		JA: "満杯になる時期の見込みはありません（使用量が増えていないか、履歴がまだ足りません）。",
	},
	MsgReportStale: {
		EN: "The server could not be read now: these figures are from an earlier check.",
		JA: "サーバーを今読めませんでした。以下は前回の確認時の数値です。",
	},
	MsgReportFolders: {EN: "Biggest folders:", JA: "大きいフォルダー:"},
	MsgReportBiggest: {EN: "Biggest messages:", JA: "大きいメッセージ:"},
	MsgReportOldest:  {EN: "Oldest messages:", JA: "古いメッセージ:"},
	MsgReportBadDate: {
		EN: "* arrival date: the Date header is missing or bad",
		JA: "* 到着日時（Date ヘッダーがないか不正なため）",
	},
	MsgCleanupCount: {
		EN: "{account}: {count} messages in {folder} ({size})",
		JA: "{account}: {folder} に {count} 通（{size}）",
	},
	MsgCleanupAsk: {
		EN: "Delete them for good? This cannot be undone. [y/N] ",
		JA: "完全に削除しますか？元に戻せません。[y/N] ",
	},
	MsgCleanupNone: {EN: "Nothing to delete.", JA: "削除するものはありません。"},
	MsgCleanupKept: {EN: "Nothing was deleted.", JA: "何も削除していません。"},
	MsgCleanupDone: {
		EN: "{account}: deleted {count} messages ({size}) from {folder}; freed {freed}, now {used} of {limit} used.",
		JA: "{account}: {folder} から {count} 通（{size}）を削除しました。{freed} 空き、現在 {limit} 中 {used} 使用。",
	},
}

// Keys lists every key of the catalog.
func Keys() []MsgKey {
	keys := make([]MsgKey, 0, len(catalog))
	for k := range catalog {
		keys = append(keys, k)
	}
	return keys
}

// Args fill the placeholders of a text.
type Args struct {
	Account string
	Usage   Usage
	// Folder and FolderSize name the biggest folder ("" = unknown).
	Folder     string
	FolderSize int64
	// FullIn is the trend's estimate; HasFullIn is false when there is none.
	FullIn    time.Duration
	HasFullIn bool
	// For the command line: a level's name, a count of messages, their
	// size, and the space a clean-up freed.
	Level       string
	Count       int
	Size, Freed int64
}

// Text returns the text of key in lang (English where lang is unknown),
// with its placeholders filled from a.
func Text(lang Lang, key MsgKey, a Args) string {
	texts, ok := catalog[key]
	if !ok {
		return string(key)
	}
	t, ok := texts[lang]
	if !ok {
		t = texts[EN]
	}
	return strings.NewReplacer(
		"{account}", a.Account,
		"{used}", FormatSize(a.Usage.Used),
		"{limit}", FormatSize(a.Usage.Limit),
		"{percent}", FormatPercent(a.Usage.Fraction()),
		"{folder}", a.Folder,
		"{folder_size}", FormatSize(a.FolderSize),
		"{days}", fmt.Sprint(Days(a.FullIn)),
		"{level}", levelName(lang, a.Level),
		"{count}", fmt.Sprint(a.Count),
		"{size}", FormatSize(a.Size),
		"{freed}", FormatSize(a.Freed),
	).Replace(t)
}

// levelNames are the levels' names in Japanese; English uses Level.String.
var levelNames = map[string]string{"ok": "正常", "show": "注意", "warn": "警告", "critical": "危険"}

// levelName is the level named s (Level.String) in lang.
func levelName(lang Lang, s string) string {
	if n, ok := levelNames[s]; ok && lang == JA {
		return n
	}
	return s
}

// Days rounds a duration to whole days, at least 1.
func Days(d time.Duration) int {
	return max(1, int(math.Round(d.Hours()/24)))
}

// EventKey is the catalog key of an event's main text.
func EventKey(ev Event) MsgKey {
	switch ev.Kind {
	case Crossed:
		switch ev.Level {
		case Show:
			return MsgCrossedShow
		case Warn:
			return MsgCrossedWarn
		}
		return MsgCrossedCritical
	case Reminder:
		if ev.Level >= Critical {
			return MsgReminderCritical
		}
		return MsgReminderWarn
	case Recovered:
		return MsgRecovered
	}
	return MsgOverQuota
}

// Alert is the whole text of an event for the tray's notification and the
// log: the event's text; for a warning, what takes the space and how to free
// it; the trend where there is one; and, where the server has no QUOTA, that
// the figures are an estimate.
func Alert(lang Lang, ev Event, a Args) string {
	a.Usage = ev.Usage
	parts := []string{Text(lang, EventKey(ev), a)}
	warning := ev.Kind == OverQuota || (ev.Kind != Recovered && ev.Level >= Warn)
	if warning && a.Folder != "" {
		parts = append(parts, Text(lang, MsgBiggestFolder, a))
	}
	if warning {
		parts = append(parts, Text(lang, MsgFreeHint, a))
	}
	if a.HasFullIn && ev.Kind != Recovered && ev.Kind != OverQuota {
		parts = append(parts, Text(lang, MsgFullIn, a))
	}
	if ev.Usage.Estimated {
		parts = append(parts, Text(lang, MsgEstimated, a))
	}
	sep := " "
	if lang == JA {
		sep = ""
	}
	return strings.Join(parts, sep)
}
