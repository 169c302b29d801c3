package planfile

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/sevenoaks-csp/actionbot"
)

// splitItems splits a lead or partners cell at ";", "," and line breaks,
// outside brackets: "WCAVA, EQUIP, Faiths Forums" is three items and
// "CSU (Promotion, Volunteers)" one. A bullet before an item ("- DMBC
// Hate Crime Lead") and a full stop after it are not part of it.
func splitItems(cell string) []string {
	var out []string
	depth, start := 0, 0
	for i, r := range cell {
		switch r {
		case '(', '[':
			depth++
		case ')', ']':
			if depth > 0 {
				depth--
			}
		case ';', ',', '\n', '\r':
			if depth == 0 {
				out = append(out, cell[start:i])
				start = i + 1
			}
		}
	}
	out = append(out, cell[start:])
	var items []string
	for _, it := range out {
		it = strings.TrimLeft(cleanText(it), "-–—•·*▪◦● ")
		if it = strings.TrimSpace(strings.TrimSuffix(it, ".")); it != "" {
			items = append(items, it)
		}
	}
	return items
}

// How a lead or partners cell becomes parties.
//
// Partnerships write agencies as they speak of them: "Sheffield City
// Council /South Yorkshire Police", "DMBC Hate Crime Lead", "Operations
// Managers (SF), (CD)". A cell is cut into items at ";", "," and line
// breaks outside brackets (splitItems); items that together are one known
// agency are put back together ("KCC Children, Families and Education").
// Each item is then read by the first of these rules that fits:
//
//  1. A person ("Cllr Smith", "A. Person") or bracketed initials on their
//     own ("(CD)") are a role on the party before them, never an agency.
//  2. A name the directory, --agency-map or this file already knows, whole
//     or with a role in brackets, is that agency: "Kent Fire & Rescue
//     Service", "T&CG" and "Town and Parish Councils" stay whole.
//  3. A composite is cut at "/", at " and ", and at "&" with a space beside
//     it, never inside brackets, into the most parts that each read as an
//     organisation on their own: a known agency, a name led by an acronym
//     (2-6 capitals: "CSU", "DMBC Hate Crime Lead", "NHS Sheffield CCG"),
//     or a name with an organisation word (Police, Council, Service,
//     Trust, NHS, Team, Unit, Partnership, Board, Probation, Fire, …).
//     "Fire and Rescue" and "Police and Crime" are never cut. So
//     "Community Protection Service and Police" is two agencies, while
//     "Crime and Disorder Partnership" and "Safer Communities & Community
//     Safety Unit" stay whole ("Crime" and "Safer Communities" are not
//     organisations), with a warning that says why.
//  4. "Name (ACR)", where ACR is capitals that are Name's initials ("South
//     Yorkshire Police (SYP)"), is the agency Name with ACR as its alias,
//     and its code when the agency is new and the code free.
//  5. "ORG Job Title" — an organisation (known, an acronym, or a name
//     ending in an organisation word or an acronym) followed by a job
//     title (… Lead, Officer, Manager, Co-ordinator, Team, Inspector, Head
//     of …) — is the agency ORG with the title as its role: "DMBC Hate
//     Crime Lead" is DMBC, role "Hate Crime Lead". A job title alone
//     ("Prevent Officer") has no agency to belong to: it stays an agency
//     of its own, with a warning that it reads as a job title.
//  6. "Name (role)" and "Name – role" are the agency Name with that role.
//  7. Anything else is a new agency of this plan, named in the plan's own
//     words, with a code and a warning; a name close to another agency is
//     warned about, never merged.

// reDash splits "Prevent Officer – A. Person" into the agency and a role.
var reDash = regexp.MustCompile(`\s+[–—-]\s+`)

// reBracketed is an item that is all bracket: "(CD)", someone's initials.
var reBracketed = regexp.MustCompile(`^\(([^()]*)\)$`)

// orgWords are words that make a name read as an organisation.
var orgWords = wordSet(`police constabulary council councils service services trust trusts nhs
	team teams unit units partnership partnerships board boards probation fire ambulance
	authority authorities agency agencies department directorate commission group groups
	forum forums association associations college colleges school schools academy university
	hospital hospitals ccg icb ltd limited charity network panel panels centre center office
	church foundation society alliance company cic hub project organisation organisations
	organization sector watch committee prison prisons`)

