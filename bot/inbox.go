package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/commands"
)

// responseURLLife is how long Slack accepts replies through a response_url.
const responseURLLife = 30 * time.Minute

// lateAfter is how long after its request a confirmation is late, and says
// when the change was made.
const lateAfter = time.Minute

// KindConfirmation is the outbox kind of a confirmation sent as a direct
// message, once a response_url has expired.
const KindConfirmation = "confirmation"

// actionRequest is what a click or a form asks for, recorded in the inbox
// before it is acknowledged: where it came from, and its steps.
type actionRequest struct {
	Origin origin       `json:"origin"`
	Steps  []changeStep `json:"steps"`
}

type changeStep struct {
	Verb     actionbot.Verb `json:"verb"`
	Ref      string         `json:"ref"`
	Text     string         `json:"text,omitempty"`
	Progress int            `json:"progress,omitempty"`
	Days     int            `json:"days,omitempty"`
	Plan     int64          `json:"plan,omitempty"`
}

// stepsText is what a recorded click or form changed, as the slash command
// would be typed ("5.2 progress 60 two schemes; 5.2 note …"); "" when the
// payload does not say.
func stepsText(payload string) string {
	var r actionRequest
	if json.Unmarshal([]byte(payload), &r) != nil {
		return ""
	}
	parts := make([]string, 0, len(r.Steps))
	for _, s := range r.Steps {
		if s.Ref == "" || s.Verb == "" {
			return ""
		}
		p := s.Ref + " " + string(s.Verb)
		switch {
		case s.Verb == actionbot.VerbProgress:
			p += " " + strconv.Itoa(s.Progress) + "%"
		case s.Verb == actionbot.VerbSnooze && s.Days > 0:
			p += " " + strconv.Itoa(s.Days)
		}
		if s.Text != "" {
			p += " " + s.Text
		}
		parts = append(parts, p)
	}
	return strings.Join(parts, "; ")
}

func stepsOf(cmds []*commands.Command) []changeStep {
	out := make([]changeStep, len(cmds))
	for i, c := range cmds {
		out[i] = changeStep{Verb: c.Verb, Ref: c.Ref, Text: c.Text, Progress: c.Progress, Days: c.Days, Plan: c.Plan}
	}
	return out
}

func (r *actionRequest) commands() []*commands.Command {
	out := make([]*commands.Command, len(r.Steps))
	for i, s := range r.Steps {
		out[i] = &commands.Command{Verb: s.Verb, Ref: s.Ref, Text: s.Text, Progress: s.Progress, Days: s.Days, Plan: s.Plan}
	}
	return out
}

// receiveAction records a click's or a form's change before its ack. It
// returns the item to make after the ack, or nil: the request was seen
// before (and is not applied again), or it could not be recorded (err).
func (b *Bot) receiveAction(ctx context.Context, kind, deliveryID, user, channel string, o origin, cmds []*commands.Command) (*actionbot.InboxItem, error) {
	payload, err := json.Marshal(actionRequest{Origin: o, Steps: stepsOf(cmds)})
	if err != nil {
		return nil, fmt.Errorf("record a %s: %w", kind, err)
	}
	it := &actionbot.InboxItem{Delivery: deliveryID, Kind: kind, UserID: user, ChannelID: channel, Payload: string(payload), ResponseURL: o.ResponseURL}
	_, fresh, err := b.Store.Receive(ctx, it)
	if err != nil {
		b.log().Error("slack: record a "+kind, "user", user, "ref", o.Ref, "err", err)
		return nil, err
	}
	if !fresh {
		b.log().Info("slack: repeated request not applied again", "kind", kind, "ref", o.Ref)
		return nil, nil
	}
	b.maybePrune()
	return it, nil
}

// runInbox makes a recorded change and confirms it.
func (b *Bot) runInbox(ctx context.Context, it *actionbot.InboxItem) {
	switch it.Kind {
	case actionbot.InboxClick, actionbot.InboxForm:
		b.runAction(ctx, it)
		return
	}
	msg, ok := b.makeCommand(ctx, it, false)
	if !ok {
		return
	}
	it.Reply, it.DoneAt = &msg, b.now()
	b.confirm(ctx, it, false)
}

