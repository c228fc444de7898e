package localapi

import (
	"strings"
	"testing"
)

// The Windows pipe names and ACL are plain strings: checked on every OS.
func TestPipeName(t *testing.T) {
	if got, want := pipeName("", `OFFICE\sato`), `\\.\pipe\mailwarden-OFFICE-sato`; got != want {
		t.Errorf("default pipe %q, want %q", got, want)
	}
	if got := pipeName(`\\.\pipe\custom`, "sato"); got != `\\.\pipe\custom` {
		t.Errorf("a pipe name given as --socket changed: %q", got)
	}
	a, b := pipeName(`C:\tmp\a.sock`, "sato"), pipeName(`C:\tmp\b.sock`, "sato")
	if a == b || !strings.HasPrefix(a, `\\.\pipe\mailwarden-sato-`) || strings.Count(a, `\`) != 4 {
		t.Errorf("file paths map to %q and %q: want two distinct pipes of sato's, no backslash after the prefix", a, b)
	}
	if a != pipeName(`C:\tmp\a.sock`, "sato") {
		t.Error("the same path gives two pipe names: the client would miss the daemon")
	}
	if got := pipeName("", ""); got != `\\.\pipe\mailwarden-user` {
		t.Errorf("no user name: %q", got)
	}
}

func TestPipeSDDLAllowsOnlyTheUser(t *testing.T) {
	const sid = "S-1-5-21-1004336348-1177238915-682003330-512"
	if got, want := pipeSDDL(sid), "D:P(A;;GA;;;"+sid+")"; got != want {
		t.Errorf("SDDL %q, want %q", got, want)
	}
}
