package planfile

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/sevenoaks-csp/actionbot"
)

// splitItems splits a lead or partners cell at ";", "," and line breaks,
// outside brackets: "WCAVA, EQUIP, Faiths Forums" is three items and
// "CSU (Promotion, Volunteers)" one.
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
		if it = cleanText(it); it != "" {
			items = append(items, it)
		}
	}
	return items
}

// reDash splits "Prevent Officer – A. Person" into the agency and a role.
var reDash = regexp.MustCompile(`\s+[–—-]\s+`)

// reJoin joins two agencies in one item: "Police and CSU", "KCC/SDC", "KFRS & Police".
var reJoin = regexp.MustCompile(`\s+and\s+|\s*[/&]\s*`)

// rePerson is a name with a title: kept as a role, never made an agency.
var rePerson = regexp.MustCompile(`^(?i)(mr|mrs|ms|miss|dr|cllr|councillor|insp|inspector|sgt|sergeant|pc|pcso|dci|di|supt)\.?\s+\S`)

// parties resolves a cell of agencies. Unknown names become new agencies of
// this plan, with a warning; a name that is near a known one, or could be
// more than one, is warned about with what would settle it.
func (rd *reader) parties(line int, col, cell string) []actionbot.Party {
	var out []actionbot.Party
	seen := map[string]bool{}
	for _, item := range splitItems(cell) {
		if rePerson.MatchString(item) {
			if len(out) > 0 {
				last := &out[len(out)-1]
				last.Role = strings.TrimSpace(strings.TrimSpace(last.Role + "; " + item))
				last.Role = strings.TrimPrefix(last.Role, "; ")
				continue
			}
			rd.warn(line, col, "%q looks like a person, not an agency: it is left out; name their agency, e.g. \"CSU – %s\"", item, item)
			continue
		}
		for _, p := range rd.item(line, col, item) {
			if seen[p.Agency] {
				rd.problem(line, col, "%s is listed twice", item)
				continue
			}
			seen[p.Agency] = true
			out = append(out, p)
		}
	}
	return out
}

// item resolves one item of a cell to one or more parties.
func (rd *reader) item(line int, col, item string) []actionbot.Party {
	if p, ok := rd.resolve(item); ok {
		return []actionbot.Party{p}
	}
	// "Police and CSU", "KCC/SDC": two known agencies joined.
	if parts := reJoin.Split(item, -1); len(parts) > 1 {
		var ps []actionbot.Party
		for _, part := range parts {
			p, ok := rd.resolve(part)
			if !ok {
				ps = nil
				break
			}
			ps = append(ps, p)
		}
		if ps != nil {
			return ps
		}
	}
	name, role := item, ""
	if n, r, ok := actionbot.SplitRole(item); ok {
		name, role = n, r
	} else if loc := reDash.FindStringIndex(item); loc != nil {
		name, role = strings.TrimSpace(item[:loc[0]]), strings.TrimSpace(item[loc[1]:])
		if p, ok := rd.resolve(name); ok {
			p.Role = role
			return []actionbot.Party{p}
		}
	}
	p, ok := rd.newParty(line, col, name, role)
	if !ok {
		return nil
	}
	return []actionbot.Party{p}
}

// resolve finds an agency by the name as written, through --agency-map,
// the plan's directory and the agencies this file has added. A name that
// differs only by "and" ("Town/Parish councils", "Town and Parish
// Councils") is the same agency.
func (rd *reader) resolve(item string) (actionbot.Party, bool) {
	item = strings.TrimSpace(item)
	if to, ok := rd.opt.AgencyMap[actionbot.AgencyKey(item)]; ok {
		if a, ok := rd.dir.Lookup(to); ok {
			return actionbot.Party{Agency: a.Code}, true
		}
		if a, ok := rd.newAgencies[actionbot.AgencyKey(to)]; ok {
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
	if a, ok := rd.newAgencies[actionbot.AgencyKey(name)]; ok {
		return actionbot.Party{Agency: a.Code, Role: role}, true
	}
	loose := looseKey(name)
	if loose == "" {
		return actionbot.Party{}, false
	}
	for _, a := range rd.dir.Agencies() {
		for _, n := range append([]string{a.Code, a.Name}, a.Aliases...) {
			if looseKey(n) == loose {
				return actionbot.Party{Agency: a.Code, Role: role}, true
			}
		}
	}
	return actionbot.Party{}, false
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

func (rd *reader) newParty(line int, col, name, role string) (actionbot.Party, bool) {
	key := actionbot.AgencyKey(name)
	if key == "" {
		rd.problem(line, col, "%q is not an agency name", name)
		return actionbot.Party{}, false
	}
	if a, ok := rd.newAgencies[key]; ok {
		return actionbot.Party{Agency: a.Code, Role: role}, true
	}
	code := agencyCode(name)
	for n := 2; ; n++ {
		if _, taken := rd.dir.Lookup(code); !taken && !rd.codeTaken(code) {
			break
		}
		code = fmt.Sprintf("%s-%d", strings.TrimRight(code, "-0123456789"), n)
	}
	a := &actionbot.Agency{Code: code, Name: name}
	rd.newAgencies[key] = a
	settle := func(to string) string {
		return fmt.Sprintf("settle it with --agency-map %q or an agencies file", name+"="+to)
	}
	switch cands := rd.candidates(name); {
	case len(cands) > 1:
		var codes []string
		for _, c := range cands {
			codes = append(codes, c.Code)
		}
		rd.warn(line, col, "%q could be any of %s: it is added as its own agency %s; %s", name, strings.Join(codes, ", "), code, settle(codes[0]))
		return actionbot.Party{Agency: code, Role: role}, true
	}
	for otherKey, other := range rd.newAgencies {
		if d := actionbot.Levenshtein(key, otherKey); other != a && d > 0 && d <= 2 && len(key) >= 5 {
			rd.warn(line, col, "%q is added as %s, but is close to %q (%s), also new in this plan; if they are one agency, %s", name, code, other.Name, other.Code, settle(other.Code))
			return actionbot.Party{Agency: code, Role: role}, true
		}
	}
	if near := rd.dir.Suggest(name, 1); len(near) > 0 && len(key) >= 4 {
		rd.warn(line, col, "%q is not a known agency but is close to %s (%s): it is added as %s; %s", name, near[0], rd.dir.Name(near[0]), code, settle(near[0]))
		return actionbot.Party{Agency: code, Role: role}, true
	}
	rd.warn(line, col, "%q is not a known agency: it will be added with code %s", name, code)
	return actionbot.Party{Agency: code, Role: role}, true
}

// agencyCode makes a code from a name: "Police" is POLICE, "Neighbourhood
// Watch" NEIGHBOURHOOD-WATCH; a name too long for that gives its initials
// ("West Cumbria Action for Voluntary Action" WCAFVA). A name written as a
// code (in capitals, with no spaces) is its own code.
func agencyCode(name string) string {
	if len(name) <= 24 && name == strings.ToUpper(name) && !strings.ContainsAny(name, " ,;()") {
		return name // a code as the plan or an export writes it: "KCC-CFE", "T&CG"
	}
	key := actionbot.AgencyKey(name)
	code := strings.ToUpper(strings.ReplaceAll(key, " ", "-"))
	if len(code) <= 24 {
		return code
	}
	var b strings.Builder
	for _, w := range strings.Fields(key) {
		if w == "and" || w == "of" || w == "the" || w == "for" {
			continue
		}
		b.WriteString(strings.ToUpper(w[:1]))
	}
	if b.Len() >= 2 {
		return b.String()
	}
	return strings.TrimRight(code[:24], "-")
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
