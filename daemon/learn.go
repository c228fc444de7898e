package daemon

import (
	"context"
	"fmt"
	"time"

	"github.com/mailwarden/mailwarden/classifier"
	"github.com/mailwarden/mailwarden/imapsync"
	"github.com/mailwarden/mailwarden/localapi"
	"github.com/mailwarden/mailwarden/store"
)

// The daemon learns from what the user does in any client: the handler is
// an imapsync.Learner, so every account's watcher runs a second connection
// that reports the user's verdicts (swipes into Junk, rescues out of it,
// junk keywords, undo). Each is trained at most once per class, a changed
// verdict untrains the old class first (the training ledger), and the
// verdict is kept per message (store.Verdict) with mailwarden's own moves,
// so that those are never taken for the user's.
var _ imapsync.Learner = (*handler)(nil)

func classOf(s string) imapsync.Class {
	switch s {
	case "spam":
		return imapsync.ClassSpam
	case "ham":
		return imapsync.ClassHam
	}
	return imapsync.ClassNone
}

// trainedAs is how a message was trained: its class ("spam", "ham", ""
// for none) and whether as the user's correction (TrainCorrection) or by
// Train.
type trainedAs struct {
	class      string
	correction bool
}

// trainAs trains raw as class ("spam" or "ham") for a message identity with
// Train (first start), at most once per class; a message trained as the
// other class is untrained from it first. It returns the class trained
// before ("" if none) and whether the model changed. The training is saved
// with the next Save.
//
// After a recovery of the state store the token store holds the first
// start's mail already (keepTraining): it is only recorded as known.
func (d *Daemon) trainAs(account, id string, raw []byte, class string) (old string, changed bool, err error) {
	if d.rebuilding(account) {
		d.noteKnown(store.Known{Account: account, Identity: id, Class: class})
		return "", false, nil
	}
	return d.train(account, id, raw, trainedAs{class, false})
}

// trainUser is trainAs for the user's verdict (Learn: a swipe into or out
// of Junk, a junk keyword, an undo): the message is trained with
// TrainCorrection, which teaches a new kind of spam in one or two
// corrections where Train took four to eight.
func (d *Daemon) trainUser(account, id string, raw []byte, class string) (old string, changed bool, err error) {
	return d.train(account, id, raw, trainedAs{class, true})
}

// train trains raw as t, untraining the class trained before with the
// inverse of how it was trained (the ledger records corrections).
func (d *Daemon) train(account, id string, raw []byte, t trainedAs) (old string, changed bool, err error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	prev, ok := d.unsavedID[id]
	if !ok {
		if prev.class, prev.correction, err = d.st.TrainedBy(id); err != nil {
			return "", false, err
		}
	}
	if prev.class == t.class {
		return prev.class, false, nil
	}
	switch {
	case prev.class == "":
	case prev.correction:
		d.model.UntrainCorrection(raw, prev.class == "spam")
	default:
		d.model.Untrain(raw, prev.class == "spam")
	}
	if t.correction {
		d.model.TrainCorrection(raw, t.class == "spam")
	} else {
		d.model.Train(raw, t.class == "spam")
	}
	d.unsaved[trainKey{account, id}] = t
	d.unsavedID[id] = t
	return prev.class, true, nil
}

// trainedClass is the class a message identity was trained as ("" if none).
func (d *Daemon) trainedClass(id string) string {
	d.mu.Lock()
	t, ok := d.unsavedID[id]
	d.mu.Unlock()
	if ok {
		return t.class
	}
	c, err := d.st.Trained(id)
	if err != nil {
		d.log.Error("training ledger", "err", err)
	}
	return c
}

// Prior tells the learning connection what is known of a message:
// mailwarden's own move of this copy, the user's verdict so far, the class
// trained. A record of another delivery with the same Message-ID (other
// header digest) does not count.
func (h *handler) Prior(account string, m *imapsync.Message) imapsync.Prior {
	id := m.Identity()
	v, ok, err := h.d.st.Verdict(account, id)
	if err != nil {
		h.d.log.Error("verdict record", "account", account, "err", err)
		return imapsync.Prior{}
	}
	if ok && v.Digest != "" && m.Digest() != "" && v.Digest != m.Digest() {
		return imapsync.Prior{}
	}
	p := imapsync.Prior{Moved: v.Moved, Folder: v.Folder, Verdict: classOf(v.User), Trained: classOf(h.d.trainedClass(id)), Known: ok}
	if !p.Known {
		p.Known = p.Trained != imapsync.ClassNone || h.Known(account, m)
	}
	return p
}

