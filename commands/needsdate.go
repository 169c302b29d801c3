package commands

import (
	"fmt"

	"github.com/sevenoaks-csp/actionbot"
)

// homeNeedsDate lists, for a coordinator, the open actions whose deadline
// the plan gave no date ("TBC", or words that could not be read) and those
// it gave no lead: they are never reminded about until a coordinator sets
// one. Nothing is shown when there are none.
func (h *Handler) homeNeedsDate(e *env, all []*actionbot.Action) []actionbot.Block {
	var undated, unled []*actionbot.Action
	for _, a := range all {
		if a.IsDone() {
			continue
		}
		if a.Deadline.NeedsDate() {
			undated = append(undated, a)
		}
		if len(a.Lead) == 0 {
			unled = append(unled, a)
		}
	}
	var blocks []actionbot.Block
	list := func(title string, xs []*actionbot.Action, how ...any) {
		if len(xs) == 0 {
			return
		}
		blocks = append(blocks, actionbot.Divider(), actionbot.Section(actionbot.B(fmt.Sprintf("%s (%d)", title, len(xs)))))
		var lines []actionbot.RichText
		for i, a := range xs {
			if i == homeGroupItems {
				break
			}
			lines = append(lines, actionbot.Txt(actionbot.B(a.Ref), " "+actionbot.Clip(a.Text, 90)+" — "+a.Deadline.String()))
		}
		blocks = append(blocks, linesBlocks(lines)...)
		if len(xs) > homeGroupItems {
			blocks = append(blocks, actionbot.Context(fmt.Sprintf("…and %d more.", len(xs)-homeGroupItems)))
		}
		blocks = append(blocks, actionbot.Context(how...))
	}
	first := func(xs []*actionbot.Action) string {
		if len(xs) == 0 {
			return ""
		}
		return xs[0].Ref
	}
	list("Needs a date", undated, "The plan gives these no date yet, so no one is reminded about them. Set one with ",
		actionbot.C("/action "+first(undated)+" due "+e.ex.Month+" <reason>"), " or ", actionbot.C("/action "+first(undated)+" due ongoing <reason>"), ".")
	list("No lead", unled, "The plan names no lead for these, so no one is reminded about them. Ask the partnership who leads, then set it with ",
		actionbot.C("/action "+first(unled)+" lead "+e.ex.Agency), " (several: separate them with ;).")
	return blocks
}
