package commands

import (
	"regexp"
	"strings"

	"github.com/sevenoaks-csp/actionbot/internal/names"
)

// The forms of personal data officers type that have no name in them:
// number plates, NHS and hospital numbers, part of a postcode, a person's
// door ("the lad from flat 3b"), a street address in lower case, a date of
// birth in words, an e-mail address spelt with "at".

var (
	// A number plate, in one pass. Current (2001 on): two letters, the age
	// figures (02-29 for March, 51-79 for September), three letters: "KX12
	// ABC". Prefix (1983-2001): a year letter, 1 to 3 figures, three
	// letters: "P123 ABC". Suffix (1963-1983): three letters, 1 to 3
	// figures, a year letter: "ABC 123D".
	plateRE = regexp.MustCompile(`(?i)\b(?:[A-HJ-PR-Y][A-HJ-PR-Y]([0-7][0-9]) ?([A-HJ-PR-Z]{3})` +
		`|[A-HJ-NPR-Y][1-9][0-9]{0,2} ?([A-HJ-PR-Y]{3})` +
		`|([A-HJ-PR-Y]{3}) ?[1-9][0-9]{0,2} ?[A-HJ-NPR-Y])\b`)
	// A word that says a vehicle is meant.
	plateCueRE = regexp.MustCompile(`(?i)\b(?:reg|regn|registration|vrm|vrn|plate|plates|index|anpr|car|van|vehicle|moped|motorbike|bike|lorry|truck|taxi|cab|transit|golf|corsa|bmw|audi|ford|vauxhall)\b[^.;]{0,24}$`)

	// Ten digits, as an NHS number is written (3-3-4, or together).
	nhsDigitsRE = regexp.MustCompile(`\b(\d{3})[ \-]?(\d{3})[ \-]?(\d{4})\b`)
	// The words that make ten digits an NHS number whatever its check
	// digit, and those that make them a reference.
	nhsCueRE = regexp.MustCompile(`(?i)\bnhs\b[^0-9]{0,16}$`)
	refCueRE = regexp.MustCompile(`(?i)\b(?:ref|reference|case|incident|cad|crime|log|urn|crn|job|call|report|invoice|order|po|account|acct|tel|phone|mob|mobile|fax)\b[^0-9]{0,8}$`)

	// A hospital number: after "hosp no", "hospital number", "MRN",
	// "patient no", "unit no", letters and figures.
	hospitalRE = regexp.MustCompile(`(?i)\b(?:hosp(?:ital)?\.? ?(?:no|nr|num|number|id|#)|m\.? ?r\.? ?n|medical record(?: no| number)?|patient (?:no|number|id)|unit (?:no|number))\b\.?:?#?(?: is| was)? ?[a-z]{0,4} ?\d{4,10}[a-z]?\b`)

	// A date of birth after a cue, written any way: "D/O/B", "d o b",
	// "Date-of-birth", "DoB:".
	dobCueRE = regexp.MustCompile(`(?i)\b(?:d ?[./\-]? ?o ?[./\-]? ?b\b\.?|date[ \-]of[ \-]birth)` + cueGap + `(?:\d|(?:` + numberWords + `)\b|(?:` + months + `)\b)`)
	// "born on the third of May", "born the 2nd of january", "born on
	// 12th october": a day and a month after "born".
	bornWordsRE = regexp.MustCompile(`(?i)\bborn(?: on)?(?: the)? (?:\d{1,2}(?:st|nd|rd|th)?|` + ordinalWords + `)(?: of)? (?:` + months + `)\b`)

	// An e-mail address spelt "name at domain.tld": "bob at example.com".
	monthRE = regexp.MustCompile(`(?i)^(?:` + months + `)\.?$`)

	atMailRE = regexp.MustCompile(`(?i)\b([a-z0-9][a-z0-9._%+'\-]*) at ([a-z0-9\-]+)((?:\.[a-z0-9\-]+)*)\.(?:com|net|org|uk|ie|info|io|me|co|biz|eu)\b`)
)

// ordinalWords are the days of a month in words.
const ordinalWords = `(?:twenty|thirty)?[ \-]?(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth)|tenth|eleventh|twelfth|thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|twentieth|thirtieth`

// numberWords are figures in words, as a date is said aloud.
const numberWords = `one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|nineteen|ninety|eighty|seventy|sixty|fifty|forty|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|twentieth|thirtieth`

