// Package mail is the e-mail adapter: it renders the transport-neutral
// actionbot.Message as a multipart e-mail (plain text and HTML, each
// escaped for its own surface) and delivers the outbox's e-mails through an
// SMTP server, as package bot delivers its Slack posts. It never imports
// bot: the two adapters share the store's one outbox and nothing else.
package mail

import (
	"bytes"
	"html/template"
	"strings"

	"github.com/sevenoaks-csp/actionbot"
)

// Links makes the link of an action's page for the person an e-mail goes
// to: "" when there is none to give (no public address, or a recipient
// who is not a member).
type Links func(plan int64, ref string) string

// Rendered is an e-mail's subject and its two bodies.
type Rendered struct {
	Subject string
	Text    string
	HTML    string
}

// Render renders m for e-mail. A row of buttons (Slack's Mark done,
// Update progress…) becomes one link to the action's page, made by links;
// without a link it is left out, as buttons do nothing in an e-mail.
func Render(m actionbot.Message, links Links) (Rendered, error) {
	subject := strings.Join(strings.Fields(actionbot.Printable(m.Text)), " ")
	if subject == "" && len(m.Blocks) > 0 {
		subject = strings.Join(strings.Fields(m.Blocks[0].Text.Plain()), " ")
	}
	subject = actionbot.Clip(subject, 120)
	blocks := m.Blocks
	if len(blocks) == 0 {
		blocks = []actionbot.Block{actionbot.Section(m.Text)}
	}
	var view []htmlBlock
	var text strings.Builder
	for _, bl := range blocks {
		hb := htmlBlock{Kind: string(bl.Kind), Text: spansHTML(bl.Text)}
		switch bl.Kind {
		case actionbot.BlockHeader:
			t := plain(bl.Text)
			text.WriteString(t + "\n" + strings.Repeat("=", min(len([]rune(t)), 72)) + "\n\n")
		case actionbot.BlockSection:
			if len(bl.Text) > 0 {
				text.WriteString(plain(bl.Text) + "\n")
			}
			for _, f := range bl.Fields {
				text.WriteString("  " + actionbot.Printable(f.Label) + ": " + plain(f.Value) + "\n")
				hb.Fields = append(hb.Fields, htmlField{Label: f.Label, Value: spansHTML(f.Value)})
			}
		case actionbot.BlockContext:
			for _, line := range strings.Split(plain(bl.Text), "\n") {
				text.WriteString("  " + line + "\n")
			}
		case actionbot.BlockDivider:
			text.WriteString(strings.Repeat("-", 40) + "\n")
		case actionbot.BlockActions:
			link, ref := buttonLink(bl.Buttons, links)
			if link == "" {
				continue
			}
			hb.Link, hb.LinkText = link, "Update "+ref+" (mark done, progress, note, snooze)"
			text.WriteString("  " + hb.LinkText + ":\n  " + link + "\n\n")
		}
		view = append(view, hb)
	}
	var h bytes.Buffer
	if err := page.Execute(&h, struct {
		Subject string
		Blocks  []htmlBlock
	}{subject, view}); err != nil {
		return Rendered{}, err
	}
	return Rendered{Subject: subject, Text: text.String(), HTML: h.String()}, nil
}

// buttonLink is the link standing for a row of buttons: the page of the
// action they act on.
func buttonLink(bs []actionbot.Button, links Links) (link, ref string) {
	if links == nil {
		return "", ""
	}
	for _, b := range bs {
		plan, r, ok := actionbot.ParseButtonValue(b.Value)
		if !ok || plan <= 0 {
			continue
		}
		if l := links(plan, r); l != "" {
			return l, r
		}
	}
	return "", ""
}

// plain is rich text for the text part: mentions as @U123, anything
// non-printable escaped.
func plain(rt actionbot.RichText) string {
	var b strings.Builder
	for _, s := range rt {
		switch {
		case s.User != "":
			b.WriteString(mention(s.User))
		case s.Channel != "":
			b.WriteString("#" + s.Channel)
		case s.URL != "":
			b.WriteString(s.Text + " <" + s.URL + ">")
		default:
			b.WriteString(s.Text)
		}
	}
	return actionbot.Printable(b.String())
}

