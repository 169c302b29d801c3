package planfile

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/sevenoaks-csp/actionbot"
)

// The state columns. status, progress, rag, complete, commentary and
// updated are read by their names in any plan (columns.go); reason,
// latest_note, review and created are the export's own, read only in a file that
// has the export's current_by_when column (a plan's own "Reason" column is
// kept in the notes, as any other).
const (
	colStatus     = "status"
	colProgress   = "progress"
	colRAG        = "rag"
	colComplete   = "complete"
	colCommentary = "commentary"
	colUpdated    = "updated"
	colReason     = "reason"
	colLatestNote = "latest_note"
	colReview     = "review"
	colCreated    = "created"
)

// updatedLayout is how export writes when a person last updated an action,
// in the plan's time zone.
const updatedLayout = "2006-01-02 15:04"

// statusWords are the words plans use for where an action stands, squashed,
// with the bot's status each means. RAG ratings are among them: Green is
// open, Amber at risk and Red blocked (the bot rates a blocked action Red,
// as the plan did), each with the plan's word as the reason.
var statusWords = map[string]actionbot.Status{
	"done": actionbot.StatusDone, "complete": actionbot.StatusDone, "completed": actionbot.StatusDone,
	"achieved": actionbot.StatusDone, "finished": actionbot.StatusDone, "closed": actionbot.StatusDone,
	"delivered": actionbot.StatusDone, "blue": actionbot.StatusDone, "met": actionbot.StatusDone,

	"open": actionbot.StatusOpen, "ontrack": actionbot.StatusOpen, "ontarget": actionbot.StatusOpen,
	"green": actionbot.StatusOpen, "g": actionbot.StatusOpen, "inprogress": actionbot.StatusOpen,
	"ongoing": actionbot.StatusOpen, "started": actionbot.StatusOpen, "notstarted": actionbot.StatusOpen,
	"notyetstarted": actionbot.StatusOpen, "planned": actionbot.StatusOpen, "notdue": actionbot.StatusOpen,
	"notyetdue": actionbot.StatusOpen, "notcomplete": actionbot.StatusOpen, "notyetcomplete": actionbot.StatusOpen,
	"incomplete": actionbot.StatusOpen, "underway": actionbot.StatusOpen, "active": actionbot.StatusOpen,

	"atrisk": actionbot.StatusAtRisk, "amber": actionbot.StatusAtRisk, "a": actionbot.StatusAtRisk,
	"delayed": actionbot.StatusAtRisk, "slipping": actionbot.StatusAtRisk, "slipped": actionbot.StatusAtRisk,
	"behind": actionbot.StatusAtRisk, "behindschedule": actionbot.StatusAtRisk, "offtrack": actionbot.StatusAtRisk,
	"notontrack": actionbot.StatusAtRisk, "someconcerns": actionbot.StatusAtRisk,

	"blocked": actionbot.StatusBlocked, "red": actionbot.StatusBlocked, "r": actionbot.StatusBlocked,
	"stalled": actionbot.StatusBlocked, "stuck": actionbot.StatusBlocked, "onhold": actionbot.StatusBlocked,
}

// completeWords are a Complete (Y/N) column's answers; a dated cell
// ("March 2013") says when it was completed, so it is done as well.
var completeWords = map[string]bool{
	"y": true, "yes": true, "true": true, "done": true, "complete": true, "completed": true, "achieved": true, "x": true, "✓": true, "✔": true,
	"n": false, "no": false, "false": false, "notcomplete": false, "notyet": false, "ongoing": false, "inprogress": false,
	"partially": false, "partial": false, "na": false, "": false,
}

// severity orders what plans say, for a row whose columns disagree: done
// wins, then blocked, then at risk, then open.
func severity(s actionbot.Status) int {
	switch s {
	case actionbot.StatusDone:
		return 4
	case actionbot.StatusBlocked:
		return 3
	case actionbot.StatusAtRisk:
		return 2
	case actionbot.StatusOpen:
		return 1
	}
	return 0
}

var reWord = regexp.MustCompile(`[\pL\pN]+`)

// statusWord reads a cell such as "On track", "Amber", "Complete (March
// 2013)", "Action completed": its first one to three words, after an
// "Action" that starts them. exact is false when words follow the ones
// read.
func statusWord(cell string) (st actionbot.Status, exact, ok bool) {
	words := reWord.FindAllString(strings.ToLower(cell), -1)
	if len(words) > 1 && words[0] == "action" {
		words = words[1:]
	}
	for n := min(3, len(words)); n >= 1; n-- {
		if st, ok := statusWords[strings.Join(words[:n], "")]; ok {
			return st, n == len(words), true
		}
	}
	return "", false, false
}