// webMail are the domains of personal mailboxes: any name before them is
// someone's address.
var webMail = wordSet(`gmail googlemail hotmail outlook live msn yahoo ymail aol icloud me mac btinternet btopenworld sky talktalk
virginmedia ntlworld blueyonder tiscali protonmail proton gmx mail`)

// notMailboxes are words that stand before " at " and a web site in a
// sentence: "details at kent.gov.uk".
var notMailboxes = wordSet(`details info information more see read online available here there us them posted published
advice guidance forms form report reports it this that`)

// hasPlate finds a UK number plate. A road number followed by a word ("A21
// THE", "A25 at") is not one: the three letters of a plate are not an
// English word or an agency's initials. Prefix and suffix plates in lower
// case need a word that says a vehicle is meant ("reg p123 abc").
func hasPlate(s string) bool {
	for _, m := range plateRE.FindAllStringSubmatchIndex(s, -1) {
		text := s[m[0]:m[1]]
		switch {
		case m[2] >= 0: // current
			age := s[m[2]:m[3]]
			if !(age >= "02" && age <= "29" || age >= "51" && age <= "79") || plateWord(s[m[4]:m[5]]) {
				continue
			}
			return true
		case m[6] >= 0 && plateWord(s[m[6]:m[7]]), m[8] >= 0 && plateWord(s[m[8]:m[9]]):
			continue
		}
		if text == strings.ToUpper(text) || plateCueRE.MatchString(s[:m[0]]) {
			return true
		}
	}
	return false
}

// plateWord: three letters that are a word or an agency's initials.
func plateWord(letters string) bool {
	low := strings.ToLower(letters)
	return names.IsWord(low) || guardVocab[low] || guardStopWords[low]
}

// hasNHSNumber finds ten digits that are an NHS number: after "NHS"
// whatever they are, or anywhere when the modulus-11 check digit is right
// and no word makes them a reference ("case ref 0123456789").
func hasNHSNumber(s string) bool {
	for _, m := range nhsDigitsRE.FindAllStringSubmatchIndex(s, -1) {
		digits := s[m[2]:m[3]] + s[m[4]:m[5]] + s[m[6]:m[7]]
		before := s[:m[0]]
		if nhsCueRE.MatchString(before) {
			return true
		}
		if digits[0] == '0' || refCueRE.MatchString(before) {
			continue
		}
		if nhsCheck(digits) {
			return true
		}
	}
	return false
}

// nhsCheck is the NHS number's modulus-11 check: the first nine digits
// weighted 10 down to 2, and 11 less the remainder is the tenth (11 is 0,
// 10 is never valid).
func nhsCheck(digits string) bool {
	if len(digits) != 10 {
		return false
	}
	sum := 0
	for i := 0; i < 9; i++ {
		sum += int(digits[i]-'0') * (10 - i)
	}
	check := 11 - sum%11
	if check == 11 {
		check = 0
	}
	return check != 10 && check == int(digits[9]-'0')
}

// postcodeAreas are the UK's postcode areas of two letters.
var postcodeAreas = wordSet(`AB AL BA BB BD BH BL BN BR BS BT CA CB CF CH CM CO CR CT CV CW DA DD DE DG DH DL DN DT DY EC EH EN EX FK FY
GL GU GY HA HD HG HP HR HS HU HX IG IM IP IV JE KA KT KW KY LA LD LE LL LN LS LU ME MK ML NE NG NN NP NR NW OL OX PA PE PH PL PO PR
RG RH RM SA SE SG SK SL SM SN SO SP SR SS ST SW SY TA TD TF TN TQ TR TS TW UB WA WC WD WF WN WR WS WV YO ZE`)

// hasPartPostcode finds an outward code and a sector, "TN14 5": a postcode
// area of two letters, a district, a space and one figure that ends there
// ("TN14 5%", "TN14 5.5", "TN14 5th" are not).
func hasPartPostcode(toks []guardToken) bool {
	for i := 0; i+2 < len(toks); i++ {
		area, district, sector := toks[i], toks[i+1], toks[i+2]
		if area.num || len(area.raw) != 2 || !postcodeAreas[strings.ToUpper(area.raw)] ||
			!district.num || !district.glued || len(district.raw) > 2 || i > 0 && area.glued ||
			!sector.num || len(sector.raw) != 1 || sector.gap != " " {
			continue
		}
		if i+3 < len(toks) {
			next := toks[i+3]
			if next.glued || next.num && !strings.ContainsAny(next.gap, " ") || strings.ContainsAny(next.sep, "%/:") && !strings.ContainsAny(next.gap, " ") {
				continue
			}
		} else if end := strings.TrimSpace(sector.raw); end == "" {
			continue
		}
		return true
	}
	return false
}

