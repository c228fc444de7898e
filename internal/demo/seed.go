package demo

import (
	"context"
	"crypto/tls"
	"fmt"

	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/mailwarden/mailwarden/imapsync"
	"github.com/mailwarden/mailwarden/internal/corpus"
	"github.com/mailwarden/mailwarden/internal/dovecot"
)

// seedConns is how many connections Seed appends over at once.
const seedConns = 4

// Seed APPENDs the training messages: spam into Junk, ham into INBOX, over
// several connections at once, each pipelining its APPENDs, so thousands
// take seconds. Message-IDs are added to seen.
func Seed(ctx context.Context, srv *dovecot.Server, msgs []corpus.Labelled, seen map[string]bool) (spam, ham int, err error) {
	type result struct {
		spam, ham int
		ids       []string
		err       error
	}
	results := make(chan result, seedConns)
	for i := range seedConns {
		part := msgs[i*len(msgs)/seedConns : (i+1)*len(msgs)/seedConns]
		go func() {
			var r result
			r.spam, r.ham, r.ids, r.err = seedOne(ctx, srv, part)
			results <- r
		}()
	}
	for range seedConns {
		r := <-results
		if r.err != nil && err == nil {
			err = r.err
		}
		spam, ham = spam+r.spam, ham+r.ham
		for _, id := range r.ids {
			seen[id] = true
		}
	}
	return spam, ham, err
}

func seedOne(ctx context.Context, srv *dovecot.Server, msgs []corpus.Labelled) (spam, ham int, ids []string, err error) {
	c, err := imapclient.DialTLS(srv.IMAPSAddr, &imapclient.Options{TLSConfig: &tls.Config{RootCAs: srv.CAPool, ServerName: "localhost"}})
	if err != nil {
		return 0, 0, nil, fmt.Errorf("connect to the demo server: %w", err)
	}
	defer c.Close()
	if err := c.Login(user, password).Wait(); err != nil {
		return 0, 0, nil, fmt.Errorf("log in to the demo server: %w", err)
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
			return 0, 0, nil, err
		}
		raw, err := corpus.ReadMail(m.Path)
		if err != nil {
			return 0, 0, nil, err
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
		ids = append(ids, imapsync.MessageIDOf(raw))
		cmd := c.Append(box, int64(len(raw)), nil)
		if _, err := cmd.Write(raw); err != nil {
			return 0, 0, nil, fmt.Errorf("append: %w", err)
		}
		if err := cmd.Close(); err != nil {
			return 0, 0, nil, fmt.Errorf("append: %w", err)
		}
		if pending = append(pending, cmd); len(pending) == 64 {
			if err := flush(); err != nil {
				return 0, 0, nil, err
			}
		}
	}
	if err := flush(); err != nil {
		return 0, 0, nil, err
	}
	return spam, ham, ids, c.Logout().Wait()
}
