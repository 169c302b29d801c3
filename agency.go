package actionbot

import (
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// AllPartners is the code of the pseudo-agency "All Partners": as a partner it
// means every agency of the partnership.
const AllPartners = "ALL"

// Agency is a partner organisation or group, such as the Community Safety
// Unit (code CSU) or Kent Police. Aliases are the other names plans use for
// it ("Police", "Kent Police").
type Agency struct {
	Code    string   `json:"code"`
	Name    string   `json:"name"`
	Aliases []string `json:"aliases,omitempty"`
}

// Party is an agency's part in an action, with the role the plan gives it
// where it gives one: "Kent Police – Training" is Party{"POLICE", "Training"}.
type Party struct {
	Agency string `json:"agency"`
	Role   string `json:"role,omitempty"`
}

// Member is a Slack user registered as working for an agency.
type Member struct {
	UserID     string    `json:"user_id"`
	Agency     string    `json:"agency"`
	AddedBy    string    `json:"added_by"`
	AddedAt    time.Time `json:"added_at"`
	AgencyName string    `json:"agency_name,omitempty"`
}

// AgencyKey normalises an agency name or code for lookup: case, "&" versus
// "and", punctuation and spacing do not matter ("Kent Fire & Rescue Service"
// and "kent fire and rescue service" are one key; so are "T&CG" and "T and CG").
func AgencyKey(s string) string {
	s = strings.ToLower(strings.ReplaceAll(s, "&", " and "))
	var b strings.Builder
	space := false
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
		} else {
			space = true
		}
	}
	return b.String()
}

// Directory resolves agency codes, names and aliases to agencies.
type Directory struct {
	list  []*Agency
	byKey map[string]*Agency
	// byCode is what Lookup answers for each agency's code exactly as
	// written: every card names its agencies by code, and this spares
	// normalising the code each time. A key once taken never changes
	// agency, so the answer recorded at Add stays right.
	byCode map[string]*Agency
	// labels holds Label of each agency's code, made at Add for the same
	// reason (a card labels every party).
	labels map[string]string
}

// NewDirectory indexes agencies by code, name and alias.
func NewDirectory(agencies []*Agency) *Directory {
	d := &Directory{byKey: make(map[string]*Agency), byCode: make(map[string]*Agency)}
	for _, a := range agencies {
		d.Add(a)
	}
	return d
}

// Add indexes one more agency. A key already taken keeps its first agency.
func (d *Directory) Add(a *Agency) {
	d.list = append(d.list, a)
	for _, name := range append([]string{a.Code, a.Name}, a.Aliases...) {
		if k := AgencyKey(name); k != "" {
			if _, taken := d.byKey[k]; !taken {
				d.byKey[k] = a
			}
		}
	}
	if found, ok := d.byKey[AgencyKey(a.Code)]; ok {
		if d.byCode == nil {
			d.byCode = make(map[string]*Agency)
		}
		d.byCode[a.Code] = found
		if d.labels == nil {
			d.labels = make(map[string]string)
		}
		d.labels[a.Code] = agencyLabel(a.Code, found, true)
	}
}

// Agencies returns every agency, sorted by code.
func (d *Directory) Agencies() []*Agency {
	out := append([]*Agency(nil), d.list...)
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out
}

// Lookup returns the agency with that code, name or alias.
func (d *Directory) Lookup(name string) (*Agency, bool) {
	if a, ok := d.byCode[name]; ok {
		return a, true
	}
	a, ok := d.byKey[AgencyKey(name)]
	return a, ok
}

// Name returns the agency's full name, or the code itself when unknown.
func (d *Directory) Name(code string) string {
	if a, ok := d.Lookup(code); ok {
		return a.Name
	}
	return code
}

// ResolveParty resolves a cell item such as "Kent Police (Training)" or
// "Police (safer schools)": the whole text is tried first, then the text
// before a trailing parenthesis with the parenthesis as the role.
func (d *Directory) ResolveParty(item string) (Party, bool) {
	item = strings.TrimSpace(item)
	if a, ok := d.Lookup(item); ok {
		return Party{Agency: a.Code}, true
	}
	if name, role, ok := SplitRole(item); ok {
		if a, ok := d.Lookup(name); ok {
			return Party{Agency: a.Code, Role: role}, true
		}
	}
	return Party{}, false
}

