package commands

import (
	"context"
	"fmt"
	"strings"

	"github.com/sevenoaks-csp/actionbot"
)

// A plan that names no agencies (no lead column; only people as owners)
// is run by adding them: a coordinator types
//
//	/action admin agency add "South Yorkshire Police" as SYP aka "SY Police"; "Police"
//	/action admin agency alias SYP "South Yorks Police"
//
// and the command line says the same as actionbot agency add NAME --code
// CODE --alias A, through this handler. Like every CLI twin of a slash
// command, it gets the same words back: where a reply tells what to type
// next, it gives both doors' commands. The name may go unquoted where it
// holds no "as" or "aka"; the code is made from the name when none is given,
// as import makes one. People are then registered by the plan's own wording
// of their agency (actionbot.Directory.ResolveWritten).

// AgencyStore adds agencies; the store does. A Store without it cannot.
type AgencyStore interface {
	AddAgency(ctx context.Context, a *actionbot.Agency, actor string) error
	AddAgencyAlias(ctx context.Context, agency, alias, actor string) error
}

const agencyAdminUsage = "`/action admin agency add \"South Yorkshire Police\" [as SYP] [aka \"SY Police\"; \"Police\"]` adds an agency new to the partnership (the code is made from the name unless `as` gives one); `/action admin agency alias SYP \"SY Police\"` gives one another name."

// agencyWord is a word of an agency command: quoted text is one word, kept
// as written, and never a keyword; ";" is a word of its own.
type agencyWord struct {
	s      string
	quoted bool
}

// agencyWords splits text into words, quotes ("…", “…”) keeping a name
// whole.
func agencyWords(text string) []agencyWord {
	var out []agencyWord
	var cur strings.Builder
	flush := func() {
		if cur.Len() > 0 {
			out = append(out, agencyWord{s: cur.String()})
			cur.Reset()
		}
	}
	rs := []rune(text)
	for i := 0; i < len(rs); i++ {
		switch r := rs[i]; {
		case r == '"' || r == '“' || r == '”':
			flush()
			j := i + 1
			for j < len(rs) && rs[j] != '"' && rs[j] != '”' && rs[j] != '“' {
				j++
			}
			out = append(out, agencyWord{s: strings.TrimSpace(string(rs[i+1 : min(j, len(rs))])), quoted: true})
			i = j
		case r == ';':
			flush()
			out = append(out, agencyWord{s: ";"})
		case r == ' ' || r == '\t' || r == '\n' || r == '\u00a0':
			flush()
		default:
			cur.WriteRune(r)
		}
	}
	flush()
	return out
}

// keyword is what an unquoted word of "agency add" means: "as" (or "code")
// the code follows, "aka" (or "alias", "aliases") the aliases.
func (w agencyWord) keyword() string {
	if w.quoted {
		return ""
	}
	switch strings.ToLower(w.s) {
	case "as", "code":
		return "as"
	case "aka", "alias", "aliases", "a.k.a.":
		return "aka"
	}
	return ""
}

// joinWords is words as one name: "South Yorkshire Police".
func joinWords(ws []agencyWord) string {
	parts := make([]string, 0, len(ws))
	for _, w := range ws {
		parts = append(parts, w.s)
	}
	return strings.TrimSpace(strings.Join(parts, " "))
}

// splitAliases reads "SY Police"; "Police" (or SY Police; Police) as the
// aliases, at ";".
func splitAliases(ws []agencyWord) []string {
	var out []string
	var cur []agencyWord
	for _, w := range append(ws, agencyWord{s: ";"}) {
		if !w.quoted && w.s == ";" {
			if name := joinWords(cur); name != "" {
				out = append(out, name)
			}
			cur = nil
			continue
		}
		cur = append(cur, w)
	}
	return out
}

// parseAgencyAdmin parses what follows "/action admin agency".
func parseAgencyAdmin(p *parser, i int) (*Admin, error) {
	switch p.word(i) {
	case "add", "new":
		return parseAgencyAdd(agencyWords(p.rest(i + 1)))
	case "alias", "aliases", "aka":
		j := i + 1
		if p.word(j) == "add" {
			j++
		}
		ws := agencyWords(p.rest(j))
		if len(ws) < 2 {
			return nil, invalid("Which agency, and what other name? `/action admin agency alias SYP \"SY Police\"`.")
		}
		a := &Admin{Op: AdminAgencyAlias, Agency: ws[0].s, Aliases: splitAliases(ws[1:])}
		if len(a.Aliases) == 0 {
			return nil, invalid("What other name? `/action admin agency alias %s \"SY Police\"`.", a.Agency)
		}
		return a, nil
	}
	return nil, invalid(agencyAdminUsage)
}

