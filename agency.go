package actionbot

import (
	"sort"
	"strings"
	"time"
	"unicode"
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
