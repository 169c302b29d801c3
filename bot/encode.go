package bot

import "github.com/sevenoaks-csp/actionbot"

// The one JSON writer of Block Kit text: every payload the bot sends (the
// slash command's answer, announcements, reminders, the Home tab) is
// written by blockjson.go through it.

// appendJSONString appends s as a JSON string, as encoding/json does with
// HTML escaping off (actionbot.AppendJSONString).
func appendJSONString[T string | []byte](b []byte, s T) []byte {
	return actionbot.AppendJSONString(b, s, false)
}
