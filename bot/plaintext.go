package bot

import "strings"

// PlainText turns text as Slack sends it (a slash command's text, a channel
// pasted into the configuration) into the plain text the rest of actionbot
// reads, which knows nothing of Slack's text format: Slack's escapes of &, <
// and > are undone, and a mention of a person or a channel, <@U0123ABCD|sam>
// or <#C0123ABCD|general>, becomes its plain id, @U0123ABCD or #C0123ABCD
// (the name Slack adds is dropped: the id is what the commands take, and a
// name is personal data the record does not need). A link becomes what
// was typed: <http://gov.uk|gov.uk> (a domain typed bare) becomes gov.uk,
// <https://x.example/a> the address, and a link whose label is not its
// address "label (address)", so that cards, digests, exports and the board
// paper read as the person wrote, never with Slack's brackets. A user
// group, <!subteam^S123|@roads>, becomes its name, @roads. A broadcast
// (<!channel>, <!here>) and anything else in angle brackets is left as it
// is; it is shown escaped.
//
// The escapes are undone first, as they always were: a mention typed out
// by hand (&lt;@U0123ABCD&gt;) is taken as a mention too.
func PlainText(s string) string {
	if strings.Contains(s, "&") { // every escape starts with &
		s = slackUnescaper.Replace(s)
	}
	if !strings.Contains(s, "<") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for {
		i := strings.IndexByte(s, '<')
		if i < 0 {
			break
		}
		n := strings.IndexAny(s[i+1:], "<>")
		if n < 0 {
			break
		}
		end := i + 1 + n
		if s[end] == '<' { // "a < <@U1>": this one opens nothing
			b.WriteString(s[:end])
			s = s[end:]
			continue
		}
		if id, ok := plainMention(s[i+1 : end]); ok {
			b.WriteString(s[:i])
			b.WriteString(id)
		} else if text, ok := plainLink(s[i+1 : end]); ok {
			b.WriteString(s[:i])
			b.WriteString(text)
		} else {
			b.WriteString(s[:end+1])
		}
		s = s[end+1:]
	}
	b.WriteString(s)
	return b.String()
}

// plainMention turns what is inside the angle brackets of a mention,
// "@U0123ABCD|sam" or "#C0123ABCD", into the plain id with its sigil.
func plainMention(inner string) (string, bool) {
	if len(inner) < 2 || inner[0] != '@' && inner[0] != '#' {
		return "", false
	}
	id, _, _ := strings.Cut(inner[1:], "|")
	if id == "" || strings.ContainsAny(id, " \t\n@#") {
		return "", false
	}
	return inner[:1] + id, true
}

// plainLink turns what is inside the angle brackets of a link or a user
// group into what was written: "http://gov.uk|gov.uk" into "gov.uk",
// "https://x.example/a" into the address, "https://x.example/a|the page"
// into "the page (https://x.example/a)", "!subteam^S123|@roads" into
// "@roads".
func plainLink(inner string) (string, bool) {
	target, label, labelled := strings.Cut(inner, "|")
	if rest, ok := strings.CutPrefix(target, "!subteam^"); ok {
		if !labelled || rest == "" || label == "" {
			return "", false
		}
		return label, true
	}
	scheme := ""
	for _, p := range []string{"https://", "http://", "mailto:"} {
		if strings.HasPrefix(target, p) {
			scheme = p
		}
	}
	if scheme == "" || len(target) == len(scheme) || strings.ContainsAny(target, " \t\n") {
		return "", false
	}
	switch {
	case !labelled || label == "" || label == target:
		return target, true
	case scheme+label == target: // typed bare, linked by Slack
		return label, true
	}
	return label + " (" + target + ")", true
}

// slackUnescaper is built once: a Replacer is safe for concurrent use.
var slackUnescaper = strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&")