// topics are acronyms of subjects, not organisations: "ASB Co-ordinator"
// and "DA Working Group" name no agency "ASB" or "DA".
var topics = wordSet(`ASB DA DV VAWG CSE CCE CYP SV PPO MAPPA MARAC SOC LDD`)

var unbroken = map[[2]string]bool{{"fire", "rescue"}: true, {"police", "crime"}: true}

// allPartners are the names of the pseudo-agency All Partners, whatever
// the directory: "All partners" never becomes an agency of its own.
var allPartners = wordSet(`all|all partners|all agencies|all partner agencies`, '|')

func wordSet(s string, sep ...rune) map[string]bool {
	split := strings.Fields
	if len(sep) > 0 {
		split = func(s string) []string { return strings.Split(s, string(sep[0])) }
	}
	m := map[string]bool{}
	for _, w := range split(s) {
		m[strings.TrimSpace(w)] = true
	}
	return m
}

// isOrgAcronym is an acronym that names an organisation, not a subject.
func isOrgAcronym(w string) bool { return isAcronym(w) && !topics[w] }

// isAcronym is 2-6 capitals (digits after the first): "SYP", "DMBC", "NHS".
func isAcronym(w string) bool {
	n, upper := 0, 0
	for i, r := range w {
		switch {
		case unicode.IsUpper(r):
			upper++
		case unicode.IsDigit(r) && i > 0:
		default:
			return false
		}
		n++
	}
	return n <= 6 && upper >= 2
}

// initials are a name's initials, an acronym in it kept whole: "South
// Yorkshire Police" is SYP, "NHS Sheffield CCG" NHSSCCG.
func initials(name string) string {
	var b strings.Builder
	for _, w := range strings.FieldsFunc(name, func(r rune) bool { return unicode.IsSpace(r) || r == '-' || r == '/' }) {
		w = strings.TrimFunc(w, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
		switch lw := strings.ToLower(w); {
		case w == "", lw == "and", lw == "of", lw == "the", lw == "for":
		case isAcronym(w):
			b.WriteString(w)
		default:
			r, _ := utf8.DecodeRuneInString(w)
			b.WriteRune(unicode.ToUpper(r))
		}
	}
	return b.String()
}

// isInitialism reports whether acr, in brackets after name, is name's
// acronym: "South Yorkshire Police (SYP)", "Tasking and Co-ordination Group
// (TCG)", "NHS Sheffield Clinical Commissioning Group (CCG)" — and not
// someone's initials, "Operations Managers (SF)".
func isInitialism(acr, name string) bool {
	if !isAcronym(acr) {
		return false
	}
	in := initials(name)
	if strings.Contains(in, acr) {
		return true
	}
	if in == "" || in[0] != acr[0] {
		return false
	}
	i := 0
	for j := 0; j < len(in) && i < len(acr); j++ {
		if in[j] == acr[i] {
			i++
		}
	}
	return i == len(acr)
}

// keyWords are the words of a name as AgencyKey has them.
func keyWords(s string) []string { return strings.Fields(actionbot.AgencyKey(s)) }

// personRole is the role an item gives the party before it when it is a
// person or bracketed initials, with the separator to join it by.
func personRole(item string) (role, sep string, ok bool) {
	if m := reBracketed.FindStringSubmatch(item); m != nil {
		return strings.TrimSpace(m[1]), ", ", true
	}
	if actionbot.LooksLikePerson(item) {
		return item, "; ", true
	}
	return "", "", false
}

func joinRoles(a, b, sep string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + sep + b
}

// parties resolves a cell of agencies. Unknown names become new agencies of
// this plan, with a warning; a name that is near a known one, or could be
// more than one, is warned about with what would settle it.
func (rd *reader) parties(line int, col, cell string) []actionbot.Party {
	var out []actionbot.Party
	for _, item := range rd.rejoin(splitItems(cell)) {
		if role, sep, ok := personRole(item); ok {
			if role == "" {
				continue
			}
			if len(out) == 0 {
				rd.warn(line, col, "%q looks like a person, not an agency: it is left out; name their agency, e.g. \"CSU – %s\"", item, role)
				continue
			}
			last := &out[len(out)-1]
			last.Role = joinRoles(last.Role, role, sep)
			continue
		}
		for _, p := range rd.item(line, col, item) {
			if p.Agency == actionbot.AllPartners {
				rd.ensureAllPartners()
			}
			i := slices.IndexFunc(out, func(q actionbot.Party) bool { return q.Agency == p.Agency })
			switch {
			case i < 0:
				out = append(out, p)
			case out[i].Role == p.Role:
				rd.problem(line, col, "%s is listed twice", item)
			default: // "SYP Hate Crime Officer, SYP Inspector": one party, both roles
				out[i].Role = joinRoles(out[i].Role, p.Role, "; ")
			}
		}
	}
	return out
}

// maxRejoin bounds the items rejoin puts together: a name with more
// commas than that is not an agency's.
const maxRejoin = 4

// rejoin puts back together the items that are one known agency cut at its
// commas: "KCC Children, Families and Education".
func (rd *reader) rejoin(items []string) []string {
	if len(items) < 2 {
		return items
	}
	var out []string
	for i := 0; i < len(items); {
		j := min(len(items), i+maxRejoin)
		for ; j > i+1; j-- {
			if _, ok := rd.known(strings.Join(items[i:j], ", ")); ok {
				break
			}
		}
		out = append(out, strings.Join(items[i:j], ", "))
		i = j
	}
	return out
}

// item resolves one item of a cell to one or more parties.
func (rd *reader) item(line int, col, item string) []actionbot.Party {
	if p, ok := rd.known(item); ok {
		return []actionbot.Party{p}
	}
	if to, ok := rd.opt.AgencyMap[actionbot.AgencyKey(item)]; ok {
		return rd.one(line, col, to, "") // mapped to an agency new in this plan
	}
	parts, note := rd.cut(item)
	if len(parts) < 2 {
		return rd.one(line, col, item, note)
	}
	var ps []actionbot.Party
	var fresh []string
	for _, part := range parts {
		if _, ok := rd.known(part); !ok {
			fresh = append(fresh, part)
		}
		ps = append(ps, rd.one(line, col, part, "")...)
	}
	if len(fresh) > 0 {
		rd.warn(line, col, "%q is read as %d agencies, %s; if it is one agency, settle it with --agency-map %q (its code or name)",
			item, len(parts), quoteList(parts), item+"=AGENCY")
	}
	return ps
}

func quoteList(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = strconv.Quote(s)
	}
	return strings.Join(q, ", ")
}

