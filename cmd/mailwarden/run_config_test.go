package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// run --config with a path that does not exist is a typo: it stops with
// the path and what to do, and creates nothing there (only the default
// config file is created on first run).
func TestRunMissingConfigIsAnError(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildBinary(t)
	dir := t.TempDir()
	cfg := filepath.Join(dir, "typo.toml")
	cmd := exec.Command(bin, "run", "--config", cfg, "--store", filepath.Join(dir, "store"), "--socket", "none")
	cmd.Env = append(os.Environ(), "LC_ALL=C")
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 1 {
		t.Fatalf("run: %v, output %q; want exit 1", err, out)
	}
	if !strings.Contains(string(out), cfg+": no config file here: check the path given to --config, or create the file") ||
		!strings.Contains(string(out), "README.md") || strings.Contains(string(out), "pass --config") {
		t.Errorf("output %q does not name the file and the fix", out)
	}
	if _, err := os.Stat(cfg); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("run created %s (stat: %v)", cfg, err)
	}
}
