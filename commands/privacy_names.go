package commands

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/sevenoaks-csp/actionbot/internal/names"
)

// People's names as officers type them: in any case, without a title, from
// any community. A word of the names list (internal/names) is read with its
// neighbours:
//
//   - two names in a row, forename and surname ("wojciech nowak", "Ravi
//     Patel"), unless both are also common English words ("will hope",
//     "mark green"); a name with a word no dictionary holds ("chinedu
//     dlamini") too;
//   - a name and an age ("Kai, 16", "tyler (15)", "jayden aged 14");
//   - a name after a kin or role word ("her son jordan", "victim: j smith",
//     "a bloke called steve") or after a verb of meeting ("spoke to ravi");
//   - the same with a surname: "the ahmed children".
//
// The words of the partnership — its plan, its places, its schemes and
// agencies — are never names here, nor are the little words of English.

// guardToken is a word or number of a note as the name rules read it.
type guardToken struct {
	low   string // folded: lower case, no diacritics ("" for a number or a mixed token)
	raw   string
	num   bool   // digits only
	sep   string // the non-space characters between the previous token and this one
	caps  bool   // all capitals, two letters or more
	glued bool   // nothing at all between the previous token and this one: "B258"
	gap   string // what stands between the previous token and this one, as written
}

// tokeniseForNames splits a normalised note into words (letters, with
// apostrophes and hyphens inside) and numbers, letters and digits apart
// ("15yrs" is "15", "yrs"), keeping the punctuation before each.
func tokeniseForNames(s string) []guardToken {
	toks := make([]guardToken, 0, len(s)/5+1)
	sepStart := 0
	i := 0
	for i < len(s) {
		c := s[i]
		kind, n := 0, 1
		switch {
		case c >= '0' && c <= '9':
			kind = 2
		case c < utf8.RuneSelf:
			if c|0x20 >= 'a' && c|0x20 <= 'z' {
				kind = 1
			}
		default:
			var r rune
			r, n = utf8.DecodeRuneInString(s[i:])
			if unicode.IsLetter(r) {
				kind = 1
			}
		}
		if kind == 0 {
			i += n
			continue
		}
		start := i
		for i < len(s) {
			c := s[i]
			if kind == 2 {
				if c < '0' || c > '9' {
					break
				}
				i++
				continue
			}
			if c < utf8.RuneSelf {
				if c|0x20 >= 'a' && c|0x20 <= 'z' {
					i++
					continue
				}
				// Inside a word only: "o'brien", "ellie-mae".
				if (c == '\'' || c == '-') && i+1 < len(s) && isLetterAt(s, i+1) {
					i++
					continue
				}
				break
			}
			r, n := utf8.DecodeRuneInString(s[i:])
			if unicode.IsLetter(r) || unicode.Is(unicode.Mn, r) || r == '’' && i+n < len(s) && isLetterAt(s, i+n) {
				i += n
				continue
			}
			break
		}
		raw := s[start:i]
		between := s[sepStart:start]
		t := guardToken{raw: raw, sep: strings.TrimSpace(between), glued: between == "" && len(toks) > 0, gap: between}
		if kind == 2 {
			t.num = true
		} else {
			t.low = names.Fold(raw)
			t.caps = len(raw) > 1 && !hasLower(raw)
		}
		toks = append(toks, t)
		sepStart = i
	}
	return toks
}

func isLetterAt(s string, i int) bool {
	if c := s[i]; c < utf8.RuneSelf {
		return c|0x20 >= 'a' && c|0x20 <= 'z'
	}
	r, _ := utf8.DecodeRuneInString(s[i:])
	return unicode.IsLetter(r)
}

func hasLower(s string) bool {
	for _, r := range s {
		if unicode.IsLower(r) {
			return true
		}
	}
	return false
}

// bare is a word without its possessive "'s".
func bare(low string) string {
	if b, ok := strings.CutSuffix(low, "'s"); ok {
		return b
	}
	return low
}

// nameWord says whether a word may be part of a person's name: it is on the
// names list, and neither a little word of English nor a word of the
// partnership. A hyphenated word is a name when its parts are ("ellie-mae").
func nameWord(low string) bool {
	low = bare(low)
	if low == "" || guardStopWords[low] || partnershipWord(low) || orgWords[low] {
		return false
	}
	if names.IsName(low) {
		return true
	}
	if a, b, ok := strings.Cut(low, "-"); ok {
		return names.IsName(a) && names.IsName(b) && !guardStopWords[a] && !guardStopWords[b]
	}
	return false
}

