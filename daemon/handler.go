package daemon

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/mailwarden/mailwarden/classifier"
	"github.com/mailwarden/mailwarden/imapsync"
	"github.com/mailwarden/mailwarden/localapi"
	"github.com/mailwarden/mailwarden/store"
)

// handler is the daemon's imapsync.Handler (and Learner, learn.go) for one
// account.
type handler struct {
	d      *Daemon
	s      *supervisor
	dryRun bool

	mu       sync.Mutex
	policies map[string]policyResult // sender policy of judged messages, awaiting Done; key as verdicts
	own      []string                // the user's own addresses (Sent folder)
	// reported: messages whose failed move was counted as judged, awaiting
	// the final outcome of its retry (key as verdicts).
	reported  map[string]bool
	ownLoaded bool
}

func verdictKey(account string, m *imapsync.Message) string {
	return fmt.Sprintf("%s/%d/%d", account, m.UIDValidity, m.UID)
}

// Known reports messages already judged or trained, so a UIDVALIDITY
// change or a second look never judges (or moves) them again.
func (h *handler) Known(account string, m *imapsync.Message) bool {
	id := m.Identity()
	h.d.mu.Lock()
	_, trained := h.d.unsaved[trainKey{account, id}]
	h.d.mu.Unlock()
	if trained {
		return true
	}
	rec, ok, err := h.d.st.Handled(account, id)
	if err != nil {
		h.d.log.Error("handled ledger", "account", account, "err", err)
		return false
	}
	switch {
	case !ok:
		return false
	case rec.Action == "move-to-junk":
		// That copy left INBOX: this is another delivery with the same
		// Message-ID (a campaign reusing one): judge it too.
		return false
	case rec.Size != 0 && m.Size != 0 && rec.Size != m.Size:
		return false // the same Message-ID on a different message
	}
	return true
}

// judgeHook, set by tests, replaces the classifier's verdict for the
// messages it chooses (a ham the classifier gets wrong, two PCs that
// disagree); the sender policy still applies.
var judgeHook func(d *Daemon, m *imapsync.Message) (classifier.Verdict, bool)

// Judge classifies a new INBOX message and turns the verdict into an
// action; the sender policy (learn_trust.go) overrides the classifier: a
// blocked or spoofing sender is moved, a trusted one never is.
func (h *handler) Judge(ctx context.Context, account string, m *imapsync.Message) (imapsync.Action, error) {
	res := h.d.model.Classify(m.Raw)
	if judgeHook != nil {
		if v, ok := judgeHook(h.d, m); ok {
			res.Verdict = v
		}
	}
	pol := h.policy(account).check(m.Header, h.isContact(account))
	k := verdictKey(account, m)
	h.d.mu.Lock()
	h.d.verdicts[k] = res
	h.d.mu.Unlock()
	if pol.kind != policyNone {
		h.mu.Lock()
		if h.policies == nil {
			h.policies = map[string]policyResult{}
		}
		h.policies[k] = pol
		h.mu.Unlock()
	}
	action := imapsync.Leave
	switch {
	case pol.kind == policySpam, res.Verdict == classifier.Spam && pol.kind != policyTrusted:
		action = imapsync.MoveToJunk
	case res.Verdict == classifier.Ham:
		action = imapsync.MarkHam
	}
	if h.dryRun {
		return imapsync.Leave, nil
	}
	return action, nil
}

// Train learns from mail already on the server (first start). A message is
// trained at most once per class; a changed class untrains the old one first.
func (h *handler) Train(ctx context.Context, account string, m *imapsync.Message, spam bool) error {
	class := "ham"
	if spam {
		class = "spam"
	}
	_, _, err := h.d.trainAs(account, m.Identity(), m.Raw, class)
	return err
}

