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
)

// Outbox is what the sender needs of the store.
type Outbox interface {
	OutboxHeads(ctx context.Context, now time.Time, limit int) ([]*actionbot.Delivery, error)
	ClaimOutgoing(ctx context.Context, id int64, channel string, at time.Time) error
	MarkDelivered(ctx context.Context, id int64, channel, ts string) error
	ReleaseOutgoing(ctx context.Context, id int64, cause string, next time.Time, count bool) error
	MarkRetry(ctx context.Context, id int64, cause string, next time.Time) error
	MarkFailed(ctx context.Context, id int64, cause string) error
}

// OutboxMetadataType is the event_type of the message metadata every post
// carries, with the outbox key in its payload, so that a post whose outcome
// was lost (a crash, a request left unanswered) can be found on Slack.
const OutboxMetadataType = "actionbot_outbox"

// Sender defaults.
const (
	DefaultPerChannel  = time.Second
	DefaultPoll        = time.Second
	DefaultMaxAttempts = 12
	DefaultBaseBackoff = 5 * time.Second
	DefaultMaxBackoff  = 10 * time.Minute
	DefaultPostTimeout = 20 * time.Second
)

// Sender delivers the outbox to Slack: announcements to task-group
// channels, reminders by direct message, the digest. It keeps each
// conversation's messages in the order they were queued, posts at most one
// message a second to each, waits as long as Slack asks after a 429,
// retries transient failures with capped exponential backoff, and records
// permanent failures (channel_not_found, not_in_channel, invalid_auth…)
// where `/action admin failed` shows them.
//
// Exactly once: before posting, a message is marked 'sending' with the
// conversation it goes to, and the post carries the outbox key as message
// metadata. If the outcome is lost — the process dies between Slack
// accepting the post and the database recording it, or Slack does not
// answer — the message stays 'sending'; before it is posted again the
// conversation's recent history is searched for that key, and a message
// found there is recorded as sent instead of being posted twice.
//
// Direct messages: the sender opens the conversation with the person
// (conversations.open, im:write) and posts to the D… channel it returns, so
// that the exact conversation is recorded for the check above and for
// updating the message later.
type Sender struct {
	Outbox Outbox
	API    *slack.Client
	Logger *slog.Logger
	// Now returns the current instant; After waits (time.After). Tests
	// replace both and never sleep.
	Now   func() time.Time
	After func(d time.Duration) <-chan time.Time

	PerChannel  time.Duration // at most one post per conversation per PerChannel
	Poll        time.Duration // how often the outbox is read
	MaxAttempts int           // failed attempts before a message is given up
	BaseBackoff time.Duration // the first retry's wait, doubled each time…
	MaxBackoff  time.Duration // …up to this
	PostTimeout time.Duration // a request unanswered this long counts as unanswered

	mu   sync.Mutex
	last map[string]time.Time // recipient → last post
	ims  map[string]string    // user → their D… channel with the bot
	wake chan struct{}
}

func (s *Sender) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Sender) log() *slog.Logger {
	if s.Logger != nil {
		return s.Logger
	}
	return slog.Default()
}

func durOr(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}

// Notify wakes the sender to read the outbox now.
func (s *Sender) Notify() {
	s.mu.Lock()
	if s.wake == nil {
		s.wake = make(chan struct{}, 1)
	}
	w := s.wake
	s.mu.Unlock()
	select {
	case w <- struct{}{}:
	default:
	}
}

// Run delivers until ctx is done. A post in progress when ctx ends is
// finished (or times out) and its outcome recorded before Run returns.
func (s *Sender) Run(ctx context.Context) error {
	s.Notify() // create the wake channel
	// A store that says when a change has queued messages wakes the sender
	// then: an announcement leaves at once, not at the next poll.
	if w, ok := s.Outbox.(interface{ WakeOnQueue(func()) }); ok {
		w.WakeOnQueue(s.Notify)
		defer w.WakeOnQueue(nil)
	}
	after := s.After
	if after == nil {
		after = time.After
	}
	for {
		n, err := s.Step(ctx)
		if err != nil && ctx.Err() == nil {
			s.log().Error("slack sender: read the outbox", "err", err)
		}
		// After delivering, the next message of a busy conversation is due
		// one pace later; otherwise read the outbox again after Poll.
		wait := durOr(s.Poll, DefaultPoll)
		if n > 0 {
			wait = min(wait, durOr(s.PerChannel, DefaultPerChannel))
		}
		s.mu.Lock()
		wake := s.wake
		s.mu.Unlock()
		select {
		case <-ctx.Done():
			return nil
		case <-wake:
		case <-after(wait):
		}
	}
}