// ragColours are the colours a RAG or status cell may name among its other
// words: "In Progress (amber)", "Progressing - Red".
var ragColours = map[string]actionbot.Status{
	"green": actionbot.StatusOpen, "amber": actionbot.StatusAtRisk, "red": actionbot.StatusBlocked,
}

// ratedWord reads a RAG or status cell: its words as statusWord reads
// them, and any RAG colour it names, the most severe winning. "In Progress
// (amber)" is at risk; "Complete (green)" is done, as done wins.
func ratedWord(cell string) (st actionbot.Status, exact, ok bool) {
	st, exact, ok = statusWord(cell)
	if exact {
		return st, exact, ok
	}
	for _, w := range reWord.FindAllString(strings.ToLower(cell), -1) {
		if c, colour := ragColours[w]; colour && (!ok || severity(c) > severity(st)) {
			st, ok = c, true
		}
	}
	return st, false, ok
}

// reFirstSentence is a cell's first sentence, or its first phrase before a
// dash, colon or bracket: "Action completed." of "Action completed. The
// target…", "Completed" of "Completed – handed to the CSU".
var reFirstSentence = regexp.MustCompile(`(?s)^\s*(.*?)\s*(?:[.!?;:,(\n–—]|\s-\s|$)`)

// saysDone reports whether a progress or commentary cell opens by saying
// the action is complete: "Action completed.", "Completed – …",
// "Complete". "Completed 53 assessments…" and "Not complete." do not.
func saysDone(cell string) bool {
	m := reFirstSentence.FindStringSubmatch(cell)
	if m == nil {
		return false
	}
	st, exact, ok := statusWord(m[1])
	return ok && exact && st == actionbot.StatusDone
}

var (
	rePercent = regexp.MustCompile(`^(\d{1,3}(?:\.\d+)?)\s*%$`)
	reNumber  = regexp.MustCompile(`^\d{1,3}(?:\.\d+)?$`)
)

// percentage reads a progress cell: "60%", "60" and "60.0" are 60; a
// fraction below 1 without a % sign is a share, "0.6" being 60 (a
// spreadsheet's percentage cell saved as a number); "1" is 1. ok is false for
// text, and for a number outside 0 to 100 (inRange false).
func percentage(cell string) (p int, ok, number bool) {
	s := strings.TrimSpace(cell)
	var v float64
	switch {
	case rePercent.MatchString(s):
		v, _ = strconv.ParseFloat(rePercent.FindStringSubmatch(s)[1], 64)
	case reNumber.MatchString(s):
		v, _ = strconv.ParseFloat(s, 64)
		if strings.Contains(s, ".") && v < 1 {
			v *= 100
		}
	default:
		return 0, false, false
	}
	if v < 0 || v > 100 {
		return 0, false, true
	}
	return int(math.Round(v)), true, true
}