// countWords are the nouns a number counts rather than a house: "12
// cameras in the high street".
var countWords = wordSet(`month months year years week weeks day days hour hours minute minutes mile miles mph point points per
percent times k x more new`)

// doorWords, after a word that says where, and a number, say where someone
// lives: "the lad from flat 3b", "the woman at no 23".
var (
	doorWords   = wordSet(`flat no number house apt apartment`)
	doorPlaces  = wordSet(`from at in outside of visited`)
	theStreets  = wordSet(`crescent close avenue drive grove parade green mews glebe street lane square terrace rise causeway chase dene spinney paddock meadow meadows orchard orchards maltings ridgeway broadway pantiles`)
	lowerStreet = wordSet(`road rd street st lane ln avenue ave close drive way crescent cres gardens gdns grove terrace mews parade hill rise place court`)
)

// hasDoor finds a flat or house number that says where someone lives:
// "from flat 3b", "at no 12", "visited number 9", "flat 2a", "2 the
// crescent".
func hasDoor(toks []guardToken) bool {
	for i, t := range toks {
		if t.num {
			// "2 the crescent"
			if len(t.raw) <= 3 && i+2 < len(toks) && toks[i+1].low == "the" && toks[i+1].sep == "" &&
				theStreets[toks[i+2].low] && toks[i+2].sep == "" {
				return true
			}
			continue
		}
		if !doorWords[t.low] || i+1 >= len(toks) || !toks[i+1].num || len(toks[i+1].raw) > 3 {
			continue
		}
		if s := toks[i+1].sep; s != "" && s != "." && s != "#" {
			continue
		}
		// "flat 3b": a flat with its letter.
		if t.low == "flat" && i+2 < len(toks) && toks[i+2].sep == "" && len(toks[i+2].low) == 1 {
			return true
		}
		j := i - 1
		if j >= 0 && toks[j].low == "the" && toks[j].sep == "" {
			j--
		}
		if j >= 0 && toks[i].sep == "" && (doorPlaces[toks[j].low] || toks[j].low == "to" && j > 0 && toks[j-1].low == "visit") {
			return true
		}
	}
	return false
}

// hasLowerAddress finds a street address however it is cased: "went round
// to 12 london road", "33 bradbourne vale rd". A date ("by 14 may london
// road") or a count ("5 schools along the road") is not a house number.
func hasLowerAddress(toks []guardToken) bool {
	for i, t := range toks {
		if !t.num || len(t.raw) > 3 || t.glued && toks[i-1].low != "" {
			continue // "B258 Hextable road" is a road's number
		}
		j := i + 1
		if j < len(toks) && toks[j].glued && len(toks[j].low) == 1 {
			j++ // "12a"
		}
		// One to three words, then a street word.
		var words []guardToken
		for ; j < len(toks) && len(words) <= 3; j++ {
			w := toks[j]
			if w.num || w.low == "" || (w.sep != "" && w.sep != ",") {
				break
			}
			if lowerStreet[w.low] && len(words) > 0 {
				if addressWords(words) {
					return true
				}
				break
			}
			words = append(words, w)
		}
	}
	return false
}

// addressWords: the words between a house number and a street word are a
// street's name, not a date, a count or a phrase.
func addressWords(words []guardToken) bool {
	first := words[0].low
	if monthRE.MatchString(first) || countWords[first] {
		return false
	}
	for _, w := range words {
		if guardStopWords[w.low] {
			return false
		}
	}
	// A plural count: "12 cameras", "3 sessions".
	if len(first) > 3 && strings.HasSuffix(first, "s") && !strings.HasSuffix(first, "ss") && names.IsWord(strings.TrimSuffix(first, "s")) {
		return false
	}
	return true
}

// hasAtMail finds an e-mail address spelt with " at ": "bob at
// example.com", "kerry123 at hotmail.com". "details at kent.gov.uk" is a
// web site.
func hasAtMail(s string) bool {
	for _, m := range atMailRE.FindAllStringSubmatch(s, -1) {
		local, domain := strings.ToLower(m[1]), strings.ToLower(m[2])
		switch {
		case notMailboxes[local] || guardStopWords[local]:
		case webMail[domain]:
			return true
		case strings.ContainsAny(local, "0123456789._%+"):
			return true
		case names.IsName(local):
			return true
		}
	}
	return false
}
