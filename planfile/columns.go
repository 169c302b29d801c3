package planfile

import (
	"regexp"
	"strings"
	"unicode"

	"github.com/sevenoaks-csp/actionbot"
)

// Meta columns are written on export; import takes the plan's name and
// period from plan and period, and the state columns as state.go says.
const (
	colPlan       = "plan"
	colPeriod     = "period"
	colCurrentDue = "current_by_when"
	colNotes      = "notes"
)

// synonyms map the names real plans give their columns, squashed (lower
// case, letters and digits only), to the import columns. The list is built
// from published plans (testdata/plans); headerByMeaning reads the rest by
// their words.
var synonyms = map[string]string{
	"id": "id", "ref": "id", "refno": "id", "reference": "id", "referenceno": "id", "no": "id", "number": "id", "actionno": "id",
	"actionnumber": "id", "actionid": "id", "actionref": "id", "item": "id", "itemno": "id",
	"priority": "priority", "prioritynumber": "priority", "priorityno": "priority",
	"prioritytitle": "priority_title", "theme": "priority_title", "objective": "priority_title", "strategicpriority": "priority_title",
	"strategicgoal": "priority_title", "strategicobjective": "priority_title", "category": "priority_title", "area": "priority_title",
	"action": "action", "actions": "action", "activity": "action", "activities": "action", "task": "action", "tasks": "action",
	"whatwewilldo": "action", "description": "action", "actionrequired": "action", "actionsrequired": "action",
	"recommendation": "action", "recommendations": "action", "actiontobetaken": "action", "keyactions": "action", "keyaction": "action",
	"lead": "lead", "leadofficer": "lead", "leadagency": "lead", "leadpartner": "lead", "bywhom": "lead", "owner": "lead",
	"responsible": "lead", "who": "lead", "accountable": "lead", "leadofficeragency": "lead", "leadagencyofficer": "lead",
	"leadorganisation": "lead", "leadresponsibility": "lead", "actionowner": "lead", "responsibility": "lead", "leads": "lead",
	"partners": "partners", "partner": "partners", "supportedby": "partners", "partneragencies": "partners", "support": "partners",
	"keypartners": "partners", "supportingpartners": "partners", "otherpartners": "partners", "partnersinvolved": "partners",
	"bywhen": "by_when", "timescale": "by_when", "timescales": "by_when", "targetdate": "by_when", "deadline": "by_when",
	"when": "by_when", "due": "by_when", "duedate": "by_when", "date": "by_when", "timeframe": "by_when", "completiondate": "by_when",
	"targetcompletiondate": "by_when", "plannedcompletiondate": "by_when", "targetcompletion": "by_when", "timeline": "by_when",
	"funding": "funding", "resources": "funding", "resource": "funding", "budget": "funding", "budgetcost": "funding", "cost": "funding", "costs": "funding",
	"status": "status", "progress": "progress", "rag": "rag", "updated": "updated",
	"ragrating": "rag", "ragstatus": "rag", "rating": "rag", "currentstatus": "status",
	"complete": "complete", "completeyn": "complete", "completed": "complete", "completedyn": "complete", "achieved": "complete",
	"progressupdate": "commentary", "update": "commentary", "updates": "commentary", "commentary": "commentary",
	"progresscommentary": "commentary", "latestupdate": "commentary", "progresstodate": "commentary", "progressnotes": "commentary",
	"notes": colNotes, "note": colNotes, "comments": colNotes, "comment": colNotes, "remarks": colNotes,
	"currentbywhen": colCurrentDue, "plan": colPlan, "period": colPeriod,
}

