package actionbot

import (
	"strings"
	"time"
)

// The words people read: how every surface (card, list, digest, reminder,
// report, App Home) names an agency, says where an action stands, and
// decides which actions a list word (stale, overdue, due, mine) covers. One
// definition each, here, so that no two surfaces disagree.

// Label names an agency for people: the plan's words for it with its code
// beside them, the code being what commands take ("Kent Fire & Rescue
// Service (KFRS)"); the code alone when the plan's words are the code
// ("DVLA"), the name alone when it starts with the code, in any letters
// ("Housing", "CRI (substance misuse charity commissioned by KDAAT)"). An
// unknown code is shown as it is.
func (d *Directory) Label(code string) string {
	if l, ok := d.labels[code]; ok {
		return l
	}
	a, ok := d.Lookup(code)
	return agencyLabel(code, a, ok)
}

// agencyLabel is Label of code, which Lookup answers with a (ok).
func agencyLabel(code string, a *Agency, ok bool) string {
	switch {
	case !ok || a.Name == "":
		return code
	case strings.EqualFold(firstWord(a.Name), a.Code):
		return a.Name
	}
	return a.Name + " (" + a.Code + ")"
}

// firstWord is the name up to its first space or parenthesis.
func firstWord(name string) string {
	if i := strings.IndexAny(name, " ("); i >= 0 {
		return name[:i]
	}
	return name
}

// PartyLabel is Label with the agency's role in the action, as the plan
// gives it: "Kent Police (POLICE) – Training".
func (d *Directory) PartyLabel(p Party) string {
	s := d.Label(p.Agency)
	if p.Role != "" {
		s += " – " + p.Role
	}
	return s
}

// PartiesLabel names several parties: "Kent Police (POLICE) – Training,
// Community Safety Unit (CSU)"; "—" when there are none.
func (d *Directory) PartiesLabel(ps []Party) string {
	switch len(ps) {
	case 0:
		return "—"
	case 1:
		return d.PartyLabel(ps[0])
	}
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = d.PartyLabel(p)
	}
	return strings.Join(out, ", ")
}

// Family returns the codes of an agency and its departments, the agency
// first and the departments by code. A department of KCC is an agency whose
// code extends KCC's ("KCC-YS") or whose name starts with the word KCC ("KCC
// Highways", code HIGHWAYS); so the CSP's family holds its task groups named
// "CSP …" (DATG, EXEC). "All Partners" has no departments.
func (d *Directory) Family(code string) []string {
	a, ok := d.Lookup(code)
	if !ok {
		return []string{code}
	}
	out := []string{a.Code}
	if a.Code == AllPartners {
		return out
	}
	for _, b := range d.Agencies() {
		if b.Code == a.Code {
			continue
		}
		first, _, _ := strings.Cut(b.Name, " ")
		if strings.HasPrefix(b.Code, a.Code+"-") || first == a.Code {
			out = append(out, b.Code)
		}
	}
	return out
}

// Role is an agency's part in an action as a list says it.
type Role string

const (
	RoleNone    Role = ""
	RoleLead    Role = "led"
	RolePartner Role = "partner"
)

// RoleOf says whether any of agencies leads the action or, failing that, is a
// partner on it (named, or through "All Partners"): the definition of "mine"
// and of an agency's list.
func (a *Action) RoleOf(agencies []string) Role {
	switch {
	case a.LeadBy(agencies):
		return RoleLead
	case a.PartneredBy(agencies):
		return RolePartner
	}
	return RoleNone
}

// InvolvedParties returns the parties of the action that are among agencies:
// the leads when they lead it, else the partners (all of "All Partners").
func (a *Action) InvolvedParties(agencies []string) []Party {
	pick := func(ps []Party, all bool) []Party {
		var out []Party
		for _, p := range ps {
			if all && p.Agency == AllPartners {
				out = append(out, p)
				continue
			}
			for _, g := range agencies {
				if strings.EqualFold(p.Agency, g) {
					out = append(out, p)
					break
				}
			}
		}
		return out
	}
	if a.LeadBy(agencies) {
		return pick(a.Lead, false)
	}
	return pick(a.Partners, true)
}

// DueSoonDays is the window of "due" in lists, the digest and the App Home:
// due today or within the next 14 days.
const DueSoonDays = 14

// DueWithin reports whether the action is open, dated and due from today to
// days ahead, inclusive: the definition of "due".
func (a *Action) DueWithin(today Date, days int) bool {
	n, dated := a.DueIn(today)
	return dated && !a.IsDone() && n >= 0 && n <= days
}

// Stale reports whether the action is stale at now, and for how many days it
// has gone without an update: open ongoing work (no due date, so no deadline
// to chase it) not updated by a person for StaleDays calendar days or more,
// counted from the plan's start when it has never been updated. This is the
// definition of "stale" in lists, the digest and the App Home, and stale
// actions are exactly those the RAG rates amber for want of an update.
func (r RAGRules) Stale(a *Action, planStart Date, today Date, now time.Time) (int, bool) {
	if a.IsDone() || !(a.Deadline.Ongoing || a.Deadline.Due.IsZero()) {
		return 0, false
	}
	loc := now.Location()
	planStart = a.TrackedFrom(planStart, loc)
	since := planStart
	if !a.LastActivity.IsZero() && !a.LastActivity.After(now) && !DateOf(a.LastActivity.In(loc)).Before(planStart) {
		since = DateOf(a.LastActivity.In(loc))
	}
	days := max(since.DaysUntil(today), 0)
	return days, days >= r.StaleDays
}

// StaleBefore is the instant before which the last update of a stale action
// falls, on the day today in loc: a store's form of Stale, for filtering
// (with ActionFilter.Ongoing). It reports false when no action can be stale
// yet, the plan having started fewer than StaleDays days ago.
func (r RAGRules) StaleBefore(planStart Date, today Date, loc *time.Location) (time.Time, bool) {
	if planStart.DaysUntil(today) < r.StaleDays {
		return time.Time{}, false
	}
	return today.AddDays(-(r.StaleDays - 1)).In(loc), true
}

// StateWords says where an action stands, in words that agree with its
// rating: "🔴 Red — 12 days overdue", "🔵 Complete — done". Every reply
// that describes the state of an action uses it, so that none can call a red
// action on track.
func (as Assessment) StateWords() string {
	return as.RAG.Emoji() + " " + as.RAG.Label() + " — " + as.Why
}

// DeadlineWords says what a deadline now is, for a sentence: "due March
// 2013 (31 Mar 2013)" or "ongoing, with no due date".
func DeadlineWords(d Deadline) string {
	if d.Ongoing || d.Due.IsZero() {
		return "ongoing, with no due date"
	}
	return "due " + DescribeDeadline(d)
}
