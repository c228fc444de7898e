package i18n

// Texts of the daemon's answers through the local API (localapi.Problem):
// the daemon sends the key and its arguments, each client shows them in
// its user's language. Arguments arrive as strings: only %s and %q here.
func init() {
	add(map[string]map[Lang]string{
		"api not running":          {En: "the mailwarden daemon is not running (no daemon at %s): start it with `mailwarden run`", Ja: "mailwarden デーモンが動いていません（%s に応答がありません）。`mailwarden run` で起動してください"},
		"api bad limit":            {En: "the number of actions must be 0 or more, like -n 20", Ja: "表示する件数は 0 以上にしてください（例: -n 20）"},
		"api bad seq":              {En: "name an action by its number, as `mailwarden log` shows it", Ja: "処理は `mailwarden log` に表示される番号で指定してください"},
		"api bad body":             {En: "the daemon could not read the request (%s): the command line and the daemon may be different versions; restart the daemon", Ja: "デーモンが要求を読めませんでした（%s）。コマンドとデーモンの版が違う可能性があります。デーモンを起動し直してください"},
		"api cleanup folder":       {En: "%q cannot be cleaned up: only junk and trash can", Ja: "%q は削除の対象にできません: 対象は junk と trash だけです"},
		"api cleanup days":         {En: "--older-than must be a number of days, 0 (all) or more", Ja: "--older-than には 0（すべて）以上の日数を指定してください"},
		"api allow nothing":        {En: "nothing to add or remove: name a domain or an address, like example.jp or sato@example.jp", Ja: "追加・削除するものがありません: example.jp や sato@example.jp のようにドメインかアドレスを指定してください"},
		"api no message id":        {En: "no Message-ID given: name the message by its number in `mailwarden log` or by its Message-ID", Ja: "Message-ID がありません: `mailwarden log` の番号か Message-ID でメッセージを指定してください"},
		"api no profile":           {En: "no profile %q: try heap, allocs or goroutine", Ja: "プロファイル %q はありません: heap、allocs、goroutine のいずれかを指定してください"},
		"api no accounts yet":      {En: "there is no account yet: add one with `mailwarden account add`", Ja: "アカウントがまだありません: `mailwarden account add` で追加してください"},
		"api no account":           {En: "no account %q: `mailwarden account list` shows the names", Ja: "アカウント %q はありません: 名前は `mailwarden account list` で確認できます"},
		"api several accounts":     {En: "there are %s accounts (%s): name one with --account", Ja: "アカウントが %s 個あります（%s）: --account で一つ指定してください"},
		"api reload refused":       {En: "%s (the running config stays in force)", Ja: "%s（現在の設定のまま動作を続けます）"},
		"api cannot sync":          {En: "account %q cannot sync: %s", Ja: "アカウント %q は同期できません: %s"},
		"api no action":            {En: "no action #%s: `mailwarden log` shows the numbers", Ja: "処理 #%s はありません: 番号は `mailwarden log` で確認できます"},
		"api not moved":            {En: "mailwarden did not move %s to Junk; if it is in Junk, move it to INBOX in your mail client: mailwarden learns from that as well", Ja: "mailwarden は %s を迷惑メールフォルダへ移していません。迷惑メールフォルダにあるなら、メールソフトで受信箱へ移してください。mailwarden はそれからも学習します"},
		"api nothing to undo":      {En: "action #%s is %q, not a move to Junk: there is nothing to undo", Ja: "処理 #%s は %q で、迷惑メールへの移動ではありません: 取り消すものはありません"},
		"api account gone":         {En: "account %q is not configured any more", Ja: "アカウント %q はもう設定にありません"},
		"api undo offline":         {En: "account %q is %s: the undo needs it connected; try again once `mailwarden status` shows it online", Ja: "アカウント %q は %s の状態です: 取り消しには接続が必要です。`mailwarden status` で online になってからやり直してください"},
		"api on block list":        {En: "%s is on the block list of %s: take it off block_list in %s first", Ja: "%s は %s の拒否リストにあります: 先に %s の block_list から外してください"},
		"api not on allow list":    {En: "%s is not on the allow list of %s", Ja: "%s は %s の許可リストにありません"},
		"api no password given":    {En: "no password given: type it when asked, or pass it with --password-stdin", Ja: "パスワードがありません: 聞かれたら入力するか、--password-stdin で渡してください"},
		"api name or address":      {En: "give the account a name (--name) or an address (--address)", Ja: "アカウントの名前（--name）かアドレス（--address）を指定してください"},
		"api not an address":       {En: "%q is not a mail address: write it like sato@example.jp", Ja: "%q はメールアドレスではありません: sato@example.jp のように書いてください"},
		"api no login guessed":     {En: "no login worked (%s tried; the last said: %s): no IMAP server answered: check the address, or give the server with --host (and --port, --tls)", Ja: "どの設定でもログインできませんでした（%s 通り試行。最後の応答: %s）: IMAP サーバーが応答しません。アドレスを確認するか、--host（と --port、--tls）でサーバーを指定してください"},
		"api no login":             {En: "no login worked (%s tried; the last said: %s)", Ja: "ログインできませんでした（%s 通り試行。最後の応答: %s）"},
		"api no login connect":     {En: "no login worked (%s tried; the last said: %s): no IMAP server answered there: check --host and --port (993 with --tls tls, 143 with --tls starttls) and the network", Ja: "ログインできませんでした（%s 通り試行。最後の応答: %s）: そこでは IMAP サーバーが応答しません。--host と --port（--tls tls なら 993、--tls starttls なら 143）とネットワークを確認してください"},
		"api no config file":       {En: "the daemon was not started from a config file, so it cannot save changes: start it with `mailwarden run` (the default config) or with --config FILE", Ja: "デーモンが設定ファイルなしで起動されているため、変更を保存できません: `mailwarden run`（既定の設定）か --config ファイル で起動してください"},
		"api password elsewhere":   {En: "account %q takes its password from %s, not from the keyring: change it there, or take password_env and password_file out of the account in %s", Ja: "アカウント %q のパスワードはキーリングではなく %s から読んでいます: そちらを変更するか、%s のアカウントから password_env と password_file を外してください"},
		"api password login":       {En: "the login of account %q with this password failed, so it was not stored: %s", Ja: "アカウント %q はこのパスワードでログインできなかったため、保存しませんでした: %s"},
		"api password unreachable": {En: "the server of account %q could not be reached to test the password, so it was not stored (%s): check the account's host and port in %s and the network, then try again", Ja: "パスワードを確かめるためにアカウント %q のサーバーへ接続できなかったため、保存しませんでした（%s）: %s のアカウントのホストとポート、ネットワークを確認してからやり直してください"},
		"reload config gone":       {En: "the config file %s that this daemon was started with is gone: put it back, or write a new one at that path, and run `mailwarden reload` again; to use another file, restart the daemon with `mailwarden run --config FILE`", Ja: "このデーモンの起動時の設定ファイル %s がなくなっています: 元に戻すか同じ場所に新しく書いてから、もう一度 `mailwarden reload` を実行してください。別のファイルを使うには `mailwarden run --config ファイル` でデーモンを起動し直してください"},
	})
}
