package dovecot

import (
	_ "embed"
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"text/template"
)

//go:embed dovecot.conf.tmpl
var confText string

var confTmpl = template.Must(template.New("dovecot.conf").Parse(confText))

// confData fills dovecot.conf.tmpl.
type confData struct {
	Root, BaseDir, StateDir, LogPath string
	Root0                            bool // started as root
	InternalUser, InternalGroup      string
	LoginUser, MailUser, MailGroup   string
	IMAPPort, IMAPSPort              string
	CertPath, KeyPath, DHPath        string
	UsersPath, MailDir, RawlogDir    string
	Capability, JunkName, ExtraConf  string
}

// writeConf generates the configuration for the current ports.
func (s *Server) writeConf() error {
	d := filepath.Join(s.Dir, "dovecot")
	_, imapPort, _ := strings.Cut(s.IMAPAddr, ":")
	_, imapsPort, _ := strings.Cut(s.IMAPSAddr, ":")
	data := confData{
		Root: s.Dir, BaseDir: s.baseDir, StateDir: filepath.Join(d, "state"), LogPath: s.logPath,
		IMAPPort: imapPort, IMAPSPort: imapsPort,
		CertPath: filepath.Join(d, "cert.pem"), KeyPath: filepath.Join(d, "key.pem"),
		UsersPath: filepath.Join(d, "users"), MailDir: s.mailDir(),
		Capability: strings.TrimSpace(s.opts.Capability), ExtraConf: s.opts.ExtraConf,
	}
	if s.opts.Rawlog {
		data.RawlogDir = s.RawlogDir()
	}
	if !s.opts.NoJunk {
		data.JunkName = s.opts.JunkName
		if data.JunkName == "" {
			data.JunkName = "Junk"
		}
	}
	if _, err := os.Stat("/usr/share/dovecot/dh.pem"); err == nil {
		data.DHPath = "/usr/share/dovecot/dh.pem"
	}
	if os.Geteuid() == 0 {
		// imap-login refuses root and mail access as uid 0 is refused: use
		// the users of the Debian package and store mail as nobody.
		data.Root0 = true
		data.LoginUser, data.InternalUser, data.InternalGroup = "dovenull", "dovecot", "dovecot"
		data.MailUser, data.MailGroup = "nobody", "nogroup"
		if _, _, err := lookupIDs("dovenull", "dovecot"); err != nil {
			return err
		}
	} else {
		u, err := user.Current()
		if err != nil {
			return fmt.Errorf("dovecot: current user: %w", err)
		}
		g, err := user.LookupGroupId(u.Gid)
		if err != nil {
			return fmt.Errorf("dovecot: group of the current user: %w", err)
		}
		data.LoginUser, data.InternalUser, data.MailUser = u.Username, u.Username, u.Username
		data.InternalGroup, data.MailGroup = g.Name, g.Name
	}
	f, err := os.OpenFile(s.Conf, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o644)
	if err != nil {
		return fmt.Errorf("dovecot: %w", err)
	}
	if err := confTmpl.Execute(f, data); err != nil {
		f.Close()
		return fmt.Errorf("dovecot: config template: %w", err)
	}
	return f.Close()
}

// lookupIDs resolves a user and a group of the Dovecot package.
func lookupIDs(userName, groupName string) (int, int, error) {
	u, err := user.Lookup(userName)
	if err != nil {
		return 0, 0, fmt.Errorf("dovecot: user %s missing (started as root, Dovecot runs as dovenull, dovecot and nobody; %s): %w", userName, installHint, err)
	}
	g, err := user.LookupGroup(groupName)
	if err != nil {
		return 0, 0, fmt.Errorf("dovecot: group %s missing (%s): %w", groupName, installHint, err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(g.Gid)
	return uid, gid, nil
}
