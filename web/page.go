package web

import (
	"crypto/sha256"
	"encoding/base64"
	"html"
	"html/template"
	"io"
	"strings"

	"github.com/sevenoaks-csp/actionbot"
)

// css is the pages' only style, inline: the Content-Security-Policy allows
// exactly it, by its hash, and nothing else (no script at all). Colours are
// chosen for contrast of at least 4.5:1 on their backgrounds; every control
// shows a clear focus ring; forms are left off the printed page.
const css = `
:root{color-scheme:light}
*{box-sizing:border-box}
body{margin:0;font:1rem/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:#1a1a1a;background:#fff}
main{max-width:42rem;margin:0 auto;padding:1rem}
h1{font-size:1.4rem;line-height:1.3;margin:.5rem 0 1rem}
h2{font-size:1.15rem;margin:1.5rem 0 .5rem}
h3{font-size:1rem;margin:0 0 .5rem}
p{margin:.5rem 0}
.small{font-size:.9rem;color:#4b5563}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem;margin:.75rem 0}
dt{font-weight:600}
dd{margin:0}
.banner{border-left:.35rem solid;padding:.75rem 1rem;margin:1rem 0}
.ok{background:#ecfdf5;color:#065f46;border-color:#065f46}
.refused{background:#fef2f2;color:#991b1b;border-color:#991b1b}
.info{background:#eff6ff;color:#1e3a8a;border-color:#1e3a8a}
form{border:1px solid #6b7280;border-radius:.4rem;padding:1rem;margin:1rem 0}
label{display:block;font-weight:600;margin-bottom:.25rem}
input[type=number],textarea{display:block;width:100%;font:inherit;color:#1a1a1a;background:#fff;border:1px solid #4b5563;border-radius:.25rem;padding:.5rem;margin-bottom:.75rem}
input[type=number]{max-width:8rem}
button{font:inherit;font-weight:600;min-height:2.75rem;padding:.5rem 1.25rem;border:0;border-radius:.3rem;background:#1d4ed8;color:#fff;cursor:pointer}
button:hover{background:#1e40af}
a{color:#1d4ed8}
:focus-visible{outline:3px solid #b45309;outline-offset:2px}
code{font-family:ui-monospace,monospace;font-size:.95em}
@media print{.forms{display:none}body{font-size:11pt}main{max-width:none}}
`

// cspHeader is the pages' Content-Security-Policy: nothing may load or run
// but the inline style above; forms post only to this site; no site may
// frame the pages.
var cspHeader = "default-src 'none'; style-src '" + styleHash(css) + "'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

func styleHash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return "sha256-" + base64.StdEncoding.EncodeToString(sum[:])
}

// view is what a page shows.
type view struct {
	Title string // the <title> and, with no card, the h1
	// Banner is a line at the top: the outcome of a change (ok or
	// refused), or why a link does not work.
	Banner, BannerClass string
	// Card is the action, as the Slack card shows it.
	Card []cardBlock
	// Help are paragraphs saying what to do.
	Help []string
	// Forms are shown only where the link can change the action.
	Forms *forms
}

// forms are the page's four forms; each has its own one-time submission id.
type forms struct {
	Token, CSRF                     string
	Ref                             string
	Done, Progress, Note, Snooze    string // submission ids
	ProgressValue                   string
	ProgressError                   string
	NoteText                        string
	NoteLimit                       int
	DoneLabel, SnoozeLabel, Whoever string
}

// cardBlock is one block of the card, already made safe HTML.
type cardBlock struct {
	Kind   string // "h1", "p", "small", "hr"
	HTML   template.HTML
	Fields []cardField
}

type cardField struct {
	Label string
	Value template.HTML
}

// cardOf renders a card message (commands' transport-neutral Message) as
// blocks of HTML: its header is the page's h1, sections paragraphs with
// their fields as a description list, context small print. The buttons
// (Slack's) are left out: the page has its forms.
//
// A span that is a whole e-mail address (a member known by address, as
// the card names who made the latest change) is masked, as maskPerson
// masks it in the log, unless reveal says the viewer may see it.
func cardOf(m actionbot.Message, reveal func(address string) bool) []cardBlock {
	rich := func(rt actionbot.RichText) template.HTML { return richHTML(maskAddresses(rt, reveal)) }
	var out []cardBlock
	for _, b := range m.Blocks {
		switch b.Kind {
		case actionbot.BlockHeader:
			out = append(out, cardBlock{Kind: "h1", HTML: rich(b.Text)})
		case actionbot.BlockSection:
			cb := cardBlock{Kind: "p", HTML: rich(b.Text)}
			for _, f := range b.Fields {
				cb.Fields = append(cb.Fields, cardField{Label: f.Label, Value: rich(f.Value)})
			}
			out = append(out, cb)
		case actionbot.BlockContext:
			out = append(out, cardBlock{Kind: "small", HTML: rich(b.Text)})
		case actionbot.BlockDivider:
			out = append(out, cardBlock{Kind: "hr"})
		}
	}
	return out
}

// maskAddresses is rt with every span that is an e-mail address, and not
// one reveal allows, masked (s…@kent.police.uk).
func maskAddresses(rt actionbot.RichText, reveal func(string) bool) actionbot.RichText {
	var out actionbot.RichText
	for i, s := range rt {
		if s.User != "" || s.Channel != "" || !isAddress(s.Text) || reveal != nil && reveal(s.Text) {
			continue
		}
		if out == nil {
			out = append(actionbot.RichText(nil), rt...)
		}
		out[i].Text = maskPerson(s.Text)
	}
	if out == nil {
		return rt
	}
	return out
}

