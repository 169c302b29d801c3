package commands

import (
	"strconv"
	"strings"

	"github.com/sevenoaks-csp/actionbot"
)

// dueList is the help key of "/action due [days]", which shares its word
// with "/action 5.2 due ...".
const dueList actionbot.Verb = "due-list"

// usages are the one-line forms of each verb. Those of an action's verbs
// (actionVerbs) follow the action's id, which usage puts first; showing an
// action is its id alone. {month}, {date}, {dateUK}, {asof}, {quarter},
// {ref} and the like stand for the current plan's examples (fill).
var usages = map[actionbot.Verb]string{
	actionbot.VerbDone:     "done [evidence]",
	actionbot.VerbProgress: "progress 60 [note]",
	actionbot.VerbNote:     "note <text>",
	actionbot.VerbBlocked:  "blocked <reason>",
	actionbot.VerbUnblock:  "unblock [note]",
	actionbot.VerbAtRisk:   "at-risk <reason>",
	actionbot.VerbReopen:   "reopen <reason>",
	actionbot.VerbDue:      "due <{month} | {date} | {dateUK} | ongoing> <reason> (or: {ref} due confirm)",
	actionbot.VerbSnooze:   "snooze [days]",
	actionbot.VerbUndo:     "undo",
	actionbot.VerbHistory:  "history [as of {asof}]",
	actionbot.VerbMine:     "mine [page N]",
	actionbot.VerbList:     "list [priority N] [agency CODE [led|partner]] [overdue] [due [days]] [blocked] [at-risk] [done] [open] [ongoing] [stale] [page N]",
	actionbot.VerbOverdue:  "overdue",
	dueList:                "due [days]",
	actionbot.VerbFind:     "find <words> [page N]",
	actionbot.VerbAgencies: "agencies",
	actionbot.VerbWhoami:   "whoami",
	actionbot.VerbReport:   "report [priority N | quarter [{quarter}]]",
	actionbot.VerbMeasure:  "measure <priority> <n> <value> [as of <date>] [note]",
	actionbot.VerbAdmin:    "admin member|agency|coordinator|channel|failed|retry ...",
	actionbot.VerbHelp:     "help [verb]",
	actionbot.VerbRemind:   "remind weekly|daily",
	actionbot.VerbLead:     "lead AGENCY [; AGENCY…]",
	actionbot.VerbPartners: "partners add|remove AGENCY [; AGENCY…]",
	actionbot.VerbRedact:   "redact note <n>",
}

// usage is the one-line form of a verb with the plan's examples:
// "5.2 done [evidence]", "DAB 1 done [evidence]".
func usage(v actionbot.Verb, ex actionbot.Examples) string {
	switch {
	case v == actionbot.VerbShow:
		return ex.Ref
	case slicesContains(actionVerbs, v):
		return ex.Ref + " " + fill(usages[v], ex)
	}
	return fill(usages[v], ex)
}

// fill puts the plan's examples in a usage form or an explanation.
func fill(s string, ex actionbot.Examples) string {
	if !strings.Contains(s, "{") {
		return s
	}
	return strings.NewReplacer(
		"{ref}", ex.Ref, "{ref2}", ex.Ref2, "{deadline}", ex.Deadline,
		"{month}", ex.Month, "{date}", ex.Date, "{dateUK}", ex.DateUK,
		"{asof}", ex.AsOf, "{end}", ex.End, "{quarter}", ex.Quarter,
		"{agency}", ex.AgencyCode, "{priority}", strconv.Itoa(ex.Priority), "{word}", ex.Word,
	).Replace(s)
}

