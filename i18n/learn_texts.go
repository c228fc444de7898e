package i18n

// Texts of learning from the user: undo and the allow list (issue 5).
func init() {
	add(map[string]map[Lang]string{
		"not junk done":    {En: "#%d %s is back in INBOX (%s), learned as not junk; mailwarden will not move it again", Ja: "#%d %s を受信箱に戻しました（%s）。迷惑メールではないと学習し、今後は移動しません"},
		"not junk already": {En: "#%d %s was back in INBOX already; learned as not junk", Ja: "#%d %s はすでに受信箱にありました。迷惑メールではないと学習しました"},
		"allow header":     {En: "allow list of %s (%s):", Ja: "%s の許可リスト（%s）:"},
		"allow empty":      {En: "  (empty: `mailwarden allow add DOMAIN|ADDRESS`)", Ja: "  （空です: `mailwarden allow add ドメイン|アドレス`）"},
		"allow only on":    {En: "allow-list-only: mail from anyone else (and from no one you wrote to) goes to Junk", Ja: "許可リストのみ: それ以外（送信したことのない相手）からのメールは迷惑メールフォルダへ移します"},
		"block header":     {En: "block list: %s", Ja: "拒否リスト: %s"},
		"allow changed":    {En: "allow list of %s saved (%s); the daemon uses it now", Ja: "%s の許可リストを保存しました（%s）。すぐに反映されます"},
		"allow already":    {En: "%s was already on the allow list of %s", Ja: "%s はすでに %s の許可リストにありました"},
		"one entry":        {En: "1 entry", Ja: "1 件"},
		"entries":          {En: "%d entries", Ja: "%d 件"},
	})
}
