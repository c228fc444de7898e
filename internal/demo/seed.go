package demo

import (
	"context"
	"crypto/tls"
	"fmt"

	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/mailwarden/mailwarden/internal/corpus"
	"github.com/mailwarden/mailwarden/internal/dovecot"
)

// Seed APPENDs the training messages: spam into Junk, ham into INBOX. It
// pipelines the APPENDs (waiting only every batch) so thousands take
// seconds. Message-IDs are added to seen.
func Seed(ctx context.Context, srv *dovecot.Server, msgs []corpus.Labelled, seen map[string]bool) (spam, ham int, err error) {
	c, err := imapclient.DialTLS(srv.IMAPSAddr, &imapclient.Options{TLSConfig: &tls.Config{RootCAs: srv.CAPool, ServerName: "localhost"}})
	if err != nil {
		return 0, 0, fmt.Errorf("connect to the demo server: %w", err)
	}
	defer c.Close()
	if err := c.Login(user, password).Wait(); err != nil {
		return 0, 0, fmt.Errorf("log in to the demo server: %w", err)
	}
	var pending []*imapclient.AppendCommand
	flush := func() error {
		for _, p := range pending {
			if _, err := p.Wait(); err != nil {
				return fmt.Errorf("append: %w", err)
			}
		}
		pending = pending[:0]
		return nil
	}
	for _, m := range msgs {
		if err := ctx.Err(); err != nil {
			return 0, 0, err
		}
		raw, err := corpus.ReadMail(m.Path)
		if err != nil {
			return 0, 0, err
		}
		if len(raw) == 0 {
			continue // IMAP refuses empty messages
		}
		box := "INBOX"
		if m.Spam {
			box, spam = "Junk", spam+1
		} else {
			ham++
		}
		seen[corpus.MessageID(raw)] = true
		cmd := c.Append(box, int64(len(raw)), nil)
		if _, err := cmd.Write(raw); err != nil {
			return 0, 0, fmt.Errorf("append: %w", err)
		}
		if err := cmd.Close(); err != nil {
			return 0, 0, fmt.Errorf("append: %w", err)
		}
		if pending = append(pending, cmd); len(pending) == 64 {
			if err := flush(); err != nil {
				return 0, 0, err
			}
		}
	}
	if err := flush(); err != nil {
		return 0, 0, err
	}
	return spam, ham, c.Logout().Wait()
}