// readState reads the action's state from the row: the export's status,
// reason, progress, current_by_when, updated, latest_note and review
// exactly as written; or a plan's own Status, RAG, Complete (Y/N) and
// progress or commentary columns, by their words. What it cannot read is
// kept in the action's notes, with a warning; nothing is refused.
func (rd *reader) readState(line int, a *actionbot.Action, cell func(string) string) {
	l := rd.layout
	_, export := l.index[colCurrentDue]
	has := func(col string) bool { _, ok := l.index[col]; return ok }
	header := func(col string) string { return cleanText(l.names[l.index[col]]) }
	st := actionbot.ActionState{}
	keep := func(col, v string) {
		a.Notes = strings.TrimSpace(a.Notes + "\n" + header(col) + ": " + v)
	}
	var notes []string

	// Where it stands: every column that says, the most severe winning.
	var reason string
	say := func(col, v string, s actionbot.Status) {
		if severity(s) > severity(st.Status) {
			st.Status = s
			reason = ""
			if s == actionbot.StatusBlocked || s == actionbot.StatusAtRisk {
				reason = "the plan's " + header(col) + ": " + v
			}
		}
	}
	if v := cell(colStatus); v != "" {
		if export {
			if s, err := actionbot.ParseStatus(v); err == nil {
				st.Status = s
			} else {
				rd.warn(line, colStatus, "%q is not a status (open, at risk, blocked, done): the action starts open; the word is kept in its notes", v)
				keep(colStatus, v)
			}
		} else if s, exact, ok := ratedWord(v); ok {
			say(colStatus, v, s)
			if !exact && s != actionbot.StatusBlocked && s != actionbot.StatusAtRisk {
				keep(colStatus, v)
			}
		} else {
			rd.warn(line, colStatus, "%q is not a status I know (Complete, On track, In progress, At risk, Amber, Red, Blocked...): the action starts open; the words are kept in its notes", v)
			keep(colStatus, v)
		}
	}
	if v := cell(colComplete); has(colComplete) && v != "" {
		switch yes, known := completeWords[squash(v)]; {
		case known && yes:
			say(colComplete, v, actionbot.StatusDone)
		case known:
		default:
			if dl, _ := actionbot.ReadDeadline(v); !dl.Due.IsZero() {
				say(colComplete, v, actionbot.StatusDone)
			} else {
				rd.warn(line, colComplete, "%q does not say whether the action is complete (Y or N): it is kept in the notes", v)
			}
			keep(colComplete, v)
		}
	}
	if v := cell(colRAG); v != "" && !export {
		// An export's rag is the bot's own rating at the time: the status
		// beside it is the record.
		if s, exact, ok := ratedWord(v); ok {
			say(colRAG, v, s)
			if !exact {
				keep(colRAG, v)
			}
		} else {
			rd.warn(line, colRAG, "%q is not a RAG rating (Red, Amber, Green, Complete): it is kept in the notes", v)
			keep(colRAG, v)
		}
	}

	// How far along, and what was last said.
	for _, col := range []string{colProgress, colCommentary} {
		v := cell(col)
		if v == "" {
			continue
		}
		switch p, ok, number := percentage(v); {
		case ok && (col == colProgress || st.Progress == nil):
			st.Progress = &p
		case number:
			rd.warn(line, col, "%q is not a percentage from 0 to 100: it is kept in the notes", v)
			keep(col, v)
		case export && col == colProgress:
			rd.warn(line, col, "%q is not a percentage: it is kept in the notes", v)
			keep(col, v)
		default:
			if s, exact, ok := statusWord(v); ok && exact {
				say(col, v, s)
			} else {
				// "Action completed. The target…": done, and the words
				// are the latest note.
				if saysDone(v) {
					say(col, v, actionbot.StatusDone)
				}
				notes = append(notes, v)
			}
		}
	}
	if export {
		if v := cell(colLatestNote); v != "" {
			notes = append([]string{v}, notes...)
		}
		if st.Status == actionbot.StatusBlocked || st.Status == actionbot.StatusAtRisk {
			reason = cell(colReason)
		}
		if v := cell(colReview); v != "" {
			a.Review = v
		}
		if v := cell(colCurrentDue); v != "" && v != a.Original.Written {
			dl, _ := actionbot.ReadDeadline(v)
			st.Deadline = &dl
		}
		if v := cell(colCreated); v != "" {
			if t, err := time.ParseInLocation(updatedLayout, v, time.UTC); err == nil {
				st.Created = t
			} else {
				rd.warn(line, colCreated, "%q is not a date and time (%s): the action counts as new", v, updatedLayout)
			}
		}
	}
	st.Note = strings.Join(notes, "\n")
	if st.Status == actionbot.StatusBlocked || st.Status == actionbot.StatusAtRisk {
		st.Reason = reason
	}
	// Done is 100%, and 100% is done, as when a person says so.
	if st.Status == actionbot.StatusDone {
		st.Progress = new(100)
	} else if st.Progress != nil && *st.Progress == 100 && st.Status == "" {
		st.Status = actionbot.StatusDone
	}

	if v := cell(colUpdated); v != "" {
		t, err := time.ParseInLocation(updatedLayout, v, time.UTC)
		if err != nil {
			t, err = time.ParseInLocation("2006-01-02", v, time.UTC)
		}
		if err != nil {
			rd.warn(line, colUpdated, "%q is not a date and time (%s): it is kept in the notes", v, updatedLayout)
			keep(colUpdated, v)
		} else {
			st.Updated = t
		}
	}
	if st.Status != "" || st.Progress != nil || st.Deadline != nil || st.Note != "" || !st.Updated.IsZero() || !st.Created.IsZero() {
		a.Imported = &st
	}
}

// InZone reads the times of the file's states (when each action was last
// updated, and came into the bot) in loc, the zone they were written in:
// the reader, which knows no zone, reads them as UTC. Call it once, on a
// fresh import.
func InZone(imp *actionbot.PlanImport, loc *time.Location) {
	in := func(t time.Time) time.Time {
		if t.IsZero() {
			return t
		}
		return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), 0, loc)
	}
	for _, a := range imp.Actions {
		if s := a.Imported; s != nil {
			s.Updated, s.Created = in(s.Updated), in(s.Created)
		}
	}
}
