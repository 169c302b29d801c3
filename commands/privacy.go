package commands

import (
	"regexp"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// The plan tracks partnership work, never cases. Notes, reasons, evidence
// and sources that look like they carry personal data are refused before
// anything is stored.
//
// Text is normalised first (normaliseForGuard), so that a full-width
// postcode, a non-breaking space or tab inside a phone number, or "＠" in
// an address are seen as what they are. The guard never looks at the
// clock: what it refuses today it refuses in any year.

// normaliseForGuard returns text as the guard reads it: Unicode NFKC
// (full-width letters and digits, "＠", ligatures and non-breaking spaces
// become their plain forms), every dash as "-", invisible format characters
// (zero-width spaces, soft hyphens) removed, and every run of whitespace as
// one space.
func normaliseForGuard(text string) string {
	text = norm.NFKC.String(text)
	var b strings.Builder
	b.Grow(len(text))
	space := false
	for _, r := range text {
		switch {
		case unicode.IsSpace(r) || unicode.Is(unicode.Zs, r):
			space = true
			continue
		case unicode.Is(unicode.Cf, r):
			continue
		case unicode.Is(unicode.Pd, r) || r == '\u2212': // dashes, minus
			r = '-'
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	if space {
		b.WriteByte(' ')
	}
	return b.String()
}

// sep is a run of separators people put inside postcodes, phone numbers and
// NI numbers: spaces, dashes, dots.
const sep = `[ .\-]{0,3}`

var (
	// An e-mail address: "@" or an "(at)" spelling, and a dotted domain
	// ("." or "(dot)").
	// Each alternative sets its own flags: (?i:…).
	emailRE = regexp.MustCompile(`(?i:[a-z0-9._%+'\-]+(?: ?@ ?| ?[(\[{<] ?at ?[)\]}>] ?)(?:[a-z0-9\-]+(?:\.| ?[(\[{<] ?dot ?[)\]}>] ?))+[a-z]{2,}\b)` +
		// Spelt out, "bob at example dot com", or spaced, "bob @ example .
		// com": only before a common ending, so that "meet @ Costa. Then"
		// and "the team at the hall" pass.
		`|(?i:\b[a-z0-9._%+'\-]+ at [a-z0-9\-]+(?: dot [a-z0-9\-]+)* dot ` + mailEndings + `\b)` +
		// "jo.bloggs at kent.gov.uk": a dotted name, " at ", a dotted
		// domain ("the team at kent.gov.uk" is a web site).
		`|(?i:\b[a-z0-9%+'\-]+[._][a-z0-9._%+'\-]+ at [a-z0-9\-]+(?:\.[a-z0-9\-]+)*\.` + mailEndings + `\b)` +
		// Spaced, the ending in lower case: "Promoted by @KentPolice.
		// Info leaflets" is a Twitter handle and a sentence.
		`|[A-Za-z0-9._%+'\-]+ ?@ ?[A-Za-z0-9\-]+(?: ?\. ?[a-z0-9\-]+)* ?\. ?` + mailEndings + `\b`)

	// A UK postcode: outward code, any separator run, inward code.
	// "/" and "_" between the codes too, and a space inside the inward
	// code ("TN13 1 HG").
	postcodeRE = regexp.MustCompile(`(?i)\b(GIR` + sep + `0AA|[A-PR-UWYZ][A-HK-Y]?[0-9][0-9A-HJKMNPR-Y]?([ .\-/_]{0,3})([0-9] ?[ABD-HJLNP-UW-Z]{2}))\b`)

	// A National Insurance number: two letters, six digits grouped any way
	// ("QQ 12 34 56 C", "QQ 123 456 C"), a letter A to D, with any
	// separators; after "NI" or "National Insurance" the letter may be
	// left out.
	niRE = regexp.MustCompile(`(?i)\b[A-Z]{2}` + sep + `\d(?:` + sep + `\d){5}` + sep + `[A-D]\b` +
		`|(?i)\b(?:NI|NINO|national insurance)(?: ?(?:no|number|num))?\.?:?(?: is| was)? ?[A-Z]{2}` + sep + `\d(?:` + sep + `\d){5}\b`)

	// digitRun is a candidate phone number: digits and the separators and
	// brackets people write between them, perhaps after "+".
	digitRun = regexp.MustCompile(`\+?\(?\d[\d .\-()_]*\d\)?`)

	// A date of birth needs a cue. After "DOB" or "date of birth" any
	// date counts, a month and year or a year alone too; after "born" only
	// a full date ("the scheme was born in April 2011" is not a person).
	dobRE = regexp.MustCompile(`(?i)\b(?:d[ .\-]{0,2}o[ .\-]{0,2}b\b\.?|date of birth)` + cueGap + `(?:` + fullDate + `|` + partDate + `|` + dayMonth + `)`)
	// "birthday" too only with a whole date: "its 30th birthday in 2012"
	// is a scheme's.
	bornRE = regexp.MustCompile(`(?i)\b(?:born|birthday)` + cueGap + `(?:` + fullDate + `)`)

	// A title and a capitalised word: "Mr Smith", "Dr. Patel", "Mrs J
	// Jones", and the police ranks and civic titles a partnership's notes
	// name people by: "PC Smith", "PCSO Khan", "DI Walker", "Sgt Jones",
	// "Cllr Brown" (as the importer's person check has them).
	titledRE = regexp.MustCompile(`\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|MR|MRS|DR|mr|mrs` +
		`|PC|PCSO|Pcso|DC|DS|DI|DCI|DSI|DSU|Det|Sgt|SGT|sgt|Sergeant|Insp|INSP|Inspector|Ch ?Insp|Supt|Superintendent|Cllr|CLLR|cllr|Councillor|Prof|Rev|Revd|Sir|Dame|Lady|Lord|Constable|Officer)\b` +
		`\.? ?(?:\d{2,5} )?["'“‘(]?(\p{Lu}[\p{L}'’\-]*)`)

	// A street address: a house number, one to three capitalised words and
	// a street word.
	// The number may be glued to the name ("12Swanley Road", or a
	// zero-width space between them, which is dropped).
	addressRE = regexp.MustCompile(`\b\d{1,3}(?:[A-Za-z],?\s|,?\s|,?)(?:[A-Z][\p{L}'’\-]*,? ){1,3}(?i:` + streetWords + `)\b`)

	// An account on a social network: a profile's address
	// ("facebook.com/jane.doe.987", "tiktok.com/@jay.s.2009"), or a handle
	// after the network's name ("twitter @janedoe87", "her insta is
	// @kaylz_x"), whose name (the group) reads as a person's (personalHandle).
	// A handle alone is not enough: "@U0LEAD" is a Slack member, "@roads"
	// a user group.
	socialRE = regexp.MustCompile(`(?i)\b(?:facebook|fb|instagram|tiktok|twitter|x|snapchat|threads)\.com/@?([a-z0-9_.]*[a-z0-9_])` +
		`|\b(?:twitter|insta(?:gram)?|tiktok|snap(?:chat)?|facebook|fb|threads)\b[^@\n]{0,20}@([a-z0-9_.]*[a-z0-9_])`)

	// A police crime reference, force/number/year ("46/12345/12"): it
	// names one case, and so the people in it.
	crimeRefRE = regexp.MustCompile(`\b\d{2} ?/ ?\d{4,7} ?/ ?\d{2}\b`)
)

// months are the month names and their abbreviations.
const months = `jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?`

// cueGap is what may stand between a cue and its date.
const cueGap = `(?:[ :,\-]|\bis\b|\bwas\b)*(?:(?:on|in) )?(?:the )?`

// fullDate is a date with a day, a month and a year, as people write one.
const fullDate = `\d{1,2}(?:st|nd|rd|th)?[ \-/.]?(?:of )?(?:` + months + `)\.?,?[ \-/.]?\d{2,4}` + // 1st of February 1990, 1 Feb 90, 12-Feb-1990
	`|(?:` + months + `)\.? \d{1,2}(?:st|nd|rd|th)?(?:, ?| )\d{2,4}` + // February 1, 1990
	`|\d{1,2} ?[/.\-] ?\d{1,2} ?[/.\-] ?\d{2,4}` + // 01/02/1990, 1.2.90
	`|\d{4} ?[/.\-] ?\d{1,2} ?[/.\-] ?\d{1,2}` // 1990-02-01

// dayMonth is a day and a month with no year ("1st Feb"), a date of birth
// after a cue.
const dayMonth = `\d{1,2}(?:st|nd|rd|th)? ?(?:of )?(?:` + months + `)\b`

// mailEndings are the endings of the e-mail addresses people spell out.
const mailEndings = `(?:com|org|net|uk|gov|info|io|co)`

// partDate is a month and year, or a year alone.
const partDate = `(?:` + months + `)\.?,? \d{4}|(?:19|20)\d{2}\b`

// streetWords end a street address.
const streetWords = `road|rd|street|st|avenue|ave|close|lane|ln|drive|dr|way|crescent|cres|gardens|gdns|place|pl|court|ct|grove|terrace|hill|square|sq|walk|rise|mews|row|parade|gate|green|view|park`

// notNames are capitalised words after a title that are not a person:
// "Dr Barnardo's" is a children's charity, "Ms Teams" a tool.
var notNames = map[string]bool{"Barnardo's": true, "Barnardo’s": true, "Barnardos": true, "Teams": true, "Word": true, "Excel": true, "Forms": true, "Office": true,
	// After a rank: "PCSO Team", "PC World", "DC Comics", "DI Unit".
	"Team": true, "Teams'": true, "Unit": true, "World": true, "Comics": true, "Patrol": true, "Patrols": true, "Office's": true,
	// Common nouns a rank or title heads: "PCSO Recruitment", "Councillor
	// Surgeries", "Lord Lieutenant", "Rev Up" (a motor project).
	"Recruitment": true, "Training": true, "Surgery": true, "Surgeries": true, "Lieutenant": true, "Up": true,
	"Vacancy": true, "Vacancies": true, "Numbers": true, "Cover": true, "Rota": true, "Briefing": true, "Briefings": true,
	"Course": true, "Courses": true, "Men": true, "Post": true, "Posts": true, "Funding": true, "Review": true, "Forum": true, "Day": true, "Safety": true}

// PersonalDataIn returns what kind of personal data text seems to hold
// ("a phone number"), or "" when none: the guard every door applies, typed
// notes and imported cells alike.
func PersonalDataIn(text string) string { return personalDataIn(text) }

// personalDataIn returns what kind of personal data text seems to hold, or
// "" when none.
func personalDataIn(text string) string {
	s := normaliseForGuard(text)
	low := strings.ToLower(s)
	// Cheap looks first: most forms need figures, and each regular
	// expression runs only where its form could be.
	digits := 0
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			digits++
		}
	}
	var toks []guardToken
	tokens := func() []guardToken {
		if toks == nil {
			toks = tokeniseForNames(s)
		}
		return toks
	}
	switch {
	case mayHoldMail(low) && emailRE.MatchString(s):
		return "an e-mail address"
	case (strings.Contains(low, ".com/") || strings.Contains(low, "@")) && hasPersonalHandle(s):
		return "a social-media account"
	case digits >= 8 && crimeRefRE.MatchString(s):
		return "a crime reference"
	case digits > 0 && hasPostcode(s):
		return "a UK postcode"
	case digits >= 9 && hasPhone(s):
		return "a phone number"
	case digits >= 6 && niRE.MatchString(s):
		return "a National Insurance number"
	case mayHoldDOB(low) && (dobRE.MatchString(s) || bornRE.MatchString(s) || dobCueRE.MatchString(s) || bornWordsRE.MatchString(s)):
		return "a date of birth"
	case hasTitleWord(tokens()) && (hasTitledName(s) || hasLowerTitle(tokens())):
		return "a person's name"
	case digits > 0 && (hasAddress(s) || hasLowerAddress(tokens())):
		return "a street address"
	case strings.Contains(low, " at ") && strings.Contains(low, ".") && hasAtMail(s):
		return "an e-mail address"
	case digits >= 10 && hasNHSNumber(s):
		return "an NHS number"
	case digits >= 4 && mayHoldHospitalNumber(low) && hospitalRE.MatchString(s):
		return "a hospital number"
	case digits > 0 && hasPlate(s):
		return "a vehicle's number plate"
	case digits > 0 && hasPartPostcode(tokens()):
		return "part of a UK postcode"
	case digits > 0 && hasDoor(tokens()):
		return "where someone lives (a flat or house number)"
	}
	return hasPersonName(tokens())
}

// hasPersonalHandle says whether s names an account on a social network
// (socialRE) whose name reads as a person's: one with a figure, a dot or
// an underscore, as "janedoe87", "jane.doe.987", "kaylz_x" have and an
// organisation's ("@KentPolice", "facebook.com/SevenoaksDC") mostly has
// not.
func hasPersonalHandle(s string) bool {
	for _, m := range socialRE.FindAllStringSubmatch(s, -1) {
		if strings.ContainsAny(m[1]+m[2], "0123456789_.") {
			return true
		}
	}
	return false
}

// mayHoldMail says whether emailRE could match: every form of it has "@",
// a bracketed or spelt-out "at", or " dot ".
func mayHoldMail(low string) bool {
	return strings.ContainsRune(low, '@') || strings.Contains(low, "dot") ||
		strings.Contains(low, "at") && (strings.ContainsAny(low, "([{<") || strings.Contains(low, " at ") && strings.Contains(low, "."))
}

// mayHoldDOB says whether a date-of-birth expression could match: each
// needs "birth", "born" or a "d", "o", "b" cue.
func mayHoldDOB(low string) bool {
	if strings.Contains(low, "birth") || strings.Contains(low, "born") {
		return true
	}
	for i := 0; i+2 < len(low); i++ {
		if low[i] != 'd' {
			continue
		}
		j := i + 1
		for n := 0; n < 3 && j < len(low) && strings.IndexByte(" ./-", low[j]) >= 0; n++ {
			j++
		}
		if j < len(low) && low[j] == 'o' {
			j++
			for n := 0; n < 3 && j < len(low) && strings.IndexByte(" ./-", low[j]) >= 0; n++ {
				j++
			}
			if j < len(low) && low[j] == 'b' {
				return true
			}
		}
	}
	return false
}

// mayHoldHospitalNumber says whether a hospital number's cue is there.
func mayHoldHospitalNumber(low string) bool {
	return strings.Contains(low, "hosp") || strings.Contains(low, "mrn") || strings.Contains(low, "m.r") || strings.Contains(low, "m r") ||
		strings.Contains(low, "medical record") || strings.Contains(low, "patient") || strings.Contains(low, "unit")
}

// hasPostcode finds a postcode, but not an ordinal after a road number
// written in lower case ("the A21 3rd phase").
func hasPostcode(s string) bool {
	for _, m := range postcodeRE.FindAllStringSubmatch(s, -1) {
		inward := m[3]
		// A space inside the inward code ("TN13 1 HG") only after a
		// separator and in capitals: "A25 at Riverhead" is a road.
		if strings.Contains(inward, " ") && (m[2] == "" || inward != strings.ToUpper(inward)) {
			continue
		}
		if inward != "" && inward != strings.ToUpper(inward) {
			switch strings.ToLower(inward[1:]) {
			case "st", "nd", "rd", "th":
				continue
			}
		}
		return true
	}
	return false
}

// hasPhone finds a UK phone number (0 and ten digits, or +44 or 0044 and
// ten, with "(0)" allowed) or an international one (+ or 00, a country code
// and eight to thirteen digits), written with any separators. A number of
// ten digits beginning 0, like a case reference, is not phone-shaped.
func hasPhone(s string) bool {
	for _, run := range digitRun.FindAllString(s, -1) {
		// The groups of digits, and whether "+" came first.
		plus := strings.HasPrefix(run, "+")
		groups := strings.FieldsFunc(run, func(r rune) bool { return r < '0' || r > '9' })
		// A phone may start at any group: "call 2 01732 227000" has a
		// stray figure before it.
		for i := range groups {
			digits := ""
			for j := i; j < len(groups); j++ {
				digits += groups[j]
				if phoneShaped(digits, plus && i == 0) {
					return true
				}
				if len(digits) > 15 {
					break
				}
			}
		}
	}
	return false
}

func phoneShaped(digits string, plus bool) bool {
	international := ""
	switch {
	case plus:
		international = digits
	case strings.HasPrefix(digits, "00"):
		international = digits[2:]
	case strings.HasPrefix(digits, "0"):
		return len(digits) == 11 && strings.ContainsRune("1235789", rune(digits[1]))
	default:
		// A mobile number with its country code and no "+": "44 7700
		// 900123".
		return len(digits) == 12 && strings.HasPrefix(digits, "447")
	}
	if rest, ok := strings.CutPrefix(international, "44"); ok {
		rest = strings.TrimPrefix(rest, "0") // +44 (0) 1732 ...
		return len(rest) == 10 && strings.ContainsRune("1235789", rune(rest[0]))
	}
	return len(international) >= 9 && len(international) <= 15 && international[0] != '0'
}

// namesAPlace says whether the words after a titled name make it the name
// of an organisation or a building: up to two more capitalised words, then
// a word such as "School", "Academy", "Trust", "Hospital".
func namesAPlace(after string) bool {
	words := strings.Fields(after)
	for i := 0; i < len(words) && i < 3; i++ {
		w := strings.ToLower(strings.Trim(words[i], ".,;:()'’"))
		if orgWords[w] || w == "ward" || w == "unit" || w == "building" {
			return true
		}
		if r := words[i][0]; r < 'A' || r > 'Z' {
			return false
		}
	}
	return false
}

// titleWords are the words titledRE and hasLowerTitle start with: a note
// without one of them holds no titled name, and neither expression runs.
var titleWords = wordSet(`mr mrs ms miss mx dr pc pcso ds dc di dci dsi dsu det sgt sergeant insp inspector ch supt
superintendent cllr councillor prof rev revd sir dame lady lord constable officer`)

func hasTitleWord(toks []guardToken) bool {
	for _, t := range toks {
		if titleWords[t.low] {
			return true
		}
	}
	return false
}

func hasTitledName(s string) bool {
	for _, m := range titledRE.FindAllStringSubmatchIndex(s, -1) {
		if notNames[s[m[2]:m[3]]] {
			continue
		}
		// "Little Miss Sunshine", like "Mr Men", is a children's book.
		if strings.HasSuffix(strings.TrimRight(s[:m[0]], " "), "Little") {
			continue
		}
		// A school, a hospital or a ward named after someone: "Lady
		// Boswell's School", "Sir John Moore Academy".
		if namesAPlace(s[m[3]:]) {
			continue
		}
		return true
	}
	return false
}

// hasAddress finds a house number, capitalised words and a street word
// that ends the name: "12 Swanley Road" is an address, and so is "12 High
// Street Edenbridge", but "12 Swanley Park Rangers" is a group of people.
func hasAddress(s string) bool {
	for _, loc := range addressRE.FindAllStringIndex(s, -1) {
		// A date before a street's name is not a house number: "by 14 May
		// London Road", "from 3 June High Street".
		if first := strings.Fields(strings.TrimLeft(s[loc[0]:loc[1]], "0123456789")); len(first) > 0 && monthRE.MatchString(strings.Trim(first[0], ",")) {
			continue
		}
		after := strings.TrimLeft(s[loc[1]:], " ")
		word, _, _ := strings.Cut(after, " ")
		word = strings.TrimRight(word, ".,;:!?)")
		if r := []rune(word); len(r) > 0 && unicode.IsUpper(r[0]) && !places[word] {
			continue // the street word is part of a longer name
		}
		return true
	}
	return false
}

// places are the towns and villages of the District and its neighbours, as
// they follow a street address.
var places = map[string]bool{
	"Sevenoaks": true, "Swanley": true, "Edenbridge": true, "Westerham": true, "Otford": true, "Kemsing": true,
	"Dunton": true, "Hextable": true, "Farningham": true, "Eynsford": true, "Tonbridge": true, "Dartford": true,
	"Orpington": true, "Riverhead": true, "Seal": true, "Penshurst": true, "Leigh": true, "Hartley": true,
	"New": true, "West": true, "Kent": true,
	// Nor does a day or a month: "visited 12 Swanley Road Tuesday".
	"Monday": true, "Tuesday": true, "Wednesday": true, "Thursday": true, "Friday": true, "Saturday": true, "Sunday": true,
	"January": true, "February": true, "March": true, "April": true, "May": true, "June": true, "July": true,
	"August": true, "September": true, "October": true, "November": true, "December": true,
}

func privacyRefusal(what string) error {
	return invalid("That looks like it contains personal data (%s), so I haven't saved it. The action plan tracks partnership work, never cases: leave out names, addresses, postcodes, phone numbers, e-mail addresses, number plates, NHS, hospital and NI numbers, ages and dates of birth, and try again.", strings.TrimSpace(what))
}
