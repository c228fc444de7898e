package localapi

import (
	"net/http"
	"runtime"
	"runtime/pprof"
)

// debugProfile serves GET /v0/debug/pprof/{name}: a runtime profile (heap,
// allocs, goroutine, ...) in pprof's format, for `go tool pprof`. The API
// is reachable only by the daemon's owner, like tailscale's LocalAPI
// pprof. With ?gc=1 a collection runs first, so a heap profile shows what
// is live rather than what the last cycle left; ?debug=1 gives pprof's
// text form instead (for heap: with the runtime's MemStats at the end).
func (s *Server) debugProfile(w http.ResponseWriter, r *http.Request) {
	p := pprof.Lookup(r.PathValue("name"))
	if p == nil {
		s.fail(w, NotFound("api no profile", r.PathValue("name")))
		return
	}
	if r.URL.Query().Get("gc") == "1" {
		runtime.GC()
	}
	dbg := 0
	if r.URL.Query().Get("debug") == "1" {
		dbg = 1
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	} else {
		w.Header().Set("Content-Type", "application/octet-stream")
	}
	if err := p.WriteTo(w, dbg); err != nil {
		s.log.Warn("write profile", "profile", p.Name(), "err", err)
	}
}