// headerByMeaning reads a header that is not in synonyms by its words:
// "Target date for completion" is by_when, "Lead Agency / Officer" lead,
// "Partners involved in delivery" partners, "Work to date" commentary. It returns "" when the words
// say nothing the bot reads.
func headerByMeaning(h string) string {
	words := strings.Fields(strings.ToLower(strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return r
		}
		return ' '
	}, h)))
	has := func(ws ...string) bool {
		for _, w := range words {
			for _, x := range ws {
				if w == x {
					return true
				}
			}
		}
		return false
	}
	// "Work to date", "Progress to date": what has been done so far, not
	// a deadline.
	toDate := false
	for i := 1; i < len(words); i++ {
		toDate = toDate || words[i-1] == "to" && words[i] == "date"
	}
	switch {
	case len(words) == 0:
		return ""
	case has("rag"):
		return "rag"
	case has("partner", "partners", "supporting", "support") && !has("lead"):
		return "partners"
	case has("lead", "owner", "responsible", "responsibility", "accountable", "whom"):
		return "lead"
	case has("progress", "update", "updates", "commentary") || toDate:
		return "commentary"
	case has("deadline", "timescale", "timescales", "when", "due", "timeframe") || has("date") && !has("completed", "started", "start", "added"):
		return "by_when"
	case has("complete", "completed") && len(words) <= 3:
		return "complete"
	case has("action", "actions", "task", "tasks", "activity", "activities", "recommendation", "recommendations"):
		return "action"
	case has("resources", "resource", "funding", "budget", "cost", "costs"):
		return "funding"
	}
	return ""
}