// strongName is a name that is not also a common English word: "priya",
// "nowak", "kai"; not "will", "hope", "green".
func strongName(low string) bool {
	if !nameWord(low) {
		return false
	}
	low = bare(low)
	if a, b, ok := strings.Cut(low, "-"); ok {
		return !commonish(low) && (!commonish(a) || !commonish(b))
	}
	return !commonish(low)
}

// commonish: an everyday English word, or a rarer one that is short ("ref",
// "min") or said in partnership work ("demo", "derby", "welsh").
func commonish(low string) bool {
	if names.IsCommonWord(low) {
		return true
	}
	return names.IsWord(low) && (len(low) < 4 || rareButSaid[low])
}

// rareButSaid are words of the larger dictionary only that partnership
// notes use: not names when they stand beside one.
var rareButSaid = wordSet(`demo demos corp tram trams wales welsh vale vales dale dales weir weirs mead stead derby heist meta
karma mecca condo mayo cola colas emery dyke dykes drake firth`)

// unknownWord is a word no list holds, such as a surname the names list
// lacks ("dlamini"): letters only, three or more, with a vowel, not an
// acronym, not a word of the partnership.
func unknownWord(t guardToken) bool {
	low := bare(t.low)
	if len(low) < 3 || t.caps || strings.ContainsAny(low, "-") || guardStopWords[low] || partnershipWord(low) ||
		names.IsWord(low) || names.IsName(low) || !strings.ContainsAny(low, "aeiouy") {
		return false
	}
	// A plural or a verb form of a dictionary word is a dictionary word.
	for _, suf := range []string{"s", "es", "ed", "ing", "ly", "er", "ers"} {
		if stem, ok := strings.CutSuffix(low, suf); ok && (names.IsWord(stem) || names.IsWord(stem+"e")) {
			return false
		}
	}
	return true
}

// partnershipWord: a word of the partnership's plan, places, schemes and
// agencies that the names list holds but English does not ("kent",
// "giles", "hartley"), and the months and days.
func partnershipWord(low string) bool {
	return guardVocab[low] && !names.IsWord(low)
}

// hasPersonName finds a person's name by its neighbours, or "" when none.
func hasPersonName(toks []guardToken) string {
	// Ages first, so that the refusal names the most it found.
	for i := range toks {
		if !toks[i].num {
			continue
		}
		if nameBeforeAge(toks, i) {
			return "a person's name and age"
		}
		if relativeAge(toks, i) {
			return "a person's age"
		}
	}
	for i := range toks {
		if toks[i].low == "" {
			continue
		}
		if i+1 < len(toks) && toks[i+1].sep == "" && namePair(toks[i], toks[i+1]) {
			// "Lady Boswell's School", "Harold Wood Hospital": a place
			// named after someone.
			if !(i+2 < len(toks) && toks[i+2].sep == "" && (orgWords[toks[i+2].low] || toks[i+2].low == "ward")) {
				return "a person's name"
			}
		}
		if nameAfterCue(toks, i) {
			return "a person's name"
		}
	}
	return ""
}

// namePair: forename and surname in a row.
func namePair(a, b guardToken) bool {
	if a.num || b.num || a.low == "" || b.low == "" {
		return false
	}
	if a.caps && len(a.raw) <= 5 || b.caps && len(b.raw) <= 5 {
		// An acronym beside a name ("KFRS", "YOS") unless the whole pair
		// is shouted ("JOHN SMITH").
		if !(a.caps && b.caps) {
			return false
		}
	}
	if pairStreetWords[b.low] {
		return false
	}
	na, nb := nameWord(a.low), nameWord(b.low)
	switch {
	case na && nb:
		return strongName(a.low) || strongName(b.low)
	case na:
		return strongName(a.low) && unknownWord(b)
	case nb:
		return strongName(b.low) && unknownWord(a)
	}
	return false
}

