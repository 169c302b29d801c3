package actionbot

import "time"

// Kinds of inbox item: what brought the change.
const (
	InboxCommand = "command" // a typed /action change; Text is what was typed
	InboxClick   = "click"   // a button; Payload says what it asks for
	InboxForm    = "form"    // a form submission; Payload says what it asks for
)

// InboxItem is a change recorded before Slack is answered, so that a crash
// cannot lose it, under the identity of the request that brought it, so
// that a replay or a redelivery is not applied again.
type InboxItem struct {
	ID int64
	// Delivery identifies the request: "sig:" and the signature of a
	// signed HTTP request, "envelope:" and a Socket Mode envelope id; ""
	// when the transport does not repeat requests.
	Delivery    string
	Kind        string // InboxCommand (the default), InboxClick or InboxForm
	UserID      string
	ChannelID   string
	Text        string
	Payload     string // a click's or form's request, as JSON
	ResponseURL string
	ReceivedAt  time.Time
	State       string // "pending" or "done"
	DoneAt      time.Time
	// Changed says that its change was made (in the change's own
	// transaction), not refused.
	Changed bool
	// Reply is the confirmation, once the change is done (nil before).
	Reply       *Message
	ConfirmedAt time.Time // zero until the person has been told
}
