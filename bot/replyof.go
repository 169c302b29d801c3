package bot

import "github.com/sevenoaks-csp/actionbot"

// replyOf keeps the reply of the handler's Do where only the reply is
// wanted (a query, answered whatever its outcome): the error Do returns
// beside it is the one the reply already explains.
func replyOf(msg actionbot.Message, _ error) actionbot.Message { return msg }
