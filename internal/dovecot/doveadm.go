package dovecot

import (
	"bytes"
	"errors"
	"fmt"
	"os/exec"
	"strconv"
	"strings"
)

// Doveadm runs `doveadm -c CONF args...` and returns its standard output.
// The error carries the standard error.
func (s *Server) Doveadm(args ...string) ([]byte, error) {
	return s.doveadm(nil, args...)
}

func (s *Server) doveadm(stdin []byte, args ...string) ([]byte, error) {
	bin, err := lookPath("doveadm")
	if err != nil {
		return nil, fmt.Errorf("dovecot: %s", installHint)
	}
	cmd := exec.Command(bin, append([]string{"-c", s.Conf}, args...)...)
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return stdout.Bytes(), fmt.Errorf("doveadm %s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return stdout.Bytes(), nil
}

// Save delivers raw into a mailbox like the MTA does (`doveadm save`), which
// also stores messages IMAP APPEND would refuse.
func (s *Server) Save(user, mailbox string, raw []byte) error {
	if raw == nil {
		raw = []byte{}
	}
	_, err := s.doveadm(raw, "save", "-u", user, "-m", mailbox)
	return err
}

// Count returns the number of messages in a mailbox (\Deleted ones included).
func (s *Server) Count(user, mailbox string) (int, error) {
	out, err := s.Doveadm("-f", "tab", "mailbox", "status", "-u", user, "messages", mailbox)
	if err != nil {
		return 0, err
	}
	rows := tabRows(out)
	if len(rows) != 1 {
		return 0, fmt.Errorf("doveadm mailbox status: unexpected output %q", out)
	}
	return strconv.Atoi(rows[0][len(rows[0])-1]) // "mailbox messages" or just "messages"
}

// MessageIDs returns the Message-ID header of every message in a mailbox, in
// UID order ("" for a message without one).
func (s *Server) MessageIDs(user, mailbox string) ([]string, error) {
	msgs, err := s.Messages(user, mailbox)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(msgs))
	for i, m := range msgs {
		ids[i] = m.MessageID
	}
	return ids, nil
}

// Message is one message as doveadm sees it.
type Message struct {
	UID       uint32
	Flags     []string // system flags and keywords, e.g. \Seen $Junk
	MessageID string
}

// HasFlag reports whether the message carries flag (case-insensitive).
func (m Message) HasFlag(flag string) bool {
	for _, f := range m.Flags {
		if strings.EqualFold(f, flag) {
			return true
		}
	}
	return false
}

// Messages lists the messages of a mailbox with their UID, flags and
// Message-ID, in UID order.
func (s *Server) Messages(user, mailbox string) ([]Message, error) {
	out, err := s.Doveadm("-f", "tab", "fetch", "-u", user, "uid flags hdr.message-id", "mailbox", mailbox)
	if err != nil {
		return nil, err
	}
	var msgs []Message
	for _, f := range tabRows(out) {
		if len(f) < 2 {
			return nil, fmt.Errorf("doveadm fetch: unexpected row %q", f)
		}
		uid, err := strconv.ParseUint(f[0], 10, 32)
		if err != nil {
			return nil, fmt.Errorf("doveadm fetch: bad uid %q", f[0])
		}
		m := Message{UID: uint32(uid), Flags: strings.Fields(f[1])}
		if len(f) > 2 {
			m.MessageID = strings.TrimSpace(f[2])
		}
		msgs = append(msgs, m)
	}
	return msgs, nil
}

// tabRows parses doveadm's tab formatter: a header line, then one row per
// record.
func tabRows(out []byte) [][]string {
	lines := strings.Split(strings.TrimRight(string(out), "\n"), "\n")
	if len(lines) < 2 {
		return nil
	}
	var rows [][]string
	for _, l := range lines[1:] {
		rows = append(rows, strings.Split(l, "\t"))
	}
	return rows
}

// Kick disconnects every IMAP session of user. It is not an error if the
// user has none.
func (s *Server) Kick(user string) error {
	_, err := s.Doveadm("kick", user)
	var exit *exec.ExitError
	if errors.As(err, &exit) && exit.ExitCode() == 68 { // EX_NOHOST: nobody to kick
		return nil
	}
	return err
}