// Step makes one pass over the outbox: for each conversation whose oldest
// undelivered message is due, and which has not been posted to within
// PerChannel, it delivers that message. It returns how many it handled.
func (s *Sender) Step(ctx context.Context) (int, error) {
	heads, err := s.Outbox.OutboxHeads(ctx, s.now(), 100)
	if err != nil {
		return 0, err
	}

	n := 0
	for _, d := range heads {
		if ctx.Err() != nil {
			break
		}
		s.mu.Lock()
		last, posted := s.last[d.To]
		s.mu.Unlock()
		if posted && s.now().Sub(last) < durOr(s.PerChannel, DefaultPerChannel) {
			continue
		}
		s.deliver(ctx, d)
		n++
	}
	return n, nil
}

func (s *Sender) markPosted(to string) {
	s.mu.Lock()
	if s.last == nil {
		s.last = map[string]time.Time{}
	}
	s.last[to] = s.now()
	s.mu.Unlock()
}

// deliver posts one message and records the outcome. Calls to Slack are
// not cut short by ctx: once begun, a post is finished and recorded.
func (s *Sender) deliver(ctx context.Context, d *actionbot.Delivery) {
	if d.Kind == actionbot.OutboxUpdate {
		s.deliverUpdate(ctx, d) // sender_update.go: chat.update, not a post
		return
	}
	pctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), durOr(s.PostTimeout, DefaultPostTimeout))
	defer cancel()
	rctx := context.WithoutCancel(ctx)
	channel := d.Channel
	if d.State == actionbot.OutboxSending {
		ts, found, err := s.findPosted(pctx, d)
		if err != nil {
			s.failed(rctx, d, err, true, "checking whether an interrupted post reached Slack")
			return
		}
		if found {
			if err := s.Outbox.MarkDelivered(rctx, d.ID, channel, ts); err != nil {
				s.log().Error("slack sender: record delivery", "id", d.ID, "err", err)
				return
			}
			s.log().Info("slack sender: an interrupted post had reached Slack; recorded, not sent again", "id", d.ID, "kind", d.Kind, "channel", channel)
			return
		}
	} else {
		var err error
		if channel, err = s.conversation(pctx, d.To); err != nil {
			s.failed(rctx, d, err, false, "opening the conversation")
			return
		}
		if err := s.Outbox.ClaimOutgoing(rctx, d.ID, channel, s.now()); actionbot.ErrorCode(err) == actionbot.ECONFLICT {
			s.log().Debug("slack sender: another sender claimed the message first", "id", d.ID)
			return
		} else if err != nil {
			s.log().Error("slack sender: claim a message", "id", d.ID, "err", err)
			return
		}
	}
	ts, err := s.post(pctx, channel, d)
	s.markPosted(d.To)
	if err != nil {
		s.failed(rctx, d, err, true, "posting")
		return
	}
	if err := s.Outbox.MarkDelivered(rctx, d.ID, channel, ts); err != nil {
		// The message stays 'sending' and is found on Slack next time.
		s.log().Error("slack sender: record delivery", "id", d.ID, "err", err)
		return
	}
	s.log().Debug("slack sender: delivered", "id", d.ID, "kind", d.Kind, "channel", channel)
}

// conversation returns the channel to post to: the recipient itself, or for
// a person the D… channel of their conversation with the bot.
func (s *Sender) conversation(ctx context.Context, to string) (string, error) {
	o := actionbot.Outgoing{To: to}
	if !o.IsDirect() {
		return to, nil
	}
	s.mu.Lock()
	ch, ok := s.ims[to]
	s.mu.Unlock()
	if ok {
		return ch, nil
	}
	c, _, _, err := s.API.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: []string{to}, ReturnIM: true})
	if err != nil {
		return "", err
	}
	if c == nil || c.ID == "" {
		return "", errors.New("conversations.open returned no channel")
	}
	s.mu.Lock()
	if s.ims == nil {
		s.ims = map[string]string{}
	}
	s.ims[to] = c.ID
	s.mu.Unlock()
	return c.ID, nil
}

