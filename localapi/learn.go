package localapi

import (
	"context"
	"net/http"
	"net/url"

	"github.com/mailwarden/mailwarden/store"
)

// AllowList is an account's trusted and blocked senders as configured.
type AllowList struct {
	Account       string   `json:"account"`
	Allow         []string `json:"allow"`
	Block         []string `json:"block,omitempty"`
	AllowListOnly bool     `json:"allow_list_only,omitempty"`
	Config        string   `json:"config"` // the file holding them
	// Already are the entries an edit asked to add that were on the list
	// before.
	Already []string `json:"already,omitempty"`
}

// AllowEdit adds and removes allow list entries (addresses or domains) of
// an account ("" = the only account).
type AllowEdit struct {
	Account string   `json:"account,omitempty"`
	Add     []string `json:"add,omitempty"`
	Remove  []string `json:"remove,omitempty"`
}

// AllowList returns an account's allow list ("" = the only account).
func (c *Client) AllowList(ctx context.Context, account string) (AllowList, error) {
	var a AllowList
	var q url.Values
	if account != "" {
		q = url.Values{"account": {account}}
	}
	return a, c.do(ctx, "GET", "/v0/allow", q, &a)
}

// EditAllowList changes an account's allow list: the daemon writes the
// config file (keeping the rest of it) and reloads it.
func (c *Client) EditAllowList(ctx context.Context, req AllowEdit) (AllowList, error) {
	var a AllowList
	return a, c.doJSON(ctx, "POST", "/v0/allow", nil, req, &a)
}

// NotJunkMessage undoes mailwarden's newest move of the message with this
// Message-ID (in account, "" = any): it goes back to INBOX, is learned as
// ham and never moved again.
func (c *Client) NotJunkMessage(ctx context.Context, account, messageID string) (store.Action, error) {
	var a store.Action
	q := url.Values{"message_id": {messageID}}
	if account != "" {
		q.Set("account", account)
	}
	return a, c.do(ctx, "POST", "/v0/notjunk/message", q, &a)
}

func (s *Server) allowList(w http.ResponseWriter, r *http.Request) {
	a, err := s.b.AllowList(r.URL.Query().Get("account"))
	if err != nil {
		s.fail(w, err)
		return
	}
	writeJSON(w, a)
}

func (s *Server) editAllowList(w http.ResponseWriter, r *http.Request) {
	var req AllowEdit
	if !s.readBody(w, r, &req) {
		return
	}
	if len(req.Add)+len(req.Remove) == 0 {
		s.fail(w, BadRequest("api allow nothing"))
		return
	}
	a, err := s.b.EditAllowList(req)
	if err != nil {
		s.fail(w, err)
		return
	}
	writeJSON(w, a)
}

func (s *Server) notJunkMessage(w http.ResponseWriter, r *http.Request) {
	id := r.URL.Query().Get("message_id")
	if id == "" {
		s.fail(w, BadRequest("api no message id"))
		return
	}
	a, err := s.b.NotJunkMessage(r.Context(), r.URL.Query().Get("account"), id)
	if err != nil {
		s.fail(w, err)
		return
	}
	writeJSON(w, a)
}
