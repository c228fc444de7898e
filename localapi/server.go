package localapi

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"time"
)

// Server serves a Backend over a listener from Listen.
type Server struct {
	b   Backend
	log *slog.Logger
	srv *http.Server
}

// NewServer returns a server for b.
func NewServer(b Backend, log *slog.Logger) *Server {
	if log == nil {
		log = slog.Default()
	}
	s := &Server{b: b, log: log}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v0/status", s.status)
	mux.HandleFunc("GET /v0/actions", s.actions)
	mux.HandleFunc("POST /v0/notjunk", s.notJunk)
	mux.HandleFunc("POST /v0/notjunk/message", s.notJunkMessage)
	mux.HandleFunc("GET /v0/allow", s.allowList)
	mux.HandleFunc("POST /v0/allow", s.editAllowList)
	mux.HandleFunc("POST /v0/sync", s.sync)
	mux.HandleFunc("POST /v0/pause", s.pause(true))
	mux.HandleFunc("POST /v0/resume", s.pause(false))
	mux.HandleFunc("POST /v0/reload", s.reload)
	mux.HandleFunc("GET /v0/quota", s.quota)
	mux.HandleFunc("POST /v0/cleanup", s.cleanup)
	mux.HandleFunc("GET /v0/events", s.events)
	mux.HandleFunc("GET /v0/accounts", s.accounts)
	mux.HandleFunc("POST /v0/accounts", s.addAccount)
	mux.HandleFunc("DELETE /v0/accounts", s.removeAccount)
	mux.HandleFunc("POST /v0/accounts/password", s.setPassword)
	mux.HandleFunc("GET /v0/debug/pprof/{name}", s.debugProfile)
	s.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	return s
}

// Serve answers requests on ln until Shutdown.
func (s *Server) Serve(ln net.Listener) error {
	err := s.srv.Serve(ln)
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}

// Shutdown stops the server, ending event streams.
func (s *Server) Shutdown(ctx context.Context) error {
	s.srv.SetKeepAlivesEnabled(false)
	err := s.srv.Shutdown(ctx)
	if errors.Is(err, context.DeadlineExceeded) {
		return s.srv.Close()
	}
	return err
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(v)
}

func (s *Server) fail(w http.ResponseWriter, err error) {
	code := http.StatusInternalServerError
	switch {
	case errors.Is(err, ErrNotFound):
		code = http.StatusNotFound
	case errors.Is(err, ErrBadRequest):
		code = http.StatusBadRequest
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(bodyOf(err))
}

func (s *Server) status(w http.ResponseWriter, r *http.Request) { writeJSON(w, s.b.Status()) }

func (s *Server) actions(w http.ResponseWriter, r *http.Request) {
	limit := 50
	if v := r.URL.Query().Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			s.fail(w, BadRequest("api bad limit"))
			return
		}
		limit = n
	}
	acts, err := s.b.Actions(limit)
	if err != nil {
		s.fail(w, err)
		return
	}
	writeJSON(w, acts)
}

func (s *Server) notJunk(w http.ResponseWriter, r *http.Request) {
	seq, err := strconv.ParseUint(r.URL.Query().Get("seq"), 10, 64)
	if err != nil {
		s.fail(w, BadRequest("api bad seq"))
		return
	}
	a, err := s.b.NotJunk(r.Context(), seq)
	if err != nil {
		s.fail(w, err)
		return
	}
	writeJSON(w, a)
}

func (s *Server) sync(w http.ResponseWriter, r *http.Request) {
	if err := s.b.SyncNow(r.URL.Query().Get("account")); err != nil {
		s.fail(w, err)
		return
	}
	writeJSON(w, map[string]bool{"ok": true})
}

func (s *Server) pause(p bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.b.SetPaused(p)
		writeJSON(w, map[string]bool{"paused": p})
	}
}

func (s *Server) reload(w http.ResponseWriter, r *http.Request) {
	if err := s.b.Reload(); err != nil {
		s.fail(w, err)
		return
	}
	writeJSON(w, map[string]bool{"ok": true})
}

func (s *Server) quota(w http.ResponseWriter, r *http.Request) {
	q, err := s.b.Quota(r.Context())
	if err != nil {
		s.fail(w, err)
		return
	}
	writeJSON(w, q)
}

// events streams one JSON Event per line until the client goes away.
func (s *Server) events(w http.ResponseWriter, r *http.Request) {
	fl, ok := w.(http.Flusher)
	if !ok {
		s.fail(w, errors.New("streaming unsupported"))
		return
	}
	ch, cancel := s.b.Subscribe()
	defer cancel()
	w.Header().Set("Content-Type", "application/x-ndjson")
	w.WriteHeader(http.StatusOK)
	fl.Flush()
	enc := json.NewEncoder(w)
	keep := time.NewTicker(30 * time.Second)
	defer keep.Stop()
	for {
		select {
		case ev, ok := <-ch:
			if !ok {
				return
			}
			if err := enc.Encode(ev); err != nil {
				return
			}
			fl.Flush()
		case <-keep.C:
			// A blank line keeps idle streams alive through timeouts.
			if _, err := w.Write([]byte("\n")); err != nil {
				return
			}
			fl.Flush()
		case <-r.Context().Done():
			return
		}
	}
}

func (s *Server) accounts(w http.ResponseWriter, r *http.Request) {
	a, err := s.b.Accounts()
	if err != nil {
		s.fail(w, err)
		return
	}
	writeJSON(w, a)
}

func (s *Server) addAccount(w http.ResponseWriter, r *http.Request) {
	var req AccountAdd
	if !s.readBody(w, r, &req) {
		return
	}
	res, err := s.b.AddAccount(r.Context(), req)
	if err != nil {
		s.fail(w, err)
		return
	}
	writeJSON(w, res)
}

func (s *Server) setPassword(w http.ResponseWriter, r *http.Request) {
	var req AccountPassword
	if !s.readBody(w, r, &req) {
		return
	}
	a, err := s.b.SetPassword(r.Context(), req)
	if err != nil {
		s.fail(w, err)
		return
	}
	writeJSON(w, a)
}

// readBody decodes the request's JSON body into v; when it cannot, it
// answers with the error and returns false.
func (s *Server) readBody(w http.ResponseWriter, r *http.Request, v any) bool {
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(v); err != nil {
		s.fail(w, BadRequest("api bad body", err))
		return false
	}
	return true
}

func (s *Server) removeAccount(w http.ResponseWriter, r *http.Request) {
	if err := s.b.RemoveAccount(r.URL.Query().Get("name")); err != nil {
		s.fail(w, err)
		return
	}
	writeJSON(w, map[string]bool{"ok": true})
}