func (s *Sender) post(ctx context.Context, channel string, d *actionbot.Delivery) (string, error) {
	_, ts, err := s.API.PostMessageContext(ctx, channel,
		slack.MsgOptionText(Fallback(d.Message), false),
		slack.MsgOptionBlocks(slackBlocks(d.Message, MaxMessageBlocks)...),
		slack.MsgOptionMetadata(slack.SlackMetadata{EventType: OutboxMetadataType, EventPayload: map[string]any{"key": d.Key, "id": d.ID}}),
		slack.MsgOptionDisableLinkUnfurl(),
	)
	return ts, err
}

// findPosted looks for a message carrying d's outbox key in the history of
// its conversation since shortly before its posting began.
func (s *Sender) findPosted(ctx context.Context, d *actionbot.Delivery) (string, bool, error) {
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
		h, err := s.API.GetConversationHistoryContext(ctx, params)
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

// failed records a failure. posted says whether the message may have
// reached Slack (a post was made); during is what was being done.
func (s *Sender) failed(ctx context.Context, d *actionbot.Delivery, err error, posted bool, during string) {
	attempt := d.Attempts + 1
	now := s.now()
	var rl *slack.RateLimitedError
	var se slack.SlackErrorResponse
	var record error
	switch {
	case errors.As(err, &rl):
		// Slack did not take the request: wait as long as it asks, without
		// counting an attempt. The conversation's later messages wait too.
		wait := max(rl.RetryAfter, time.Second)
		cause := "rate limited by Slack: waiting " + wait.String()
		if d.State == actionbot.OutboxSending {
			record = s.Outbox.MarkRetry(ctx, d.ID, cause, now.Add(wait))
		} else {
			record = s.Outbox.ReleaseOutgoing(ctx, d.ID, cause, now.Add(wait), false)
		}
		s.log().Warn("slack sender: rate limited", "id", d.ID, "retry_after", wait)
	case errors.As(err, &se) && permanentErrors[se.Err] != "":
		cause := se.Err + ": " + permanentErrors[se.Err]
		if d.State == actionbot.OutboxSending {
			cause += " (while " + during + "; an earlier attempt may have been posted: check the conversation before retrying)"
		}
		record = s.Outbox.MarkFailed(ctx, d.ID, cause)
		s.log().Error("slack sender: message not delivered", "id", d.ID, "kind", d.Kind, "recipient", d.To, "error", se.Err)
	case attempt >= durIntOr(s.MaxAttempts, DefaultMaxAttempts):
		cause := fmt.Sprintf("gave up after %d attempts; last: %s", attempt, describe(err))
		if posted {
			cause += " (Slack did not confirm the post: check the conversation before retrying)"
		}
		record = s.Outbox.MarkFailed(ctx, d.ID, cause)
		s.log().Error("slack sender: message given up", "id", d.ID, "kind", d.Kind, "recipient", d.To, "attempts", attempt, "err", describe(err))
	case errors.As(err, &se) && d.State != actionbot.OutboxSending:
		// Slack answered that it did not post it: try again later.
		record = s.Outbox.ReleaseOutgoing(ctx, d.ID, se.Err+" (retrying)", now.Add(s.backoff(attempt)), true)
		s.log().Warn("slack sender: Slack refused a post; will retry", "id", d.ID, "error", se.Err, "attempt", attempt)
	case !posted && d.State != actionbot.OutboxSending:
		record = s.Outbox.ReleaseOutgoing(ctx, d.ID, during+": "+describe(err)+" (retrying)", now.Add(s.backoff(attempt)), true)
		s.log().Warn("slack sender: will retry", "id", d.ID, "during", during, "attempt", attempt, "err", describe(err))
	default:
		// No clear answer: the post may have reached Slack. The message stays
		// 'sending' and is looked for before it is posted again.
		record = s.Outbox.MarkRetry(ctx, d.ID, during+": "+describe(err)+" (will check, then retry)", now.Add(s.backoff(attempt)))
		s.log().Warn("slack sender: no clear answer from Slack; will check before retrying", "id", d.ID, "during", during, "attempt", attempt, "err", describe(err))
	}
	if record != nil {
		s.log().Error("slack sender: record a failure", "id", d.ID, "err", record)
	}
}

func durIntOr(n, def int) int {
	if n > 0 {
		return n
	}
	return def
}

// backoff is the wait before attempt+1: BaseBackoff doubled per attempt,
// capped at MaxBackoff.
func (s *Sender) backoff(attempt int) time.Duration {
	base, limit := durOr(s.BaseBackoff, DefaultBaseBackoff), durOr(s.MaxBackoff, DefaultMaxBackoff)
	d := base
	for i := 1; i < attempt && d < limit; i++ {
		d *= 2
	}
	return min(d, limit)
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