// parseAgencyAdd reads NAME [as CODE] [aka ALIAS; ALIAS…], "as" and "aka"
// in either order; a name or alias holding the word "as" or "aka" is
// quoted.
func parseAgencyAdd(ws []agencyWord) (*Admin, error) {
	a := &Admin{Op: AdminAgencyAdd}
	part := map[string][]agencyWord{}
	in := "name"
	for _, w := range ws {
		if k := w.keyword(); k != "" {
			in = k
			if _, twice := part[k]; twice {
				return nil, invalid("Give %q once: %s", w.s, agencyAdminUsage)
			}
			part[k] = nil
			continue
		}
		part[in] = append(part[in], w)
	}
	a.Agency = joinWords(part["name"])
	if a.Agency == "" {
		return nil, invalid("What is the agency called? %s", agencyAdminUsage)
	}
	if code, given := part["as"]; given {
		if len(code) != 1 || code[0].s == ";" {
			return nil, invalid("A code is one word, such as `as SYP`. If %q is part of the agency's name, put the name in quotes: `/action admin agency add \"%s as …\"`.", "as", a.Agency)
		}
		a.Code = code[0].s
	}
	if al, given := part["aka"]; given {
		if a.Aliases = splitAliases(al); len(a.Aliases) == 0 {
			return nil, invalid("Which other names? `aka \"SY Police\"; \"Police\"`.")
		}
	}
	return a, nil
}

// agencyAdd adds an agency: its words checked for people's details by the
// guard notes meet, and against the directory (actionbot.Directory.
// CheckNewAgency, enforced again by the store).
func (h *Handler) agencyAdd(ctx context.Context, e *env, userID string, a *Admin) (actionbot.Message, error) {
	ag := &actionbot.Agency{Name: actionbot.CleanText(a.Agency), Code: strings.ToUpper(strings.TrimSpace(a.Code))}
	seen := map[string]bool{actionbot.AgencyKey(ag.Name): true}
	for _, al := range a.Aliases {
		al = actionbot.CleanText(al)
		if k := actionbot.AgencyKey(al); !seen[k] {
			seen[k] = true
			ag.Aliases = append(ag.Aliases, al)
		}
	}
	for _, n := range append([]string{ag.Name}, ag.Aliases...) {
		if what := personalDataIn(n); what != "" {
			return actionbot.Message{}, invalid("%q seems to hold %s: an agency is an organisation or a group, not a person. Add the agency they work for, then register them with it.", n, what)
		}
	}
	derived := ag.Code == ""
	if derived {
		ag.Code = actionbot.AgencyCodeFor(ag.Name)
	}
	if err := e.dir.CheckNewAgency(ag); err != nil {
		if other, taken := e.dir.Lookup(ag.Code); derived && taken && actionbot.ErrorCode(err) == actionbot.ECONFLICT {
			if _, nameTaken := e.dir.Lookup(ag.Name); !nameTaken {
				return actionbot.Message{}, actionbot.Errorf(actionbot.ECONFLICT, "The code %s, made from that name, is already %s's: give the new agency a code of its own, %s.", ag.Code, e.dir.Label(other.Code), agencyAddHint(ag.Name, "CODE"))
			}
		}
		return actionbot.Message{}, err
	}
	store, ok := h.Store.(AgencyStore)
	if !ok {
		return actionbot.Message{}, fmt.Errorf("agency add: the store cannot add agencies")
	}
	if err := store.AddAgency(ctx, ag, userID); err != nil {
		return actionbot.Message{}, err
	}
	text := "Added the agency " + ag.Name + " (" + ag.Code + ")"
	if len(ag.Aliases) > 0 {
		text += ", also written “" + strings.Join(ag.Aliases, "”, “") + "”"
	}
	text += ". Make it an action's lead with `/action " + e.ex.Ref + " lead " + ag.Code + "`, and register its people with `/action admin member add @person " + ag.Code + "`" +
		" (at the command line, `actionbot lead " + e.ex.Ref + " " + ag.Code + "` and `actionbot member add USER " + ag.Code + "`)."
	rt := actionbot.Txt(inlineCode("✅ " + text)...)
	return actionbot.Message{Text: rt.Plain(), Blocks: []actionbot.Block{{Kind: actionbot.BlockSection, Text: rt}}}, nil
}

