package commands

import (
	"context"
	"fmt"
	"strings"

	"github.com/sevenoaks-csp/actionbot"
)

// Who leads an action and who partners on it is the plan's word; the plans
// of other partnerships often give no lead, and their actions import
// flagged "No lead". A coordinator sets it afterwards:
//
//	/action 1a lead South Yorkshire Police
//	/action DAB 1 lead CSU; Police
//	/action 1a partners add Doncaster Council (housing)
//	/action 1a partners remove DCST
//
// Agencies are given by code, name or alias, a role in brackets after one
// where the plan gives one. Several are separated by ";" (or ","); codes
// and names may also simply follow each other ("CSU POLICE"), read as the
// longest names the directory knows. Nothing is guessed: a word that names
// no agency is refused with the nearest ones.

// partiesUsage is what to type, for refusals.
const partiesUsage = "`/action %[1]s lead AGENCY` (several separated by `;`) sets who leads %[1]s; `/action %[1]s partners add AGENCY` or `partners remove AGENCY` changes its partners. Agencies by code or name: `/action agencies` lists them."

// parties parses what follows "lead" or "partners": the operation of
// partners, then the agencies, kept as typed in Text (the handler reads
// them against the directory).
func (p *parser) parties(c *Command, verb actionbot.Verb, i int) error {
	if verb == actionbot.VerbPartners {
		switch p.word(i) {
		case "add", "+":
			c.PartyOp = "add"
		case "remove", "rm", "delete", "-":
			c.PartyOp = "remove"
		default:
			return invalid("Add or remove? `/action %[1]s partners add AGENCY` or `/action %[1]s partners remove AGENCY`.", c.Ref)
		}
		i++
	}
	if c.Text = p.rest(i); c.Text == "" {
		if verb == actionbot.VerbLead {
			return invalid("Which agency leads it? `/action %s lead AGENCY` (a code or a name; several separated by `;`).", c.Ref)
		}
		return invalid("Which agency? `/action %s partners %s AGENCY` (a code or a name; several separated by `;`).", c.Ref, c.PartyOp)
	}
	return nil
}

// connectors join agencies in a list as people write it ("CSU and Police").
var connectors = map[string]bool{"and": true, "&": true, "+": true, "/": true}

// ResolveParties reads the agencies of "lead" or "partners" against the
// directory: items separated by ";" or ",", each an agency (with its role
// in brackets) or agencies one after another. An unknown agency is
// ENOTFOUND naming the nearest ones and how an agency new to the
// partnership is added.
func ResolveParties(dir *actionbot.Directory, text string) ([]actionbot.Party, error) {
	var out []actionbot.Party
	for _, item := range strings.Split(text, ";") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		if p, ok := dir.ResolveParty(item); ok {
			out = append(out, p)
			continue
		}
		for _, piece := range strings.Split(item, ",") {
			ps, err := resolveRun(dir, strings.Fields(piece))
			if err != nil {
				return nil, err
			}
			out = append(out, ps...)
		}
	}
	if len(out) == 0 {
		return nil, invalid("Which agency? Give a code or a name: `/action agencies` lists them.")
	}
	return out, nil
}

// resolveRun reads words as agencies one after another, the longest name
// the directory knows first.
func resolveRun(dir *actionbot.Directory, words []string) ([]actionbot.Party, error) {
	var out []actionbot.Party
	for i := 0; i < len(words); {
		if connectors[strings.ToLower(words[i])] {
			i++
			continue
		}
		found := false
		for j := len(words); j > i; j-- {
			if p, ok := dir.ResolveParty(strings.Join(words[i:j], " ")); ok {
				out, i, found = append(out, p), j, true
				break
			}
		}
		if !found {
			return nil, unknownAgency(dir, strings.Join(words[i:], " "))
		}
	}
	return out, nil
}

// unknownAgency refuses a name no agency has, suggesting the nearest, and
// says how a coordinator adds an agency new to the partnership.
func unknownAgency(dir *actionbot.Directory, name string) error {
	newOne := " An agency new to the partnership is added first: " + agencyAddHint(name, "CODE") + "."
	near := dir.Near(name, 3)
	if len(near) == 0 {
		return actionbot.Errorf(actionbot.ENOTFOUND, "I don't know the agency %q: `/action agencies` lists them.%s", name, newOne)
	}
	for i, c := range near {
		near[i] = dir.Label(c)
	}
	return actionbot.Errorf(actionbot.ENOTFOUND, "I don't know the agency %q — did you mean %s? `/action agencies` lists them all.%s", name, orList(near), newOne)
}

