package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/slack-go/slack"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/outbox"
)

// OutboxMetadataType is the event_type of the message metadata every post
// carries, with the outbox key in its payload, so that a post whose outcome
// was lost (a crash, a request left unanswered) can be found on Slack.
const OutboxMetadataType = "actionbot_outbox"

// DefaultPerChannel is Slack's pace: at most one post per conversation a
// second (outbox.Sender's Pace, per recipient).
const DefaultPerChannel = time.Second

// Transport posts the outbox's Slack messages (owner "slack") for the one
// delivery loop, outbox.Sender: announcements to task-group channels,
// reminders by direct message, the digest. With the Sender it keeps each
// conversation's messages in the order they were queued, posts at most one
// message a second to each (Pace DefaultPerChannel, per recipient), waits
// as long as Slack asks after a 429, retries transient failures, and
// records permanent failures (channel_not_found, not_in_channel,
// invalid_auth…) where `/action admin failed` shows them.
//
// Exactly once: before posting, a message is marked 'sending' with the
// conversation it goes to, and the post carries the outbox key as message
// metadata. If the outcome is lost — the process dies between Slack
// accepting the post and the database recording it, or Slack does not
// answer — the message stays 'sending'; before it is posted again the
// conversation's recent history is searched for that key (Find), and a
// message found there is recorded as sent instead of being posted twice.
//
// Direct messages: the transport opens the conversation with the person
// (conversations.open, im:write) and posts to the D… channel it returns
// (Where), so that the exact conversation is recorded for the check above
// and for updating the message later.
type Transport struct {
	API *slack.Client
	// Store says which message an update replaces (sender_update.go).
	Store UpdateStore
	// Command is the app's slash command (Bot.Command), which every
	// message posted says (command_word.go); /action when empty.
	Command string

	mu  sync.Mutex
	ims map[string]string // user → their D… channel with the bot
}

// SenderStore is what Slack's delivery loop needs of the store.
type SenderStore interface {
	outbox.Store
	UpdateStore
}

// NewSender is the delivery loop of Slack's outbox on the clock now, paced
// per conversation: pace, or DefaultPerChannel when it is zero. Its
// messages say command, the app's slash command ("" for /action).
func NewSender(box SenderStore, api *slack.Client, command string, now func() time.Time, pace time.Duration, log *slog.Logger) *outbox.Sender {
	if pace <= 0 {
		pace = DefaultPerChannel
	}
	return &outbox.Sender{Store: box, Transport: &Transport{API: api, Store: box, Command: command}, Logger: log, Now: now, Pace: pace, PerRecipient: true}
}

// Owner is the owner of Slack's messages (store.SlackOwner).
func (t *Transport) Owner() string { return "slack" }

// Name names the transport in the log.
func (t *Transport) Name() string { return "slack sender" }

// Where is the conversation m is posted to: its recipient, or for a person
// the D… channel of their conversation with the bot; for an update, the
// conversation of the message it replaces.
func (t *Transport) Where(ctx context.Context, m *actionbot.Outgoing) (string, *outbox.Failure) {
	if m.Kind == actionbot.OutboxUpdate {
		return t.updateWhere(ctx, m) // sender_update.go
	}
	ch, err := t.conversation(ctx, m.To)
	if err != nil {
		return "", classify(m, err, false, "opening the conversation")
	}
	return ch, nil
}

// Find looks for an interrupted post of m on Slack. An update is not
// looked for: it is simply made again.
func (t *Transport) Find(ctx context.Context, m *actionbot.Outgoing) (string, bool, *outbox.Failure) {
	if m.Kind == actionbot.OutboxUpdate {
		return "", false, nil
	}
	ts, found, err := t.findPosted(ctx, m)
	if err != nil {
		return "", false, classify(m, err, true, "checking whether an interrupted post reached Slack")
	}
	return ts, found, nil
}