// explanations say what each verb does, with an example, for "help <verb>".
var explanations = map[actionbot.Verb]string{
	actionbot.VerbShow:     "Shows an action's card: what it is, who leads it, its deadline and how far along it is, its RAG rating and the latest update. Anyone can look. Example: /action {ref}",
	actionbot.VerbDone:     "Marks an action complete (progress 100%). Add the evidence if you have it; it goes in the audit trail. Lead agencies and coordinators only. Example: /action {ref} done evidence: report to the board",
	actionbot.VerbProgress: "Records how far along an action is, as a percentage from 0 to 100, with an optional note. 100 means complete: progress 100 marks the action done, as /action {ref} done does. Lead agencies and coordinators only. Example: /action {ref} progress 60 two of three schemes running",
	actionbot.VerbNote:     "Adds a note to the action's record without changing it. Members of lead and partner agencies can add notes. Example: /action {ref} note data request sent, reply due Friday",
	actionbot.VerbBlocked:  "Marks an action blocked, with the reason; it shows red until unblocked. Lead agencies and coordinators only. Example: /action {ref} blocked waiting for volunteer vetting",
	actionbot.VerbUnblock:  "Clears a blocked or at-risk flag, with an optional note; the reply says where the action then stands (still red if it is overdue). Example: /action {ref} unblock vetting complete",
	actionbot.VerbAtRisk:   "Flags an action at risk of missing its deadline, with the reason; it shows amber. Clear it with unblock. Example: /action {ref} at-risk training venue fell through",
	actionbot.VerbReopen:   "Reopens a done action, with the reason. A reopened action is not complete, so its progress goes back to what it was before it was marked done (at most 90%); set it with /action {ref} progress N. Example: /action {ref} reopen second round of training agreed",
	actionbot.VerbDue:      "Moves the deadline, with the reason; `ongoing` makes it ongoing work with no due date. The deadline the plan agreed is kept and shown beside the new one. Example: /action {ref} due {month} volunteers recruited late. On its own, /action due [days] lists actions due in the next 14 days (or the days you give). A coordinator keeps a deadline that falls before the plan year with /action {ref} due confirm: until it is moved or confirmed it gets no overdue reminders.",
	actionbot.VerbSnooze:   "Holds an action's reminders for some days (7 unless you say). Lead agencies and coordinators only. Example: /action {ref} snooze 14",
	actionbot.VerbUndo:     "Reverses your last change to an action (status, progress, deadline or snooze; a form's steps together) within 24 hours of making it, and records the undo in its history, naming what it reversed. A coordinator's undo reverses the action's last change, whoever made it. It is refused when someone else has changed the action since, when the change was an import, or when it was itself an undo: make the change again instead. Notes stay on the record. The Undo button on a change's confirmation does the same. Lead agencies and coordinators only. Example: /action {ref} undo",
	actionbot.VerbHistory:  "Lists every change to an action: who, when, what, and the note, each note numbered (note 1 the oldest) as a coordinator's redact note N takes it. With “as of” a date, shows the action as it stood then. Example: /action {ref} history as of {asof}",
	actionbot.VerbMine:     "Lists the actions your agencies lead, then those they are partners on (named, or as All Partners), 25 of each to a page. Example: /action mine, then /action mine page 2",
	actionbot.VerbList:     "Lists actions, 25 to a page; page 2 shows the next. Filters combine: priority {priority}; agency {agency} (what {agency} and any departments of it lead or partner on, each line saying which; add led or partner for one part); overdue (past the deadline, not done); due (due today or in the next 14 days) or due 30; blocked; at-risk; done; open; ongoing; stale (ongoing work with no update for 30 days or more). Example: /action list priority {priority} overdue",
	actionbot.VerbOverdue:  "Lists actions past their deadline and not done, most overdue first. Same as /action list overdue.",
	dueList:                "Lists actions due in the next 14 days (or the days you give). Example: /action due 30",
	actionbot.VerbFind:     "Searches the actions' ids, text, the plan's notes and the latest note for all the words you give, 25 results to a page. Example: /action find {word}",
	actionbot.VerbAgencies: "Lists the partnership's agencies: codes, names, and who is registered with each.",
	actionbot.VerbWhoami:   "Shows which agencies you are registered with and what you can change.",
	actionbot.VerbReport:   "Shows, per priority, how many actions are red, amber, green and complete, the share on target against the plan's target, and the red actions; “quarter” gives the latest quarter's headline: completed, newly red, newly blocked, deadlines moved, figures recorded. Example: /action report priority {priority}",
	actionbot.VerbMeasure:  "Coordinators record the latest figure for a success measure: the priority, the measure's number in /action report, the value (a change with its direction, -2.5% or fell 2.5%, +1% or rose 1%; a rate such as 82%; or yes/no) and a note saying where it comes from; the figure stands as of today, or as of the date you give. Example: /action measure 3 1 -2.5 police figures to September, or /action measure 3 1 -2.5 as of {end} year-end figures",
	actionbot.VerbAdmin:    adminUsage,
	actionbot.VerbHelp:     "Shows what you can type. /action help <verb> explains one. Example: /action help done",
	actionbot.VerbLead:     "Coordinators set who leads an action, replacing the lead agencies it had: by code or name, a role in brackets after one if you like, several separated by ; (codes may simply follow each other). It is recorded in the action's history, its card shows the lead, reminders go to the lead agencies' members, and a “No lead” flag from the plan's import is cleared. Example: /action {ref} lead {agency}",
	actionbot.VerbPartners: "Coordinators add an agency to an action's partners, or remove one: by code or name, several separated by ;. Partners' members can add notes. It is recorded in the action's history. Example: /action {ref} partners add {agency}",
	actionbot.VerbRedact:   "Coordinators remove personal data once stored: the text of the action's note N (its history numbers the notes) is replaced, in the note, the audit trail, reports and every message I posted with it, by “[redacted by @you on the day]”. The redaction is audited, without the text. Example: /action {ref} redact note 2",
	actionbot.VerbRemind:   "Sets how often your reminders come. weekly: one message on the week's first working day with what of yours is overdue or due that week. daily (the default): one message on each working day something of yours is due at a step or overdue. Example: /action remind weekly",
}

