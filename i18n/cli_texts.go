package i18n

// Texts of the command line: usage, errors, table headers, actions.
func init() {
	add(map[string]map[Lang]string{
		"usage header":     {En: "usage: mailwarden COMMAND [flags]\n\ncommands:", Ja: "使い方: mailwarden コマンド [フラグ]\n\nコマンド:"},
		"usage footer":     {En: "\nRun `mailwarden COMMAND -h` for a command's flags.", Ja: "\n各コマンドのフラグは `mailwarden コマンド -h` で表示します。"},
		"interrupted":      {En: "interrupted", Ja: "中断しました"},
		"unknown command":  {En: "unknown command %q", Ja: "不明なコマンド %q"},
		"flags usage":      {En: "usage of %s:", Ja: "%s の使い方:"},
		"bad log level":    {En: "--log-level %q: use debug, info, warn or error", Ja: "--log-level %q: debug、info、warn、error のいずれかを指定してください"},
		"bad log format":   {En: "--log-format %q: use text or json", Ja: "--log-format %q: text か json を指定してください"},
		"no store":         {En: "no data directory: pass --store DIR", Ja: "データディレクトリがありません: --store ディレクトリ を指定してください"},
		"log header":       {En: "SEQ\tWHEN\tACCOUNT\tACTION\tSCORE\tFROM\tSUBJECT", Ja: "番号\t日時\tアカウント\t処理\tスコア\t差出人\t件名"},
		"account header":   {En: "NAME\tSERVER\tTLS\tUSER\tPASSWORD", Ja: "名前\tサーバー\tTLS\tユーザー\tパスワード"},
		"no accounts":      {En: "no accounts", Ja: "アカウントがありません"},
		"message count":    {En: "  MESSAGE %d / %d", Ja: "  メッセージ数 %d / %d"},
		"seconds ago":      {En: "%ds ago", Ja: "%d 秒前"},
		"minutes ago":      {En: "%dm ago", Ja: "%d 分前"},
		"hours ago":        {En: "%dh ago", Ja: "%d 時間前"},
		"usage account":    {En: "usage: mailwarden account add|list|remove ...", Ja: "使い方: mailwarden account add|list|remove ..."},
		"unknown account":  {En: "unknown account command %q: use add, list or remove", Ja: "不明な account コマンド %q: add、list、remove のいずれかを使ってください"},
		"no address":       {En: "no address given: pass --address", Ja: "メールアドレスがありません: --address で指定してください"},
		"read password":    {En: "read password", Ja: "パスワードを読み取れません"},
		"no password":      {En: "no password on standard input", Ja: "標準入力にパスワードがありません"},
		"usage remove":     {En: "usage: mailwarden account remove NAME (see `mailwarden account list`)", Ja: "使い方: mailwarden account remove 名前（`mailwarden account list` で確認できます）"},
		"usage allow":      {En: "usage: mailwarden allow list|add|remove [--account NAME] [DOMAIN|ADDRESS...]", Ja: "使い方: mailwarden allow list|add|remove [--account 名前] [ドメイン|アドレス...]"},
		"usage allow list": {En: "usage: mailwarden allow list [--account NAME]", Ja: "使い方: mailwarden allow list [--account 名前]"},
		"usage allow edit": {En: "usage: mailwarden allow %s [--account NAME] DOMAIN|ADDRESS... (like example.jp or sato@example.jp)", Ja: "使い方: mailwarden allow %s [--account 名前] ドメイン|アドレス...（example.jp や sato@example.jp など）"},
		"unknown allow":    {En: "unknown allow command %q: use list, add or remove", Ja: "不明な allow コマンド %q: list、add、remove のいずれかを使ってください"},
		"usage notjunk":    {En: "usage: mailwarden notjunk [--account NAME] SEQ|MESSAGE-ID... (SEQ as `mailwarden log` shows it)", Ja: "使い方: mailwarden notjunk [--account 名前] 番号|Message-ID...（番号は `mailwarden log` に表示されます）"},
		"cleanup one":      {En: "unexpected %q: cleanup takes one folder, junk or trash", Ja: "%q は指定できません: cleanup のフォルダーは junk か trash のどちらか一つです"},
		"cleanup what":     {En: "say what to clean up: mailwarden cleanup junk|trash [--older-than DAYS] [--account NAME] [--yes]", Ja: "削除するフォルダーを指定してください: mailwarden cleanup junk|trash [--older-than 日数] [--account 名前] [--yes]"},
		"cleanup days":     {En: "--older-than must be a number of days, 1 or more", Ja: "--older-than には 1 以上の日数を指定してください"},
		"cleanup json":     {En: "--json does not ask: add --yes (delete) or --dry-run (count only)", Ja: "--json では確認できません: --yes（削除する）か --dry-run（数えるだけ）を付けてください"},
		"cleanup left":     {En: "  %s: %d messages could not be deleted and are still there", Ja: "  %s: %d 通のメッセージを削除できず、残っています"},

		// Actions of the action log (`mailwarden log`), by their names in the store.
		"action move-to-junk":      {En: "moved to Junk", Ja: "迷惑メールへ移動"},
		"action would-move":        {En: "would move (dry run)", Ja: "移動対象（試運転）"},
		"action mark-ham":          {En: "not junk", Ja: "通常メール"},
		"action leave":             {En: "left in INBOX", Ja: "受信箱に残す"},
		"action handled-elsewhere": {En: "handled elsewhere", Ja: "他で処理済み"},
		"action failed":            {En: "failed", Ja: "失敗"},
		"action not-junk":          {En: "undone: back to INBOX", Ja: "取り消し: 受信箱へ戻す"},
		"action learned-spam":      {En: "learned as junk", Ja: "迷惑メールとして学習"},
		"action learned-ham":       {En: "learned as not junk", Ja: "通常メールとして学習"},
	})
}