// SplitRole splits "Kent Police (Training)" into "Kent Police" and "Training".
func SplitRole(item string) (name, role string, ok bool) {
	item = strings.TrimSpace(item)
	if !strings.HasSuffix(item, ")") {
		return item, "", false
	}
	i := strings.LastIndex(item, "(")
	if i <= 0 {
		return item, "", false
	}
	name = strings.TrimSpace(item[:i])
	role = strings.TrimSpace(item[i+1 : len(item)-1])
	return name, role, name != "" && role != ""
}

// Suggest returns up to max agency codes whose code, name or alias is close
// to name, best first.
func (d *Directory) Suggest(name string, max int) []string {
	key := AgencyKey(name)
	type cand struct {
		code string
		dist int
	}
	best := map[string]int{}
	for k, a := range d.byKey {
		dist := Levenshtein(key, k)
		if strings.HasPrefix(k, key) && len(key) >= 2 {
			dist = 1
		}
		limit := 2
		if len(key) > 8 {
			limit = 3
		}
		if dist <= limit {
			if old, ok := best[a.Code]; !ok || dist < old {
				best[a.Code] = dist
			}
		}
	}
	var cs []cand
	for c, dist := range best {
		cs = append(cs, cand{c, dist})
	}
	sort.Slice(cs, func(i, j int) bool {
		if cs[i].dist != cs[j].dist {
			return cs[i].dist < cs[j].dist
		}
		return cs[i].code < cs[j].code
	})
	var out []string
	for i := 0; i < len(cs) && i < max; i++ {
		out = append(out, cs[i].code)
	}
	return out
}

