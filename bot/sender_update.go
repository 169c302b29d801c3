package bot

import (
	"context"
	"errors"

	"github.com/slack-go/slack"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/outbox"
)

// Updates: a queued message of kind actionbot.OutboxUpdate is not posted.
// It replaces in place, with chat.update, a message the bot posted earlier
// through the outbox, by what that message now reads in the store (a note
// redacted from it). It is queued to the same conversation as the message,
// so it waits until that one is settled, and it is paced, retried and given
// up like any post. Updating twice is harmless: an update interrupted
// before its outcome was recorded is simply made again.

// UpdateStore is what delivering an update needs of the store.
type UpdateStore interface {
	// UpdateTarget returns the message an update replaces, where it was
	// posted and what it now reads: ENOTFOUND when the row is not an
	// update, ECONFLICT when the message never reached Slack.
	UpdateTarget(ctx context.Context, id int64) (*actionbot.Outgoing, error)
}

// goneErrors are Slack's answers to chat.update that mean the message is
// no longer there to update: the update has nothing left to do.
var goneErrors = map[string]bool{"message_not_found": true, "channel_not_found": true, "is_archived": true, "channel_is_archived": true}

// stuckErrors are Slack's answers to chat.update that no retry will
// change, with what a coordinator should know.
var stuckErrors = map[string]string{
	"cant_update_message": "Slack will not let me edit that message: delete it by hand",
	"edit_window_closed":  "the workspace no longer allows that message to be edited: delete it by hand",
}

// target is the message an update replaces: nil when Slack has none to
// update (it never reached Slack, or is gone).
func (t *Transport) target(ctx context.Context, m *actionbot.Outgoing) (*actionbot.Outgoing, *outbox.Failure) {
	if t.Store == nil {
		return nil, &outbox.Failure{Permanent: true, Untried: true, Cause: "this store cannot say which message to update"}
	}
	target, err := t.Store.UpdateTarget(ctx, m.ID)
	switch code := actionbot.ErrorCode(err); {
	case code == actionbot.ECONFLICT || code == actionbot.ENOTFOUND:
		return nil, nil
	case err != nil:
		return nil, classify(m, err, false, "finding the message to update")
	}
	return target, nil
}

// updateWhere is the conversation of the message an update replaces (""
// when there is nothing to update).
func (t *Transport) updateWhere(ctx context.Context, m *actionbot.Outgoing) (string, *outbox.Failure) {
	target, f := t.target(ctx, m)
	if target == nil {
		return "", f
	}
	return target.Channel, nil
}

// sendUpdate replaces the message in place. Done, or with nothing left to
// do, it records no channel and ts of its own: those stay the message's,
// which a click on it finds (Store.SentMessage).
func (t *Transport) sendUpdate(ctx context.Context, m *actionbot.Outgoing) (outbox.Sent, *outbox.Failure) {
	target, f := t.target(ctx, m)
	if f != nil {
		return outbox.Sent{}, f
	}
	if target == nil {
		// Never delivered (or gone): Slack has no copy to update.
		return outbox.Sent{Note: "the message to update never reached Slack; nothing to update"}, nil
	}
	_, _, _, err := t.API.UpdateMessageContext(ctx, target.Channel, target.RemoteRef, messageOptions(target.Message, t.Command)...)
	var se slack.SlackErrorResponse
	switch {
	case err == nil:
		return outbox.Sent{Note: "updated a message in place"}, nil
	case errors.As(err, &se) && goneErrors[se.Err]:
		return outbox.Sent{Note: "the message to update is gone from Slack; nothing to update"}, nil
	case errors.As(err, &se) && stuckErrors[se.Err] != "":
		return outbox.Sent{}, &outbox.Failure{Permanent: true, Cause: se.Err + ": " + stuckErrors[se.Err]}
	}
	// Whether or not Slack made it, the update is made again later:
	// making it twice is harmless.
	f = classify(m, err, false, "updating a message in place")
	f.Untried = false
	return outbox.Sent{}, f
}
