// Package eval measures a spam filter the way the TREC spam track did: the
// messages of a labelled corpus (shared/corpus form: index + data/) are
// shown to the filter one at a time in index order; for each one the filter
// first classifies it, the (gold, score, verdict) triple is recorded, and
// then, depending on the Mode, the filter is trained on it with the gold
// label. The recorded triples are then turned into Metrics.
//
// Before a message reaches the filter every header field whose name starts
// with "X-Spam" or is "X-Bogosity" is removed (StripLabelHeaders): in the
// public corpora those fields were added by the collector's own filter and
// leak the label.
//
// Modes:
//   - Full: train on every message right after classifying it (the TREC
//     "immediate feedback" task).
//   - TOE (train on error): train only when the verdict was not the right
//     one: a ham judged Spam or Unsure, a spam judged Ham or Unsure.
//     Unsure counts as an error for training (the user has to look at it,
//     and a filter that starts out Unsure would otherwise never learn),
//     although the metrics below do not count an unsure ham as lost.
//   - TONR (train on or near error): as TOE, and also right verdicts whose
//     score lies within a margin (DefaultNearMargin) of the unsure band.
//
// Metrics (all percentages):
//   - (1-ROCA)%: the area above the ROC curve, computed from scores alone as
//     the fraction of (spam, ham) pairs in which the ham scored higher than
//     the spam, ties counting one half (the Mann-Whitney statistic, equal to
//     the trapezoid area of the ROC curve with tied scores as one step).
//     0 is a perfect ranking, 50 a random one, 100 a reversed one.
//   - ham-as-spam %: ham whose verdict was Spam. Unsure ham is not counted:
//     an unsure message stays in the inbox.
//   - spam-as-ham %: spam whose verdict was Ham or Unsure: both leave the
//     spam in the inbox.
//   - LAM%: logistic average misclassification of those two rates, the TREC
//     definition: invlogit((logit(hm)+logit(sm))/2), with each rate smoothed
//     as (errors+0.5)/(n+0.5) so that a zero rate stays finite.
//   - spam caught at 0.1% ham loss: the share of spam scored strictly above
//     the highest threshold at which at most 0.1% of the ham (rounded down
//     to whole messages) would be judged spam.
//
// The package also measures throughput, the process's peak resident memory
// (VmHWM, reset per corpus where the kernel allows it) and the size of the
// saved store; EvaluateModel does all of it for mailwarden's classifier.
package eval