// known resolves a name already known, whole or with a role in brackets;
// a bracket that is the name's acronym is no role ("Community Safety Unit
// (CSU)").
func (rd *reader) known(item string) (actionbot.Party, bool) {
	p, ok := rd.resolve(item)
	if ok && p.Role != "" {
		if name, role, split := actionbot.SplitRole(item); split && role == p.Role && isInitialism(role, name) {
			p.Role = ""
		}
	}
	return p, ok
}

// maxCuts bounds the joins of one item that cut weighs: a real name has a
// few; more are not a list of agencies.
const maxCuts = 8

// cut splits a composite item into the most parts that each read as an
// organisation (rule 3 above). It returns no parts when there is no such
// cut, with a note saying why the item is kept whole when it has joins.
func (rd *reader) cut(item string) (parts []string, note string) {
	joins := joinsOf(item)
	if len(joins) == 0 || len(joins) > maxCuts {
		return nil, ""
	}
	// Between join a (0 the start) and join b (len(joins)+1 the end).
	n := len(joins) + 1
	seg := func(a, b int) string {
		from, to := 0, len(item)
		if a > 0 {
			from = joins[a-1][1]
		}
		if b < n {
			to = joins[b-1][0]
		}
		return strings.TrimSpace(item[from:to])
	}
	best := make([]int, n+1) // the most parts item[:join b] cuts into; -1: none
	prev := make([]int, n+1)
	for b := 1; b <= n; b++ {
		best[b] = -1
		for a := 0; a < b; a++ {
			if best[a] >= 0 && best[a]+1 > best[b] && rd.organisation(seg(a, b)) {
				best[b], prev[b] = best[a]+1, a
			}
		}
	}
	if best[n] >= 2 {
		for b := n; b > 0; b = prev[b] {
			parts = append([]string{seg(prev[b], b)}, parts...)
		}
		return parts, ""
	}
	for b := 1; b <= n; b++ {
		if s := seg(b-1, b); !rd.organisation(s) {
			return nil, fmt.Sprintf("it is kept as one agency, as %q is not an organisation on its own; if it is more than one, list them separated by \";\"", s)
		}
	}
	return nil, ""
}