// runAction makes a recorded click or form and shows what it did where it
// came from (report), which confirms it.
func (b *Bot) runAction(ctx context.Context, it *actionbot.InboxItem) {
	var r actionRequest
	if err := json.Unmarshal([]byte(it.Payload), &r); err != nil || len(r.Steps) == 0 {
		b.log().Error("slack: a recorded "+it.Kind+" cannot be read; dropped", "inbox", it.ID, "err", err)
		msg := actionbot.Simple("❌ " + actionbot.ErrorMessage(fmt.Errorf("read inbox item %d", it.ID)))
		if ok, err := b.Store.FinishInbox(ctx, it.ID, msg, false, false); err != nil {
			b.log().Error("slack: record the outcome of a "+it.Kind, "inbox", it.ID, "err", err)
		} else if ok {
			it.Reply, it.DoneAt = &msg, b.now()
			b.confirm(ctx, it, false) // the person is told nothing was changed
		}
		return
	}
	out := b.apply(ctx, it.UserID, it.ChannelID, it.ID, r.commands())
	ok, err := b.Store.FinishInbox(ctx, it.ID, out.message(), out.err == nil, false)
	if err != nil {
		b.log().Error("slack: record the outcome of a "+it.Kind, "inbox", it.ID, "err", err)
		return
	}
	if !ok {
		return // another run made it, and confirms it
	}
	// Late (made at a restart), a click on an ephemeral card or a form is
	// confirmed like a typed change: saying when it was made, by direct
	// message once the response_url has expired. A message the bot posted
	// is updated in place whenever it was made; the line says when.
	posted := r.Origin.TS != "" && !r.Origin.Ephemeral
	if b.now().Sub(it.ReceivedAt) > lateAfter && !posted {
		msg := out.message()
		it.Reply, it.DoneAt = &msg, b.now()
		b.confirm(ctx, it, false)
		return
	}
	b.report(ctx, r.Origin, it.UserID, out)
	if err := b.Store.ConfirmInbox(ctx, it.ID); err != nil {
		b.log().Error("slack: record a confirmation", "inbox", it.ID, "err", err)
	}
}

// reshow confirms a click or a form made before a stop, as runAction does
// for a fresh one: an ephemeral card, or a card shared with the channel, is
// replaced through its response_url; a message the bot posted is revised in
// place. Replacing is idempotent, so a confirmation that reached Slack just
// before the stop is not doubled. ok is false when it cannot be shown that
// way (a typed change, a refusal, an expired response_url, a message no
// longer recorded): confirm then sends it as a message of its own.
func (b *Bot) reshow(ctx context.Context, it *actionbot.InboxItem) (ok bool) {
	if it.Kind != actionbot.InboxClick && it.Kind != actionbot.InboxForm || !it.Changed {
		return false // a refusal is told to the person, not shown in place
	}
	var r actionRequest
	if err := json.Unmarshal([]byte(it.Payload), &r); err != nil || len(r.Steps) == 0 {
		return false
	}
	o := r.Origin
	posted := o.TS != "" && !o.Ephemeral
	if !posted && !(o.Ephemeral && b.now().Sub(it.ReceivedAt) < responseURLLife) {
		return false
	}
	msg := b.confirmation(it, false)
	done := "Change made"
	if it.Reply != nil {
		done = it.Reply.Text
	} else if !b.recordBeforeSending(ctx, it, msg) {
		return true
	}
	at := it.DoneAt
	if at.IsZero() {
		at = b.now()
	}
	closed := false
	for _, s := range r.Steps {
		closed = closed || s.Verb == actionbot.VerbDone
	}
	err := b.showInPlace(ctx, o, it.UserID, msg, done, closed, at)
	if err != nil {
		b.log().Warn("slack: show a change made before a restart where it came from; sending it instead", "inbox", it.ID, "err", err)
		return false
	}
	if err := b.Store.ConfirmInbox(ctx, it.ID); err != nil {
		b.log().Error("slack: record a confirmation", "inbox", it.ID, "err", err)
	}
	return true
}

// confirm tells the person that a recorded change was made (or why not):
// through its response_url while that lives, by direct message after, or
// if the response_url fails. A late confirmation says when the change was
// made; again says that it may have been sent before (the bot stopped
// between sending it and recording that it had).
func (b *Bot) confirm(ctx context.Context, it *actionbot.InboxItem, again bool) {
	msg := b.confirmation(it, again)
	if it.Reply == nil && !b.recordBeforeSending(ctx, it, msg) {
		return
	}
	if it.ResponseURL != "" && b.now().Sub(it.ReceivedAt) < responseURLLife {
		// A click or form on an ephemeral card replaces the card, as its
		// first answer did; anything else is a new message.
		var r actionRequest
		replace := it.Kind != actionbot.InboxCommand && json.Unmarshal([]byte(it.Payload), &r) == nil && r.Origin.Ephemeral
		err := b.respond(ctx, it.ResponseURL, msg, replace)
		if err == nil {
			if err := b.Store.ConfirmInbox(ctx, it.ID); err != nil {
				b.log().Error("slack: record a confirmation", "inbox", it.ID, "err", err)
			}
			return
		}
		b.log().Warn("slack: confirm through the response_url failed; sending a direct message", "inbox", it.ID, "err", err)
	}
	msg.Public = false
	dm := &actionbot.Outgoing{Key: "confirm:" + strconv.FormatInt(it.ID, 10) + ":" + strconv.FormatInt(it.ReceivedAt.UnixNano(), 10),
		Kind: KindConfirmation, To: it.UserID, Message: msg}
	if err := b.Store.ConfirmInboxByMessage(ctx, it.ID, dm); err != nil {
		b.log().Error("slack: queue a confirmation", "inbox", it.ID, "err", err)
	}
}

