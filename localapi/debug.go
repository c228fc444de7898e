package localapi

import (
	"fmt"
	"net/http"
	"runtime"
	"runtime/pprof"
)

// debugProfile serves GET /v0/debug/pprof/{name}: a runtime profile (heap,
// allocs, goroutine, ...) in pprof's format, for `go tool pprof`. The API
// is reachable only by the daemon's owner, like tailscale's LocalAPI
// pprof. With ?gc=1 a collection runs first, so a heap profile shows what
// is live rather than what the last cycle left.
func (s *Server) debugProfile(w http.ResponseWriter, r *http.Request) {
	p := pprof.Lookup(r.PathValue("name"))
	if p == nil {
		s.fail(w, fmt.Errorf("%w: no profile %q (try heap, allocs, goroutine)", ErrNotFound, r.PathValue("name")))
		return
	}
	if r.URL.Query().Get("gc") == "1" {
		runtime.GC()
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	if err := p.WriteTo(w, 0); err != nil {
		s.log.Warn("write profile", "profile", p.Name(), "err", err)
	}
}
