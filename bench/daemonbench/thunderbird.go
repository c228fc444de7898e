//go:build linux

package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/mailwarden/mailwarden/internal/dovecot"
)

// tbBinary finds Thunderbird: the real binary of the Debian package (its
// /usr/bin/thunderbird is a shell wrapper), else whatever is in PATH.
func tbBinary() (string, error) {
	const deb = "/usr/lib/thunderbird/thunderbird"
	if st, err := os.Stat(deb); err == nil && st.Mode()&0o111 != 0 {
		return deb, nil
	}
	return exec.LookPath("thunderbird")
}

// tbVersion is the installed package's version, else `--version`.
func tbVersion(bin string) string {
	if out, err := exec.Command("dpkg-query", "-W", "-f", "${Version}", "thunderbird").Output(); err == nil && len(out) > 0 {
		v := strings.TrimSpace(string(out))
		if _, after, ok := strings.Cut(v, ":"); ok { // the epoch
			v = after
		}
		return "Thunderbird " + v + " (Debian)"
	}
	if out, err := exec.Command(bin, "--version").Output(); err == nil {
		return strings.TrimSpace(string(out))
	}
	return "Thunderbird"
}

// xvfb is a private X server.
type xvfb struct {
	cmd     *exec.Cmd
	display string // ":N"
	exited  chan struct{}
}

// startXvfb starts Xvfb on a display number it picks itself (-displayfd).
func startXvfb(logPath string) (*xvfb, error) {
	r, w, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	logf, err := os.Create(logPath)
	if err != nil {
		w.Close()
		return nil, err
	}
	x := &xvfb{exited: make(chan struct{})}
	x.cmd = exec.Command("Xvfb", "-displayfd", "3", "-screen", "0", "1280x1024x24", "-nolisten", "tcp")
	x.cmd.ExtraFiles = []*os.File{w}
	x.cmd.Stdout, x.cmd.Stderr = logf, logf
	x.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := x.cmd.Start(); err != nil {
		w.Close()
		logf.Close()
		return nil, fmt.Errorf("start Xvfb: %w", err)
	}
	w.Close()
	go func() {
		x.cmd.Wait()
		logf.Close()
		close(x.exited)
	}()
	line := make(chan string, 1)
	go func() {
		s, _ := bufio.NewReader(r).ReadString('\n')
		line <- strings.TrimSpace(s)
	}()
	select {
	case s := <-line:
		if _, err := strconv.Atoi(s); err != nil {
			x.Stop()
			return nil, fmt.Errorf("Xvfb gave no display number (%q); see %s", s, logPath)
		}
		x.display = ":" + s
		return x, nil
	case <-time.After(15 * time.Second):
		x.Stop()
		return nil, fmt.Errorf("Xvfb did not start within 15 s; see %s", logPath)
	}
}

// Stop ends Xvfb.
func (x *xvfb) Stop() {
	stopGroup(x.cmd, x.exited, 5*time.Second)
}

// stopGroup sends SIGTERM to a child started with Setpgid, then SIGKILL to
// its process group after grace.
func stopGroup(cmd *exec.Cmd, exited chan struct{}, grace time.Duration) {
	if cmd.Process == nil {
		return
	}
	select {
	case <-exited:
	default:
		cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(grace):
			cmd.Process.Kill()
			<-exited
		}
	}
	// Children left behind in the group (it is ours: Setpgid).
	syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
}

