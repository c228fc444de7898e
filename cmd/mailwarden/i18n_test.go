package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/mailwarden/mailwarden/classifier"
	"github.com/mailwarden/mailwarden/i18n"
	"github.com/mailwarden/mailwarden/localapi"
)

// Every text key the command line, the daemon and the packages whose
// messages they show ask for exists (in both languages: i18n's own test
// checks that), so no English id shows up in a Japanese terminal. Keys are found in the source: the literal first
// argument of each .T(...) call, and the done text of simple(...).
func TestEveryUsedTextKeyExists(t *testing.T) {
	fset := token.NewFileSet()
	found := 0
	for _, dir := range []string{".", "../../daemon", "../../config", "../../power", "../../secrets", "../../store", "../../localapi"} {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		for _, path := range files {
			if strings.HasSuffix(path, "_test.go") {
				continue
			}
			f, err := parser.ParseFile(fset, path, nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			ast.Inspect(f, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok {
					return true
				}
				arg := -1
				switch fn := call.Fun.(type) {
				case *ast.SelectorExpr:
					switch fn.Sel.Name {
					case "T", "BadRequest", "NotFound", "Failure", "NewText": // localapi's carry a text key
						arg = 0
					}
				case *ast.Ident:
					switch fn.Name {
					case "simple":
						arg = 1
					case "BadRequest", "NotFound", "Failure", "NewText": // inside localapi
						arg = 0
					}
				}
				if arg < 0 || len(call.Args) <= arg {
					return true
				}
				lit, ok := call.Args[arg].(*ast.BasicLit)
				if !ok || lit.Kind != token.STRING {
					return true
				}
				key, _ := strconv.Unquote(lit.Value)
				found++
				if !i18n.Has(key) {
					t.Errorf("%s: text key %q has no text in i18n", fset.Position(lit.Pos()), key)
				}
				return true
			})
		}
	}
	if found < 30 {
		t.Fatalf("found only %d text keys in the source: the scan is broken", found)
	}
}

// Account states, verdicts and logged actions are shown by name through i18n.
func TestStatesAndActionsHaveTexts(t *testing.T) {
	for _, s := range []localapi.AccountState{
		localapi.StateStarting, localapi.StateTraining, localapi.StateOnline, localapi.StateOffline,
		localapi.StateAuthFailed, localapi.StateTLSError, localapi.StateConfigError, localapi.StatePaused,
	} {
		if !i18n.Has(string(s)) {
			t.Errorf("state %q has no text", s)
		}
	}
	for _, key := range []string{"tb report thin good", "tb report thin junk"} { // built from a name
		if !i18n.Has(key) {
			t.Errorf("%q has no text", key)
		}
	}
	for _, v := range []classifier.Verdict{classifier.Ham, classifier.Unsure, classifier.Spam} {
		if key := "verdict " + v.String(); !i18n.Has(key) {
			t.Errorf("verdict %v has no text", v)
		}
	}
	for _, a := range []string{"move-to-junk", "would-move", "mark-ham", "leave", "handled-elsewhere", "failed", "not-junk", "learned-spam", "learned-ham"} {
		if !i18n.Has("action " + a) {
			t.Errorf("action %q has no text", a)
		}
		if got := i18n.Ja.T("action " + a); got == i18n.En.T("action "+a) {
			t.Errorf("action %q: the Japanese text is the English one: %q", a, got)
		}
	}
}
