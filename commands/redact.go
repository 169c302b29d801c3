package commands

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/sevenoaks-csp/actionbot"
)

// Redaction: "/action 5.2 redact note 3" removes the text of an action's
// note 3 — numbered as its history numbers them, oldest first — wherever
// the bot keeps it: the note itself, every entry of the audit trail that
// carries it (a blocked reason, then the unblock that cleared it), the
// action's reason, the messages it queued or posted, which Slack is asked
// to update in place. It reads "[redacted by @U0COORD on 6 Dec 2026]"
// instead. Coordinators only; the redaction is audited, never the text.

// redactUsage is what to type.
const redactUsage = "`/action %[1]s redact note N` removes the text of %[1]s's note N (`/action %[1]s history` numbers them)"

// redact parses what follows "redact": "note N" (or "note #N", or N alone).
func (p *parser) redact(c *Command, i int) error {
	if p.word(i) == "note" {
		i++
	}
	w := strings.TrimPrefix(p.word(i), "#")
	n, err := strconv.Atoi(w)
	if w == "" || err != nil || p.rest(i+1) != "" {
		return invalid(redactUsage+".", c.Ref)
	}
	if n < 1 {
		return invalid("Notes are numbered from 1: "+redactUsage+".", c.Ref)
	}
	c.Note = n
	return nil
}

// noteRedactor is what redacting a note needs of the store beyond Store.
type noteRedactor interface {
	RedactNote(ctx context.Context, planID int64, ref string, n int, actor, marker string) (*actionbot.NoteRedaction, error)
}

// redactNote runs "redact note N": a coordinator's, refused to anyone else
// before anything is read, and by the store again.
func (h *Handler) redactNote(ctx context.Context, e *env, req Request, cmd *Command) (actionbot.Message, error) {
	rs, ok := h.Store.(noteRedactor)
	if !ok {
		return actionbot.Message{}, fmt.Errorf("%s redact: the store does not redact notes", cmd.Ref)
	}
	a, err := h.findAction(ctx, e, cmd.Ref)
	if err != nil {
		return actionbot.Message{}, err
	}
	coord, err := h.isCoordinator(ctx, req.UserID)
	if err != nil {
		return actionbot.Message{}, err
	}
	if !coord {
		return actionbot.Message{}, actionbot.Errorf(actionbot.EUNAUTHORIZED,
			"Only a coordinator can redact a note; nothing was changed. If note %d of %s holds personal data, ask %s to redact it: `/action %s redact note %d`.",
			cmd.Note, a.Ref, h.coordinatorsText(ctx).Plain(), a.Ref, cmd.Note)
	}
	marker := actionbot.RedactionMarker(req.UserID, e.now)
	res, err := rs.RedactNote(ctx, e.plan.ID, a.Ref, cmd.Note, req.UserID, marker)
	if err != nil {
		return actionbot.Message{}, err
	}
	line := actionbot.Txt("✅ Note ", strconv.Itoa(res.Number), " of ", actionbot.B(res.Ref), " is redacted: it now reads “"+res.Marker+"” in its history and audit trail")
	switch {
	case res.Updates > 0:
		line = append(line, actionbot.Txt(", and "+actionbot.Plural(res.Updates, "message")+" I posted on Slack "+isAre(res.Updates)+" being updated to say so")...)
	case res.Messages > 0:
		line = append(line, actionbot.Txt(", and in "+actionbot.Plural(res.Messages, "message")+" I had recorded")...)
	}
	line = append(line, actionbot.Txt(". The redaction is audited, without the text.")...)
	return actionbot.Message{Text: line.Plain(), Blocks: []actionbot.Block{{Kind: actionbot.BlockSection, Text: line}}}, nil
}

func isAre(n int) string {
	if n == 1 {
		return "is"
	}
	return "are"
}
