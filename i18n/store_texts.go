package i18n

// Texts of the token store and the state store: damage, recovery, and
// what the command line says about a --store directory.
func init() {
	add(map[string]map[Lang]string{
		"store rebuilt training kept": {En: "the token store %s is kept (trained on %d spam, %d ham): the rebuild records the mail already on the server without training it again", Ja: "トークンストア %s はそのまま使います（学習済み: 迷惑メール %d 通、通常メール %d 通）。作り直しではサーバーにあるメールを記録するだけで、もう一度学習はしません"},

		// A damaged tokens.db. %[1]s the file, %[2]s what is wrong with it.
		"token store corrupt":     {En: "token store %s is corrupt (%s): move it aside (mv %s %s.bad) and train again: with `mailwarden train --spam DIR --ham DIR` from message files, or, if the daemon trained it, also move %s aside and start `mailwarden run`: it learns again from the mail on the server", Ja: "トークンストア %s が壊れています（%s）: 別の場所へ移して（mv %s %s.bad）学習し直してください。メールのファイルから `mailwarden train --spam ディレクトリ --ham ディレクトリ` で学習するか、デーモンが学習したものなら %s も移して `mailwarden run` を起動してください。サーバーにあるメールから学習し直します"},
		"token store corrupt run": {En: "token store %s is corrupt (%s): move it and the state store aside (mv %s %s.bad; mv %s %s.bad) and start `mailwarden run` again: it learns again from the mail on the server", Ja: "トークンストア %s が壊れています（%s）: これと状態ファイルを別の場所へ移して（mv %s %s.bad; mv %s %s.bad）、`mailwarden run` をもう一度起動してください。サーバーにあるメールから学習し直します"},

		// What is wrong with a damaged tokens.db (classifier.CorruptError's Kind).
		"token store damage truncated":        {En: "truncated", Ja: "途中で切れています"},
		"token store damage truncated tokens": {En: "truncated: %d tokens announced, room for at most %d", Ja: "途中で切れています: トークン %d 個とありますが、%d 個分しかありません"},
		"token store damage truncated at":     {En: "truncated at token %d of %d", Ja: "トークン %d 個目（全 %d 個）で切れています"},
		"token store damage bad magic":        {En: "not a token store", Ja: "学習データのファイルではありません"},
		"token store damage version":          {En: "unsupported version %d, this mailwarden reads versions %d and %d", Ja: "対応していない版 %d です。この mailwarden が読めるのは版 %d と %d です"},
		"token store damage weight":           {En: "token %d of %d has weight %v", Ja: "トークン %d 個目（全 %d 個）の重みが %v です"},
		"token store damage trailing":         {En: "trailing bytes after the last token", Ja: "最後のトークンの後に余分なデータがあります"},
		"token store damage checksum":         {En: "checksum mismatch", Ja: "チェックサムが合いません"},

		// --store that cannot hold a token store.
		"store is file":      {En: "%s is a file, not a directory: pass a directory to --store (the token store is kept inside it)", Ja: "%s はファイルで、ディレクトリではありません: --store にはディレクトリを指定してください（学習データはその中に保存されます）"},
		"store under file":   {En: "cannot create the store directory %s: %s is a file, not a directory: pass another directory to --store", Ja: "保存先のディレクトリ %s を作れません: %s はファイルで、ディレクトリではありません。--store に別のディレクトリを指定してください"},
		"store not writable": {En: "cannot save the token store in %s: %s is not writable (%s): nothing was read or trained; make it writable (chmod u+w) or pass another directory to --store", Ja: "%s に学習データを保存できません: %s に書き込めません（%s）。何も読み込まず、学習もしていません。書き込めるようにする（chmod u+w）か、--store に別のディレクトリを指定してください"},
		"store save failed":  {En: "cannot save the token store in %s (%s): the training of this run is lost; check the directory's permissions and free space, then train again", Ja: "%s に学習データを保存できません（%s）: 今回の学習は保存されていません。ディレクトリのアクセス権と空き容量を確認して、もう一度学習させてください"},

		// train reads standard input once.
		"train stdin twice": {En: "- (standard input) is given more than once: it can be read only once; give it in one place (--spam - or --ham -)", Ja: "-（標準入力）が複数回指定されています: 標準入力は一度しか読めません。一か所だけに指定してください（--spam - か --ham -）"},
	})
}
