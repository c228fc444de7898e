package i18n

// texts: key → language → text. Keys of account states are the state
// names the local API reports.
var texts = map[string]map[Lang]string{
	// Account states.
	"starting":     {En: "connecting", Ja: "接続中"},
	"training":     {En: "learning from existing mail", Ja: "既存のメールから学習中"},
	"online":       {En: "watching INBOX", Ja: "受信箱を監視中"},
	"offline":      {En: "server unreachable, retrying", Ja: "サーバーに接続できません（再試行中）"},
	"auth-failed":  {En: "password refused: check it", Ja: "パスワードが拒否されました。確認してください"},
	"tls-error":    {En: "server certificate does not verify", Ja: "サーバー証明書を検証できません"},
	"config-error": {En: "account settings cannot work", Ja: "アカウント設定に問題があります"},
	"paused":       {En: "filtering paused", Ja: "フィルタリング一時停止中"},

	// The STATE column of `status` in Japanese ("state " + the state's
	// name; English shows the name itself, as scripts match it).
	"state starting":     {En: "starting", Ja: "接続中"},
	"state training":     {En: "training", Ja: "学習中"},
	"state online":       {En: "online", Ja: "監視中"},
	"state offline":      {En: "offline", Ja: "オフライン"},
	"state auth-failed":  {En: "auth-failed", Ja: "認証失敗"},
	"state tls-error":    {En: "tls-error", Ja: "証明書エラー"},
	"state config-error": {En: "config-error", Ja: "設定エラー"},
	"state paused":       {En: "paused", Ja: "一時停止"},

	// Status.
	"daemon running":    {En: "mailwarden running (pid %d, since %s); classifier trained on %d spam, %d ham", Ja: "mailwarden 実行中（pid %d、起動 %s）。学習済み: 迷惑メール %d 通、通常メール %d 通"},
	"filtering paused":  {En: "filtering is PAUSED: new mail stays in INBOX until `mailwarden resume`", Ja: "フィルタリングは一時停止中です。`mailwarden resume` まで新着メールは受信箱に残ります"},
	"warning":           {En: "warning: %s", Ja: "警告: %s"},
	"status header":     {En: "ACCOUNT\tSTATE\tSINCE\tJUDGED\tMOVED\tNOTE", Ja: "アカウント\t状態\t開始\t判定\t移動\t備考"},
	"retry at":          {En: "retry at %s", Ja: "%s に再試行"},
	"dry run":           {En: "dry run", Ja: "試運転（移動しない）"},
	"paused done":       {En: "filtering paused: new mail stays in INBOX until `mailwarden resume`", Ja: "フィルタリングを一時停止しました。`mailwarden resume` まで新着メールは受信箱に残ります"},
	"resumed done":      {En: "filtering resumed", Ja: "フィルタリングを再開しました"},
	"reloaded accounts": {En: "config reloaded: accounts watched (%d): %s", Ja: "設定を再読み込みしました: 監視するアカウント（%d 件）: %s"},
	"reloaded none":     {En: "config reloaded, but %s has no accounts: mailwarden now watches nothing. If the file was cut short, restore it and run `mailwarden reload`; `mailwarden account add` adds an account", Ja: "設定を再読み込みしましたが、%s にアカウントがありません。いまは何も監視していません。ファイルが途中で切れていた場合は元に戻して `mailwarden reload` を実行してください。`mailwarden account add` でアカウントを追加できます"},
	"sync done":         {En: "checking now", Ja: "今すぐ確認します"},
	"moved to junk":     {En: "Moved to Junk: %s", Ja: "迷惑メールフォルダへ移動しました: %s"},
	"reconnecting":      {En: "reconnecting to %s", Ja: "%s に再接続しています"},
	"no safe move":      {En: "the server cannot move mail safely (no MOVE, no UIDPLUS): spam stays in INBOX, marked $Junk", Ja: "サーバーが安全な移動に対応していません（MOVE も UIDPLUS もなし）。迷惑メールは $Junk を付けて受信箱に残します"},
	"over quota move":   {En: "could not quarantine: the mailbox is full. Free space (empty Junk or Trash); mailwarden retries by itself", Ja: "隔離できません: メールボックスが満杯です。迷惑メールやごみ箱を空にしてください（自動で再試行します）"},
	"account added":     {En: "account %q saved: %s:%d (%s) as %s; password in %s. mailwarden is watching it now.", Ja: "アカウント %q を保存しました: %s:%d（%s）ユーザー %s、パスワードの保存先 %s。監視を始めました。"},
	"account removed":   {En: "account %q removed; its mail on the server is untouched", Ja: "アカウント %q を削除しました。サーバー上のメールはそのままです"},
	"password stored":   {En: "password of account %q stored in %s; mailwarden is connecting with it now (see `mailwarden status`)", Ja: "アカウント %q のパスワードを %s に保存しました。このパスワードで接続しています（`mailwarden status` で確認できます）"},
	"trying settings":   {En: "Trying the usual server settings for %s ...", Ja: "%s の一般的なサーバー設定を試しています…"},
	"prompt address":    {En: "Mail address: ", Ja: "メールアドレス: "},
	"prompt password":   {En: "Password: ", Ja: "パスワード: "},
	"too little known":  {En: "no token carried evidence: too little is known (train it: mailwarden train)", Ja: "判断材料になる語がありません。学習が足りません（mailwarden train）"},
	"no evidence":       {En: "no token carried evidence: none of this message's words was seen often enough in training to count either way", Ja: "判断材料になる語がありません: このメールの語は、どれも学習で判断に使えるほど出てきていません"},
}
