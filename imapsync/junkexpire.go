package imapsync

import (
	"context"
	"errors"
	"time"
)

// expireJunk deletes the messages older than LearnSettings.JunkMaxAge from
// the junk folder, at most once per expireEvery; off when JunkMaxAge is 0
// and in a dry run. It is the junk clean-up (Session.Cleanup) with a date:
// only the junk folder, by UID STORE \Deleted and UID EXPUNGE of exactly
// those UIDs, nothing without UIDPLUS, and age by INTERNALDATE, the
// server's arrival time, which a bad or forged Date header cannot move
// (case 06).
func (lw *learnWatch) expireJunk(ctx context.Context) error {
	age := lw.settings.JunkMaxAge
	if age <= 0 || lw.settings.DryRun || time.Since(lw.expired) < lw.w.learn.expireEvery {
		return nil
	}
	lw.expired = time.Now()
	res, err := lw.s.Cleanup(ctx, CleanupRequest{Kind: CleanupJunk, Before: time.Now().Add(-age)})
	if err != nil {
		if _, refused := serverRefusal(err); refused || errors.Is(err, ErrNoSafeExpunge) || errors.Is(err, ErrConfig) {
			lw.log.Warn("old junk not deleted; trying again later", "err", err)
			return nil
		}
		return err
	}
	if res.Messages > 0 || res.Left > 0 {
		lw.log.Info("deleted old messages from the junk folder", "folder", res.Folder, "count", res.Messages, "bytes", res.Size, "left", res.Left, "older_than", age)
		lw.w.emit("expired")
	}
	return nil
}
