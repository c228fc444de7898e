package i18n

// Texts of an account's connection state as `status`, `sync`, `log`,
// `account` and `cleanup` show them.
func init() {
	add(map[string]map[Lang]string{
		// A server that answered in the other TLS mode: the port actually
		// used is named.
		"login not tls port":     {En: "%s answered, but without TLS: set tls = \"starttls\" for this port (%s), or port = 993 with tls = \"tls\"", Ja: "%s は応答しましたが TLS ではありません: このポート（%s）なら tls = \"starttls\" に、または port = 993 と tls = \"tls\" にしてください"},
		"login not tls port add": {En: "%s answered, but without TLS: use --tls starttls for this port (%s), or --port 993 with --tls tls", Ja: "%s は応答しましたが TLS ではありません: このポート（%s）なら --tls starttls を、または --port 993 と --tls tls を指定してください"},
		"login implicit tls":     {En: "%s answered with TLS at once, not with a plain IMAP greeting: set tls = \"tls\" for this port (%s), or port = 143 with tls = \"starttls\"", Ja: "%s は平文の IMAP の挨拶ではなく、すぐに TLS で応答しました: このポート（%s）なら tls = \"tls\" に、または port = 143 と tls = \"starttls\" にしてください"},
		"login implicit tls add": {En: "%s answered with TLS at once, not with a plain IMAP greeting: use --tls tls for this port (%s), or --port 143 with --tls starttls", Ja: "%s は平文の IMAP の挨拶ではなく、すぐに TLS で応答しました: このポート（%s）なら --tls tls を、または --port 143 と --tls starttls を指定してください"},

		// Why an account is offline, without the internals (kept in the log).
		"offline unreachable": {En: "%s did not answer (%s)", Ja: "%s が応答しません（%s）"},
		"offline lost":        {En: "the connection to %s was lost", Ja: "%s との接続が切れました"},
		"offline server":      {En: "%s ended the session (%s)", Ja: "%s がセッションを終了しました（%s）"},

		"junk folder missing": {En: "the junk folder %q set in the config does not exist on the server: spam goes to %q instead; create %q on the server, or change junk_folder in %s (or remove the line to use %q), then run `mailwarden reload`", Ja: "設定の迷惑メールフォルダー %q がサーバーにありません。代わりに %q へ移しています: サーバーに %q を作るか、%s の junk_folder を直して（%q を使うなら行を消して）、`mailwarden reload` を実行してください"},
		"untrained":           {En: "the classifier has not learned both kinds yet (%s spam, %s ham): it moves nothing to Junk until it has (the block list still applies); an account's first start trains it from the mail on the server (Junk = spam, INBOX and other folders = ham), or run `mailwarden train --spam DIR --ham DIR`", Ja: "分類器はまだ両方の種類を学習していません（迷惑メール %s 通、通常メール %s 通）: 両方を学習するまで迷惑メールフォルダーへは何も移しません（ブロックリストは有効です）。アカウントの初回起動時にサーバーのメールから学習します（迷惑メールフォルダー = 迷惑メール、受信箱とその他のフォルダー = 通常メール）。または `mailwarden train --spam ディレクトリ --ham ディレクトリ` を実行してください"},

		// What `sync` really does, account by account.
		"sync paused":     {En: "account %q is paused: resume it first (`mailwarden resume`)", Ja: "アカウント %q は一時停止中です: 先に再開してください（`mailwarden resume`）"},
		"sync all paused": {En: "filtering is paused: resume it first (`mailwarden resume`)", Ja: "フィルタリングは一時停止中です: 先に再開してください（`mailwarden resume`）"},
		"sync online":     {En: "account %q: checking INBOX now", Ja: "アカウント %q: 今すぐ受信箱を確認します"},
		"sync offline":    {En: "account %q is offline: trying to connect now", Ja: "アカウント %q はオフラインです: 今すぐ接続を試みます"},
		"sync failing":    {En: "account %q is %s: trying to log in again now (see `mailwarden status`)", Ja: "アカウント %q は %s です: 今すぐログインを再試行します（`mailwarden status` を参照）"},
		"sync starting":   {En: "account %q is connecting: it checks INBOX once connected", Ja: "アカウント %q は接続中です: 接続でき次第、受信箱を確認します"},
		"sync training":   {En: "account %q is training from the mail on the server: it checks INBOX when that is done", Ja: "アカウント %q はサーバーのメールから学習中です: 終わり次第、受信箱を確認します"},

		"log args":            {En: "log takes no arguments (unexpected %q): mailwarden log [-n N]", Ja: "log に引数は指定できません（%q）: mailwarden log [-n 件数]"},
		"cleanup no terminal": {En: "no terminal to confirm: pass --yes (or --dry-run to only count)", Ja: "確認するための端末がありません: --yes を付けてください（数えるだけなら --dry-run）"},
	})
}