// tbPrefs is a profile's prefs.js: the benchmark accounts as IMAP accounts
// on the plain port (socketType 0, authMethod 3: cleartext password, on
// loopback only), checking new mail at startup and with IDLE, junk controls
// on and junk moved to the account's Junk folder; plus a Local Folders
// account, and Thunderbird's own network traffic (updates, telemetry,
// remote settings, first-run pages) switched off so that everything stays
// on loopback.
func tbPrefs(srv *dovecot.Server) string {
	_, p, _ := strings.Cut(srv.IMAPAddr, ":")
	port, _ := strconv.Atoi(p)
	var b strings.Builder
	pref := func(name string, v any) {
		switch v := v.(type) {
		case string:
			fmt.Fprintf(&b, "user_pref(%q, %q);\n", name, v)
		default:
			fmt.Fprintf(&b, "user_pref(%q, %v);\n", name, v)
		}
	}
	var accounts []string
	for i, u := range users {
		n := strconv.Itoa(i + 1)
		acc, srvKey, id := "account"+n, "server"+n, "id"+n
		accounts = append(accounts, acc)
		pref("mail.account."+acc+".server", srvKey)
		pref("mail.account."+acc+".identities", id)
		pref("mail.identity."+id+".useremail", u+"@localhost")
		pref("mail.identity."+id+".fullName", u)
		pref("mail.identity."+id+".valid", true)
		s := "mail.server." + srvKey + "."
		pref(s+"type", "imap")
		pref(s+"hostname", "127.0.0.1")
		pref(s+"port", port)
		pref(s+"socketType", 0)
		pref(s+"authMethod", 3)
		pref(s+"userName", u)
		pref(s+"name", u+"@localhost")
		pref(s+"login_at_startup", true)
		pref(s+"check_new_mail", true)
		pref(s+"check_time", 10)
		pref(s+"use_idle", true)
		pref(s+"spamLevel", 100)
		pref(s+"moveOnSpam", true)
		pref(s+"moveTargetMode", 0) // the Junk folder of ...
		pref(s+"spamActionTargetAccount", "imap://"+u+"@127.0.0.1")
	}
	local := "server" + strconv.Itoa(len(users)+1)
	lacc := "account" + strconv.Itoa(len(users)+1)
	accounts = append(accounts, lacc)
	pref("mail.account."+lacc+".server", local)
	pref("mail.server."+local+".type", "none")
	pref("mail.server."+local+".hostname", "Local Folders")
	pref("mail.server."+local+".name", "Local Folders")
	pref("mail.server."+local+".userName", "nobody")
	pref("mail.accountmanager.accounts", strings.Join(accounts, ","))
	pref("mail.accountmanager.defaultaccount", "account1")
	pref("mail.accountmanager.localfoldersserver", local)

	// No first-run pages, dialogs or notifications.
	pref("mail.shell.checkDefaultClient", false)
	pref("mailnews.start_page.enabled", false)
	pref("mail.rights.version", 1)
	pref("mail.biff.show_alert", false)
	pref("mail.biff.play_sound", false)
	pref("mail.inappnotifications.enabled", false)
	pref("app.donation.eoy.version.viewed", 999)
	// No traffic off loopback (there is none to be had here anyway).
	pref("app.update.auto", false)
	pref("app.update.enabled", false)
	pref("app.normandy.enabled", false)
	pref("datareporting.policy.dataSubmissionEnabled", false)
	pref("datareporting.healthreport.uploadEnabled", false)
	pref("toolkit.telemetry.enabled", false)
	pref("toolkit.telemetry.unified", false)
	pref("toolkit.telemetry.archive.enabled", false)
	pref("extensions.update.enabled", false)
	pref("extensions.getAddons.cache.enabled", false)
	pref("extensions.systemAddon.update.enabled", false)
	pref("services.settings.server", "http://127.0.0.1:9/")
	pref("network.connectivity-service.enabled", false)
	pref("network.captive-portal-service.enabled", false)
	pref("network.dns.disablePrefetch", true)
	pref("mailnews.auto_config.fetchFromISP.enabled", false)
	pref("mail.provider.enabled", false)
	pref("browser.region.update.enabled", false)
	pref("dom.push.connection.enabled", false)
	pref("security.OCSP.enabled", 0)
	return b.String()
}

// tb is Thunderbird running under Xvfb with a throw-away profile.
type tb struct {
	cmd     *exec.Cmd
	exited  chan struct{}
	x       *xvfb
	profile string
	logPath string
	env     []string
	prompts int // password prompts answered
}