// Done records what happened to a judged message in the action log.
func (h *handler) Done(ctx context.Context, account string, m *imapsync.Message, o imapsync.Outcome) {
	k := verdictKey(account, m)
	h.d.mu.Lock()
	res, judged := h.d.verdicts[k]
	delete(h.d.verdicts, k)
	h.d.mu.Unlock()
	h.mu.Lock()
	pol := h.policies[k]
	delete(h.policies, k)
	h.mu.Unlock()
	h.d.quotaRefused(account, o.Err) // an [OVERQUOTA] refusal raises a quota alert (quota.go)

	text := classifier.Extract(m.Header)
	a := &store.Action{
		Time: time.Now(), Account: account, Mailbox: m.Mailbox, UIDValidity: m.UIDValidity,
		UID: uint32(m.UID), JunkUID: uint32(o.JunkUID), MessageID: m.MessageID, Identity: m.Identity(),
		Subject: text.Subject, From: text.From, Size: m.Size,
		Verdict: res.Verdict.String(), Score: res.Score, DryRun: h.dryRun,
	}
	if !judged {
		a.Verdict = "skipped"
	}
	if pol.kind != policyNone {
		a.Reasons = append(a.Reasons, "policy: "+pol.reason)
		if pol.kind == policySpam {
			a.Verdict = "spam"
		}
	}
	for _, r := range res.Reasons {
		a.Reasons = append(a.Reasons, fmt.Sprintf("%s %.3f", r.Token, r.SpamProb))
	}
	switch {
	case o.Err != nil:
		a.Action, a.Error = "failed", o.Err.Error()
	case o.HandledElsewhere:
		a.Action = "handled-elsewhere"
	case h.dryRun && (pol.kind == policySpam || res.Verdict == classifier.Spam && pol.kind != policyTrusted):
		a.Action = "would-move"
	default:
		a.Action = actionName(o.Action)
	}
	if err := h.d.st.Record(a); err != nil {
		h.d.log.Error("record action", "account", account, "uid", m.UID, "err", err)
	}
	if a.Action == "move-to-junk" {
		// mailwarden's own move: never to be taken for a user's verdict.
		err := h.d.st.UpdateVerdict(account, a.Identity, func(v *store.Verdict) {
			v.Moved, v.MovedAt, v.Folder = true, a.Time, ""
			if d := m.Digest(); d != "" {
				v.Digest = d
			}
		})
		if err != nil {
			h.d.log.Error("record own move", "account", account, "uid", m.UID, "err", err)
		}
	}
	h.s.count(h.countJudged(k, judged, a.Action == "move-to-junk", o.Err != nil), a.Action == "move-to-junk")
	h.d.hub.publish(localapi.Event{Time: a.Time, Kind: localapi.EventAction, Account: account, Action: a})
	lvl := h.d.log.Info
	if o.Err != nil {
		lvl = h.d.log.Warn
	}
	// Metadata only: no subject, sender or body in the log.
	lvl("judged", "account", account, "uid", m.UID, "message_id", m.MessageID,
		"verdict", a.Verdict, "score", fmt.Sprintf("%.4f", res.Score), "action", a.Action, "err", a.Error)
}

// countJudged reports whether Done of the message keyed k counts as a
// judged message in the status, so that MOVED never exceeds JUDGED: a
// judged message counts once, when its first outcome is told; a retried
// move's final outcome does not count it again; and a move finished in
// this run of a message judged before a restart (a pending move resolved
// on reconnect, whose verdict is no longer in memory) counts as judged
// too, since it counts as moved.
func (h *handler) countJudged(k string, judged, moved, failed bool) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if judged {
		if failed {
			if h.reported == nil {
				h.reported = map[string]bool{}
			}
			h.reported[k] = true // a retry may tell the final outcome
		}
		return true
	}
	if h.reported[k] {
		delete(h.reported, k)
		return false
	}
	return moved
}

func actionName(a imapsync.Action) string {
	switch a {
	case imapsync.MoveToJunk:
		return "move-to-junk"
	case imapsync.MarkHam:
		return "mark-ham"
	}
	return "leave"
}
