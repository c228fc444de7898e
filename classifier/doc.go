// Package classifier is mailwarden's spam filter: bytes in, verdict out.
//
// It owns three things and nothing else:
//
//   - reading a raw RFC 822 message: MIME walking (multipart, nested
//     message/rfc822, broken boundaries), transfer and charset decoding with
//     detection where the label is wrong or missing (ISO-2022-JP,
//     Shift_JIS/CP932, EUC-JP, UTF-8, GB18030, Big5, ISO-8859-x, windows-125x,
//     KOI8-R), RFC 2047 headers and HTML to text (Extract);
//   - turning that into tokens (Tokenize), including Japanese and Chinese
//     text, which is segmented by character class and bigrams;
//   - the Bayesian model: Robinson's f(w) per token combined with Fisher's
//     chi-square method as in SpamBayes and Thunderbird (Classify), learning
//     and unlearning (Train, Untrain), and the token store file it is kept in
//     (Open, Save).
//
// It knows nothing about IMAP, folders or accounts; the daemon feeds it
// message bytes and acts on the Result.
package classifier
