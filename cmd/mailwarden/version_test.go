package main

import (
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
)

func TestVersionText(t *testing.T) {
	bi := &debug.BuildInfo{Main: debug.Module{Version: "v0.3.0"}, Settings: []debug.BuildSetting{
		{Key: "vcs.revision", Value: "8859379abcdef0123456789"},
		{Key: "vcs.time", Value: "2026-12-04T07:12:11Z"},
		{Key: "vcs.modified", Value: "true"},
	}}
	want := "mailwarden v0.3.0, commit 8859379abcde (modified), 2026-12-04T07:12:11Z, " + runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH
	if got := versionText(bi, true); got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	if got := versionText(nil, false); !strings.HasPrefix(got, "mailwarden (unknown), go") {
		t.Errorf("no build info: %q", got)
	}
}
