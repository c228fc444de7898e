package localapi

import (
	"context"
	"net/mail"
	"net/url"
	"strings"
)

// AccountConfig is an account's settings as the config file holds them
// (never its password).
type AccountConfig struct {
	Name           string `json:"name"`
	Host           string `json:"host"`
	Port           int    `json:"port"`
	TLS            string `json:"tls"`
	Username       string `json:"username"`
	PasswordSource string `json:"password_source"` // "keyring", "file ...", "env NAME"
	DryRun         bool   `json:"dry_run,omitempty"`
}

// AccountAdd asks the daemon to test and save a new account. With Host
// empty the daemon proposes the server settings from Address.
type AccountAdd struct {
	Name           string `json:"name"`
	Address        string `json:"address"`
	Host           string `json:"host,omitempty"`
	Port           int    `json:"port,omitempty"`
	TLS            string `json:"tls,omitempty"`
	Username       string `json:"username,omitempty"`
	Password       string `json:"password"`
	CAFile         string `json:"ca_file,omitempty"`
	AllowPlaintext bool   `json:"allow_plaintext,omitempty"`
	DryRun         bool   `json:"dry_run,omitempty"`
}

// AccountPassword asks the daemon to store a new password for an
// existing account, once a login with it works.
type AccountPassword struct {
	Name     string `json:"name"`
	Password string `json:"password"`
}

// AccountAdded is the result: the saved settings and every attempt made.
type AccountAdded struct {
	Account  AccountConfig `json:"account"`
	Attempts []string      `json:"attempts"`
}

// ParseAddress checks a mail address ("Sato <sato@example.jp>" too) and
// returns its bare form; the error says how to write one. The command line
// checks with it before asking the daemon, which checks again.
func ParseAddress(s string) (string, error) {
	addr, err := mail.ParseAddress(strings.TrimSpace(s))
	if err != nil {
		return "", BadRequest("api not an address", s)
	}
	return addr.Address, nil
}

// Accounts lists the configured accounts.
func (c *Client) Accounts(ctx context.Context) ([]AccountConfig, error) {
	var a []AccountConfig
	return a, c.do(ctx, "GET", "/v0/accounts", nil, &a)
}

// AddAccount tests the login and, when it works, saves the account (its
// password in the keyring) and starts watching it.
func (c *Client) AddAccount(ctx context.Context, req AccountAdd) (AccountAdded, error) {
	var r AccountAdded
	return r, c.doJSON(ctx, "POST", "/v0/accounts", nil, req, &r)
}

// RemoveAccount stops watching an account and deletes it and its password.
func (c *Client) RemoveAccount(ctx context.Context, name string) error {
	return c.do(ctx, "DELETE", "/v0/accounts", url.Values{"name": {name}}, nil)
}

// SetPassword tests a login of the named account with password and, when
// it works, stores the password (keyring) and restarts the account with
// it. It returns the account's settings (PasswordSource: where it went).
func (c *Client) SetPassword(ctx context.Context, name, password string) (AccountConfig, error) {
	var a AccountConfig
	return a, c.doJSON(ctx, "POST", "/v0/accounts/password", nil, AccountPassword{Name: name, Password: password}, &a)
}