// mention shows a person in an e-mail, where a Slack mention means
// nothing: their id, or their address as it is.
func mention(id string) string {
	if actionbot.IsEmail(id) {
		return id
	}
	return "@" + id
}

type htmlField struct {
	Label string
	Value []htmlSpan
}

type htmlBlock struct {
	Kind     string
	Text     []htmlSpan
	Fields   []htmlField
	Link     string
	LinkText string
}

type htmlSpan struct {
	Text                       string
	Bold, Italic, Code, Strike bool
	URL                        template.URL
}

func spansHTML(rt actionbot.RichText) []htmlSpan {
	out := make([]htmlSpan, 0, len(rt))
	for _, s := range rt {
		hs := htmlSpan{Text: actionbot.Printable(s.Text), Bold: s.Style&actionbot.Bold != 0, Italic: s.Style&actionbot.Italic != 0,
			Code: s.Style&actionbot.Code != 0, Strike: s.Style&actionbot.Strike != 0}
		switch {
		case s.User != "":
			hs.Text = mention(s.User)
		case s.Channel != "":
			hs.Text = "#" + s.Channel
		case s.URL != "" && (strings.HasPrefix(s.URL, "https://") || strings.HasPrefix(s.URL, "http://")):
			hs.URL = template.URL(s.URL)
		}
		out = append(out, hs)
	}
	return out
}

// page is the HTML part: plain markup, inline styles only (mail clients
// drop style sheets), every text escaped by html/template.
var page = template.Must(template.New("mail").Parse(`<!DOCTYPE html>
<html lang="en-GB"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>{{.Subject}}</title></head>
<body style="font-family:Arial,Helvetica,sans-serif;font-size:15px;line-height:1.45;color:#1b1b1b;background:#ffffff;margin:0;padding:16px;max-width:640px">
{{- range .Blocks}}
{{- if eq .Kind "header"}}
<h1 style="font-size:20px;margin:0 0 12px">{{template "spans" .Text}}</h1>
{{- else if eq .Kind "section"}}
{{- if .Text}}
<p style="margin:8px 0">{{template "spans" .Text}}</p>
{{- end}}
{{- if .Fields}}
<table role="presentation" style="border-collapse:collapse;margin:4px 0 8px">
{{- range .Fields}}<tr><th scope="row" style="text-align:left;padding:2px 12px 2px 0;font-weight:bold;vertical-align:top">{{.Label}}</th><td style="padding:2px 0">{{template "spans" .Value}}</td></tr>{{end}}
</table>
{{- end}}
{{- else if eq .Kind "context"}}
<p style="margin:6px 0;font-size:13px;color:#4a4a4a">{{template "spans" .Text}}</p>
{{- else if eq .Kind "divider"}}
<hr style="border:0;border-top:1px solid #b1b4b6;margin:12px 0">
{{- else if eq .Kind "actions"}}
<p style="margin:4px 0 14px"><a href="{{.Link}}" style="color:#1d4ed8;font-weight:bold">{{.LinkText}}</a></p>
{{- end}}
{{- end}}
</body></html>
{{define "spans"}}{{range .}}{{if .URL}}<a href="{{.URL}}" style="color:#1d4ed8">{{template "span" .}}</a>{{else}}{{template "span" .}}{{end}}{{end}}{{end}}
{{define "span"}}{{if .Bold}}<strong>{{end}}{{if .Italic}}<em>{{end}}{{if .Code}}<code>{{end}}{{if .Strike}}<s>{{end}}{{.Text}}{{if .Strike}}</s>{{end}}{{if .Code}}</code>{{end}}{{if .Italic}}</em>{{end}}{{if .Bold}}</strong>{{end}}{{end}}
`))