// isAddress reports whether s is an e-mail address alone: a local part, "@"
// and a domain with a dot, without spaces.
func isAddress(s string) bool {
	local, domain, ok := strings.Cut(s, "@")
	return ok && local != "" && strings.Contains(domain, ".") && !strings.ContainsAny(s, " \t\r\n<>") && !strings.Contains(domain, "@")
}

// richHTML renders rich text as HTML, escaping every span's text: stored
// notes are shown, never obeyed. Line breaks become <br>. A link is kept
// only when it is http or https.
func richHTML(rt actionbot.RichText) template.HTML {
	var b strings.Builder
	for _, s := range rt {
		var t string
		switch {
		case s.User != "":
			t = "@" + s.User
		case s.Channel != "":
			t = "#" + s.Channel
		default:
			t = s.Text
		}
		t = strings.ReplaceAll(html.EscapeString(actionbot.Printable(t)), "\n", "<br>")
		if s.Style&actionbot.Code != 0 {
			t = "<code>" + t + "</code>"
		}
		if s.Style&actionbot.Bold != 0 {
			t = "<strong>" + t + "</strong>"
		}
		if s.Style&actionbot.Italic != 0 {
			t = "<em>" + t + "</em>"
		}
		if s.Style&actionbot.Strike != 0 {
			t = "<s>" + t + "</s>"
		}
		if u := s.URL; strings.HasPrefix(u, "https://") || strings.HasPrefix(u, "http://") {
			t = `<a href="` + html.EscapeString(u) + `">` + t + "</a>"
		}
		b.WriteString(t)
	}
	return template.HTML(b.String())
}

var pageTmpl = template.Must(template.New("page").Parse(`<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<title>{{.Title}} — actionbot</title>
<style>` + css + `</style>
</head>
<body>
<main>
{{- $h1 := false}}{{range .Card}}{{if eq .Kind "h1"}}{{$h1 = true}}{{end}}{{end}}
{{- if not $h1}}
<h1>{{.Title}}</h1>
{{- end}}
{{- if .Banner}}
<div class="banner {{.BannerClass}}" role="status"><p><strong>{{.Banner}}</strong></p></div>
{{- end}}
{{- range .Help}}
<p>{{.}}</p>
{{- end}}
{{- range .Card}}
{{- if eq .Kind "h1"}}
<h1>{{.HTML}}</h1>
{{- else if eq .Kind "hr"}}
<hr>
{{- else if eq .Kind "small"}}
<p class="small">{{.HTML}}</p>
{{- else}}
{{- if .HTML}}
<p>{{.HTML}}</p>
{{- end}}
{{- if .Fields}}
<dl>
{{- range .Fields}}
<dt>{{.Label}}</dt><dd>{{.Value}}</dd>
{{- end}}
</dl>
{{- end}}
{{- end}}
{{- end}}
{{- with .Forms}}
<section class="forms" aria-labelledby="update">
<h2 id="update">Update {{.Ref}}</h2>
<p class="small">{{.Whoever}}</p>
<form method="post" action="{{.Token}}">
<h3>Finished?</h3>
<input type="hidden" name="csrf" value="{{.CSRF}}">
<input type="hidden" name="submission" value="{{.Done}}">
<input type="hidden" name="do" value="done">
<button type="submit">{{.DoneLabel}}</button>
</form>
<form method="post" action="{{.Token}}">
<h3>Progress</h3>
<input type="hidden" name="csrf" value="{{.CSRF}}">
<input type="hidden" name="submission" value="{{.Progress}}">
<input type="hidden" name="do" value="progress">
<label for="progress">Progress, in per cent (0 to 100)</label>
<input type="number" id="progress" name="progress" min="0" max="100" step="1" inputmode="numeric" required value="{{.ProgressValue}}"{{if .ProgressError}} aria-invalid="true" aria-describedby="progress-error"{{end}}>
{{- if .ProgressError}}
<p id="progress-error" class="refused">{{.ProgressError}}</p>
{{- end}}
<button type="submit">Save progress</button>
</form>
<form method="post" action="{{.Token}}">
<h3>Note</h3>
<input type="hidden" name="csrf" value="{{.CSRF}}">
<input type="hidden" name="submission" value="{{.Note}}">
<input type="hidden" name="do" value="note">
<label for="note">Note on the partnership work</label>
<p id="note-help" class="small">Up to {{.NoteLimit}} characters. Never a person's name, address, phone number or other personal data.</p>
<textarea id="note" name="note" rows="4" maxlength="{{.NoteLimit}}" required aria-describedby="note-help">{{.NoteText}}</textarea>
<button type="submit">Add note</button>
</form>
<form method="post" action="{{.Token}}">
<h3>Reminders</h3>
<input type="hidden" name="csrf" value="{{.CSRF}}">
<input type="hidden" name="submission" value="{{.Snooze}}">
<input type="hidden" name="do" value="snooze">
<button type="submit">{{.SnoozeLabel}}</button>
</form>
</section>
{{- end}}
</main>
</body>
</html>
`))

func render(w io.Writer, v *view) error {
	return pageTmpl.Execute(w, v)
}
