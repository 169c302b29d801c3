package actionbot

// Verb is a word of the /action command language: a change a person makes
// to an action (done, progress…), recorded in its audit trail under the
// verb, or a request that changes no action (show, list, admin…). It is the
// one vocabulary of the commands, the store's audit entries and the
// adapters.
type Verb string

// The changes a person makes to an action, and import, which an import of
// the plan records.
const (
	VerbDone     Verb = "done"
	VerbProgress Verb = "progress"
	VerbNote     Verb = "note"
	VerbBlocked  Verb = "blocked"
	VerbUnblock  Verb = "unblock"
	VerbAtRisk   Verb = "at-risk"
	VerbReopen   Verb = "reopen"
	VerbDue      Verb = "due"
	VerbSnooze   Verb = "snooze"
	// VerbImport is recorded when an import changes an action.
	VerbImport Verb = "import"
	// VerbLead replaces an action's lead agencies, and VerbPartners adds
	// or removes one of its partners: a coordinator's changes ("/action 1a
	// lead South Yorkshire Police", "/action 1a partners add DCST"), for
	// the plans that name no lead or whose parties have changed. IsChange
	// does not count them: they are the coordinator's alone, like admin.
	VerbLead     Verb = "lead"
	VerbPartners Verb = "partners"
	// VerbUndo reverses the person's last change to an action (a
	// coordinator's: anyone's) within UndoWindow: "/action 5.2 undo". It is
	// audited under its own verb, with the old values put back as its
	// changes and the entry it reverses named (AuditEntry.Undoes).
	VerbUndo Verb = "undo"
	// VerbRedact removes a note's text wherever the bot keeps it, and from
	// the messages it posted: "/action 5.2 redact note 3", a coordinator's
	// alone. It is not an audit entry's verb: the note's entry keeps its
	// own, its text replaced, and the redaction is in the admin audit.
	VerbRedact Verb = "redact"
)

// The requests of the command language that change no action.
const (
	VerbHelp     Verb = "help"
	VerbShow     Verb = "show"
	VerbHistory  Verb = "history"
	VerbMine     Verb = "mine"
	VerbList     Verb = "list"
	VerbOverdue  Verb = "overdue" // "/action overdue": list overdue
	VerbFind     Verb = "find"
	VerbAgencies Verb = "agencies"
	VerbWhoami   Verb = "whoami"
	VerbAdmin    Verb = "admin"
	VerbReport   Verb = "report"
	VerbMeasure  Verb = "measure"
	// VerbRemind sets how often the person hears from the reminder sweep:
	// "/action remind weekly" or "/action remind daily".
	VerbRemind Verb = "remind"
)

// IsChange reports whether the verb is a change a person makes to an action.
func (v Verb) IsChange() bool {
	switch v {
	case VerbDone, VerbProgress, VerbNote, VerbBlocked, VerbUnblock, VerbAtRisk, VerbReopen, VerbDue, VerbSnooze, VerbUndo:
		return true
	}
	return false
}

// NoteOnly reports whether the verb only adds to the record, which members of
// partner agencies may do as well as leads.
func (v Verb) NoteOnly() bool { return v == VerbNote }
