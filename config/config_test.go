package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const good = `version = 1

[[account]]
name = "work"
host = "mail.example.jp"
username = "sato@mail.example.jp"
password_env = "MW_TEST_PW"
`

func TestParseDefaults(t *testing.T) {
	c, err := Parse("c.toml", []byte(good))
	if err != nil {
		t.Fatal(err)
	}
	a := c.Accounts[0]
	if a.Port != 993 || a.TLS != "tls" || a.TrainCap != 2000 || a.MaxFetchKiB != 64 || a.PollInterval.Duration != time.Minute {
		t.Fatalf("defaults not applied: %+v", a)
	}
}

// Each bad config names the file, the line of the problem and a fix.
func TestParseErrorsNameFileLineFix(t *testing.T) {
	cases := []struct {
		name, text string
		line       int
		fix        string
	}{
		{"bad tls", good + "tls = \"ssl\"\n", 8, `tls = "ssl" is not allowed: use "tls" (port 993), "starttls" (port 143) or "none"`},
		{"plaintext", good + "tls = \"none\"\n", 8, "allow_plaintext"},
		{"bad port", good + "port = 99999\n", 8, "993"},
		{"bad duration", good + "poll_interval = \"often\"\n", 8, `poll_interval = "often" is not allowed: write a duration like "60s"`},
		{"unknown key", good + "passwrd = \"x\"\n", 8, "spelling"},
		{"syntax", good + "host = \n", 8, "fix this line"},
		{"unclosed string", good + "host = \"mail.example.jp\n", 8, `"double quotes" closed on the same line`},
		// The decoder's own line is the next one when what it refused is
		// a line's end: the line of the unclosed [[account is 2.
		{"unclosed table name", "version = 1\n[[account\nname = \"x\"\nhost = \"h\"\n", 2, "fix this line"},
		{"unclosed table name at the end", "version = 1\n[[account\n", 2, "fix this line"},
		{"unclosed table name bracket", "version = 1\n[[account]\nname = \"x\"\n", 2, "fix this line"},
		{"double comma", "version = 1\n[[account]]\nallow_list = [\"a\",\n\"b\",,]\n", 4, "fix this line"},
		{"wrong type", good + "port = \"993\"\n", 8, "port must be a number, like port = 993 (no quotes)"},
		{"wrong type bool", good + "dry_run = \"yes\"\n", 8, "dry_run must be true or false, like dry_run = true"},
		{"wrong type text", good + "junk_folder = 7\n", 8, `junk_folder must be text in double quotes, like junk_folder = "7"`},
		{"wrong type number", good + "train_cap = \"lots\"\n", 8, `train_cap must be a number, like train_cap = 2000`},
		{"wrong type list", good + "allow_list = \"example.jp\"\n", 8, `allow_list must be a list in square brackets, like allow_list = ["example.jp"]`},
		{"no host", "[[account]]\nusername = \"a\"\npassword_env = \"X\"\n", 1, "host ="},
		{"second account dup name", good + "\n[[account]]\nname = \"work\"\nhost = \"h\"\nusername = \"u\"\npassword_env = \"X\"\n", 10, "own name"},
		{"name with a line break", strings.Replace(good, `name = "work"`, `name = "wo\nrk"`, 1), 4, `account 1: name "wo\nrk" has a control character (like a line break) or a space at its start or end: write a plain name on one line, like name = "work"`},
		{"name with a leading space", strings.Replace(good, `name = "work"`, `name = " work"`, 1), 4, `name " work" has a control character`},
		{"user name as name with a tab", "[[account]]\nhost = \"h\"\nusername = \"a\\tb\"\npassword_env = \"X\"\n", 3, `name "a\tb" has a control character`},
		{"newer version", strings.Replace(good, "version = 1", "version = 9", 1), 1, "update mailwarden"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("/home/u/.config/mailwarden/config.toml", []byte(tc.text))
			var ce *Error
			if !errors.As(err, &ce) {
				t.Fatalf("want *config.Error, got %v", err)
			}
			if ce.File != "/home/u/.config/mailwarden/config.toml" || ce.Line != tc.line {
				t.Errorf("got %s, want line %d", err, tc.line)
			}
			if !strings.Contains(err.Error(), tc.fix) {
				t.Errorf("error %q does not say the fix %q", err, tc.fix)
			}
		})
	}
}

func TestPasswordFileMustBePrivate(t *testing.T) {
	p := filepath.Join(t.TempDir(), "pw")
	if err := os.WriteFile(p, []byte("hunter2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	a := Account{Name: "w", PasswordFile: p}
	if _, err := a.Password(); err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Fatalf("world-readable password file accepted: %v", err)
	}
	os.Chmod(p, 0o600)
	pw, err := a.Password()
	if err != nil || pw != "hunter2" {
		t.Fatalf("got %q, %v", pw, err)
	}
	t.Setenv("MW_PW", "fromenv")
	a.PasswordEnv = "MW_PW"
	if pw, _ := a.Password(); pw != "fromenv" {
		t.Fatalf("env not preferred: %q", pw)
	}
}

// A value of the right TOML type that is not allowed is not called a
// syntax error, and gets no advice on quoting.
func TestBadValueIsNotSyntax(t *testing.T) {
	_, err := Parse("c.toml", []byte(good+"tls = \"tsl\"\n"))
	want := `c.toml:8: tls = "tsl" is not allowed: use "tls" (port 993), "starttls" (port 143) or "none" (only with allow_plaintext = true)`
	if err == nil || err.Error() != want {
		t.Fatalf("got %v\nwant %s", err, want)
	}
	for _, no := range []string{"TOML", "quotes"} {
		if strings.Contains(err.Error(), no) {
			t.Errorf("%q speaks of %s", err, no)
		}
	}
}
