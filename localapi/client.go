package localapi

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"syscall"

	"github.com/mailwarden/mailwarden/store"
)

// ErrNotRunning means nothing listens on the socket: the daemon is not
// running (start it with `mailwarden run`, or the service).
var ErrNotRunning = errors.New("the mailwarden daemon is not running")

// Client talks to a running daemon. The CLI and the tray both use it.
type Client struct {
	Path string // the socket
	hc   *http.Client
}

// NewClient returns a client of the daemon listening at socketPath.
func NewClient(socketPath string) *Client {
	return &Client{Path: socketPath, hc: &http.Client{Transport: &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			return dial(ctx, socketPath)
		},
	}}}
}

// APIError is an error answer from the daemon: its status, its English
// text and, for the errors the daemon words from the catalog, the key and
// arguments to show it in the user's language (Localize).
type APIError struct {
	Status int
	Msg    string
	Code   string
	Args   []string
	Texts  []*Text // the arguments that are catalog texts
}

func (e *APIError) Error() string { return e.Msg }

// Text is the answer's catalog text (Key "" when it has none).
func (e *APIError) Text() Text { return Text{Key: e.Code, Args: e.Args, Texts: e.Texts} }

func (c *Client) do(ctx context.Context, method, path string, q url.Values, out any) error {
	return c.doJSON(ctx, method, path, q, nil, out)
}

// doJSON sends in (if not nil) as a JSON body and decodes the answer into out.
func (c *Client) doJSON(ctx context.Context, method, path string, q url.Values, in, out any) error {
	u := "http://mailwarden" + path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	var body io.Reader
	if in != nil {
		data, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(data)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, body)
	if err != nil {
		return err
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return c.dialErr(err)
	}
	defer resp.Body.Close()
	return decode(resp, out)
}

func (c *Client) dialErr(err error) error {
	// fs.ErrNotExist and fs.ErrPermission match both the Unix errnos and
	// Windows' (a missing pipe, a pipe whose ACL refuses us).
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ECONNREFUSED) {
		return &NotRunningError{Path: c.Path}
	}
	if errors.Is(err, fs.ErrPermission) {
		return fmt.Errorf("the daemon's socket %s belongs to another user: %w", c.Path, err)
	}
	return fmt.Errorf("talk to the daemon at %s: %w", c.Path, err)
}

func decode(resp *http.Response, out any) error {
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return fmt.Errorf("read the daemon's answer: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		var e errorBody
		if json.Unmarshal(body, &e) != nil || e.Error == "" {
			e = errorBody{Error: fmt.Sprintf("the daemon answered %s", resp.Status)}
		}
		return &APIError{Status: resp.StatusCode, Msg: e.Error, Code: e.Code, Args: e.Args, Texts: e.Texts}
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(body, out); err != nil {
		return fmt.Errorf("decode the daemon's answer: %w", err)
	}
	return nil
}

// Status returns the daemon's status.
func (c *Client) Status(ctx context.Context) (Status, error) {
	var s Status
	return s, c.do(ctx, "GET", "/v0/status", nil, &s)
}

// Actions returns the newest limit actions, oldest first.
func (c *Client) Actions(ctx context.Context, limit int) ([]store.Action, error) {
	var a []store.Action
	return a, c.do(ctx, "GET", "/v0/actions", url.Values{"limit": {strconv.Itoa(limit)}}, &a)
}

// NotJunk undoes the move recorded as action seq: the message goes back
// to INBOX and is learned as ham.
func (c *Client) NotJunk(ctx context.Context, seq uint64) (store.Action, error) {
	var a store.Action
	return a, c.do(ctx, "POST", "/v0/notjunk", url.Values{"seq": {strconv.FormatUint(seq, 10)}}, &a)
}

// SyncNow asks the daemon to check an account ("" = all) now.
func (c *Client) SyncNow(ctx context.Context, account string) error {
	var q url.Values
	if account != "" {
		q = url.Values{"account": {account}}
	}
	return c.do(ctx, "POST", "/v0/sync", q, nil)
}

// SetPaused pauses or resumes filtering.
func (c *Client) SetPaused(ctx context.Context, paused bool) error {
	p := "/v0/resume"
	if paused {
		p = "/v0/pause"
	}
	return c.do(ctx, "POST", p, nil, nil)
}

// Reload makes the daemon re-read its config file.
func (c *Client) Reload(ctx context.Context) error { return c.do(ctx, "POST", "/v0/reload", nil, nil) }

// Quota returns every account's storage report.
func (c *Client) Quota(ctx context.Context) ([]QuotaReport, error) {
	var q []QuotaReport
	return q, c.do(ctx, "GET", "/v0/quota", nil, &q)
}

// Events calls fn for each event until ctx is done, fn returns false, or
// the stream ends (the daemon stopped: the error says so).
func (c *Client) Events(ctx context.Context, fn func(Event) bool) error {
	resp, err := c.get(ctx, "/v0/events")
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64<<10), 4<<20)
	for sc.Scan() {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		var ev Event
		if err := json.Unmarshal(line, &ev); err != nil {
			return fmt.Errorf("decode event: %w", err)
		}
		if !fn(ev) {
			return nil
		}
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return fmt.Errorf("event stream ended: %w", ErrNotRunning)
}

// ProfileOptions choose how Profile asks for a profile.
type ProfileOptions struct {
	GC   bool // run a collection first
	Text bool // pprof's text form (debug=1) instead of its binary format
}

// Profile writes the daemon's runtime profile name (heap, allocs,
// goroutine, ...) to w.
func (c *Client) Profile(ctx context.Context, name string, o ProfileOptions, w io.Writer) error {
	q := url.Values{}
	if o.GC {
		q.Set("gc", "1")
	}
	if o.Text {
		q.Set("debug", "1")
	}
	p := "/v0/debug/pprof/" + url.PathEscape(name)
	if len(q) > 0 {
		p += "?" + q.Encode()
	}
	resp, err := c.get(ctx, p)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if _, err := io.Copy(w, resp.Body); err != nil {
		return fmt.Errorf("read the %s profile: %w", name, err)
	}
	return nil
}

// get starts a GET whose body the caller streams; an error answer is
// decoded into an error.
func (c *Client) get(ctx context.Context, path string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, "GET", "http://mailwarden"+path, nil)
	if err != nil {
		return nil, err
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, c.dialErr(err)
	}
	if resp.StatusCode != http.StatusOK {
		defer resp.Body.Close()
		return nil, decode(resp, nil)
	}
	return resp, nil
}
