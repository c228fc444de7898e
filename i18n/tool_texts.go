package i18n

// Texts of the commands' help and of train, explain and
// import-thunderbird.
func init() {
	add(map[string]map[Lang]string{
		// One per command of `mailwarden help`: "help " + the command's name.
		"help run":                {En: "watch the configured accounts and move spam to Junk (the daemon, in the foreground)", Ja: "設定したアカウントを監視し、迷惑メールを迷惑メールフォルダへ移します（デーモンを前面で実行）"},
		"help train":              {En: "train the classifier from message files", Ja: "メールのファイルから分類器を学習させます"},
		"help classify":           {En: "print file, score and verdict for each message file", Ja: "メールのファイルごとに、ファイル名・スコア・判定を表示します"},
		"help eval":               {En: "measure the classifier on labelled corpora (TREC protocol: classify, then train, message by message)", Ja: "ラベル付きコーパスで分類器を評価します（TREC の手順: 1 通ずつ判定してから学習）"},
		"help explain":            {En: "the verdict, the score and the tokens that weighed most either way", Ja: "判定とスコア、判定に最も効いた語を表示します"},
		"help import-thunderbird": {En: "start from Thunderbird's junk training: add its training.dat as prior counts", Ja: "Thunderbird の迷惑メール学習データ（training.dat）を取り込んで学習を始めます"},
		"help status":             {En: "the daemon and every account: state, what it did, problems (exit 3: no daemon, 4: an account is failing)", Ja: "デーモンと各アカウントの状態・処理件数・問題を表示します（終了コード 3: デーモンなし、4: アカウントに問題あり）"},
		"help log":                {En: "the newest actions: what was moved, when, score", Ja: "最近の処理: 何をいつ移動したか、スコア"},
		"help sync":               {En: "check INBOX now", Ja: "受信箱を今すぐ確認します"},
		"help pause":              {En: "stop filtering until resume (mail stays in INBOX)", Ja: "resume までフィルタリングを止めます（メールは受信箱に残ります）"},
		"help resume":             {En: "start filtering again", Ja: "フィルタリングを再開します"},
		"help reload":             {En: "re-read the config file", Ja: "設定ファイルを読み直します"},
		"help quota":              {En: "every account's storage: used of the limit, when it will be full, the biggest folders and messages (exit 4: an account could not be read)", Ja: "各アカウントの容量: 使用量と上限、満杯になる見込み、大きなフォルダーとメッセージ（終了コード 4: 読み取れないアカウントあり）"},
		"help cleanup":            {En: "delete the mail of Junk or Trash (all, or older than DAYS) after confirming, and say how much space it freed", Ja: "確認のうえ迷惑メールまたはごみ箱のメール（全部、または指定日数より古いもの）を削除し、空いた容量を表示します"},
		"help notjunk":            {En: "undo a move to Junk: back to INBOX, learned as not junk, never moved again", Ja: "迷惑メールへの移動を取り消します: 受信箱へ戻し、迷惑メールではないと学習し、以後は移動しません"},
		"help allow":              {En: "senders never moved to Junk (with allow_list_only, the only ones that reach INBOX)", Ja: "迷惑メールに移さない差出人（allow_list_only では受信箱に届く唯一の差出人）"},
		"help account":            {En: "add an account (tests the login, keeps the password in the keyring), list or remove accounts, or store a new password (password NAME)", Ja: "アカウントの追加（ログインを確認し、パスワードはキーリングに保存）、一覧、削除、新しいパスワードの保存（password 名前）"},
		"help demo":               {En: "run the main job against a throw-away local Dovecot seeded with real mail", Ja: "実際のメールを入れた使い捨てのローカル Dovecot で主な処理を実演します"},
		"help version":            {En: "print mailwarden's version, commit and Go version (also --version)", Ja: "mailwarden のバージョン、コミット、Go のバージョンを表示します（--version も可）"},

		// train
		"train store dir":    {En: "--store needs a directory", Ja: "--store にはディレクトリを指定してください"},
		"usage train":        {En: "usage: mailwarden train [--store DIR] --spam DIR|FILE... --ham DIR|FILE...", Ja: "使い方: mailwarden train [--store ディレクトリ] --spam ディレクトリ|ファイル... --ham ディレクトリ|ファイル..."},
		"train which":        {En: "%q: say first whether it is --spam or --ham", Ja: "%q: 先に --spam か --ham かを指定してください"},
		"train nothing":      {En: "nothing to train: give --spam DIR|FILE... and/or --ham DIR|FILE...", Ja: "学習するものがありません: --spam ディレクトリ|ファイル... や --ham ディレクトリ|ファイル... を指定してください"},
		"trained":            {En: "trained: %d spam, %d ham in %s", Ja: "学習しました: 迷惑メール %d 通、通常メール %d 通（%s）"},
		"not mail judged":    {En: "warning: %s does not look like a mail message (it does not start with header fields); judged anyway", Ja: "警告: %s はメールに見えません（ヘッダーで始まっていません）。判定はしました"},
		"not mail skipped":   {En: "warning: skipped %d files that do not look like mail messages (they do not start with header fields), such as %s", Ja: "警告: メールに見えないファイル %d 個を学習しませんでした（ヘッダーで始まっていません）。例: %s"},
		"store locked":       {En: "a running mailwarden is using the data directory %s (its state store is locked, though it does not answer on the usual socket) and would overwrite what this command writes: stop it, run this again, and start it again", Ja: "実行中の mailwarden がデータディレクトリ %s を使用中です（通常のソケットでは応答しませんが、状態ファイルがロックされています）。このコマンドの書き込みを上書きしてしまうので、止めてからもう一度実行し、再び起動してください"},
		"no token store":     {En: "there is no token store in %s: train one first (mailwarden train --store %s --spam DIR --ham DIR), or check --store", Ja: "%s に学習データがありません: 先に学習させるか（mailwarden train --store %s --spam ディレクトリ --ham ディレクトリ）、--store を確認してください"},
		"classify untrained": {En: "warning: the token store in %s has %d spam and %d ham messages; train it with both first (mailwarden train)", Ja: "警告: %s の学習データは迷惑メール %d 通、通常メール %d 通です。先に両方を学習させてください（mailwarden train）"},
		"train daemon busy":  {En: "the mailwarden daemon (pid %d) is using the token store in %s and would overwrite this training: stop it, train, and start it again — or let it learn from your moves into and out of Junk", Ja: "mailwarden デーモン（pid %d）が %s の学習データを使用中で、この学習を上書きしてしまいます。デーモンを止めて学習し、再び起動してください。または、迷惑メールフォルダへの出し入れから学習させてください"},

		// explain
		"explain files":  {En: "give one or more message files", Ja: "メールのファイルを 1 つ以上指定してください"},
		"explain head":   {En: "%s\n  subject: %s\n  verdict: %s (score %.4f, %d distinct tokens)", Ja: "%s\n  件名: %s\n  判定: %s（スコア %.4f、異なる語 %d 個）"},
		"explain header": {En: "\tTOKEN\tSPAMMINESS\tIN SPAM\tIN HAM", Ja: "\t語\t迷惑メール度\t迷惑メール中\t通常メール中"},
		"explain spam":   {En: "spam", Ja: "迷惑"},
		"explain ham":    {En: "ham", Ja: "通常"},
		"verdict spam":   {En: "spam", Ja: "迷惑メール"},
		"verdict ham":    {En: "ham", Ja: "通常メール"},
		"verdict unsure": {En: "unsure", Ja: "判定保留"},

		// eval and demo
		"eval corpora":     {En: "give one or more corpora: NAME.tar.xz, an unpacked directory with index and data/, or a name in the shared corpus directory", Ja: "コーパスを 1 つ以上指定してください: NAME.tar.xz、index と data/ のある展開済みディレクトリ、または共有コーパスディレクトリ内の名前"},
		"eval limit":       {En: "--limit must be 0 or more", Ja: "--limit は 0 以上にしてください"},
		"eval corpus":      {En: "corpus %s: want NAME.tar.xz or a directory with index and data/", Ja: "コーパス %s: NAME.tar.xz か、index と data/ のあるディレクトリを指定してください"},
		"demo report text": {En: "\nmailwarden demo report\n  corpus                       %s\n  trained on (first start)     %d spam, %d ham\n  delivered live               %d (%d spam, %d ham)\n  processed by the daemon      %d\n  spam moved to Junk           %d (%s of spam)\n  ham wrongly moved to Junk    %d (%s of ham)\n  spam left in INBOX           %d\n  judged unsure, left alone    %d (spam and ham together)\n  delivery -> moved            median %.0f ms, p95 %.0f ms, max %.0f ms\n  folders before -> after      INBOX %d -> %d, Junk %d -> %d\n  every message in exactly one folder: %s\n  \\Seen set by mailwarden      %d\n  took                         %.1f s\n", Ja: "\nmailwarden デモのレポート\n  コーパス                     %s\n  最初の学習                   迷惑メール %d 通、通常メール %d 通\n  配信したメール               %d 通（迷惑メール %d、通常メール %d）\n  デーモンが処理               %d 通\n  迷惑メールフォルダへ移動     %d 通（迷惑メールの %s）\n  通常メールを誤って移動       %d 通（通常メールの %s）\n  受信箱に残った迷惑メール     %d 通\n  判定保留でそのままのもの     %d 通（迷惑メールと通常メールの合計）\n  配信から移動まで             中央値 %.0f ms、p95 %.0f ms、最大 %.0f ms\n  フォルダ（前 → 後）         受信箱 %d → %d、迷惑メール %d → %d\n  どのメールもちょうど一つのフォルダに: %s\n  mailwarden が付けた既読(\\Seen) %d\n  所要時間                     %.1f 秒\n"},
		"demo yes":         {En: "yes", Ja: "はい"},
		"demo no":          {En: "NO (lost %d, duplicated %d)", Ja: "いいえ（消失 %d 通、重複 %d 通）"},
		"demo report":      {En: "report written to %s", Ja: "レポートを %s に書き出しました"},

		// import-thunderbird
		"usage tbimport":      {En: "usage: mailwarden import-thunderbird [--store DIR] [--profile DIR | FILE]", Ja: "使い方: mailwarden import-thunderbird [--store ディレクトリ] [--profile ディレクトリ | ファイル]"},
		"tb no file":          {En: "no %s in %s: give the Thunderbird profile directory (Help > Troubleshooting Information > Profile Folder in Thunderbird); a profile whose junk filter was never trained has none", Ja: "%s が %s にありません。Thunderbird のプロファイルフォルダー（Thunderbird の ヘルプ > トラブルシューティング情報 > プロファイルフォルダー）を指定してください。迷惑メールフィルターを学習させたことのないプロファイルにはありません"},
		"tb several in":       {En: "%s holds several Thunderbird profiles with training data; pick one with --profile:\n  %s", Ja: "%s には学習データのある Thunderbird プロファイルが複数あります。--profile で一つ選んでください:\n  %s"},
		"tb none found":       {En: "no Thunderbird training data found in the usual places (%s): pass --profile DIR or the training.dat file", Ja: "いつもの場所（%s）に Thunderbird の学習データが見つかりません。--profile ディレクトリ か training.dat ファイルを指定してください"},
		"tb several":          {En: "several Thunderbird profiles have training data; pick one with --profile:\n  %s", Ja: "学習データのある Thunderbird プロファイルが複数あります。--profile で一つ選んでください:\n  %s"},
		"tb report file":      {En: "Thunderbird training data: %s", Ja: "Thunderbird の学習データ: %s"},
		"tb report trained":   {En: "  trained on %s junk and %s good messages; %s token records", Ja: "  学習済み: 迷惑メール %s 通、通常メール %s 通。語の記録 %s 件"},
		"tb report mapped":    {En: "  mapped:  %s records onto %s tokens of mailwarden (%s)", Ja: "  対応付け: %s 件の記録を mailwarden の語 %s 個へ（%s）"},
		"tb report dropped":   {En: "  dropped: %s records (%s)", Ja: "  除外:     %s 件（%s）"},
		"tb report full":      {En: "  weight:  full (--full)", Ja: "  重み:     そのまま（--full）"},
		"tb report within":    {En: "  weight:  full (%s messages, within the bound of %s: your own training (%s) or %s, the larger)", Ja: "  重み:     そのまま（%s 通分。上限 %s 以内: ご自身の学習量（%s）と %s の大きい方）"},
		"tb report scaled":    {En: "  weight:  counts scaled by %.3g so Thunderbird's training weighs as %s messages, no more than your own training (%s) or %s (--full: unscaled)", Ja: "  重み:     件数を %.3g 倍し、Thunderbird の学習を %s 通分として扱います。ご自身の学習量（%s）または %s を超えません（--full で縮小なし）"},
		"tb report adds":      {En: "  adds:    %s spam and %s ham messages' worth, %s tokens", Ja: "  追加:     迷惑メール %s 通分、通常メール %s 通分、語 %s 個"},
		"tb report thin good": {En: "  note:    Thunderbird was trained on only %d good messages: that side of its evidence is thin until mailwarden trains on your mail", Ja: "  注意:     Thunderbird の学習は通常メール %d 通だけです。mailwarden がお使いのメールで学習するまで、その側の根拠は弱めです"},
		"tb report thin junk": {En: "  note:    Thunderbird was trained on only %d junk messages: that side of its evidence is thin until mailwarden trains on your mail", Ja: "  注意:     Thunderbird の学習は迷惑メール %d 通だけです。mailwarden がお使いのメールで学習するまで、その側の根拠は弱めです"},
		"tb dry run":          {En: "dry run: the token store was not changed", Ja: "試行のみ: 学習データは変更していません"},
		"tb added":            {En: "added to %s: the store now holds %d spam and %d ham messages, %s tokens", Ja: "%s に追加しました: 迷惑メール %d 通、通常メール %d 通、語 %s 個になりました"},
		"tb already":          {En: "this training.dat was already imported on %s (from %s: %d spam, %d ham messages added); pass --again to add it a second time", Ja: "この training.dat は %s に取り込み済みです（%s から迷惑メール %d 通、通常メール %d 通分）。もう一度加えるには --again を付けてください"},
		"tb daemon running":   {En: "the mailwarden daemon is running (socket %s): it keeps the token store in memory and would overwrite the import; stop it, import, and start it again", Ja: "mailwarden デーモンが動いています（ソケット %s）。学習データをメモリに持っているため取り込みを上書きしてしまいます。デーモンを止めて取り込み、再び起動してください"},
	})
}