// nameAt says whether a name stands at toks[i]: a strong name, or any name
// followed by another ("rob o'neill"), or after an initial ("j smith").
func nameAt(toks []guardToken, i int) bool {
	if i >= len(toks) || toks[i].num || toks[i].low == "" {
		return false
	}
	low := toks[i].low
	if len(low) == 1 {
		// An initial: "j smith", "J. Smith".
		return i+1 < len(toks) && (toks[i+1].sep == "" || toks[i+1].sep == ".") && nameWord(toks[i+1].low)
	}
	if strongName(low) {
		return true
	}
	if nameWord(low) && i+1 < len(toks) && toks[i+1].sep == "" && (nameWord(toks[i+1].low) || unknownWord(toks[i+1])) {
		return true
	}
	return false
}

// nameAfterCue: a kin or role word, or a verb of meeting someone, and a
// name after it, perhaps past "is", "was", ":", "called".
func nameAfterCue(toks []guardToken, i int) bool {
	low := toks[i].low
	j := i + 1
	switch {
	case kinWords[low]:
	case meetVerbs[low]:
	case (low == "spoke" || low == "speak" || low == "talked" || low == "talking" || low == "spoken" || low == "letter" || low == "visit" || low == "went") &&
		j < len(toks) && (toks[j].low == "to" || toks[j].low == "with") && toks[j].sep == "":
		j++
	case (low == "met" || low == "meeting") && j < len(toks) && toks[j].low == "with" && toks[j].sep == "":
		j++
	case (low == "complaint" || low == "call" || low == "referral" || low == "report") && j < len(toks) && toks[j].low == "from" && toks[j].sep == "":
		j++
	case low == "the" && j+1 < len(toks) && familyWords[toks[j+1].low] && toks[j+1].sep == "":
		// "the ahmed children": a surname before a family word.
		return strongName(toks[j].low) && !toks[j].caps
	default:
		return false
	}
	// Past the little words between the cue and the name.
	for n := 0; j < len(toks) && n < 3; n++ {
		switch toks[j].low {
		case "is", "was", "were", "are", "called", "named", "as", "aka", "name", "name's", "her", "his", "their", "a", "my":
			j++
			continue
		}
		break
	}
	if j >= len(toks) || toks[j].num {
		return false
	}
	if toks[j].caps && len(toks[j].raw) <= 5 {
		return false // an agency's initials: "met KFRS"
	}
	if !(nameAt(toks, j) || unknownWord(toks[j])) {
		return false
	}
	// "the lady boswell's school": a place named after someone.
	for k := j + 1; k < len(toks) && k <= j+2; k++ {
		if toks[k].sep != "" {
			break
		}
		if orgWords[toks[k].low] || toks[k].low == "ward" {
			return false
		}
	}
	return true
}

// nameBeforeAge: a name, then an age: "Kai, 16", "tyler (15)", "jayden aged
// 14", "brandon 16 yrs". A bare number after a name is not an age ("page
// 12"), nor is a range ("aged 10 to 17").
func nameBeforeAge(toks []guardToken, i int) bool {
	age := toks[i].raw
	if len(age) > 2 || age == "0" || age[0] == '0' {
		return false
	}
	// A range or a count: "aged 10 to 17", "14-19", "12 volunteers".
	if i+1 < len(toks) {
		next := toks[i+1]
		if next.num && (next.sep == "-" || next.sep == "/" || next.sep == ".") {
			return false
		}
		if next.low == "to" || next.low == "and" || next.low == "or" || next.sep == "%" {
			if i+2 < len(toks) && toks[i+2].num {
				return false
			}
		}
		if next.sep == "" && next.low != "" && !ageWords[next.low] && names.IsWord(strings.TrimSuffix(next.low, "s")) && strings.HasSuffix(next.low, "s") {
			return false
		}
	}
	if toks[i].sep != "" && toks[i].sep != "," && toks[i].sep != "(" && toks[i].sep != ",(" && toks[i].sep != "-" {
		return false
	}
	explicit := strings.Contains(toks[i].sep, "(") && i+1 < len(toks) && strings.HasPrefix(toks[i+1].sep, ")") ||
		strings.Contains(toks[i].sep, "(") && i+1 == len(toks)
	comma := strings.Contains(toks[i].sep, ",") || strings.Contains(toks[i].sep, "(")
	j := i - 1
	if j >= 0 && (toks[j].low == "aged" || toks[j].low == "age") {
		explicit = true
		comma = comma || strings.Contains(toks[j].sep, ",") || strings.Contains(toks[j].sep, "(")
		j--
	}
	if i+1 < len(toks) && ageWords[toks[i+1].low] && (toks[i+1].sep == "" || toks[i+1].sep == "/") {
		explicit = true
	}
	if j < 0 || toks[j].num || toks[j].low == "" {
		return false
	}
	low := toks[j].low
	switch {
	case explicit:
		return nameWord(low)
	case comma:
		// "Kai, 16"; a name that is also a word only when the age is set
		// apart on both sides: "amir, 17, linked".
		closed := i+1 == len(toks) || strings.ContainsAny(toks[i+1].sep, ",);")
		return strongName(low) || closed && nameWord(low)
	}
	return false
}

