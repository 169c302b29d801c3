package actionbot

import (
	"errors"
	"fmt"
)

// Application error codes. They are mapped to friendly messages at the edge
// (the command handler, the CLI); any other error is internal, is logged and
// is never shown to a user.
const (
	ECONFLICT       = "conflict"
	EINTERNAL       = "internal"
	EINVALID        = "invalid"
	ENOTFOUND       = "not_found"
	EUNAUTHORIZED   = "unauthorized"
	ENOTIMPLEMENTED = "not_implemented"
)

// Error is an application error: Code says what kind, Message is safe to show
// to the person who caused it.
type Error struct {
	Code    string
	Message string
}

func (e *Error) Error() string {
	return fmt.Sprintf("actionbot error: code=%s message=%s", e.Code, e.Message)
}

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code string, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the application error in err's chain, or
// EINTERNAL for any other non-nil error, or "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return "" // before e, which errors.As moves to the heap
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the user-facing message of the application error in
// err's chain, or a generic message for an internal error.
func ErrorMessage(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Message
	}
	return "Something went wrong on our side and nothing was changed. Please try again; if it keeps happening, tell a coordinator."
}

// EUSAGE means a command was asked for wrongly (an unknown flag, a missing
// argument, a format that does not exist): the command line is at fault,
// not the plan. The CLI shows its usage and exits 2.
const EUSAGE = "usage"

// EUNCHANGED means the request would change nothing (marking a done action
// done). It is not a failure: the message says so and nothing is written.
const EUNCHANGED = "unchanged"