// startTB writes a profile for srv's accounts and starts Thunderbird on a
// new Xvfb.
func startTB(bin, work string, srv *dovecot.Server) (*tb, error) {
	t := &tb{
		exited:  make(chan struct{}),
		profile: filepath.Join(work, "tb-profile"),
		logPath: filepath.Join(work, "thunderbird.log"),
	}
	home := filepath.Join(work, "tb-home")
	for _, d := range []string{t.profile, home} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return nil, err
		}
	}
	if err := os.WriteFile(filepath.Join(t.profile, "prefs.js"), []byte(tbPrefs(srv)), 0o600); err != nil {
		return nil, err
	}
	x, err := startXvfb(filepath.Join(work, "xvfb.log"))
	if err != nil {
		return nil, err
	}
	t.x = x
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch k {
		case "DISPLAY", "HOME", "LANG", "LC_ALL", "WAYLAND_DISPLAY", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME", "DBUS_SESSION_BUS_ADDRESS":
			continue
		}
		t.env = append(t.env, kv)
	}
	t.env = append(t.env, "DISPLAY="+x.display, "HOME="+home, "LANG=en_US.UTF-8",
		"MOZ_CRASHREPORTER_DISABLE=1", "NO_AT_BRIDGE=1")
	logf, err := os.Create(t.logPath)
	if err != nil {
		x.Stop()
		return nil, err
	}
	t.cmd = exec.Command(bin, "-profile", t.profile, "-no-remote")
	t.cmd.Env = t.env
	t.cmd.Stdout, t.cmd.Stderr = logf, logf
	// Its own process group, to stop its children too; killed if the
	// benchmark dies.
	t.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := t.cmd.Start(); err != nil {
		logf.Close()
		x.Stop()
		return nil, fmt.Errorf("start thunderbird: %w", err)
	}
	go func() {
		t.cmd.Wait()
		logf.Close()
		close(t.exited)
	}()
	return t, nil
}

// Stop closes Thunderbird (SIGTERM, then SIGKILL to its process group) and
// its X server.
func (t *tb) Stop() {
	stopGroup(t.cmd, t.exited, 15*time.Second)
	t.x.Stop()
}

// xdotool runs xdotool on Thunderbird's display.
func (t *tb) xdotool(args ...string) (string, error) {
	cmd := exec.Command("xdotool", args...)
	cmd.Env = t.env
	out, err := cmd.Output()
	return strings.TrimSpace(string(out)), err
}

// login answers Thunderbird's password prompts ("Enter your password for
// u1 on 127.0.0.1") with xdotool: the password, "Use Password Manager to
// remember this password" ticked, Enter; until Dovecot has a session of
// every account, or timeout. Thunderbird asks once per account, one
// dialog at a time.
func (t *tb) login(ctx context.Context, srv *dovecot.Server, timeout time.Duration) (idleCheck, error) {
	deadline := time.Now().Add(timeout)
	answered := map[string]time.Time{}
	for {
		c := checkIdle(srv)
		if c.accountsLoggedIn() == len(users) {
			return c, nil
		}
		if time.Now().After(deadline) {
			return c, fmt.Errorf("after %v (%d password prompts answered) Dovecot sees %s", timeout, t.prompts, c)
		}
		select {
		case <-t.exited:
			return c, fmt.Errorf("thunderbird exited; see %s", t.logPath)
		case <-ctx.Done():
			return c, ctx.Err()
		case <-time.After(time.Second):
		}
		out, _ := t.xdotool("search", "--name", "^Enter your password")
		for _, w := range strings.Fields(out) {
			if at, ok := answered[w]; ok && time.Since(at) < 10*time.Second {
				continue // answered just now: give it time to close
			}
			if _, err := t.xdotool("windowfocus", "--sync", w); err != nil {
				continue
			}
			t.xdotool("type", "--delay", "30", dovecot.Password)
			t.xdotool("key", "--delay", "100", "Tab", "space", "Return")
			answered[w] = time.Now()
			t.prompts++
		}
	}
}

// remembered reports whether Thunderbird saved passwords in its profile.
func (t *tb) remembered() bool {
	b, err := os.ReadFile(filepath.Join(t.profile, "logins.json"))
	return err == nil && strings.Count(string(b), `"hostname"`) >= len(users)
}