// agencyAlias gives an agency more names.
func (h *Handler) agencyAlias(ctx context.Context, e *env, userID string, a *Admin) (actionbot.Message, error) {
	ag, _, err := memberAgency(e.dir, a.Agency)
	if err != nil {
		return actionbot.Message{}, err
	}
	store, ok := h.Store.(AgencyStore)
	if !ok {
		return actionbot.Message{}, fmt.Errorf("agency alias: the store cannot add agencies")
	}
	var added []string
	for _, al := range a.Aliases {
		al = actionbot.CleanText(al)
		if what := personalDataIn(al); what != "" {
			return actionbot.Message{}, invalid("%q seems to hold %s: an agency's other name names the organisation, not a person.", al, what)
		}
		if err := e.dir.CheckNewAlias(ag.Code, al); err != nil {
			if actionbot.ErrorCode(err) == actionbot.EUNCHANGED && len(a.Aliases) > 1 {
				continue
			}
			return actionbot.Message{}, err
		}
		if err := store.AddAgencyAlias(ctx, ag.Code, al, userID); err != nil {
			return actionbot.Message{}, err
		}
		added = append(added, al)
	}
	if len(added) == 0 {
		return actionbot.Message{}, actionbot.Errorf(actionbot.EUNCHANGED, "%s already answers to those names.", e.dir.Label(ag.Code))
	}
	rt := actionbot.Txt("✅ " + e.dir.Label(ag.Code) + " now also answers to “" + strings.Join(added, "”, “") + "”.")
	return actionbot.Message{Text: rt.Plain(), Blocks: []actionbot.Block{{Kind: actionbot.BlockSection, Text: rt}}}, nil
}

// memberAgency is the agency a member is added to or removed from, named by
// its code, name or alias, or as the plan writes it (ResolveWritten: "DMBC
// Hate Crime Lead", SYP for South Yorkshire Police). written says how a
// plan's wording was read, for the reply; "" for a code, name or alias.
func memberAgency(dir *actionbot.Directory, text string) (ag *actionbot.Agency, written string, err error) {
	if ag, ok := dir.Lookup(text); ok {
		return ag, "", nil
	}
	if p, ok := dir.ResolveWritten(text); ok {
		if ag, ok := dir.Lookup(p.Agency); ok {
			return ag, ", as the plan writes it: “" + strings.Trim(strings.TrimSpace(text), "\"“”") + "”", nil
		}
	}
	return nil, "", unknownMemberAgency(dir, text)
}

// unknownMemberAgency refuses a name no agency has: the nearest ones with
// their codes and names, where the list of them is, and how an agency new
// to the partnership is added, at either door.
func unknownMemberAgency(dir *actionbot.Directory, name string) error {
	name = strings.Trim(strings.TrimSpace(name), "\"“”")
	list := "`/action agencies` (at the command line, `actionbot agencies`) lists them"
	add := " An agency new to the partnership is added first: " + agencyAddHint(name, "") + "."
	near := dir.Near(name, 3)
	if len(near) == 0 {
		return actionbot.Errorf(actionbot.ENOTFOUND, "I don't know the agency %q. %s.%s", name, list, add)
	}
	for i, c := range near {
		near[i] = codeAndName(dir, c)
	}
	return actionbot.Errorf(actionbot.ENOTFOUND, "I don't know the agency %q — did you mean %s? %s all.%s", name, orList(near), list, add)
}

// codeAndName is "SYP (South Yorkshire Police)", the code alone where the
// name is the code.
func codeAndName(dir *actionbot.Directory, code string) string {
	if a, ok := dir.Lookup(code); ok && a.Name != a.Code {
		return a.Code + " (" + a.Name + ")"
	}
	return code
}

// agencyAddHint is how an agency is added, at either door.
func agencyAddHint(name, code string) string {
	slash, cli := "`/action admin agency add \""+name+"\"", "`actionbot agency add \""+name+"\""
	if code != "" {
		slash += " as " + code
		cli += " --code " + code
	}
	return slash + "` (at the command line, " + cli + "`)"
}
