package dovecot_test

import (
	"io"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strings"
	"testing"
)

// Started by root, the other tests cover the root set-up (dovenull,
// dovecot, mail as nobody). This one runs TestServerBasics again as
// nobody, the rootless set-up, by re-executing the test binary.
func TestRootless(t *testing.T) {
	if os.Getenv("MAILWARDEN_DOVECOT_ROOTLESS") == "1" || os.Geteuid() != 0 {
		t.Skip("not root: the other tests already run rootless")
	}
	setpriv, err := exec.LookPath("setpriv")
	if err != nil {
		t.Skip("setpriv (util-linux) not installed")
	}
	nobody, err := user.Lookup("nobody")
	if err != nil {
		t.Skip("no user nobody")
	}
	// The test binary sits in a 0700 build directory: copy it where
	// nobody can run it, with a temporary directory of its own.
	dir, err := os.MkdirTemp("", "mw-rootless-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "tmp"), 0o755); err != nil {
		t.Fatal(err)
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "dovecot.test")
	copyFile(t, exe, bin)
	if err := exec.Command("chown", "-R", nobody.Uid+":"+nobody.Gid, filepath.Join(dir, "tmp")).Run(); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(setpriv, "--reuid="+nobody.Uid, "--regid="+nobody.Gid, "--clear-groups",
		bin, "-test.run=^(TestServerBasics|TestCapabilityRawlogQuota)$", "-test.count=1", "-test.v")
	cmd.Dir = filepath.Join(dir, "tmp")
	cmd.Env = []string{"MAILWARDEN_DOVECOT_ROOTLESS=1", "TMPDIR=" + filepath.Join(dir, "tmp"), "HOME=" + filepath.Join(dir, "tmp"),
		"PATH=/usr/bin:/bin"} // no sbin: Available must find dovecot anyway
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "--- PASS: TestServerBasics") || !strings.Contains(string(out), "--- PASS: TestCapabilityRawlogQuota") {
		t.Fatalf("rootless run: %v\n%s", err, out)
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	in, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o755)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}
