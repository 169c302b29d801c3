package commands

import (
	"context"
	"fmt"
	"strings"

	"github.com/sevenoaks-csp/actionbot"
)

// AdminCarry carries an incomplete action of an earlier plan into the
// current one: "/action admin carry 2012-13/1.3 to 1.3".
const AdminCarry AdminOp = "carry"

const carryUsage = "Which action, into which? `/action admin carry 2012-13/1.3 to 1.3`: the earlier plan's year and action, then the action of the current plan that carries it on (the same number when you leave out `to`)."

// parseCarry parses "<year>/<ref> [to <ref>]".
func parseCarry(p *parser, i int) (*Admin, error) {
	from, rest := p.word(i), p.rest(i+1)
	year, ref, ok := strings.Cut(from, "/")
	oldRef, refOK := actionbot.ParseRef(ref)
	if !ok || year == "" || !refOK {
		return nil, invalid(carryUsage)
	}
	a := &Admin{Op: AdminCarry, From: year, Ref: oldRef, Into: oldRef}
	if rest != "" {
		words := strings.Fields(rest)
		if len(words) == 2 && (strings.EqualFold(words[0], "to") || strings.EqualFold(words[0], "as") || strings.EqualFold(words[0], "into")) {
			words = words[1:]
		}
		into, ok := actionbot.ParseRef(words[0])
		if len(words) != 1 || !ok {
			return nil, invalid(carryUsage)
		}
		a.Into = into
	}
	return a, nil
}

// carryStore is what carrying needs of the store beyond Store.
type carryStore interface {
	CarryAction(ctx context.Context, planID int64, ref, fromPlan, fromRef, actor string) (from string, old *actionbot.Action, err error)
	CarriedFrom(ctx context.Context, actionID int64) (from string, old *actionbot.Action, err error)
}

func (h *Handler) carry(ctx context.Context, e *env, userID string, a *Admin) (actionbot.Message, error) {
	cs, ok := h.Store.(carryStore)
	if !ok {
		return actionbot.Message{}, fmt.Errorf("the store does not carry actions")
	}
	into, err := h.findAction(ctx, e, a.Into)
	if err != nil {
		return actionbot.Message{}, err
	}
	from, old, err := cs.CarryAction(ctx, e.plan.ID, into.Ref, a.From, a.Ref, userID)
	if err != nil {
		return actionbot.Message{}, err
	}
	return actionbot.Simple(fmt.Sprintf("✅ %s carries on %s (%s, %d%% when it was carried): its card says so, and `/action %s history` shows the earlier history too.",
		into.Ref, from, old.Status.Label(), old.Progress, into.Ref)), nil
}

// carriedBlocks says on an action's card where it was carried from.
func (h *Handler) carriedBlocks(ctx context.Context, a *actionbot.Action) []actionbot.Block {
	from, old := h.carriedFrom(ctx, a)
	if old == nil {
		return nil
	}
	return []actionbot.Block{actionbot.Context(fmt.Sprintf("↪ Carried from %s (now %s, %d%% there): ", from, old.Status.Label(), old.Progress),
		actionbot.C("/action "+a.Ref+" history"), " shows its earlier history.")}
}

// carriedHistory is the earlier plan's history of an action carried from
// it, after the action's own.
func (h *Handler) carriedHistory(ctx context.Context, e *env, a *actionbot.Action) []actionbot.Block {
	from, old := h.carriedFrom(ctx, a)
	if old == nil {
		return nil
	}
	const limit = 25
	entries, err := h.Store.History(ctx, old.PlanID, old.Ref, limit)
	if err != nil {
		h.logger().Error("history of a carried action", "ref", a.Ref, "err", err)
		return nil
	}
	blocks := []actionbot.Block{actionbot.Divider(), actionbot.Section(actionbot.B("Earlier, as " + from))}
	if len(entries) == 0 {
		return append(blocks, actionbot.Context("No changes were recorded there."))
	}
	loc := e.now.Location()
	var lines []actionbot.RichText
	for _, en := range entries {
		line := actionbot.Txt(actionbot.B(en.At.In(loc).Format("2 Jan 2006 15:04")), " ", actionbot.ActorSpan(en.Actor), " — ", en.Summary())
		if en.Note != "" {
			line = append(line, actionbot.Txt(": “", actionbot.Clip(en.Note, 300), "”")...)
		}
		lines = append(lines, line)
	}
	return append(blocks, linesBlocks(lines)...)
}

func (h *Handler) carriedFrom(ctx context.Context, a *actionbot.Action) (string, *actionbot.Action) {
	if a.CarriedFrom == "" { // most actions: no look-up on the card's path
		return "", nil
	}
	cs, ok := h.Store.(carryStore)
	if !ok {
		return "", nil
	}
	from, old, err := cs.CarriedFrom(ctx, a.ID)
	if err != nil {
		h.logger().Error("carried from", "ref", a.Ref, "err", err)
		return "", nil
	}
	return from, old
}
