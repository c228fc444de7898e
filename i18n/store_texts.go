package i18n

// Texts of the token store and the state store: damage, recovery, and
// what the command line says about a --store directory.
func init() {
	add(map[string]map[Lang]string{
		"store rebuilt training kept": {En: "the token store %s is kept (trained on %d spam, %d ham): the rebuild records the mail already on the server without training it again", Ja: "トークンストア %s はそのまま使います（学習済み: 迷惑メール %d 通、通常メール %d 通）。作り直しではサーバーにあるメールを記録するだけで、もう一度学習はしません"},
	})
}