// joinsOf finds where an item may join two agencies: "/", " and ", and "&"
// with a space beside it ("Police & Fire", not "T&CG"), outside brackets
// and not between words that are never cut apart. Each is [start, end) in
// bytes, with the spaces around it.
func joinsOf(item string) [][2]int {
	var out [][2]int
	depth := 0
	add := func(s, e int) {
		for s > 0 && item[s-1] == ' ' {
			s--
		}
		for e < len(item) && item[e] == ' ' {
			e++
		}
		before, after := keyWords(item[:s]), keyWords(item[e:])
		if len(before) > 0 && len(after) > 0 && unbroken[[2]string{before[len(before)-1], after[0]}] {
			return
		}
		out = append(out, [2]int{s, e})
	}
	for i := 0; i < len(item); i++ {
		switch c := item[i]; c {
		case '(', '[':
			depth++
		case ')', ']':
			if depth > 0 {
				depth--
			}
		case '/':
			if depth == 0 {
				add(i, i+1)
			}
		case '&':
			if depth == 0 && (i > 0 && item[i-1] == ' ' || i+1 < len(item) && item[i+1] == ' ') {
				add(i, i+1)
			}
		case ' ':
			if depth == 0 && i+4 < len(item) && strings.EqualFold(item[i+1:i+4], "and") && item[i+4] == ' ' {
				add(i, i+5)
				i += 3
			}
		}
	}
	return out
}

// organisation reports whether a part reads as an organisation on its own:
// a known agency, a name led by an acronym, or a name with an organisation
// word.
func (rd *reader) organisation(s string) bool {
	if s == "" {
		return false
	}
	name := s
	if n, _, ok := actionbot.SplitRole(s); ok {
		name = n
	}
	if f := strings.Fields(name); len(f) > 0 && isOrgAcronym(f[0]) {
		return true
	}
	for _, w := range keyWords(name) {
		if orgWords[w] {
			return true
		}
	}
	_, ok := rd.known(s)
	return ok
}

// orgTitle reads "ORG Job Title" (rule 5 above): "DMBC Hate Crime Lead" is
// DMBC and "Hate Crime Lead"; "Kent Police Hate Crime Officer" Kent Police
// and "Hate Crime Officer"; "CSP Strategy Delivery Group" the CSP and
// "Strategy Delivery Group". The longest organisation wins.
func (rd *reader) orgTitle(name string) (org, title string, ok bool) {
	words := strings.Fields(name)
	for i := len(words) - 1; i >= 1; i-- {
		title := strings.Join(words[i:], " ")
		if !actionbot.IsJobTitle(title) && !actionbot.IsUnitName(title) {
			continue
		}
		org := strings.Join(words[:i], " ")
		last := words[i-1]
		if kw := keyWords(last); isOrgAcronym(last) || len(kw) > 0 && orgWords[kw[len(kw)-1]] {
			return org, title, true
		}
		if _, ok := rd.known(org); ok {
			return org, title, true
		}
	}
	return "", "", false
}

// one reads an item that names one agency, with or without a role. note
// says why it was read as one, for the warning if it is new.
func (rd *reader) one(line int, col, item, note string) []actionbot.Party {
	if p, ok := rd.known(item); ok {
		return []actionbot.Party{p}
	}
	name, role := item, ""
	if n, r, ok := actionbot.SplitRole(item); ok {
		name, role = n, r
	} else if loc := reDash.FindStringIndex(item); loc != nil {
		name, role = strings.TrimSpace(item[:loc[0]]), strings.TrimSpace(item[loc[1]:])
		if p, ok := rd.known(name); ok {
			p.Role = role
			return []actionbot.Party{p}
		}
	}
	if isInitialism(role, name) {
		return rd.acronymed(line, col, name, role, note)
	}
	if org, title, ok := rd.orgTitle(name); ok {
		if role != "" {
			title += " (" + role + ")"
		}
		if p, ok := rd.known(org); ok {
			p.Role = joinRoles(p.Role, title, "; ")
			return []actionbot.Party{p}
		}
		p, ok := rd.newParty(line, col, newName{name: org, role: title})
		if !ok {
			return nil
		}
		return []actionbot.Party{p}
	}
	if note == "" && actionbot.IsJobTitle(name) {
		note = fmt.Sprintf("it reads as a job title: if it is someone at a partner agency, write the agency first (\"<agency> %s\") so that its people can be added to it", name)
	}
	p, ok := rd.newParty(line, col, newName{name: name, role: role, note: note})
	if !ok {
		return nil
	}
	return []actionbot.Party{p}
}

