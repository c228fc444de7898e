// Package localapi is the daemon's control surface: a small HTTP API over a
// Unix socket that only the user who runs the daemon can reach, and the one
// typed Client the command line and the tray both use. The daemon provides
// a Backend; this package knows nothing of IMAP or the classifier.
//
// Endpoints (all JSON; errors are {"error": "..."} with a 4xx/5xx status):
//
//	GET  /v0/status             Status
//	GET  /v0/actions?limit=N    []store.Action, oldest first
//	POST /v0/notjunk?seq=N      undo a move to Junk: back to INBOX, trained as ham
//	POST /v0/sync[?account=A]   check now
//	POST /v0/pause, /v0/resume  stop / restart filtering (watching goes on)
//	POST /v0/reload             re-read the config file
//	GET  /v0/quota              []QuotaReport: every account's storage, read now
//	POST /v0/cleanup            CleanupRequest → []CleanupReport: count (dry run) or delete Junk/Trash mail
//	GET  /v0/events             a stream of Event, one JSON object per line
//	GET  /v0/debug/pprof/NAME  a runtime profile (heap, goroutine, ...) for go tool pprof
package localapi