// partiesStore is what changing an action's parties needs of the store
// beyond Store.
type partiesStore interface {
	SetLead(ctx context.Context, planID int64, ref string, lead []actionbot.Party, actor string) (*actionbot.Action, *actionbot.AuditEntry, error)
	AddPartners(ctx context.Context, planID int64, ref string, ps []actionbot.Party, actor string) (*actionbot.Action, *actionbot.AuditEntry, error)
	RemovePartners(ctx context.Context, planID int64, ref string, codes []string, actor string) (*actionbot.Action, *actionbot.AuditEntry, error)
}

// parties runs "lead" and "partners": a coordinator's change, refused to
// anyone else before the agencies are read, and by the store again.
func (h *Handler) parties(ctx context.Context, e *env, req Request, cmd *Command) (actionbot.Message, error) {
	ps, ok := h.Store.(partiesStore)
	if !ok {
		return actionbot.Message{}, fmt.Errorf("%s %s: the store does not change an action's parties", cmd.Ref, cmd.Verb)
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
		what := "set who leads an action"
		if cmd.Verb == actionbot.VerbPartners {
			what = "change an action's partners"
		}
		return actionbot.Message{}, actionbot.Errorf(actionbot.EUNAUTHORIZED, "Only a coordinator can %s; nothing was changed. Ask %s.", what, h.coordinatorsText(ctx).Plain())
	}
	agencies, err := ResolveParties(e.dir, cmd.Text)
	if err != nil {
		return actionbot.Message{}, err
	}
	var changed *actionbot.Action
	switch {
	case cmd.Verb == actionbot.VerbLead:
		changed, _, err = ps.SetLead(ctx, e.plan.ID, a.Ref, agencies, req.UserID)
	case cmd.PartyOp == "add":
		changed, _, err = ps.AddPartners(ctx, e.plan.ID, a.Ref, agencies, req.UserID)
	default:
		codes := make([]string, len(agencies))
		for i, p := range agencies {
			codes[i] = p.Agency
		}
		changed, _, err = ps.RemovePartners(ctx, e.plan.ID, a.Ref, codes, req.UserID)
	}
	if err != nil {
		return actionbot.Message{}, err
	}
	line := actionbot.Txt("✅ ", actionbot.B(changed.Ref), " is now led by "+e.dir.PartiesLabel(changed.Lead)+".")
	if cmd.Verb == actionbot.VerbLead {
		line = append(line, h.leadReach(ctx, e, changed)...)
	} else {
		line = actionbot.Txt("✅ ", actionbot.B(changed.Ref), "'s partners are now "+e.dir.PartiesLabel(changed.Partners)+".")
	}
	line = append(line, actionbot.Txt(" ", actionbot.C("/action "+changed.Ref+" history"), " records the change.")...)
	card, err := h.show(ctx, e, changed.Ref)
	if err != nil {
		return actionbot.Message{}, err
	}
	return actionbot.Message{Text: line.Plain(), Blocks: append([]actionbot.Block{{Kind: actionbot.BlockSection, Text: line}}, card.Blocks...)}, nil
}

// leadReach says who the action's reminders now reach: the lead agencies'
// members, or that none is registered yet and how to register one.
func (h *Handler) leadReach(ctx context.Context, e *env, a *actionbot.Action) actionbot.RichText {
	members, err := h.Store.Members(ctx, a.LeadCodes()...)
	if err != nil {
		h.logger().Error("members of the lead agencies", "ref", a.Ref, "err", err)
		return nil
	}
	if len(members) == 0 {
		return actionbot.Txt(" Nobody is registered with it yet, so its reminders reach nobody: ",
			actionbot.C("/action admin member add @person "+a.LeadCodes()[0]), ".")
	}
	people := map[string]bool{}
	for _, m := range members {
		people[m.UserID] = true
	}
	who := "the person"
	if len(people) > 1 {
		who = fmt.Sprintf("the %d people", len(people))
	}
	return actionbot.Txt(fmt.Sprintf(" Its reminders go to %s registered with %s.", who, actionbot.JoinAnd(a.LeadCodes())))
}
