package commands

import (
	"regexp"
	"strconv"
	"strings"
)

// The plan tracks partnership work, never cases. Notes and reasons that look
// like they carry personal data are refused before anything is stored.
var personalData = []struct {
	what string
	re   *regexp.Regexp
}{
	{"an e-mail address", regexp.MustCompile(`(?i)[a-z0-9._%+'-]+@[a-z0-9-]+(\.[a-z0-9-]+)+`)},
	{"a UK postcode", regexp.MustCompile(`(?i)\b(GIR ?0AA|[A-PR-UWYZ][A-HK-Y]?[0-9][0-9A-HJKMNPR-Y]? ?[0-9][ABD-HJLNP-UW-Z]{2})\b`)},
	{"a phone number", regexp.MustCompile(`(?:\+44\s?\(?0?\)?\s?|\b0)(?:\d[\s-]?){9,10}\b`)},
	{"a National Insurance number", regexp.MustCompile(`(?i)\b[A-Z]{2} ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b`)},
	{"a date of birth", regexp.MustCompile(`(?i)\b(d\.?o\.?b\.?|date of birth|born(\s+on)?)\s*:?\s*(\d{1,2}(st|nd|rd|th)?[\s/.-]+(\d{1,2}|[a-z]{3,9})[\s/.-]+\d{2,4})`)},
}

// fullDate finds day-first dates, to catch a bare date of birth.
var fullDate = regexp.MustCompile(`\b(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\b`)

// personalDataIn returns what kind of personal data text seems to hold, or
// "" when none. thisYear lets a bare full date far in the past (a date of
// birth, not a date of partnership work) be recognised.
func personalDataIn(text string, thisYear int) string {
	for _, pd := range personalData {
		if pd.re.MatchString(text) {
			return pd.what
		}
	}
	for _, m := range fullDate.FindAllStringSubmatch(text, -1) {
		if y, _ := strconv.Atoi(m[3]); y < thisYear-15 {
			return "a date of birth"
		}
	}
	return ""
}

func privacyRefusal(what string) error {
	return invalid("That looks like it contains personal data (%s), so I haven't saved it. The action plan tracks partnership work, never cases: leave out names, addresses, postcodes, phone numbers, e-mail addresses, NI numbers and dates of birth, and try again.", strings.TrimSpace(what))
}