// Levenshtein returns the edit distance between a and b, counted in runes.
func Levenshtein(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// PartyCounts is how many actions of a plan an agency leads and partners on.
type PartyCounts struct {
	Lead, Partner int
}

// Adding an agency, and reading one as a plan writes it.
//
// A plan that names no agencies (no lead column, or only people as owners)
// is run by adding its agencies by hand; people are registered by the
// plan's own wording of them ("DMBC Hate Crime Lead", "SYP"). The rules
// here are the domain's, so that the handler refuses a clash before it
// asks and the store refuses it again in the transaction that adds.

// MaxAgencyCode is the longest code an agency may have, in characters: the
// length import's codes keep to.
const MaxAgencyCode = 24

// MaxAgencyName is the longest name or alias an agency may have.
const MaxAgencyName = 120

// AgencyCodeFor makes a code from a name as import does: "Police" is
// POLICE, "South Yorkshire Police" SOUTH-YORKSHIRE-POLICE; a name too long
// for that gives its initials ("West Cumbria Action for Voluntary Action"
// WCAFVA). A name written as a code (capitals, no spaces) is its own code.
func AgencyCodeFor(name string) string {
	name = strings.TrimSpace(name)
	if len(name) <= MaxAgencyCode && name == strings.ToUpper(name) && !strings.ContainsAny(name, " ,;()") {
		return name
	}
	key := AgencyKey(strings.NewReplacer("'s ", "s ", "’s ", "s ").Replace(name + " "))
	code := strings.ToUpper(strings.ReplaceAll(key, " ", "-"))
	if len(code) <= MaxAgencyCode {
		return code
	}
	var b strings.Builder
	for _, w := range strings.Fields(key) {
		if w == "and" || w == "of" || w == "the" || w == "for" {
			continue
		}
		r, _ := utf8.DecodeRuneInString(w)
		b.WriteRune(unicode.ToUpper(r))
	}
	if b.Len() >= 2 {
		return b.String()
	}
	return strings.TrimRight(code[:MaxAgencyCode], "-")
}

// validCode reports whether a code is one word of capitals, digits and
// "-", "&" or "_", as codes are typed in commands ("KCC-CFE", "T&CG").
func validCode(code string) bool {
	if code == "" || len(code) > MaxAgencyCode {
		return false
	}
	for i, r := range code {
		switch {
		case unicode.IsUpper(r) || unicode.IsDigit(r):
		case i > 0 && (r == '-' || r == '&' || r == '_'):
		default:
			return false
		}
	}
	return true
}

// personTitled is a name with a title, and personInitialled one written
// with initials ("A. Person", "J.R. Smith"): a person, never an agency.
// The importer keeps people out of the agencies by them too.
var (
	personTitled     = regexp.MustCompile(`^(?i)(mr|mrs|ms|miss|mx|dr|cllr|councillor|insp|inspector|sgt|sergeant|pc|pcso|dc|ds|di|dci|supt)\.?\s+\S`)
	personInitialled = regexp.MustCompile(`^(\p{Lu}\.\s*)+\p{Lu}[\p{Ll}'’-]+$`)
)

// LooksLikePerson reports whether a name reads as a person's, by the rule
// the importer keeps people out of the agencies with: a title ("Cllr
// Smith", "DCI Jonny Starbuck") or initials ("A. Person") before a name.
func LooksLikePerson(name string) bool {
	name = strings.TrimSpace(name)
	return personTitled.MatchString(name) || personInitialled.MatchString(name)
}

// CheckNewAgency returns the error adding a would meet, or nil: its code
// must be one word of capitals (MaxAgencyCode at most), its name given,
// no name may read as a person, and none of its code, name and aliases may
// be a code, name or alias of an agency already in the directory (the
// refusal says which agency has it). "All Partners" (ALL) is never added:
// it stands for every partner.
func (d *Directory) CheckNewAgency(a *Agency) error {
	if strings.TrimSpace(a.Name) == "" || AgencyKey(a.Name) == "" {
		return Errorf(EINVALID, "An agency needs a name.")
	}
	if !validCode(a.Code) {
		return Errorf(EINVALID, "%q cannot be an agency's code: a code is one word of capitals and digits (\"-\" and \"&\" may join them), at most %d long, such as SYP or KCC-CFE.", a.Code, MaxAgencyCode)
	}
	if a.Code == AllPartners || AgencyKey(a.Name) == AgencyKey("All Partners") {
		return Errorf(EINVALID, "“All Partners” (ALL) stands for every partner and is not added as an agency.")
	}
	names := append([]string{a.Name}, a.Aliases...)
	for _, n := range names {
		if len([]rune(n)) > MaxAgencyName {
			return Errorf(EINVALID, "%q is %d characters long; an agency's name or alias is at most %d.", Clip(n, 40), len([]rune(n)), MaxAgencyName)
		}
		if LooksLikePerson(n) {
			return Errorf(EINVALID, "%q reads as a person, not an agency: add the organisation or group they work for, and register them as its member.", n)
		}
	}
	seen := map[string]string{}
	for _, n := range append([]string{a.Code}, names...) {
		k := AgencyKey(n)
		if k == "" {
			return Errorf(EINVALID, "%q names nothing: an alias needs letters or digits.", n)
		}
		if other, ok := d.Lookup(n); ok {
			return Errorf(ECONFLICT, "%q is already %s %s: %s.", n, d.takenAs(other, n), d.Label(other.Code), "give another, or use that agency")
		}
		if prev, dup := seen[k]; dup && prev != n {
			// "Police" twice, or an alias that is the name again: said once.
			continue
		}
		seen[k] = n
	}
	return nil
}

// CheckNewAlias returns the error giving the agency code the alias would
// meet, or nil: the agency must exist, and the alias must not read as a
// person or be any agency's code, name or alias already.
func (d *Directory) CheckNewAlias(code, alias string) error {
	a, ok := d.Lookup(code)
	if !ok {
		return Errorf(ENOTFOUND, "There is no agency %s.", code)
	}
	switch {
	case AgencyKey(alias) == "":
		return Errorf(EINVALID, "%q names nothing: an alias needs letters or digits.", alias)
	case len([]rune(alias)) > MaxAgencyName:
		return Errorf(EINVALID, "That alias is %d characters long; at most %d.", len([]rune(alias)), MaxAgencyName)
	case LooksLikePerson(alias):
		return Errorf(EINVALID, "%q reads as a person, not an agency: register them as a member of %s instead.", alias, a.Code)
	}
	if other, ok := d.Lookup(alias); ok {
		if other.Code == a.Code {
			return Errorf(EUNCHANGED, "%s already answers to %q.", d.Label(a.Code), alias)
		}
		return Errorf(ECONFLICT, "%q is already %s %s.", alias, d.takenAs(other, alias), d.Label(other.Code))
	}
	return nil
}

// takenAs says what n is of agency a: "the code of", "the name of", "an
// alias of"; the code when written exactly as the code is, then the name.
func (d *Directory) takenAs(a *Agency, n string) string {
	key := AgencyKey(n)
	switch {
	case n == a.Code:
		return "the code of"
	case key == AgencyKey(a.Name):
		return "the name of"
	}
	for _, al := range a.Aliases {
		if AgencyKey(al) == key {
			return "an alias of"
		}
	}
	return "the code of"
}

// ResolveWritten finds the agency a text names as a plan's lead cell
// writes it, for registering people by the plan's own wording. The first
// reading that fits wins:
//
//  1. a code, name or alias, whole or with a role in brackets (ResolveParty);
//  2. "Name – role", as a card shows a party: "DMBC – Hate Crime Lead";
//  3. "ORG Job Title", the importer's reading: a known agency followed by
//     a job title or a group of it ("DMBC Hate Crime Lead", "CSP Strategy
//     Delivery Group", "SSAG Building Resilience working group");
//  4. initials of one agency's name of several words: SYP for South
//     Yorkshire Police;
//  5. one part of one agency's name written as several roles: "Head of
//     Security" in "Head of Risk /University Secretary/Head of Security".
//
// Readings 4 and 5 count only when exactly one agency fits; several are
// returned by Near.
func (d *Directory) ResolveWritten(text string) (Party, bool) {
	text = trimWritten(text)
	if text == "" {
		return Party{}, false
	}
	if p, ok := d.ResolveParty(text); ok {
		return p, true
	}
	if loc := reDashRole.FindStringIndex(text); loc != nil {
		name, role := strings.TrimSpace(text[:loc[0]]), strings.TrimSpace(text[loc[1]:])
		if p, ok := d.ResolveWritten(name); ok {
			p.Role = joinRole(p.Role, role)
			return p, true
		}
	}
	words := strings.Fields(text)
	for i := len(words) - 1; i >= 1; i-- {
		title := strings.Join(words[i:], " ")
		if !IsJobTitle(title) && !IsUnitName(title) {
			continue
		}
		if a, ok := d.lookupOrInitials(strings.Join(words[:i], " ")); ok {
			return Party{Agency: a.Code, Role: title}, true
		}
	}
	if as := d.written(text); len(as) == 1 {
		return Party{Agency: as[0].Code}, true
	}
	return Party{}, false
}

// lookupOrInitials is Lookup, then the one agency whose name's initials
// the text is.
func (d *Directory) lookupOrInitials(name string) (*Agency, bool) {
	if a, ok := d.Lookup(name); ok {
		return a, true
	}
	if as := d.byInitials(name); len(as) == 1 {
		return as[0], true
	}
	return nil, false
}

// written are the agencies readings 4 and 5 of ResolveWritten find.
func (d *Directory) written(text string) []*Agency {
	if as := d.byInitials(text); len(as) > 0 {
		return as
	}
	key := AgencyKey(text)
	var out []*Agency
	for _, a := range d.Agencies() {
		parts := strings.Split(a.Name, "/")
		if len(parts) < 2 {
			continue
		}
		for _, part := range parts {
			if AgencyKey(part) == key {
				out = append(out, a)
				break
			}
		}
	}
	return out
}

// byInitials are the agencies with a name of two words or more whose
// initials are text, in any letters: SYP (or syp) for South Yorkshire
// Police.
func (d *Directory) byInitials(text string) []*Agency {
	acr := strings.ToUpper(strings.TrimSpace(text))
	if n := utf8.RuneCountInString(acr); n < 2 || n > 8 || strings.ContainsFunc(acr, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		return nil
	}
	var out []*Agency
	for _, a := range d.Agencies() {
		if len(strings.Fields(a.Name)) >= 2 && nameInitials(a.Name) == acr {
			out = append(out, a)
		}
	}
	return out
}

// Near returns up to max agency codes a name may have meant, best first:
// the agencies ResolveWritten could not choose between, then those Suggest
// finds close in spelling, then those whose name holds every word of it,
// or a word it begins ("Police" or "Yorkshire Polic" for South Yorkshire
// Police).
func (d *Directory) Near(name string, max int) []string {
	var out []string
	add := func(code string) {
		if len(out) < max && !slices.Contains(out, code) {
			out = append(out, code)
		}
	}
	for _, a := range d.written(trimWritten(name)) {
		add(a.Code)
	}
	for _, c := range d.Suggest(trimWritten(name), max) {
		add(c)
	}
	words := strings.Fields(AgencyKey(name))
	if len(words) == 0 {
		return out
	}
	for _, a := range d.Agencies() {
		have := strings.Fields(AgencyKey(a.Name))
		all := true
		for _, w := range words {
			if !slices.ContainsFunc(have, func(h string) bool { return h == w || len(w) >= 3 && strings.HasPrefix(h, w) }) {
				all = false
				break
			}
		}
		if all {
			add(a.Code)
		}
	}
	return out
}

// trimWritten takes off the quotes and full stop a typed name may carry:
// "“DMBC Hate Crime Lead”." is DMBC Hate Crime Lead.
func trimWritten(s string) string {
	s = strings.TrimSpace(s)
	s = strings.TrimSpace(strings.TrimSuffix(s, "."))
	return strings.TrimSpace(strings.Trim(s, "\"'“”‘’"))
}

// reDashRole splits "DMBC – Hate Crime Lead" into the agency and its role.
var reDashRole = regexp.MustCompile(`\s+[–—-]\s+`)

func joinRole(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + "; " + b
}

// nameInitials are a name's initials, an acronym in it kept whole: "South
// Yorkshire Police" is SYP, "NHS Sheffield CCG" NHSSCCG.
func nameInitials(name string) string {
	var b strings.Builder
	for _, w := range strings.FieldsFunc(name, func(r rune) bool { return unicode.IsSpace(r) || r == '-' || r == '/' }) {
		w = strings.TrimFunc(w, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
		switch lw := strings.ToLower(w); {
		case w == "", lw == "and", lw == "of", lw == "the", lw == "for":
		case len(w) >= 2 && w == strings.ToUpper(w) && len(w) <= 6:
			b.WriteString(w)
		default:
			r, _ := utf8.DecodeRuneInString(w)
			b.WriteRune(unicode.ToUpper(r))
		}
	}
	return b.String()
}

// jobTitleWords end a job title: "Hate Crime Lead", "ASB Co-ordinator".
var jobTitleWords = wordSet(`lead leads leader leaders officer officers manager managers coordinator
	coordinators ordinator ordinators inspector inspectors sergeant sergeants
	analyst analysts worker workers advisor advisors adviser advisers director directors
	commissioner commissioners chair chairs chairman chairperson head heads supervisor
	supervisors practitioner practitioners specialist specialists champion champions
	administrator administrators assistant assistants consultant consultants representative
	representatives rep reps constable constables superintendent superintendents chief
	caseworker caseworkers nurse nurses pcso pcsos warden wardens navigator navigators`)

// unitWords end the name of a part of an organisation: "CSP Strategy
// Delivery Group" is the CSP's, "SSAG Building Resilience working group"
// the SSAG's.
var unitWords = wordSet(`team teams group groups subgroup subgroups panel panels forum forums
	board boards committee committees`)

// titleHeads lead a job title with "of" or "for": "Head of Community Safety".
var titleHeads = wordSet(`head director chair lead manager deputy assistant chief`)

// IsJobTitle reports whether words read as a job title: they end in one
// ("Hate Crime Lead", "ASB Co-ordinator") or start with one and "of" or
// "for" ("Head of Community Safety"). The importer and member add read
// "ORG Job Title" by it.
func IsJobTitle(s string) bool {
	ws := strings.Fields(AgencyKey(s))
	if len(ws) == 0 {
		return false
	}
	if jobTitleWords[ws[len(ws)-1]] {
		return true
	}
	return len(ws) > 2 && titleHeads[ws[0]] && (ws[1] == "of" || ws[1] == "for")
}

// IsUnitName reports whether words name a part of an organisation: they
// end in team, group, panel, forum, board or committee.
func IsUnitName(s string) bool {
	ws := strings.Fields(AgencyKey(s))
	return len(ws) > 0 && unitWords[ws[len(ws)-1]]
}

func wordSet(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}

// PartiesText writes an action's lead agencies or partners as the audit
// trail records them: each agency's code, its role in brackets, joined by
// "; " ("POLICE (Training); CSU (Promotion/Volunteers)").
func PartiesText(ps []Party) string { return JoinParties(ps, "; ") }

// JoinParties writes each agency's code with its role in brackets
// ("POLICE (Training)"), joined by sep: the trail's form (PartiesText) and
// the export's cell (";").
func JoinParties(ps []Party, sep string) string {
	parts := make([]string, len(ps))
	for i, p := range ps {
		parts[i] = p.Agency
		if p.Role != "" {
			parts[i] += " (" + p.Role + ")"
		}
	}
	return strings.Join(parts, sep)
}

// ParsePartiesText reads what PartiesText wrote; false when s is not in its
// form (a code with a space or a bracket, a bracket left open), so that a caller
// keeps what it has rather than guess.
func ParsePartiesText(s string) ([]Party, bool) {
	if s == "" {
		return nil, true
	}
	var ps []Party
	for _, part := range strings.Split(s, "; ") {
		code, role, bracketed := strings.Cut(part, " (")
		if bracketed {
			var closed bool
			if role, closed = strings.CutSuffix(role, ")"); !closed || role == "" {
				return nil, false
			}
		}
		if code == "" || strings.ContainsAny(code, " ();") {
			return nil, false
		}
		ps = append(ps, Party{Agency: code, Role: role})
	}
	return ps, true
}
