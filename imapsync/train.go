package imapsync

import (
	"context"
	"fmt"

	"github.com/emersion/go-imap/v2"
)

// trainProgressEvery is how often (in messages) the scan logs progress.
const trainProgressEvery = 200

// firstStart trains the Handler from the mail already on the server: the
// junk folder as spam, the ham folders and INBOX as ham, newest first and at
// most TrainCap messages per folder; a user's junk keyword overrides the
// folder. Every folder is only EXAMINEd (read-only). INBOX counts only the
// messages there when the scan began (inboxSel); its LastUID is then set so
// that they are not judged, while mail arriving during the scan is.
//
// Each completed folder is marked Trained, so an interrupted scan resumes
// with the folders left; INBOX's Trained marks the whole scan complete.
func (w *Watcher) firstStart(ctx context.Context, s *Session, inboxSel *imap.SelectData) error {
	type job struct {
		name string
		spam bool
	}
	jobs := []job{{w.folders.Junk, true}}
	for _, f := range w.folders.Ham {
		jobs = append(jobs, job{f, false})
	}
	jobs = append(jobs, job{w.folders.Inbox, false})
	snapshot := inboxSel.UIDNext // INBOX messages below this are trained, not judged
	w.notify(StateTraining, nil)
	w.log.Info("first start: training from existing mail", "spam_folder", w.folders.Junk, "ham_folders", append([]string{w.folders.Inbox}, w.folders.Ham...), "cap_per_folder", w.acct.TrainCap)

	total := 0
	for _, j := range jobs {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		isInbox := j.name == w.folders.Inbox
		if !isInbox {
			if st, ok, err := w.st.Folder(w.acct.Name, j.name); err != nil {
				return err
			} else if ok && st.Trained {
				continue
			}
		}
		sel, err := s.selectMailbox(j.name, true)
		if err != nil {
			return err
		}
		if isInbox && sel.UIDValidity != inboxSel.UIDValidity {
			return errUIDValidityChanged
		}
		uids, err := s.searchAll()
		if err != nil {
			return err
		}
		if isInbox {
			n := 0
			for _, u := range uids {
				if snapshot == 0 || u < snapshot {
					uids[n] = u
					n++
				}
			}
			uids = uids[:n]
		}
		if len(uids) > w.acct.TrainCap {
			uids = uids[len(uids)-w.acct.TrainCap:]
		}
		var last imap.UID
		if len(uids) > 0 {
			last = uids[len(uids)-1]
		}
		n, err := w.trainFolder(ctx, s, j.name, uids, j.spam, total)
		if err != nil {
			return err
		}
		total += n
		if !isInbox && ctx.Err() == nil {
			if err := w.st.SetFolder(w.acct.Name, j.name, FolderState{UIDValidity: sel.UIDValidity, LastUID: last, Trained: true}); err != nil {
				return err
			}
		}
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	lastUID := imap.UID(0)
	if snapshot > 0 {
		lastUID = snapshot - 1
	} else if uids, err := s.searchAll(); err == nil && len(uids) > 0 { // no UIDNEXT from the server
		lastUID = uids[len(uids)-1]
	}
	st := FolderState{UIDValidity: inboxSel.UIDValidity, LastUID: lastUID, Trained: true}
	if err := w.st.SetFolder(w.acct.Name, w.folders.Inbox, st); err != nil {
		return err
	}
	w.log.Info("first start: training done", "messages", total, "inbox_last_uid", lastUID)
	return nil
}

// trainFolder trains uids of the selected folder, newest first. done is the
// count before this folder, for the progress log.
func (w *Watcher) trainFolder(ctx context.Context, s *Session, folder string, uids []imap.UID, spam bool, done int) (int, error) {
	n := 0
	for end := len(uids); end > 0 && ctx.Err() == nil; {
		start := max(0, end-batchSize)
		msgs, err := s.fetchHeaders(uids[start:end])
		end = start
		if err != nil {
			return n, err
		}
		var keep []*Message
		for _, m := range msgs {
			if !m.HasFlag(imap.FlagDeleted) { // the user threw it away
				keep = append(keep, m)
			}
		}
		if err := s.fetchBodies(keep, w.acct.MaxFetch); err != nil {
			return n, err
		}
		for i := len(keep) - 1; i >= 0; i-- { // newest first
			m := keep[i]
			if m.Raw == nil {
				continue
			}
			isSpam := spam
			switch keywordVerdict(m.Flags) {
			case hamVerdict:
				isSpam = false
			case spamVerdict:
				isSpam = true
			}
			if err := w.h.Train(ctx, w.acct.Name, m, isSpam); err != nil {
				return n, fmt.Errorf("train UID %d of %q: %w", m.UID, folder, err)
			}
			n++
			if (done+n)%trainProgressEvery == 0 {
				w.log.Info("first start: training", "folder", folder, "trained", done+n)
			}
		}
	}
	return n, nil
}
