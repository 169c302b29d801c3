package actionbot

import "time"

// OutboxState is where an outgoing message stands.
type OutboxState string

const (
	OutboxPending OutboxState = "pending"
	OutboxSent    OutboxState = "sent"
	OutboxFailed  OutboxState = "failed" // permanently: recorded for a coordinator
	// OutboxSending is the state of a message whose posting has begun and
	// whose outcome is not recorded yet. After a crash, or a request that
	// went unanswered, the sender looks for it on Slack before posting it
	// again.
	OutboxSending OutboxState = "sending"
)

// Outgoing is the outbox's row: a message queued for delivery to a channel or a person: an
// announcement of a change, a reminder, the daily digest. It is written in
// the same transaction as the change that caused it and delivered by a
// sender that drains the outbox, so it is neither lost nor sent twice.
type Outgoing struct {
	ID int64 `json:"id"`
	// Key makes queuing idempotent: a second message with the same key is
	// not queued ("reminder:5.2:7:2013-03-31").
	Key  string `json:"key"`
	Kind string `json:"kind"` // "announce", "reminder", "digest", "escalation"...
	// To is a channel ID (C…, G…), for a direct message a user ID (U…, W…),
	// or for an e-mail an address (IsEmail).
	To          string      `json:"to"`
	Message     Message     `json:"message"`
	State       OutboxState `json:"state"`
	Attempts    int         `json:"attempts"`
	NextAttempt time.Time   `json:"next_attempt"`
	LastError   string      `json:"last_error,omitempty"`
	CreatedAt   time.Time   `json:"created_at"`
	SentAt      time.Time   `json:"sent_at,omitzero"`
	// RemoteRef is the delivered message's identifier on the transport (a
	// Slack message ts), so it can be updated later.
	RemoteRef string `json:"remote_ref,omitempty"`
	// Channel is the conversation the message was, or is being, sent to:
	// for a Slack direct message, the D… channel opened with the person.
	Channel string `json:"-"`
	// ClaimedAt is when its sending began; zero unless it is 'sending'.
	ClaimedAt time.Time `json:"-"`
}

// IsDirect reports whether the message goes to a person rather than a channel.
func (o *Outgoing) IsDirect() bool {
	return len(o.To) > 0 && (o.To[0] == 'U' || o.To[0] == 'W')
}

// IsEmail reports whether the message goes by e-mail: its recipient is an
// address.
func (o *Outgoing) IsEmail() bool { return IsEmail(o.To) }

// Destination names where the message goes, for a person reading a log or
// a preview: "@U123 (direct message)", "#C123" or "a@b.org (e-mail)".
func (o *Outgoing) Destination() string {
	if o.IsEmail() {
		return o.To + " (e-mail)"
	}
	if o.IsDirect() {
		return "@" + o.To + " (direct message)"
	}
	return "#" + o.To
}

// ReminderKey identifies a step of an action's reminders in the ledger that
// makes each step go out once: the action, the deadline the step counts
// from, and the step ("before:14", "overdue:2", "checkin:1").
type ReminderKey struct {
	ActionID int64
	Deadline string
	Step     string
}

// ReminderRecord is a step to record as sent, with the earlier steps it
// supersedes (they never go out) and the messages to queue with it.
type ReminderRecord struct {
	ReminderKey
	SendOn     Date
	Superseded []string
	Messages   []*Outgoing
}
