package daemon

import (
	"crypto/x509"
	"errors"
	"io/fs"
	"os"

	"github.com/mailwarden/mailwarden/i18n"
	"github.com/mailwarden/mailwarden/imapsync"
)

// fixWords chooses whose words a failed login's advice uses: the config
// file's (the status of a configured account), account add's flags, or
// account password's.
type fixWords int

const (
	wordsConfig fixWords = iota
	wordsAdd
	wordsPassword
)

// loginError is a failed login's err worded as a catalog text where
// mailwarden knows the failure (a refused password, a server without TLS,
// a refused STARTTLS, a server answering in the other TLS mode, a
// certificate), so that every client shows it in its
// user's language; the server's own text stays as it is. The result's
// chain keeps err (errors.Is(…, imapsync.ErrAuth) still holds). account
// names the account in the advice of wordsConfig.
func loginError(err error, account string, words fixWords) error {
	var (
		ae *imapsync.AuthError
		nt *imapsync.NotTLSError
		it *imapsync.ImplicitTLSError
		se *imapsync.StartTLSError
		te *imapsync.TLSError
		m  i18n.Message
	)
	flags := words == wordsAdd
	switch {
	case errors.As(err, &ae) && words == wordsConfig:
		m = i18n.Msg("login refused", ae.Host, ae.User, ae.Server, account)
	case errors.As(err, &ae):
		m = i18n.Msg("login refused try", ae.Host, ae.User, ae.Server)
	case errors.As(err, &nt) && flags:
		m = i18n.Msg("login not tls port add", nt.Addr, nt.Port())
	case errors.As(err, &nt):
		m = i18n.Msg("login not tls port", nt.Addr, nt.Port())
	case errors.As(err, &it) && flags:
		m = i18n.Msg("login implicit tls add", it.Addr, it.Port())
	case errors.As(err, &it):
		m = i18n.Msg("login implicit tls", it.Addr, it.Port())
	case errors.As(err, &se) && flags:
		m = i18n.Msg("login starttls add", se.Addr, se.Err)
	case errors.As(err, &se):
		m = i18n.Msg("login starttls", se.Addr, se.Err)
	case errors.As(err, &te) && flags:
		m = i18n.Msg("login cert add", te.Addr, te.Err)
	case errors.As(err, &te):
		m = i18n.Msg("login cert", te.Addr, te.Err)
	default:
		return err
	}
	return &i18n.Error{Message: m, Err: err}
}

// dialError is a failed connection of a one-off job (a clean-up) worded
// for the user: no server answering says so and where to look; a refused
// login or certificate as loginError words it.
func dialError(err error, account string) error {
	if loginFailure(err) == failConnect {
		return &i18n.Error{Message: i18n.Msg("server unreachable", err), Err: err}
	}
	return loginError(err, account, wordsConfig)
}

// readCAFile reads a CA certificate file (PEM) into a pool. Its errors
// name the file and the fix, as catalog texts in the words of the config
// (ca_file) or of account add (--ca-file).
func readCAFile(path string, words fixWords) (*x509.CertPool, error) {
	missing, unreadable, noPEM := "ca file missing", "ca file unreadable", "ca file no pem"
	if words == wordsAdd {
		missing, unreadable, noPEM = "add ca file missing", "add ca file unreadable", "add ca file no pem"
	}
	pem, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, &i18n.Error{Message: i18n.Msg(missing, path), Err: err}
		}
		reason := err
		var pe *fs.PathError
		if errors.As(err, &pe) {
			reason = pe.Err // the path is said once, by the text
		}
		return nil, &i18n.Error{Message: i18n.Msg(unreadable, path, reason), Err: err}
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, &i18n.Error{Message: i18n.Msg(noPEM, path)}
	}
	return pool, nil
}