// relativeAge: a relative and an age, "her daughter is 15", "son aged 12",
// "nan, 82".
func relativeAge(toks []guardToken, i int) bool {
	if len(toks[i].raw) > 2 || i+1 < len(toks) && (toks[i+1].glued || toks[i+1].num || toks[i+1].low == "to" || strings.HasPrefix(toks[i+1].sep, "%")) {
		return false
	}
	j := i - 1
	if j >= 0 && (toks[j].low == "is" || toks[j].low == "was" || toks[j].low == "aged" || toks[j].low == "age") {
		j--
	} else if sep := toks[i].sep; sep != "," && sep != "(" {
		return false
	}
	return j >= 0 && relatives[toks[j].low]
}

// relatives are the kin words an age may follow.
var relatives = wordSet(`son daughter brother sister mum mother dad father nan nanna nana gran granny grandad grandma grandson
granddaughter husband wife boyfriend girlfriend stepdad stepmum stepson stepdaughter uncle aunt auntie cousin niece nephew baby
child kid`)

// guardStopWords are the little words of English, which the names list
// holds as names ("To", "An", "Will") but which name no one in a note.
var guardStopWords = wordSet(`a about above across after again against all also am an and any are as at away back
be been before being below between both but by can could did do does done down during each either else even ever every
few for from further get got had has have having he her here hers him his how i if in into is it its just least less
let like many may me might more most much must my near neither never new next no nor not now of off on once one only
or other our ours out over own per please quite rather re same shall she should since so some still such than that
the their them then there these they this those though through thus till to too under until up upon us very via was
we well were what when where whether which while who whom whose why will with within without would yes yet you your
day days week weeks month months year years time times today tomorrow yesterday morning evening night am pm
mr mrs ms miss mx dr pc pcso sgt cllr insp`)

// guardVocab are words of the partnership — of its plan (the shipped plan's
// own words that the names list holds), of the places of Sevenoaks
// District and Kent around it, of its schemes, agencies and tools — and the
// months and days: none is a person. Only those English does not already
// hold count (partnershipWord): "hill" and "green" stay names in context.
var guardVocab = wordSet(`
april co croft da eva gail giles january june kent london monson ng olds po september
january february march april may june july august september october november december
feb apr aug sept oct nov dec
monday tuesday wednesday thursday friday saturday sunday tue tues thu thur thurs fri
argyle ash ashford bligh bromley canterbury chatham cowden dover dunton eden elms gillingham godden grinstead
halstead hartfield hartley hatch hayes horton kirby leigh paddock platt pratts ridley rochester sutton vigo
sevenoaks swanley edenbridge westerham otford kemsing hextable farningham eynsford tonbridge dartford orpington
riverhead seal penshurst brasted sundridge shoreham knockholt crockenhill chipstead chevening chiddingstone fawkham
fordcombe heaverham hever ide kingsdown lullingstone darenth underriver weald polhill badgers kippington
wildernesse stangrove marlpit crockham toys emmetts chartwell knole bough markbeech longford greatness
tunbridge pembury maidstone gravesend croydon oxted wrotham malling southborough medway folkestone margate
ramsgate sittingbourne faversham swanscombe greenhithe bluewater bexley sidcup biggin crayford erith surrey sussex
darent buckhurst bradbourne holmesdale amherst sennocke knockhundred godstone tatsfield limpsfield cudham downe
chislehurst hildenborough speldhurst groombridge crowborough hadlow plaxtol shipbourne ightham meopham longfield
wilmington chelsfield oldbury hitchen
barnardo barnardos crimestoppers speedwatch pubwatch shopsafe kenward moat clarion catch invicta galleon
sainsbury sainsburys tesco asda morrisons lidl aldi costa waitrose greggs halfords wetherspoons mcdonalds
facebook twitter instagram snapchat tiktok whatsapp google nextdoor zoom youtube
csu kcc sdc kfrs yos asb pcso pcsos pact pacts marac eva omu ppo ppos bcrp kdaat cri yisp pct msg tomv tfmv ksi
iba cctv anpr nhs cid cps iom mash lscb caf taf csp dvla rag kpi tcg exec
`)

