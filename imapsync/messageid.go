package imapsync

// MessageIDOf returns the Message-ID of a raw message (or its header) in
// the normalised form Message.MessageID holds, "" when it has none: tools
// that deliver mail and then look for it (the demo, tests) match the
// daemon's view of it exactly.
func MessageIDOf(raw []byte) string { return messageIDOf(raw) }
