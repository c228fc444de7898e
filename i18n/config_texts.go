package i18n

// Texts of the config file's errors: each says what is wrong and the fix.
func init() {
	add(map[string]map[Lang]string{
		"config bad tls":          {En: "tls = %q is not a TLS mode: use \"tls\" (port 993), \"starttls\" (port 143) or \"none\"", Ja: "tls = %q は TLS の方式ではありません: \"tls\"（ポート 993）、\"starttls\"（ポート 143）、\"none\" のいずれかにしてください"},
		"config bad duration":     {En: "%q is not a duration: write it like \"60s\" or \"5m\"", Ja: "%q は時間の長さではありません: \"60s\" や \"5m\" のように書いてください"},
		"config no file":          {En: "no config file here: create it (see README.md, \"Your own account\") or pass --config", Ja: "ここに設定ファイルがありません: 作成する（README.md の \"Your own account\" を参照）か --config で指定してください"},
		"config unknown setting":  {En: "unknown setting %q: check its spelling against README.md or remove it", Ja: "不明な設定 %q: README.md と綴りを見比べるか、削除してください"},
		"config newer":            {En: "version = %d is newer than this mailwarden understands (%d): update mailwarden", Ja: "version = %d はこの mailwarden（%d まで対応）より新しい形式です: mailwarden を更新してください"},
		"config account":          {En: "account %d: %s", Ja: "アカウント %d: %s"},
		"config no host":          {En: "host is missing: add host = \"mail.example.jp\"", Ja: "host がありません: host = \"mail.example.jp\" のように追加してください"},
		"config no username":      {En: "username is missing: add username = \"you@example.jp\"", Ja: "username がありません: username = \"you@example.jp\" のように追加してください"},
		"config bad port":         {En: "port = %d is not a TCP port: use 993 for tls or 143 for starttls", Ja: "port = %d は TCP のポート番号ではありません: tls なら 993、starttls なら 143 にしてください"},
		"config plaintext":        {En: "tls = \"none\" sends the password in clear text: use \"tls\" or \"starttls\", or set allow_plaintext = true if you really mean it", Ja: "tls = \"none\" ではパスワードが暗号化されずに送られます: \"tls\" か \"starttls\" にしてください（本当に必要なら allow_plaintext = true）"},
		"config train cap":        {En: "train_cap must be 0 or more", Ja: "train_cap は 0 以上にしてください"},
		"config max fetch":        {En: "max_fetch_kib must be between 1 and 10240", Ja: "max_fetch_kib は 1 から 10240 の間にしてください"},
		"config poll interval":    {En: "poll_interval must be at least 1s", Ja: "poll_interval は 1s 以上にしてください"},
		"config name used":        {En: "name %q is used by another account: give each account its own name", Ja: "名前 %q は別のアカウントが使っています: アカウントごとに別の名前を付けてください"},
		"config cutoff range":     {En: "classifier cutoffs must lie between 0 and 1", Ja: "分類のしきい値は 0 から 1 の間にしてください"},
		"config cutoff order":     {En: "spam_cutoff must be above ham_cutoff", Ja: "spam_cutoff は ham_cutoff より大きくしてください"},
		"config both lists":       {En: "%q is on both allow_list and block_list: remove it from one", Ja: "%q が allow_list と block_list の両方にあります: どちらかから削除してください"},
		"config own domain":       {En: "own_domains: %q is not a domain: write it like example.jp", Ja: "own_domains: %q はドメインではありません: example.jp のように書いてください"},
		"config allow only empty": {En: "allow_list_only = true with an empty allow_list would send all new mail to Junk: add your customers' domains to allow_list, or set allow_list_only = false", Ja: "allow_list が空のまま allow_list_only = true にすると、新着メールがすべて迷惑メールフォルダへ移ります: allow_list に取引先のドメインを追加するか、allow_list_only = false にしてください"},
		"config junk age":         {En: "junk_max_age_days = %d: use 0 (keep junk) or a number of days up to %d", Ja: "junk_max_age_days = %d: 0（削除しない）か %d 以下の日数にしてください"},
		"config empty entry":      {En: "empty entry: write an address (sato@example.jp) or a domain (example.jp)", Ja: "空の項目です: アドレス（sato@example.jp）かドメイン（example.jp）を書いてください"},
		"config wildcard":         {En: "%q: write %q: a domain covers its subdomains", Ja: "%q: %q と書いてください（ドメインはそのサブドメインも含みます）"},
		"config not entry":        {En: "%q is not an address or a domain: write one per entry, like sato@example.jp or example.jp", Ja: "%q はアドレスでもドメインでもありません: sato@example.jp や example.jp のように 1 項目に 1 つ書いてください"},
		"config not address":      {En: "%q is not an address: write it like sato@example.jp", Ja: "%q はアドレスではありません: sato@example.jp のように書いてください"},
		"config not domain":       {En: "%q: %q is not a domain name: write it like example.jp", Ja: "%q: %q はドメイン名ではありません: example.jp のように書いてください"},
		"config env empty":        {En: "account %s: environment variable %s is empty: export it with the IMAP password", Ja: "アカウント %s: 環境変数 %s が空です: IMAP のパスワードを設定してください"},
		"config pwfile missing":   {En: "account %s: password file %s does not exist: write the password into it and chmod 600 it", Ja: "アカウント %s: パスワードファイル %s がありません: パスワードを書き込み、chmod 600 してください"},
		"config pwfile open":      {En: "account %s: password file %s can be read by other users (mode %s): run chmod 600 %s", Ja: "アカウント %s: パスワードファイル %s を他のユーザーが読めます（モード %s）: chmod 600 %s を実行してください"},
		"config pwfile empty":     {En: "account %s: password file %s is empty", Ja: "アカウント %s: パスワードファイル %s が空です"},
		"config no account":       {En: "no account named %q in %s (see `mailwarden account list`)", Ja: "%q という名前のアカウントは %s にありません（`mailwarden account list` を参照）"},
		"config account exists":   {En: "an account named %q exists already: remove it first or pick another name", Ja: "%q という名前のアカウントはすでにあります: 先に削除するか、別の名前にしてください"},
	})
}
