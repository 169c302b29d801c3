package planfile

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/sevenoaks-csp/actionbot"
)

// rePeriodWords finds a plan's years in its title or file name: "2019-20",
// "2019-2020", "2016/17", "2017-21", "Annual Action Plan 2012 – 2013",
// "2012 to 2013".
var rePeriodWords = regexp.MustCompile(`(?:^|[^0-9])((?:19|20)[0-9]{2})\s*(?:[-–—/]|to)\s*((?:19|20)?[0-9]{2})(?:[^0-9]|$)`)

// periodFromWords reads the UK financial years a title names: "2019-20"
// is 1 April 2019 to 31 March 2020, "2017-21" 1 April 2017 to 31 March
// 2021.
func periodFromWords(s string) (actionbot.Period, bool) {
	for _, m := range rePeriodWords.FindAllStringSubmatch(s, -1) {
		from, _ := strconv.Atoi(m[1])
		to, _ := strconv.Atoi(m[2])
		if len(m[2]) == 2 {
			to += from / 100 * 100
			if to < from {
				to += 100
			}
		}
		if to > from && to-from <= 10 {
			return actionbot.Period{Start: actionbot.D(from, 4, 1), End: actionbot.D(to, 3, 31)}, true
		}
	}
	return actionbot.Period{}, false
}

// reMarking is a protective marking or draft stamp, never a plan's name.
var reMarking = regexp.MustCompile(`^(?i)(not protectively marked|official(-sensitive)?|official sensitive|protect|restricted|unclassified|draft( v?[0-9.]+)?|version [0-9.]+|v[0-9.]+|appendix [a-z0-9]+)$`)

// titleRow takes a row above the table's header: a protective marking is
// skipped, the first other row names the plan (with the row after it when
// it stops mid-phrase, or a later row that repeats it and adds to it), and
// a row that reads as a priority ("Outcome 1 – …", "Priority 1.1 We
// will…", "Strategic Goal – …") titles the priority of the rows that
// follow.
func (rd *reader) titleRow(cells []string) {
	var text string
	for _, c := range cells {
		if c = cleanText(c); c != "" {
			text = c
			break
		}
	}
	if text == "" || reMarking.MatchString(text) {
		return
	}
	rd.titleRows = append(rd.titleRows, text)
	switch {
	case rd.title == "":
		rd.title, rd.titleOpen = text, true
		return
	case rd.titleOpen && reMidPhrase.MatchString(rd.title):
		// "…REPORT RECEIVED ON" / "9 MARCH 2007": one title on two rows.
		rd.title += " " + text
		return
	case len(text) > len(rd.title) && strings.Contains(strings.ToLower(text), strings.ToLower(rd.title)) && !reHeading.MatchString(text):
		// "Prevent Action Plan" then "Prevent Action Plan 2024-25": the
		// fuller name.
		rd.title, rd.titleOpen = text, false
		return
	}
	rd.titleOpen = false
	if reHeading.MatchString(text) && !reOwnerRow.MatchString(text) {
		rd.section(text)
	}
}

// reMidPhrase is a title row that stops mid-phrase ("…REPORT RECEIVED
// ON", "Community Safety Plan:"): the next row goes on with it.
var reMidPhrase = regexp.MustCompile(`(?i)(?:\b(?:on|of|for|and|to|the|in|from|by|at|with)|[–—:&-])$`)

// reHeading is a title row that names a priority or objective.
var reHeading = regexp.MustCompile(`^(?i)(?:\S+\s+)?(priority|theme|objective|outcome|strategic (goal|priority|objective)|goal|aim|section)\b`)

// reOwnerRow names who owns a priority ("Priority Owner – …"): not a title.
var reOwnerRow = regexp.MustCompile(`^(?i)(priority|theme|outcome)\s+(owner|lead)`)

// section starts a priority titled by a section or title row: "2. Road
// safety" is priority 2, "Outcome 1 – Fewer knives" priority 1, "Priority
// 1.1 We will…" the next priority, titled with its own number. A dotted
// heading directly under a heading with no actions yet refines that
// heading's priority ("Outcome 1 – …" then "Priority 1.1 We will…" is
// priority 1, titled "1.1 We will…"). A number another heading has taken
// ("Outcome 2" after "Priority 1.2" was given 2) is the next free one.
func (rd *reader) section(text string) {
	refine := rd.sectionNo > 0 && rd.sinceSection == 0
	rd.sinceSection = 0
	if rd.sectionTitles == nil {
		rd.sectionTitles = map[int]string{}
	}
	next := func() int {
		n := rd.sectionNo + 1
		for _, taken := rd.sectionTitles[n]; taken; _, taken = rd.sectionTitles[n] {
			n++
		}
		return n
	}
	m := reSection.FindStringSubmatch(text)
	switch {
	case m == nil:
		rd.sectionNo, rd.sectionName = next(), text
	case !strings.Contains(m[1], "."):
		n, _ := strconv.Atoi(m[1])
		if t, taken := rd.sectionTitles[n]; taken && t != m[2] {
			n = next()
		}
		rd.sectionNo, rd.sectionName = n, m[2]
	default:
		if !refine {
			rd.sectionNo = next()
		}
		rd.sectionName = strings.TrimSpace(m[1] + " " + m[2]) // "1.1 We will…"
	}
	if _, taken := rd.sectionTitles[rd.sectionNo]; !taken {
		rd.sectionTitles[rd.sectionNo] = rd.sectionName
	}
}