// Send posts m to channel (an update: chat.update, sender_update.go).
func (t *Transport) Send(ctx context.Context, m *actionbot.Outgoing, channel string) (outbox.Sent, *outbox.Failure) {
	if m.Kind == actionbot.OutboxUpdate {
		return t.sendUpdate(ctx, m)
	}
	ts, err := t.post(ctx, channel, m)
	if err != nil {
		return outbox.Sent{}, classify(m, err, true, "posting")
	}
	return outbox.Sent{Channel: channel, Ref: ts}, nil
}

// conversation returns the channel to post to: the recipient itself, or for
// a person the D… channel of their conversation with the bot.
func (t *Transport) conversation(ctx context.Context, to string) (string, error) {
	o := actionbot.Outgoing{To: to}
	if !o.IsDirect() {
		return to, nil
	}
	t.mu.Lock()
	ch, ok := t.ims[to]
	t.mu.Unlock()
	if ok {
		return ch, nil
	}
	c, _, _, err := t.API.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: []string{to}, ReturnIM: true})
	if err != nil {
		return "", err
	}
	if c == nil || c.ID == "" {
		return "", errors.New("conversations.open returned no channel")
	}
	t.mu.Lock()
	if t.ims == nil {
		t.ims = map[string]string{}
	}
	t.ims[to] = c.ID
	t.mu.Unlock()
	return c.ID, nil
}

// messageOptions are a message's text and blocks as chat.postMessage,
// chat.postEphemeral and chat.update take them, spoken in cmd, the app's
// slash command (command_word.go).
func messageOptions(msg actionbot.Message, cmd string) []slack.MsgOption {
	msg = speak(msg, cmd)
	return []slack.MsgOption{slack.MsgOptionText(Fallback(msg), false), slack.MsgOptionBlocks(slackBlocks(msg, MaxMessageBlocks)...)}
}

func (t *Transport) post(ctx context.Context, channel string, d *actionbot.Outgoing) (string, error) {
	_, ts, err := t.API.PostMessageContext(ctx, channel, append(messageOptions(d.Message, t.Command),
		slack.MsgOptionMetadata(slack.SlackMetadata{EventType: OutboxMetadataType, EventPayload: map[string]any{"key": d.Key, "id": d.ID}}),
		slack.MsgOptionDisableLinkUnfurl(),
	)...)
	return ts, err
}

// findPosted looks for a message carrying d's outbox key in the history of
// its conversation since shortly before its posting began.
func (t *Transport) findPosted(ctx context.Context, d *actionbot.Outgoing) (string, bool, error) {
	since := d.ClaimedAt
	if since.IsZero() {
		since = d.CreatedAt
	}
	since = since.Add(-time.Minute)
	params := &slack.GetConversationHistoryParameters{
		ChannelID: d.Channel, Oldest: fmt.Sprintf("%d.%06d", since.Unix(), since.Nanosecond()/1000),
		Inclusive: true, Limit: 200, IncludeAllMetadata: true,
	}
	for page := 0; page < 25; page++ {
		h, err := t.API.GetConversationHistoryContext(ctx, params)
		if err != nil {
			return "", false, err
		}
		for _, m := range h.Messages {
			if m.Metadata.EventType == OutboxMetadataType && fmt.Sprint(m.Metadata.EventPayload["key"]) == d.Key {
				return m.Timestamp, true, nil
			}
		}
		if !h.HasMore || h.ResponseMetaData.NextCursor == "" {
			return "", false, nil
		}
		params.Cursor = h.ResponseMetaData.NextCursor
	}
	return "", false, fmt.Errorf("more than %d messages in %s since the post began: cannot tell whether it was delivered", 25*200, d.Channel)
}