// orgWords name what an organisation, a place, a building or a scheme is:
// "Sheffield Homes", "Kenward Trust", "Dunton Green Surgery", "Clare's Law"
// are not people, though the names list holds "Homes", "Trust" and "Law".
var orgWords = wordSet(`homes home housing council councils trust trusts services service association partnership partnerships
police constabulary college school schools academy hospital hospitals surgery centre center church chapel club group groups team
teams unit units project projects scheme schemes watch forum board panel network foundation charity society federation
station house hall court estate estates village town district county borough ward parish road street avenue
ltd limited plc llp cic inc law laws appeal fund foundation memorial award awards cup lecture`)

// streetWords end a street's or a place's name: "London Road", "Castle
// Hill", "Dunton Green". After another name they make a place, not a
// person; in context they are names still ("her son dean hill").
var pairStreetWords = wordSet(`road rd street st lane avenue park way close drive green hill common wood rise gardens grove
crescent terrace place square walk row mews parade gate view vale heath end cross bridge bottom valley`)

// kinWords come before a person's name: "her son jordan", "victim: j
// smith", "a bloke called steve".
var kinWords = wordSet(`son sons daughter daughters brother brothers sister sisters mum mother dad father nan nanna nana gran granny
grandad grandma grandson granddaughter husband wife partner boyfriend girlfriend ex stepdad stepmum stepson stepdaughter
uncle aunt auntie cousin niece nephew baby victim suspect offender perp perpetrator ip complainant witness neighbour
tenant landlord landlady friend mate bloke lad girl boy woman man lady kid child called named aka carer
suspects victims offenders witnesses`)

// meetVerbs come before the name of someone met: "rang ravi", "arrested
// tomasz". "spoke to", "met with" and the like are read apart.
var meetVerbs = wordSet(`met visited saw seen rang phoned called emailed texted told asked advised arrested cautioned
warned interviewed referred contacted chased re`)

// familyWords follow a family's surname: "the ahmed children".
var familyWords = wordSet(`children kids family household brothers sisters boys girls twins`)

// ageWords follow an age: "15yrs", "16 years old", "14 y/o".
var ageWords = wordSet(`yrs yr years yo y`)

func wordSet(words string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(words) {
		m[w] = true
	}
	return m
}

// Titles as officers type them, in any case: "mrs jones", "pc harris",
// "cllr hughes". A word after a title is a name when the names list holds
// it or no dictionary does ("miss kowalska"); "miss the deadline", "PC
// World" and "ms teams" are not people.
var (
	strongTitles = wordSet(`mr mrs ms mx cllr sgt pcso councillor sergeant`)
	weakTitles   = wordSet(`miss dr pc ds dc di dci dsi insp inspector det prof rev revd supt constable officer`)
)

func hasLowerTitle(toks []guardToken) bool {
	for i, t := range toks {
		strong, weak := strongTitles[t.low], weakTitles[t.low]
		if !strong && !weak {
			continue
		}
		j := i + 1
		if j < len(toks) && toks[j].num && len(toks[j].raw) >= 2 && len(toks[j].raw) <= 6 {
			j++ // a collar number: "pcso 33012 jane reed"
		}
		if j >= len(toks) || toks[j].num || toks[j].low == "" {
			continue
		}
		sep := strings.Trim(toks[j].sep, `."'“‘(`)
		if sep != "" {
			continue
		}
		next := toks[j]
		low := bare(next.low)
		if notNames[next.raw] || guardStopWords[low] || partnershipWord(low) || notNames[strings.ToUpper(low[:1])+low[1:]] {
			continue
		}
		if len(low) == 1 && j+1 < len(toks) && (toks[j+1].sep == "" || toks[j+1].sep == ".") {
			// An initial: "mr t jones".
			if n := toks[j+1].low; nameWord(n) || unknownWord(toks[j+1]) {
				return true
			}
		}
		switch {
		case strong && (names.IsName(low) || !names.IsWord(low)):
			return true
		case weak && nameAt(toks, j):
			return true
		case weak && unknownWord(next):
			return true
		}
	}
	return false
}
