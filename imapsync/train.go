package imapsync

import (
	"context"
	"fmt"

	"github.com/emersion/go-imap/v2"
)

// trainProgressEvery is how often (in messages) the scan logs progress.
const trainProgressEvery = 200

// trainJob is one folder of the first-start scan: its UIDs still to train,
// newest last, and what it is.
type trainJob struct {
	name        string
	spam        bool
	uidValidity uint32
	last        imap.UID   // newest UID trained, recorded when the folder is done
	uids        []imap.UID // still to train; batches are taken from the end
	total       int
}

// firstStart trains the Handler from the mail already on the server: the
// junk folder as spam, the ham folders and INBOX as ham, newest first and at
// most TrainCap messages per folder; a user's junk keyword overrides the
// folder. Every folder is only EXAMINEd (read-only). INBOX counts only the
// messages there when the scan began (inboxSel); its LastUID is then set so
// that they are not judged, while mail arriving during the scan is.
//
// The folders are trained interleaved, one batch at a time from the folder
// furthest behind, so spam and ham arrive mixed: the classifier's online
// weights learn from a mixed stream, and from a folder-by-folder one
// (all of Junk, then all of INBOX) only a little.
//
// Each completed folder is marked Trained, so an interrupted scan resumes
// with the folders left; INBOX's Trained marks the whole scan complete.
func (w *Watcher) firstStart(ctx context.Context, s *Session, inboxSel *imap.SelectData) error {
	snapshot := inboxSel.UIDNext // INBOX messages below this are trained, not judged
	w.notify(StateTraining, nil)
	w.log.Info("first start: training from existing mail", "spam_folder", w.folders.Junk, "ham_folders", append([]string{w.folders.Inbox}, w.folders.Ham...), "cap_per_folder", w.acct.TrainCap)

	jobs, err := w.trainJobs(s, inboxSel)
	if err != nil {
		return err
	}
	total := 0
	for ctx.Err() == nil {
		j := behind(jobs)
		if j == nil {
			break
		}
		sel, err := s.selectMailbox(j.name, true)
		if err != nil {
			return err
		}
		if sel.UIDValidity != j.uidValidity {
			if j.name == w.folders.Inbox {
				return errUIDValidityChanged
			}
			// Its UIDs mean other messages now; the next start scans it again
			// (the training ledger keeps what was trained from counting twice).
			w.log.Warn("first start: folder renumbered during the scan; it is trained on the next start", "folder", j.name)
			j.uids = nil
			j.total = -1
			continue
		}
		start := max(0, len(j.uids)-batchSize)
		n, err := w.trainBatch(ctx, s, j, j.uids[start:], total)
		total += n
		if err != nil {
			return err
		}
		j.uids = j.uids[:start]
		if len(j.uids) == 0 && j.name != w.folders.Inbox && ctx.Err() == nil {
			if err := w.st.SetFolder(w.acct.Name, j.name, FolderState{UIDValidity: j.uidValidity, LastUID: j.last, Trained: true}); err != nil {
				return err
			}
		}
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	for _, j := range jobs {
		if j.total == 0 && j.name != w.folders.Inbox { // empty: nothing to train
			if err := w.st.SetFolder(w.acct.Name, j.name, FolderState{UIDValidity: j.uidValidity, Trained: true}); err != nil {
				return err
			}
		}
	}
	lastUID := imap.UID(0)
	if snapshot > 0 {
		lastUID = snapshot - 1
	} else {
		// No UIDNEXT from the server: the newest message now.
		if _, err := s.selectMailbox(w.folders.Inbox, true); err != nil {
			return err
		}
		if uids, err := s.searchAll(); err == nil && len(uids) > 0 {
			lastUID = uids[len(uids)-1]
		}
	}
	st := FolderState{UIDValidity: inboxSel.UIDValidity, LastUID: lastUID, Trained: true}
	if err := w.st.SetFolder(w.acct.Name, w.folders.Inbox, st); err != nil {
		return err
	}
	w.log.Info("first start: training done", "messages", total, "inbox_last_uid", lastUID)
	return nil
}

// trainJobs lists the folders still to train and their UIDs: Junk, the ham
// folders not yet marked Trained, and INBOX up to its snapshot.
func (w *Watcher) trainJobs(s *Session, inboxSel *imap.SelectData) ([]*trainJob, error) {
	jobs := []*trainJob{{name: w.folders.Junk, spam: true}}
	for _, f := range w.folders.Ham {
		jobs = append(jobs, &trainJob{name: f})
	}
	jobs = append(jobs, &trainJob{name: w.folders.Inbox})
	var out []*trainJob
	for _, j := range jobs {
		isInbox := j.name == w.folders.Inbox
		if !isInbox {
			if st, ok, err := w.st.Folder(w.acct.Name, j.name); err != nil {
				return nil, err
			} else if ok && st.Trained {
				continue
			}
		}
		sel, err := s.selectMailbox(j.name, true)
		if err != nil {
			return nil, err
		}
		if isInbox && sel.UIDValidity != inboxSel.UIDValidity {
			return nil, errUIDValidityChanged
		}
		uids, err := s.searchAll()
		if err != nil {
			return nil, err
		}
		if isInbox {
			n := 0
			for _, u := range uids {
				if inboxSel.UIDNext == 0 || u < inboxSel.UIDNext {
					uids[n] = u
					n++
				}
			}
			uids = uids[:n]
		}
		if len(uids) > w.acct.TrainCap {
			uids = uids[len(uids)-w.acct.TrainCap:]
		}
		j.uidValidity, j.uids, j.total = sel.UIDValidity, uids, len(uids)
		if len(uids) > 0 {
			j.last = uids[len(uids)-1]
		}
		out = append(out, j)
	}
	return out, nil
}

// behind picks the job with messages left that has trained the smallest
// share of its own; nil when all are done.
func behind(jobs []*trainJob) *trainJob {
	var best *trainJob
	var bestShare float64
	for _, j := range jobs {
		if len(j.uids) == 0 {
			continue
		}
		share := float64(j.total-len(j.uids)) / float64(j.total)
		if best == nil || share < bestShare {
			best, bestShare = j, share
		}
	}
	return best
}

// trainBatch trains uids (at most a batch, not yet taken off j.uids) of
// j's folder, selected, newest first. done is the count of every folder
// before this batch, for the progress log, which says both: the running
// total, and how far this folder is.
func (w *Watcher) trainBatch(ctx context.Context, s *Session, j *trainJob, uids []imap.UID, done int) (int, error) {
	folder, spam := j.name, j.spam
	folderDone := j.total - len(j.uids)
	msgs, err := s.fetchHeaders(uids)
	if err != nil {
		return 0, err
	}
	var keep []*Message
	for _, m := range msgs {
		if !m.HasFlag(imap.FlagDeleted) { // the user threw it away
			keep = append(keep, m)
		}
	}
	if err := s.fetchBodies(keep, w.acct.MaxFetch); err != nil {
		return 0, err
	}
	n := 0
	for i := len(keep) - 1; i >= 0 && ctx.Err() == nil; i-- { // newest first
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
			w.log.Info("first start: training", "trained_total", done+n, "folder", folder, "folder_trained", folderDone+n, "folder_messages", j.total)
		}
	}
	return n, nil
}
