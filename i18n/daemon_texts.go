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
	})
}