func squash(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// layout is where each column is in the file.
type layout struct {
	index map[string]int // canonical column -> cell index
	notes []int          // other columns, kept as the plan's notes
	names []string       // header cells as written
	// blankID says the id column has no header: its cells are the plan's
	// numbering when they read as ids, and nothing to warn about when not.
	blankID bool
	// shared are the columns that hold two of the bot's columns under
	// labels in each cell (labelledPart).
	shared map[int]bool
}

// reCellLabel is a label line inside a shared cell: "Action Owner:",
// "Target Completion Date:".
var reCellLabel = regexp.MustCompile(`(?im)^\s*([A-Za-z][A-Za-z /]{1,40}):\s*`)

// labelledPart reads col's part of a cell that holds two columns under
// labels: the text after a label naming it, up to the next label. With no
// label for it, the lead is the whole cell and the deadline nothing. The
// owner's part is its first line; a line after it that reads as a status
// ("Action completed") is the status part, as is a "Status:" label's.
func labelledPart(cell, col string) string {
	locs := reCellLabel.FindAllStringSubmatchIndex(cell, -1)
	for k, loc := range locs {
		label := strings.ToLower(cell[loc[2]:loc[3]])
		owner := strings.Contains(label, "owner") || strings.Contains(label, "lead") || strings.Contains(label, "responsible")
		var match bool
		switch col {
		case "by_when":
			match = strings.Contains(label, "date") || strings.Contains(label, "deadline") || strings.Contains(label, "timescale")
		case "lead":
			match = owner
		case colStatus:
			match = owner || strings.Contains(label, "status")
		}
		if !match {
			continue
		}
		end := len(cell)
		if k+1 < len(locs) {
			end = locs[k+1][0]
		}
		part := strings.TrimSpace(cell[loc[1]:end])
		if owner {
			name, rest, _ := strings.Cut(part, "\n") // the name; what follows is a status
			if col == "lead" {
				return strings.TrimSpace(name)
			}
			if rest = strings.TrimSpace(rest); rest == "" {
				continue
			}
			if _, _, ok := ratedWord(rest); !ok {
				continue // not a status: perhaps a second name, never read
			}
			part = rest
		}
		return strings.TrimSpace(part)
	}
	if col == "lead" && len(locs) == 0 {
		return cell
	}
	return ""
}

// partNames name the parts of a labelled cell, for the guard's warning.
var partNames = map[string]string{"lead": "owner", "by_when": "date", colStatus: "status"}

// mapHeader maps a header row. override maps a canonical column to the
// header as the file writes it (--columns).
func mapHeader(cells []string, override map[string]string) layout {
	l := layout{index: map[string]int{}, names: cells}
	byHeader := map[string]string{}
	for col, h := range override {
		byHeader[squash(h)] = col
	}
	// Names the bot knows exactly come first ("Action required" is the
	// action even after "Guidance - summary of activity required"); then
	// the rest by their words, into the columns still free.
	cols := make([]string, len(cells))
	for i, c := range cells {
		sq := squash(c)
		col, ok := byHeader[sq]
		if !ok {
			col, ok = synonyms[sq]
		}
		if _, taken := l.index[col]; ok && !taken {
			l.index[col], cols[i] = i, col
		}
	}
	for i, c := range cells {
		if cols[i] != "" {
			continue
		}
		if col := headerByMeaning(c); col != "" {
			if _, taken := l.index[col]; !taken {
				l.index[col], cols[i] = i, col
				continue
			}
		}
		if squash(c) != "" {
			l.notes = append(l.notes, i)
		}
	}
	// "Completion Date and Owner": one column holding both, each under its
	// own label in the cell ("Action Owner: …", "Target Completion Date: …").
	for i, c := range cells {
		if cols[i] != "lead" && cols[i] != "by_when" {
			continue
		}
		words := " " + strings.ToLower(c) + " "
		both := strings.Contains(words, "date") && (strings.Contains(words, "owner") || strings.Contains(words, "lead"))
		other := map[string]string{"lead": "by_when", "by_when": "lead"}[cols[i]]
		if _, taken := l.index[other]; both && !taken {
			l.index[other] = i
			if l.shared == nil {
				l.shared = map[int]bool{}
			}
			l.shared[i] = true
			// "Action Owner:\n…\nAction completed": a status line of
			// the owner's part, where the plan has no status column.
			if _, taken := l.index[colStatus]; !taken {
				l.index[colStatus] = i
			}
		}
	}
	// A column with no header before the action is the plan's numbering
	// ("1", "1.1.1" under a blank cell), when no column is named the id.
	if act, ok := l.index["action"]; ok {
		if _, named := l.index["id"]; !named {
			for i := 0; i < act; i++ {
				if squash(cells[i]) == "" {
					l.index["id"], l.blankID = i, true
					break
				}
			}
		}
	}
	return l
}

func (l layout) isHeader() bool {
	_, action := l.index["action"]
	n := 0
	for _, c := range []string{"lead", "partners", "by_when", "id", "funding", "priority_title", "commentary", "status", "rag", "complete"} {
		if i, ok := l.index[c]; ok && squash(l.names[i]) != "" {
			n++
		}
	}
	// Only the action column is required, beside one more named column
	// (a plan may have no lead), or a numbering column with no header.
	_, blank := l.index["id"]
	return action && (n >= 1 || blank && l.blankID && len(l.notes) >= 1)
}

// ParseColumns reads --columns: "lead=Responsible officer,by_when=Target".
func ParseColumns(s string) (map[string]string, error) {
	out := map[string]string{}
	for _, part := range strings.Split(s, ",") {
		if strings.TrimSpace(part) == "" {
			continue
		}
		col, header, ok := strings.Cut(part, "=")
		col = strings.TrimSpace(col)
		if !ok || strings.TrimSpace(header) == "" || !isColumn(col) {
			return nil, actionbot.Errorf(actionbot.EINVALID, "--columns takes COLUMN=Header pairs separated by commas, where COLUMN is one of %s; %q is not one.", strings.Join(Columns, ", "), part)
		}
		out[col] = strings.TrimSpace(header)
	}
	return out, nil
}

func isColumn(c string) bool {
	for _, k := range Columns {
		if k == c {
			return true
		}
	}
	return false
}

// ParseAgencyMap reads --agency-map values, "Police=KP" (repeatable, or
// separated by ";"), into a map from agency key to the name or code meant.
func ParseAgencyMap(values []string) (map[string]string, error) {
	out := map[string]string{}
	for _, v := range values {
		for _, part := range strings.Split(v, ";") {
			if strings.TrimSpace(part) == "" {
				continue
			}
			from, to, ok := strings.Cut(part, "=")
			if !ok || actionbot.AgencyKey(from) == "" || strings.TrimSpace(to) == "" {
				return nil, actionbot.Errorf(actionbot.EINVALID, "--agency-map takes NAME=AGENCY, e.g. \"Police=Kent Police\"; %q is not one.", part)
			}
			out[actionbot.AgencyKey(from)] = strings.TrimSpace(to)
		}
	}
	return out, nil
}
