package actionbot

import (
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Deadline is a deadline as the plan writes it ("March 2013", "On going")
// together with what it means: a due date, or ongoing work with none.
type Deadline struct {
	Written string // as written, e.g. "March 2013"
	Due     Date   // the date it means; zero when Ongoing
	Ongoing bool
}

// String returns the deadline as written, or a normalised form when nothing
// was written.
func (d Deadline) String() string {
	switch {
	case d.Written != "":
		return d.Written
	case d.Ongoing:
		return "Ongoing"
	default:
		return d.Due.String()
	}
}

var months = map[string]time.Month{
	"jan": time.January, "january": time.January,
	"feb": time.February, "february": time.February,
	"mar": time.March, "march": time.March,
	"apr": time.April, "april": time.April,
	"may": time.May,
	"jun": time.June, "june": time.June,
	"jul": time.July, "july": time.July,
	"aug": time.August, "august": time.August,
	"sep": time.September, "sept": time.September, "september": time.September,
	"oct": time.October, "october": time.October,
	"nov": time.November, "november": time.November,
	"dec": time.December, "december": time.December,
}

var (
	reMonthYear = regexp.MustCompile(`^([a-z]+)\.?,?\s+(\d{4})$`)
	reDayMonthY = regexp.MustCompile(`^(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]+)\.?,?\s+(\d{4})$`)
	reISO       = regexp.MustCompile(`^(\d{4})-(\d{1,2})-(\d{1,2})$`)
	reUK        = regexp.MustCompile(`^(\d{1,2})[/.](\d{1,2})[/.](\d{4})$`)
	reSpaces    = regexp.MustCompile(`\s+`)
)

// deadlineHelp lists the forms ParseDeadline accepts, for error messages.
const deadlineHelp = `a month and year ("March 2013"), a date ("2013-06-30" or "30/06/2013") or "Ongoing"`

// ParseDeadline parses a deadline as partnership plans write it:
//   - a month and year, "March 2013" or "Mar 2013", meaning the last day of
//     that month;
//   - a day, month and year, "30 June 2013";
//   - an ISO date, "2013-06-30", or a UK day-first date, "30/06/2013";
//   - "On going", "Ongoing", "On-going" (and "Ongoi ng", a line break inside a
//     PDF cell): ongoing work with no due date.
//
// The written form is kept as given (whitespace tidied). An empty or
// unrecognised deadline is an EINVALID error.
func ParseDeadline(s string) (Deadline, error) {
	written := strings.TrimSpace(reSpaces.ReplaceAllString(s, " "))
	dl := Deadline{Written: written}
	if written == "" {
		return dl, Errorf(EINVALID, "The deadline is empty: write %s.", deadlineHelp)
	}
	low := strings.ToLower(written)
	squashed := strings.NewReplacer(" ", "", "-", "", "_", "").Replace(low)
	if squashed == "ongoing" {
		dl.Ongoing = true
		return dl, nil
	}
	bad := func(why string) (Deadline, error) {
		if why != "" {
			why = " (" + why + ")"
		}
		return dl, Errorf(EINVALID, "%q is not a deadline I understand%s: write %s.", written, why, deadlineHelp)
	}
	if m := reMonthYear.FindStringSubmatch(low); m != nil {
		mon, ok := months[m[1]]
		if !ok {
			return bad("unknown month " + strconv.Quote(m[1]))
		}
		y, _ := strconv.Atoi(m[2])
		dl.Due = Date{y, mon, 1}.EndOfMonth()
		return checkYear(dl, bad)
	}
	if m := reDayMonthY.FindStringSubmatch(low); m != nil {
		mon, ok := months[m[2]]
		if !ok {
			return bad("unknown month " + strconv.Quote(m[2]))
		}
		day, _ := strconv.Atoi(m[1])
		y, _ := strconv.Atoi(m[3])
		return validDate(dl, y, mon, day, bad)
	}
	if m := reISO.FindStringSubmatch(low); m != nil {
		y, _ := strconv.Atoi(m[1])
		mon, _ := strconv.Atoi(m[2])
		day, _ := strconv.Atoi(m[3])
		return validDate(dl, y, time.Month(mon), day, bad)
	}
	if m := reUK.FindStringSubmatch(low); m != nil {
		day, _ := strconv.Atoi(m[1])
		mon, _ := strconv.Atoi(m[2])
		y, _ := strconv.Atoi(m[3])
		return validDate(dl, y, time.Month(mon), day, bad)
	}
	return bad("")
}

func validDate(dl Deadline, y int, m time.Month, d int, bad func(string) (Deadline, error)) (Deadline, error) {
	if m < time.January || m > time.December {
		return bad("there is no month " + strconv.Itoa(int(m)))
	}
	dt := D(y, m, d)
	if d < 1 || dt.Month != m {
		return bad("there is no such day in " + m.String())
	}
	dl.Due = dt
	return checkYear(dl, bad)
}

func checkYear(dl Deadline, bad func(string) (Deadline, error)) (Deadline, error) {
	if dl.Due.Year < 2000 || dl.Due.Year > 2100 {
		return bad("the year is out of range")
	}
	return dl, nil
}