// acronymed reads "South Yorkshire Police (SYP)": the agency name, known or
// new, with acr as an alias.
func (rd *reader) acronymed(line int, col, name, acr, note string) []actionbot.Party {
	if a := rd.findNew(acr); a != nil && actionbot.AgencyKey(a.Name) == actionbot.AgencyKey(acr) {
		// Named so far only by its acronym ("SYP Hate Crime Officer"):
		// the plan now gives its name, under which it is kept.
		if key := actionbot.AgencyKey(name); rd.newAgencies[key] == nil {
			delete(rd.newAgencies, actionbot.AgencyKey(a.Name))
			a.Name = name
			rd.newAgencies[key] = a
		}
		return []actionbot.Party{{Agency: a.Code}}
	}
	if a, ok := rd.dir.Lookup(acr); ok {
		rd.warn(line, col, "%q is read as %s (%s), the agency its acronym names; if it is another agency, settle it with --agency-map %q or an agencies file",
			name+" ("+acr+")", a.Code, a.Name, name+" ("+acr+")=CODE")
		return []actionbot.Party{{Agency: a.Code}}
	}
	p, ok := rd.newParty(line, col, newName{name: name, acronym: acr, note: note})
	if !ok {
		return nil
	}
	return []actionbot.Party{p}
}

// ensureAllPartners adds the pseudo-agency All Partners to the plan's new
// agencies when the directory has none.
func (rd *reader) ensureAllPartners() {
	if _, ok := rd.dir.Lookup(actionbot.AllPartners); ok {
		return
	}
	if rd.findNew(actionbot.AllPartners) != nil {
		return
	}
	rd.newAgencies[actionbot.AgencyKey("All Partners")] = &actionbot.Agency{Code: actionbot.AllPartners, Name: "All Partners"}
}

// findNew finds an agency this file has added by its code, name or alias.
func (rd *reader) findNew(name string) *actionbot.Agency {
	key := actionbot.AgencyKey(name)
	if key == "" {
		return nil
	}
	if a, ok := rd.newAgencies[key]; ok {
		return a
	}
	// Each agency is kept under its name's key: what is left to match is
	// its code and its aliases. The aliases are acronyms, and the codes
	// that are not their name's key are acronyms or initials: one word.
	if strings.Contains(key, " ") {
		return nil
	}
	var found *actionbot.Agency
	for _, a := range rd.newAgencies {
		if found != nil && a.Code >= found.Code {
			continue
		}
		if keyIs(a.Code, key) {
			found = a
			continue
		}
		for _, al := range a.Aliases {
			if keyIs(al, key) {
				found = a
				break
			}
		}
	}
	return found
}

// keyIs reports whether actionbot.AgencyKey(s) is key, without making the
// key: findNew asks it of every agency a file adds.
func keyIs(s, key string) bool {
	k := 0
	started, space := false, false
	put := func(r rune) bool {
		if space && started {
			if k >= len(key) || key[k] != ' ' {
				return false
			}
			k++
		}
		started, space = true, false
		kr, n := utf8.DecodeRuneInString(key[k:])
		if n == 0 || kr != r {
			return false
		}
		k += n
		return true
	}
	for _, r := range s {
		if r == '&' { // AgencyKey reads "&" as "and"
			space = true
			if !put('a') || !put('n') || !put('d') {
				return false
			}
			space = true
			continue
		}
		if r = unicode.ToLower(r); unicode.IsLetter(r) || unicode.IsDigit(r) {
			if !put(r) {
				return false
			}
		} else {
			space = true
		}
	}
	return k == len(key)
}

