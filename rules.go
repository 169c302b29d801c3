package actionbot

// The rules of who may do what, in one place: the command handler asks
// them before it changes anything, and the store's write methods enforce
// them again, so that no second entry point can bypass them.

// Actor is the person asking for a change: the agencies they are
// registered with, and whether they coordinate the plan (a coordinator
// may change any action).
type Actor struct {
	ID          string
	Agencies    []string
	Coordinator bool
}

// CanChange reports whether actor may make the change verb to action a: a
// coordinator may change any action; a member of a lead agency may make
// any change to it; a member of a partner agency may add notes to it.
func CanChange(actor Actor, a *Action, verb Verb) bool {
	return actor.Coordinator || a.LeadBy(actor.Agencies) || verb.NoteOnly() && a.PartneredBy(actor.Agencies)
}

// CanJoin returns an EINVALID error, worded for the person registering
// someone, when nobody can be a member of the agency: "All Partners" stands
// for every partner and is not an agency of its own.
func CanJoin(agency string) error {
	if agency == AllPartners {
		return Errorf(EINVALID, "“All Partners” is not an agency anyone can join: add the person to their own agency.")
	}
	return nil
}

// CanCoordinate reports whether actor may make the changes kept for
// coordinators: carry an action on from an earlier plan, confirm a deadline
// that falls before the plan year, record a success measure's figure.
func CanCoordinate(actor Actor) bool { return actor.Coordinator }
