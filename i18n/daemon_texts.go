package i18n

// Texts of the daemon's warnings that `status` and the tray show.
func init() {
	add(map[string]map[Lang]string{
		"secrets in file":         {En: "no OS keyring answered (no Secret Service on D-Bus?): passwords are kept in %s, readable only by you (mode 0600)", Ja: "OS のキーリングが応答しません（D-Bus に Secret Service がない？）。パスワードは %s に保存しています（あなただけが読めるモード 0600）"},
		"account cannot start":    {En: "account cannot start", Ja: "アカウントを開始できません"},
		"secrets none in keyring": {En: "no password stored for account %q in the keyring: run `mailwarden account password %s` to store it", Ja: "アカウント %q のパスワードがキーリングにありません: `mailwarden account password %s` で保存してください"},
		"secrets none in file":    {En: "no password stored for account %q in %s: run `mailwarden account password %s` to store it", Ja: "アカウント %q のパスワードが %s にありません: `mailwarden account password %s` で保存してください"},
		"store recovered":         {En: "state store %s was corrupt and was moved to %s; sync state is being rebuilt from the server", Ja: "状態ファイル %s が壊れていたため %s へ移しました。同期の状態をサーバーから作り直しています"},
		"awake no bus":            {En: "keep the PC awake: no system D-Bus (%s): the PC may sleep; turn off its sleep timer by hand", Ja: "PC のスリープ防止: システムの D-Bus がありません（%s）。スリープする可能性があります。スリープのタイマーを手動で切ってください"},
		"awake logind refused":    {En: "keep the PC awake: logind refused the inhibitor (%s): the PC may sleep; turn off its sleep timer by hand", Ja: "PC のスリープ防止: logind が抑止を拒否しました（%s）。スリープする可能性があります。スリープのタイマーを手動で切ってください"},
		"awake failed":            {En: "keep the PC awake: %s: it may sleep; turn off its sleep timer by hand", Ja: "PC のスリープ防止: %s。スリープする可能性があります。スリープのタイマーを手動で切ってください"},
		"awake unsupported":       {En: "keep the PC awake is not available on %s in this build: turn off its sleep timer by hand", Ja: "この版の %s ではスリープ防止を使えません。スリープのタイマーを手動で切ってください"},

		// A failed login, as status (the config's words), account add
		// (its flags) and account password show it.
		"login refused":          {En: "%s refused the login of %q (the server said: %s): if the password changed, store the new one with `mailwarden account password %s`; if not, check username in the config", Ja: "%s が %q のログインを拒否しました（サーバーの応答: %s）: パスワードを変えたなら `mailwarden account password %s` で新しいパスワードを保存してください。変えていなければ設定の username を確認してください"},
		"login refused try":      {En: "%s refused the login of %q (the server said: %s): check the password and the user name", Ja: "%s が %q のログインを拒否しました（サーバーの応答: %s）: パスワードとユーザー名を確認してください"},
		"login starttls":         {En: "%s refused STARTTLS (%s): use tls = \"tls\" on the implicit-TLS port (993)", Ja: "%s が STARTTLS を拒否しました（%s）: 暗黙の TLS のポート（993）で tls = \"tls\" にしてください"},
		"login starttls add":     {En: "%s refused STARTTLS (%s): use --tls tls (port 993)", Ja: "%s が STARTTLS を拒否しました（%s）: --tls tls（ポート 993）を指定してください"},
		"login cert":             {En: "the certificate of %s does not verify (%s): check the host name; for a private or self-signed server, give its CA certificate (ca_file = \"...\" in the config)", Ja: "%s の証明書を検証できません（%s）: ホスト名を確認してください。独自や自己署名の証明書のサーバーなら、その CA 証明書を指定してください（設定の ca_file = \"...\"）"},
		"login cert add":         {En: "the certificate of %s does not verify (%s): check --host; for a private or self-signed server, give its CA certificate with --ca-file FILE", Ja: "%s の証明書を検証できません（%s）: --host を確認してください。独自や自己署名の証明書のサーバーなら、その CA 証明書を --ca-file ファイル で指定してください"},
		"ca file missing":        {En: "ca_file %s does not exist: check the path in the config", Ja: "ca_file %s は存在しません: 設定のパスを確認してください"},
		"ca file unreadable":     {En: "ca_file %s cannot be read (%s): check the path and the file's permissions", Ja: "ca_file %s を読み取れません（%s）: パスとファイルのアクセス権を確認してください"},
		"ca file no pem":         {En: "ca_file %s holds no PEM certificate: give the server's CA certificate, a file that starts with -----BEGIN CERTIFICATE-----", Ja: "ca_file %s に PEM 形式の証明書がありません: -----BEGIN CERTIFICATE----- で始まる、サーバーの CA 証明書のファイルを指定してください"},
		"add ca file missing":    {En: "--ca-file %s does not exist: check the path", Ja: "--ca-file %s は存在しません: パスを確認してください"},
		"add ca file unreadable": {En: "--ca-file %s cannot be read (%s): check the path and the file's permissions", Ja: "--ca-file %s を読み取れません（%s）: パスとファイルのアクセス権を確認してください"},
		"add ca file no pem":     {En: "--ca-file %s holds no PEM certificate: give the server's CA certificate, a file that starts with -----BEGIN CERTIFICATE-----", Ja: "--ca-file %s に PEM 形式の証明書がありません: -----BEGIN CERTIFICATE----- で始まる、サーバーの CA 証明書のファイルを指定してください"},
		"server unreachable":     {En: "the server could not be reached (%s): nothing was done; check the network, and `mailwarden status` for the account's state", Ja: "サーバーに接続できませんでした（%s）: 何もしていません。ネットワークと、`mailwarden status` でアカウントの状態を確認してください"},
	})
}