// resolve finds an agency by the name as written, through --agency-map,
// the plan's directory and the agencies this file has added. A name that
// differs only by "and" ("Town/Parish councils", "Town and Parish
// Councils") is the same agency; "All partners" is All Partners.
func (rd *reader) resolve(item string) (actionbot.Party, bool) {
	item = strings.TrimSpace(item)
	if to, ok := rd.opt.AgencyMap[actionbot.AgencyKey(item)]; ok {
		if a, ok := rd.dir.Lookup(to); ok {
			return actionbot.Party{Agency: a.Code}, true
		}
		if a := rd.findNew(to); a != nil {
			return actionbot.Party{Agency: a.Code}, true
		}
		item = to
	}
	if p, ok := rd.dir.ResolveParty(item); ok {
		return p, true
	}
	name, role, hasRole := actionbot.SplitRole(item)
	if !hasRole {
		name = item
	}
	if a := rd.findNew(name); a != nil {
		return actionbot.Party{Agency: a.Code, Role: role}, true
	}
	loose := looseKey(name)
	if loose == "" {
		return actionbot.Party{}, false
	}
	// Names without "and" match loosely only where they match exactly,
	// which the directory has answered.
	withAnd := loose != actionbot.AgencyKey(name)
	for _, a := range rd.dir.Agencies() {
		for _, n := range append([]string{a.Code, a.Name}, a.Aliases...) {
			if (withAnd || mayHaveAnd(n)) && looseKey(n) == loose {
				return actionbot.Party{Agency: a.Code, Role: role}, true
			}
		}
	}
	if allPartners[actionbot.AgencyKey(name)] {
		return actionbot.Party{Agency: actionbot.AllPartners, Role: role}, true
	}
	return actionbot.Party{}, false
}

// mayHaveAnd reports whether s may have the word "and" or "&" in it: it
// has "&", or the letters "and" in any case.
func mayHaveAnd(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == '&' || i+3 <= len(s) && strings.EqualFold(s[i:i+3], "and") {
			return true
		}
	}
	return false
}

func looseKey(s string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(" "+actionbot.AgencyKey(s)+" ", " and ", " ")), " ")
}

// candidates are the agencies of the directory whose name contains every
// word of a generic name: "Council" fits "Sevenoaks District Council" and
// "Kent County Council".
func (rd *reader) candidates(name string) []*actionbot.Agency {
	words := strings.Fields(actionbot.AgencyKey(name))
	if len(words) == 0 {
		return nil
	}
	var out []*actionbot.Agency
	for _, a := range rd.dir.Agencies() {
		for _, n := range append([]string{a.Name}, a.Aliases...) {
			have := " " + actionbot.AgencyKey(n) + " "
			all := true
			for _, w := range words {
				all = all && strings.Contains(have, " "+w+" ")
			}
			if all {
				out = append(out, a)
				break
			}
		}
	}
	return out
}

// newName is a name the plan writes that no agency has yet.
type newName struct {
	name, role string
	// acronym is written in brackets after the name ("South Yorkshire
	// Police (SYP)"): an alias, and the code when it is free.
	acronym string
	// note says how the name was read, for its warning.
	note string
}

func (rd *reader) newParty(line int, col string, n newName) (actionbot.Party, bool) {
	name, role := n.name, n.role
	key := actionbot.AgencyKey(name)
	if key == "" {
		rd.problem(line, col, "%q is not an agency name", name)
		return actionbot.Party{}, false
	}
	if a := rd.findNew(name); a != nil {
		rd.addAlias(a, n.acronym)
		return actionbot.Party{Agency: a.Code, Role: role}, true
	}
	code := n.acronym
	if code == "" || rd.codeUsed(code) {
		code = actionbot.AgencyCodeFor(name)
		for i := 2; rd.codeUsed(code); i++ {
			code = fmt.Sprintf("%s-%d", strings.TrimRight(code, "-0123456789"), i)
		}
	}
	a := &actionbot.Agency{Code: code, Name: name}
	rd.newAgencies[key] = a
	rd.addAlias(a, n.acronym)
	rd.warn(line, col, "%s", rd.newWarning(a, key, n.note))
	return actionbot.Party{Agency: code, Role: role}, true
}

// newWarning says that a name is a new agency, and what it is close to:
// near-duplicates are pointed out, never merged.
func (rd *reader) newWarning(a *actionbot.Agency, key, note string) string {
	name, code := a.Name, a.Code
	settle := func(to string) string {
		return fmt.Sprintf("settle it with --agency-map %q or an agencies file", name+"="+to)
	}
	msg := fmt.Sprintf("%q is not a known agency: it will be added with code %s", name, code)
	if cands := rd.candidates(name); len(cands) > 1 {
		var codes []string
		for _, c := range cands {
			codes = append(codes, c.Code)
		}
		msg = fmt.Sprintf("%q could be any of %s: it is added as its own agency %s; %s", name, strings.Join(codes, ", "), code, settle(codes[0]))
	} else if near := rd.nearNew(a, key); near != nil {
		msg = fmt.Sprintf("%q is added as %s, but is close to %q (%s), also new in this plan; if they are one agency, %s", name, code, near.Name, near.Code, settle(near.Code))
	} else if twin := rd.initialTwin(a); twin != nil {
		msg = fmt.Sprintf("%q is added as %s, but its initials match %q (%s); if they are one agency, %s", name, code, twin.Name, twin.Code, settle(twin.Code))
	} else if near := rd.dir.Suggest(name, 1); len(near) > 0 && len(key) >= 4 {
		msg = fmt.Sprintf("%q is not a known agency but is close to %s (%s): it is added as %s; %s", name, near[0], rd.dir.Name(near[0]), code, settle(near[0]))
	}
	if note != "" {
		msg += "; " + note
	}
	return msg
}