// recordBeforeSending records msg as the outcome of a change made just
// before a stop whose outcome was not recorded, before it is sent, so that
// a stop after sending it is known to be one (the next start then shows it
// again, or says it is sent again). It is false when it must not be sent:
// the record failed (logged), or another start recorded one first and
// confirms it.
func (b *Bot) recordBeforeSending(ctx context.Context, it *actionbot.InboxItem, msg actionbot.Message) bool {
	ok, err := b.Store.FinishInbox(ctx, it.ID, msg, true, false)
	if err != nil {
		b.log().Error("slack: record a confirmation before sending it", "inbox", it.ID, "err", err)
		return false
	}
	return ok
}

// confirmation is the message confirming a recorded change: its recorded
// reply or, when the bot stopped before recording it, a plain account;
// when it is late, when the change was made; and when it may be a repeat,
// that it is sent again.
func (b *Bot) confirmation(it *actionbot.InboxItem, again bool) actionbot.Message {
	var msg actionbot.Message
	switch {
	case it.Reply != nil:
		msg = *it.Reply
	case it.Kind == actionbot.InboxCommand && it.Text != "":
		msg = actionbot.Simple("✅ Your change was made: /action " + PlainText(it.Text))
	case it.Kind != actionbot.InboxCommand && stepsText(it.Payload) != "":
		// A click or a form: what it changed, as the command would say it.
		msg = actionbot.Simple("✅ Your change was made: /action " + PlainText(stepsText(it.Payload)))
	default:
		msg = actionbot.Simple("✅ Your change was made.")
	}
	var notes []string
	if b.now().Sub(it.ReceivedAt) > lateAfter {
		at := it.DoneAt
		if at.IsZero() {
			at = b.now()
		}
		notes = append(notes, "🕒 This change was made at "+at.In(b.location()).Format("15:04 on Mon 2 Jan")+".")
	}
	if again {
		notes = append(notes, RepeatedConfirmation)
	}
	if len(notes) > 0 {
		note := strings.Join(notes, " ")
		msg.Blocks = append([]actionbot.Block{{Kind: actionbot.BlockContext, Text: actionbot.Txt(note)}}, msg.Blocks...)
		msg.Text = note + " " + msg.Text
	}
	return msg
}

// RepeatedConfirmation marks a confirmation that may have reached the
// person already: the bot was stopped after sending it and before
// recording that it had, and a confirmation sent twice is better than none.
const RepeatedConfirmation = "🔁 Sent again after a restart, in case you missed it."

// pruneEvery is how often a running bot forgets the changes confirmed
// longer ago than DeliveryTTL.
const pruneEvery = time.Hour

// maybePrune forgets old confirmed changes, at most once per pruneEvery,
// after the ack: the inbox stays small without a timer.
func (b *Bot) maybePrune() {
	now := b.now()
	b.mu.Lock()
	due := now.Sub(b.pruned) >= pruneEvery
	if due {
		b.pruned = now
	}
	b.mu.Unlock()
	if !due {
		return
	}
	b.spawn(func(ctx context.Context) {
		if n, err := b.Store.PruneInbox(ctx, now.Add(-b.deliveryTTL())); err != nil {
			b.log().Warn("slack: forget old confirmed changes", "err", err)
		} else if n > 0 {
			b.log().Debug("slack: forgot old confirmed changes", "count", n)
		}
	})
}

func (b *Bot) deliveryTTL() time.Duration {
	if b.DeliveryTTL > 0 {
		return b.DeliveryTTL
	}
	return DefaultDeliveryTTL
}

// RecoverInbox finishes what the bot was doing when it stopped (a crash, a
// kill): it makes the changes that were acknowledged but not made, in the
// order they came, and confirms those made but not confirmed. It also
// forgets the changes confirmed longer ago than DeliveryTTL, whose
// requests can no longer come again. It returns at once; Wait waits for
// the work.
func (b *Bot) RecoverInbox(ctx context.Context) error {
	b.mu.Lock()
	b.pruned = b.now()
	b.mu.Unlock()
	if _, err := b.Store.PruneInbox(ctx, b.now().Add(-b.deliveryTTL())); err != nil {
		return fmt.Errorf("recover acknowledged changes: %w", err)
	}
	unconfirmed, err := b.Store.UnconfirmedInbox(ctx)
	if err != nil {
		return fmt.Errorf("recover acknowledged changes: %w", err)
	}
	pending, err := b.Store.PendingInbox(ctx)
	if err != nil {
		return fmt.Errorf("recover acknowledged changes: %w", err)
	}
	if len(unconfirmed)+len(pending) > 0 {
		b.log().Info("slack: finishing changes acknowledged before a restart", "to_make", len(pending), "to_confirm", len(unconfirmed))
	}
	for _, it := range unconfirmed {
		b.spawn(func(ctx context.Context) {
			// A click or a form is shown again where it came from, by
			// replacing what its first showing replaced: whether or not
			// that reached Slack before the stop, the person sees one.
			if b.reshow(ctx, it) {
				return
			}
			// With its reply recorded, its confirmation may have been sent
			// just before the stop: it is sent again, saying so.
			b.confirm(ctx, it, it.Reply != nil)
		})
	}
	b.spawn(func(ctx context.Context) {
		for _, it := range pending {
			b.runInbox(ctx, it)
		}
	})
	return nil
}