// Learn trains a user's verdict, records it, and (except for an undo,
// which is logged by NotJunk) adds it to the action log.
func (h *handler) Learn(ctx context.Context, account string, m *imapsync.Message, ev imapsync.LearnEvent) error {
	class := ev.Class.String()
	if class != "spam" && class != "ham" {
		return fmt.Errorf("learn %s: no class", m.Identity())
	}
	id := m.Identity()
	old, changed, err := h.d.trainUser(account, id, m.Raw, class)
	if err != nil {
		return err
	}
	now := time.Now()
	if err := h.d.st.UpdateVerdict(account, id, func(v *store.Verdict) {
		if v.User != class {
			v.Changes++
		}
		v.User, v.Source, v.At, v.Folder = class, ev.Source, now, m.Mailbox
		if d := m.Digest(); d != "" {
			v.Digest = d
		}
	}); err != nil {
		return err
	}
	h.d.log.Info("learned from the user", "account", account, "folder", m.Mailbox, "uid", m.UID, "message_id", m.MessageID,
		"class", class, "source", ev.Source, "keyword", ev.Keyword, "trained_before", old, "retrained", changed)
	if ev.Source == imapsync.SourceUndo {
		return nil
	}
	text := classifier.Extract(m.Header)
	a := &store.Action{
		Time: now, Account: account, Mailbox: m.Mailbox, UIDValidity: m.UIDValidity, UID: uint32(m.UID),
		MessageID: m.MessageID, Identity: id, Subject: text.Subject, From: text.From, Size: m.Size,
		Action: "learned-" + class, Verdict: class, Reasons: []string{"you " + verb(ev)},
	}
	if !changed {
		a.Reasons = append(a.Reasons, "trained as "+class+" already")
	} else if old != "" {
		a.Reasons = append(a.Reasons, "untrained as "+old+" first")
	}
	if err := h.d.st.Record(a); err != nil {
		h.d.log.Error("record action", "account", account, "uid", m.UID, "err", err)
	}
	h.d.hub.publish(localapi.Event{Time: now, Kind: localapi.EventAction, Account: account, Action: a})
	return nil
}

// verb says what the user did, for the action log.
func verb(ev imapsync.LearnEvent) string {
	switch ev.Source {
	case imapsync.SourceIntoJunk:
		return "moved it into the junk folder"
	case imapsync.SourceOutOfJunk:
		return "moved it out of the junk folder"
	case imapsync.SourceKeyword:
		return "marked it " + ev.Keyword
	}
	return ev.Source
}

// Sent records whom the user wrote to (trusted senders) and the user's own
// addresses.
func (h *handler) Sent(account string, m *imapsync.Message) {
	v, _ := headerValue(m.Header, "From")
	own := addresses(v)
	if err := h.d.st.AddContacts(account, recipients(m.Header), own); err != nil {
		h.d.log.Error("record contacts", "account", account, "err", err)
	}
	if len(own) > 0 {
		h.mu.Lock()
		h.ownLoaded = false // reread: maybe a new own address
		h.mu.Unlock()
	}
}

// learnTiming shortens the learning connection's timing in tests (0 =
// imapsync's defaults).
var learnTiming struct{ settle, poll time.Duration }

// LearnSettings are the account's settings, as configured now.
func (h *handler) LearnSettings(account string) imapsync.LearnSettings {
	return imapsync.LearnSettings{JunkMaxAge: time.Duration(h.s.cfg.JunkMaxAgeDays) * 24 * time.Hour, DryRun: h.dryRun,
		Settle: learnTiming.settle, Poll: learnTiming.poll}
}

// policy is the account's sender policy, with the user's own addresses
// from the Sent folder.
func (h *handler) policy(account string) senderPolicy {
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.ownLoaded {
		own, err := h.d.st.OwnAddresses(account)
		if err != nil {
			h.d.log.Error("own addresses", "account", account, "err", err)
		}
		h.own, h.ownLoaded = own, true
	}
	return newPolicy(h.s.cfg, h.own)
}

// isContact reports an address the user wrote to.
func (h *handler) isContact(account string) func(string) bool {
	return func(addr string) bool {
		c, ok, err := h.d.st.Contact(account, addr)
		return err == nil && ok && c.Count > 0
	}
}
