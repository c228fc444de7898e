package main

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"strings"
)

func cmdVersion(ctx context.Context, args []string) error {
	fs := newFlags("version")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	bi, ok := debug.ReadBuildInfo()
	fmt.Fprintln(os.Stdout, versionText(bi, ok))
	return nil
}

// versionText is one line: the module version the go command stamped (a
// tag, or a pseudo-version from the commit), the commit and whether the
// tree had uncommitted changes, the Go version and the platform.
func versionText(bi *debug.BuildInfo, ok bool) string {
	v := "(unknown)"
	var vcs []string
	if ok && bi != nil {
		if bi.Main.Version != "" {
			v = bi.Main.Version
		}
		set := map[string]string{}
		for _, s := range bi.Settings {
			set[s.Key] = s.Value
		}
		if r := set["vcs.revision"]; r != "" {
			if len(r) > 12 {
				r = r[:12]
			}
			if set["vcs.modified"] == "true" {
				r += " (modified)"
			}
			vcs = append(vcs, "commit "+r)
		}
		if t := set["vcs.time"]; t != "" {
			vcs = append(vcs, t)
		}
	}
	s := "mailwarden " + v
	if len(vcs) > 0 {
		s += ", " + strings.Join(vcs, ", ")
	}
	return s + ", " + runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH
}
