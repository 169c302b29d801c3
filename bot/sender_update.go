package bot

import (
	"context"
	"errors"

	"github.com/slack-go/slack"

	"github.com/sevenoaks-csp/actionbot"
)

// Updates: a queued message of kind actionbot.OutboxUpdate is not posted.
// It replaces in place, with chat.update, a message the bot posted earlier
// through the outbox, by what that message now reads in the store (a note
// redacted from it). It is queued to the same conversation as the message,
// so it waits until that one is settled, and it is paced, retried and given
// up like any post. Updating twice is harmless: an update interrupted
// before its outcome was recorded is simply made again.

// updateOutbox is what delivering an update needs of the store beyond
// Outbox.
type updateOutbox interface {
	// UpdateTarget returns the message an update replaces, where it was
	// posted and what it now reads: ENOTFOUND when the row is not an
	// update, ECONFLICT when the message never reached Slack.
	UpdateTarget(ctx context.Context, id int64) (*actionbot.Delivery, error)
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

func (s *Sender) deliverUpdate(ctx context.Context, d *actionbot.Delivery) {
	rctx := context.WithoutCancel(ctx)
	pctx, cancel := context.WithTimeout(rctx, durOr(s.PostTimeout, DefaultPostTimeout))
	defer cancel()
	uo, ok := s.Outbox.(updateOutbox)
	if !ok {
		if err := s.Outbox.MarkFailed(rctx, d.ID, "this store cannot say which message to update"); err != nil {
			s.log().Error("slack sender: record a failure", "id", d.ID, "err", err)
		}
		return
	}
	target, err := uo.UpdateTarget(rctx, d.ID)
	switch code := actionbot.ErrorCode(err); {
	case code == actionbot.ECONFLICT || code == actionbot.ENOTFOUND:
		// Never delivered (or gone): Slack has no copy to update.
		s.settle(rctx, d, "slack sender: the message to update never reached Slack; nothing to update")
		return
	case err != nil:
		s.failed(rctx, d, err, false, "finding the message to update")
		return
	}
	if d.State != actionbot.OutboxSending {
		if err := s.Outbox.ClaimOutgoing(rctx, d.ID, target.Channel, s.now()); actionbot.ErrorCode(err) == actionbot.ECONFLICT {
			s.log().Debug("slack sender: another sender claimed the update first", "id", d.ID)
			return
		} else if err != nil {
			s.log().Error("slack sender: claim an update", "id", d.ID, "err", err)
			return
		}
	}
	_, _, _, err = s.API.UpdateMessageContext(pctx, target.Channel, target.RemoteRef,
		slack.MsgOptionText(Fallback(target.Message), false),
		slack.MsgOptionBlocks(slackBlocks(target.Message, MaxMessageBlocks)...))
	s.markPosted(d.To)
	var se slack.SlackErrorResponse
	switch {
	case err == nil:
		s.settle(rctx, d, "slack sender: updated a message in place")
	case errors.As(err, &se) && goneErrors[se.Err]:
		s.settle(rctx, d, "slack sender: the message to update is gone from Slack; nothing to update")
	case errors.As(err, &se) && stuckErrors[se.Err] != "":
		if rerr := s.Outbox.MarkFailed(rctx, d.ID, se.Err+": "+stuckErrors[se.Err]); rerr != nil {
			s.log().Error("slack sender: record a failure", "id", d.ID, "err", rerr)
		}
		s.log().Error("slack sender: message not updated", "id", d.ID, "target", target.ID, "channel", target.Channel, "error", se.Err)
	default:
		// Whether or not Slack made it, the update is made again later:
		// making it twice is harmless.
		s.failed(rctx, d, err, false, "updating a message in place")
	}
}

// settle records an update as done: made, or with nothing left to make.
// It records no channel and ts of its own: those stay the message's, which
// a click on it finds (Store.SentMessage).
func (s *Sender) settle(ctx context.Context, d *actionbot.Delivery, msg string) {
	if err := s.Outbox.MarkDelivered(ctx, d.ID, "", ""); err != nil {
		s.log().Error("slack sender: record an update", "id", d.ID, "err", err)
		return
	}
	s.log().Info(msg, "id", d.ID)
}