// helpMessage is the usage card, or the explanation of one verb, with the
// current plan's examples.
func helpMessage(topic string, ex actionbot.Examples) actionbot.Message {
	if topic != "" {
		u := usage(actionbot.Verb(topic), ex)
		return actionbot.Message{
			Text: "/action " + u,
			Blocks: []actionbot.Block{
				actionbot.Section(actionbot.C("/action " + u)),
				actionbot.Section(fill(explanations[actionbot.Verb(topic)], ex)),
			},
		}
	}
	lines := func(verbs ...actionbot.Verb) actionbot.RichText {
		var rt actionbot.RichText
		for i, v := range verbs {
			if i > 0 {
				rt = append(rt, actionbot.Span{Text: "\n"})
			}
			rt = append(rt, actionbot.C("/action "+usage(v, ex)))
		}
		return rt
	}
	return actionbot.Message{
		Text: "How to use /action",
		Blocks: []actionbot.Block{
			actionbot.Header("/action — the partnership's action plan"),
			actionbot.Section(actionbot.B("Look things up"), "\n", lines(actionbot.VerbShow, actionbot.VerbMine, actionbot.VerbOverdue, dueList, actionbot.VerbList, actionbot.VerbFind, actionbot.VerbHistory, actionbot.VerbReport, actionbot.VerbAgencies, actionbot.VerbWhoami, actionbot.VerbHelp)),
			actionbot.Section(actionbot.B("Update an action your agency leads"), "\n", lines(actionbot.VerbDone, actionbot.VerbProgress, actionbot.VerbNote, actionbot.VerbBlocked, actionbot.VerbUnblock, actionbot.VerbAtRisk, actionbot.VerbReopen, actionbot.VerbDue, actionbot.VerbSnooze, actionbot.VerbUndo)),
			actionbot.Section(actionbot.B("Your reminders"), "\n", lines(actionbot.VerbRemind)),
			actionbot.Section(actionbot.B("Coordinators"), "\n", lines(actionbot.VerbMeasure, actionbot.VerbLead, actionbot.VerbPartners, actionbot.VerbRedact), "\n", adminLines()),
			actionbot.Context("Ids can be written "+refForms(ex.Ref)+". — ", actionbot.C("/action help <verb>"), " explains one, e.g. ",
				actionbot.C("/action help due"), ". Start with ", actionbot.C("share"), " to show the answer to the channel: ",
				actionbot.C("/action share report"), ". Coordinators: ", actionbot.C("/action help admin"), "."),
		},
	}
}

// refForms shows ways of typing the plan's example id that all reach it:
// "DAB 1, #DAB 1 or dab1", "1a, #1a or 1A"; the shipped plan's reads as it
// always has, "5.2, #5.2 or 5.2".
func refForms(ref string) string {
	key := actionbot.RefMatchKey(ref)
	switch {
	case key != ref:
		return ref + ", #" + ref + " or " + key
	case strings.ToUpper(ref) != ref:
		return ref + ", #" + ref + " or " + strings.ToUpper(ref)
	}
	return ref + ", #" + ref + " or " + ref
}

// adminLines are the coordinators' admin commands, one a line.
func adminLines() actionbot.RichText {
	var rt actionbot.RichText
	for i, u := range []string{
		"admin member add|remove @person AGENCY",
		"admin agency add \"NAME\" [as CODE] [aka \"ALIAS\"; …]",
		"admin agency alias CODE \"ALIAS\"",
		"admin coordinator add|remove @person",
		"admin channel <priority> #channel|none",
		"admin failed",
		"admin retry <id>",
		"admin carry 2012-13/1.3 [to 1.3]",
	} {
		if i > 0 {
			rt = append(rt, actionbot.Span{Text: "\n"})
		}
		rt = append(rt, actionbot.C("/action "+u))
	}
	return rt
}
