package localapi

import (
	"errors"
	"strings"

	"github.com/mailwarden/mailwarden/i18n"
)

// Text is a user-facing text as a key of the i18n catalog and its
// arguments, so that every client shows it in its own user's language
// (the daemon may run with another LANG, or none).
type Text = i18n.Message

// NewText makes a Text; each argument is formatted with %v.
func NewText(key string, args ...any) Text { return i18n.Msg(key, args...) }

// Problem is an error the daemon answers with, as the user should read it:
// what failed and what to do, as a catalog text. Kind chooses the answer's
// status: ErrBadRequest (the caller's mistake), ErrNotFound, or nil (the
// daemon failed). Its Error is the English text, without HTTP words.
type Problem struct {
	Kind error
	Text
}

func (p *Problem) Error() string { return p.In(i18n.En) }

// Is makes errors.Is(p, ErrBadRequest) and errors.Is(p, ErrNotFound) work.
func (p *Problem) Is(target error) bool { return p.Kind != nil && target == p.Kind }

// BadRequest is a Problem of the caller's making (400).
func BadRequest(key string, args ...any) error {
	return &Problem{Kind: ErrBadRequest, Text: NewText(key, args...)}
}

// NotFound is a Problem naming something that does not exist (404).
func NotFound(key string, args ...any) error {
	return &Problem{Kind: ErrNotFound, Text: NewText(key, args...)}
}

// Failure is a Problem of the daemon's own (500).
func Failure(key string, args ...any) error { return &Problem{Text: NewText(key, args...)} }

// errorBody is an error answer: the English text, and the catalog text
// when there is one.
type errorBody struct {
	Error string          `json:"error"`
	Code  string          `json:"code,omitempty"`
	Args  []string        `json:"args,omitempty"`
	Texts []*i18n.Message `json:"texts,omitempty"` // the arguments that are catalog texts (i18n.Message)
}

// bodyOf is the answer for err. An error that is not a Problem keeps its
// text, less the "bad request"/"not found" words that only choose the
// status.
func bodyOf(err error) errorBody {
	var p *Problem
	if errors.As(err, &p) && p.Error() == err.Error() {
		return errorBody{Error: p.Error(), Code: p.Key, Args: p.Args, Texts: p.Texts}
	}
	msg := err.Error()
	for _, kind := range []error{ErrBadRequest, ErrNotFound} {
		if rest, ok := strings.CutPrefix(msg, kind.Error()); ok && (rest == "" || rest[0] == ':' || rest[0] == '\n') {
			msg = strings.TrimSpace(strings.TrimPrefix(rest, ":"))
		}
	}
	return errorBody{Error: msg}
}

// NotRunningError is the client's error when no daemon answers on Path.
type NotRunningError struct{ Path string }

func (e *NotRunningError) Error() string { return e.In(i18n.En) }

// Is makes errors.Is(err, ErrNotRunning) work.
func (e *NotRunningError) Is(target error) bool { return target == ErrNotRunning }

// In is the error in l.
func (e *NotRunningError) In(l i18n.Lang) string { return l.T("api not running", e.Path) }

// Localize is err's text in l: the daemon's answers that carry a catalog
// text, and "no daemon", are put in l wherever they stand in err's text
// (an error wrapped with context keeps its context). Other text stays as
// it is.
func Localize(err error, l i18n.Lang) string {
	msg := err.Error()
	var nr *NotRunningError
	if errors.As(err, &nr) {
		msg = strings.Replace(msg, nr.Error(), nr.In(l), 1)
	}
	var ae *APIError
	if errors.As(err, &ae) && ae.Code != "" && i18n.Has(ae.Code) {
		msg = strings.Replace(msg, ae.Msg, ae.Text().In(l), 1)
	}
	var p *Problem
	if errors.As(err, &p) {
		msg = strings.Replace(msg, p.Error(), p.In(l), 1)
	}
	return msg
}