// permanentErrors are Slack's answers that no retry will change. The text
// is shown to coordinators by `/action admin failed`.
var permanentErrors = map[string]string{
	"channel_not_found":                   "the channel does not exist, or is private and I am not in it: invite me, or set another channel",
	"not_in_channel":                      "I am not in the channel: invite me with /invite",
	"is_archived":                         "the channel is archived: unarchive it or set another channel",
	"channel_is_archived":                 "the channel is archived: unarchive it or set another channel",
	"invalid_auth":                        "Slack refused the bot token: reinstall the app and update SLACK_BOT_TOKEN",
	"not_authed":                          "no bot token was sent: set SLACK_BOT_TOKEN",
	"token_revoked":                       "the bot token was revoked: reinstall the app and update SLACK_BOT_TOKEN",
	"token_expired":                       "the bot token expired: reinstall the app and update SLACK_BOT_TOKEN",
	"account_inactive":                    "the bot's account is deactivated: reinstall the app",
	"user_not_found":                      "that person is not in this Slack workspace any more: remove them from their agency",
	"user_disabled":                       "that person's account is deactivated: remove them from their agency",
	"user_not_visible":                    "I cannot see that person (a guest or another workspace)",
	"cannot_dm_bot":                       "that user is a bot",
	"missing_scope":                       "the app lacks a permission: reinstall it from manifest.yml",
	"no_permission":                       "the app lacks a permission: reinstall it from manifest.yml",
	"not_allowed_token_type":              "SLACK_BOT_TOKEN is not a bot token (xoxb-)",
	"restricted_action":                   "the workspace does not allow me to post there",
	"restricted_action_read_only_channel": "the channel is read-only for me",
	"ekm_access_denied":                   "the workspace's key management blocks the post",
	"team_access_not_granted":             "the app is not installed on the workspace of that channel",
	"messages_tab_disabled":               "direct messages to the app are turned off: enable the Messages tab in the app's App Home settings",
	"msg_too_long":                        "the message is too long for Slack",
	"no_text":                             "the message is empty",
	"invalid_blocks":                      "Slack refused the message's layout",
	"invalid_blocks_format":               "Slack refused the message's layout",
	"invalid_metadata_format":             "Slack refused the message's metadata",
	"invalid_metadata_schema":             "Slack refused the message's metadata",
	"metadata_too_large":                  "Slack refused the message's metadata",
	"too_many_attachments":                "the message has too many attachments",
	"invalid_arguments":                   "Slack refused the request",
	"method_deprecated":                   "Slack no longer offers this API method: upgrade actionbot",
	"access_denied":                       "Slack denied access",
}

// classify judges a failure for the Sender. posted says whether the
// message may have reached Slack (a post was made); during is what was
// being done.
func classify(d *actionbot.Outgoing, err error, posted bool, during string) *outbox.Failure {
	sending := d.State == actionbot.OutboxSending
	var rl *slack.RateLimitedError
	var se slack.SlackErrorResponse
	f := &outbox.Failure{Last: describe(err), Untried: !posted}
	if posted {
		f.GiveUpNote = " (Slack did not confirm the post: check the conversation before retrying)"
	}
	switch {
	case errors.As(err, &rl):
		// Slack did not take the request: wait as long as it asks, without
		// counting an attempt. The conversation's later messages wait too.
		f.Wait = max(rl.RetryAfter, time.Second)
		f.Cause = "rate limited by Slack: waiting " + f.Wait.String()
		f.Unsure = sending
	case errors.As(err, &se) && permanentErrors[se.Err] != "":
		f.Permanent = true
		f.Cause = se.Err + ": " + permanentErrors[se.Err]
		if sending {
			f.Cause += " (while " + during + "; an earlier attempt may have been posted: check the conversation before retrying)"
		}
	case errors.As(err, &se) && !sending:
		// Slack answered that it did not post it: try again later.
		f.Cause = se.Err
	case !posted && !sending:
		f.Cause = during + ": " + describe(err)
	default:
		// No clear answer: the post may have reached Slack. The message stays
		// 'sending' and is looked for before it is posted again.
		f.Cause = during + ": " + describe(err)
		f.Unsure = true
	}
	return f
}

// describe says what went wrong without URLs or tokens.
func describe(err error) string {
	var sc slack.StatusCodeError
	var se slack.SlackErrorResponse
	switch {
	case errors.As(err, &sc):
		return "Slack answered HTTP " + strconv.Itoa(sc.Code)
	case errors.As(err, &se):
		return se.Err
	case errors.Is(err, context.DeadlineExceeded):
		return "no answer from Slack in time"
	}
	return actionbot.RedactError(err).Error()
}
