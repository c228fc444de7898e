//go:build !windows

package localapi

import (
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestSocketIsPrivate(t *testing.T) {
	path := serve(t, &fakeBackend{})
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("socket mode %v, want 0600", fi.Mode().Perm())
	}
	di, _ := os.Stat(filepath.Dir(path))
	if di.Mode().Perm() != 0o700 {
		t.Errorf("socket directory mode %v, want 0700", di.Mode().Perm())
	}
	if _, err := Listen(path); err == nil || !strings.Contains(err.Error(), "already listening") {
		t.Errorf("a second daemon on the same socket: %v", err)
	}
}

// The helper process for TestSocketRefusesOtherUser: it connects as
// another user and prints what it got.
func TestMain(m *testing.M) {
	if p := os.Getenv("MW_LOCALAPI_PROBE"); p != "" {
		c, err := net.Dial("unix", p)
		if err != nil {
			os.Stdout.WriteString("dial: " + err.Error())
			os.Exit(0)
		}
		c.Write([]byte("GET /v0/status HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"))
		c.SetReadDeadline(time.Now().Add(5 * time.Second))
		b, _ := io.ReadAll(c)
		os.Stdout.Write(b)
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// Even with the socket's file modes opened up, a connection from another
// user is refused by its peer credentials.
func TestSocketRefusesOtherUser(t *testing.T) {
	if os.Getuid() != 0 {
		t.Skip("needs root to act as another user (CI runs as root)")
	}
	path := serve(t, &fakeBackend{})
	os.Chmod(filepath.Dir(path), 0o755)
	os.Chmod(filepath.Dir(filepath.Dir(path)), 0o755)
	os.Chmod(path, 0o666)
	// The test binary may sit in a private directory: copy it where the
	// other user can run it.
	exe, _ := os.Executable()
	bin := filepath.Join(filepath.Dir(filepath.Dir(path)), "probe")
	data, err := os.ReadFile(exe)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bin, data, 0o755); err != nil {
		t.Fatal(err)
	}
	run := func(uid uint32) string {
		cmd := exec.Command(bin)
		cmd.Env = append(os.Environ(), "MW_LOCALAPI_PROBE="+path)
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uid, Gid: 65534}}
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("probe as uid %d: %v", uid, err)
		}
		return string(out)
	}
	if out := run(65534); !strings.Contains(out, "403 Forbidden") || strings.Contains(out, `"pid"`) {
		t.Errorf("another user got: %q", out)
	}
	if out := run(0); !strings.Contains(out, `"pid":42`) {
		t.Errorf("the owner got: %q", out)
	}
}