// nearNew is another agency new in this plan whose name is a letter or two
// from a's: "Parish Council" and "Parish Councils".
func (rd *reader) nearNew(a *actionbot.Agency, key string) *actionbot.Agency {
	if len(key) < 5 {
		return nil
	}
	var found *actionbot.Agency
	for otherKey, other := range rd.newAgencies {
		if d := actionbot.Levenshtein(key, otherKey); other != a && d > 0 && d <= 2 && (found == nil || other.Code < found.Code) {
			found = other
		}
	}
	return found
}

// initialTwin is an agency whose acronym is a's initials, or whose
// initials are a's acronym: "SYP" and "South Yorkshire Police", written
// apart with nothing in the plan to say they are one.
func (rd *reader) initialTwin(a *actionbot.Agency) *actionbot.Agency {
	if isAcronym(a.Name) {
		var found *actionbot.Agency
		check := func(o *actionbot.Agency) {
			if o != a && (found == nil || o.Code < found.Code) && len(strings.Fields(o.Name)) > 1 && initials(o.Name) == a.Name {
				found = o
			}
		}
		for _, o := range rd.newAgencies {
			check(o)
		}
		for _, o := range rd.dir.Agencies() {
			check(o)
		}
		return found
	}
	if len(strings.Fields(a.Name)) < 2 {
		return nil
	}
	if in := initials(a.Name); isAcronym(in) {
		if o := rd.findNew(in); o != nil && o != a {
			return o
		}
		if o, ok := rd.dir.Lookup(in); ok {
			return o
		}
	}
	return nil
}

// addAlias gives a new agency its acronym as an alias, unless it is the
// code already or names another agency.
func (rd *reader) addAlias(a *actionbot.Agency, acr string) {
	if acr == "" || acr == a.Code || slices.Contains(a.Aliases, acr) {
		return
	}
	if _, taken := rd.dir.Lookup(acr); taken {
		return
	}
	if o := rd.findNew(acr); o != nil && o != a {
		return
	}
	a.Aliases = append(a.Aliases, acr)
}

// codeUsed reports whether a code is the code, name or alias of an agency
// of the directory, or the code of one this file has added.
func (rd *reader) codeUsed(code string) bool {
	if _, taken := rd.dir.Lookup(code); taken {
		return true
	}
	return rd.codeTaken(code)
}

func (rd *reader) codeTaken(code string) bool {
	for _, a := range rd.newAgencies {
		if a.Code == code {
			return true
		}
	}
	return false
}

// ReadAgencies reads an agencies file: a header, then code,name,aliases with
// aliases separated by ";".
func ReadAgencies(rows [][]string) ([]*actionbot.Agency, error) {
	var out []*actionbot.Agency
	seen := map[string]int{}
	for i, r := range rows {
		for j := range r {
			r[j] = actionbot.CleanText(r[j])
		}
		if i == 0 && len(r) > 0 && squash(r[0]) == "code" {
			continue
		}
		if len(r) < 2 || strings.TrimSpace(r[0]) == "" || strings.TrimSpace(r[1]) == "" {
			return nil, actionbot.Errorf(actionbot.EINVALID, "agencies file, line %d: each line is code,name,aliases (aliases optional, separated by \";\")", i+1)
		}
		code := strings.ToUpper(strings.TrimSpace(r[0]))
		if first, dup := seen[code]; dup {
			return nil, actionbot.Errorf(actionbot.EINVALID, "agencies file, line %d: code %s is already on line %d", i+1, code, first)
		}
		seen[code] = i + 1
		a := &actionbot.Agency{Code: code, Name: cleanText(r[1])}
		if len(r) > 2 {
			for _, al := range strings.Split(r[2], ";") {
				if al = cleanText(al); al != "" {
					a.Aliases = append(a.Aliases, al)
				}
			}
		}
		out = append(out, a)
	}
	return out, nil
}
