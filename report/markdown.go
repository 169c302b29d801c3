package report

import (
	"bufio"
	"fmt"
	"io"
	"regexp"
	"strings"

	"github.com/sevenoaks-csp/actionbot"
)

// mdEscaper makes text literal in Markdown: every character CommonMark
// could read as formatting is backslash-escaped.
var mdEscaper = strings.NewReplacer(
	`\`, `\\`, "`", "\\`", "*", `\*`, "_", `\_`, "[", `\[`, "]", `\]`,
	"<", `\<`, ">", `\>`, "|", `\|`, "~", `\~`,
)

// mdEntity is an ampersand that would start an HTML entity ("&amp;").
var mdEntity = regexp.MustCompile(`&(#?[A-Za-z0-9]+;)`)

// md escapes text for a Markdown paragraph or table cell, on one line.
func md(s string) string {
	return mdEntity.ReplaceAllString(mdEscaper.Replace(oneLine(s)), `\&$1`)
}

// orDash is s, or an em dash when empty.
func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// WriteMarkdown writes the report as Markdown (CommonMark with GitHub
// tables): the summary, then each priority's measures and actions.
func WriteMarkdown(w io.Writer, r *Report) error {
	b := bufio.NewWriter(w)
	p := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }
	loc := r.Location()

	p("# %s\n\n", md(r.Title()))
	p("**%s.** %s\n\n", md(r.Subtitle()), md(r.Intro()))
	for _, k := range r.Key() {
		p("- **%s**: %s\n", k.RAG.Label(), md(k.Rule))
	}
	p("\n*On target* means complete or green.\n")
	p("\n## Summary\n\n")
	p("| Priority | Actions | Red | Amber | Green | Complete | On target | Target | Result |\n")
	p("|---|--:|--:|--:|--:|--:|--:|---|---|\n")
	row := func(title string, s *actionbot.PrioritySummary, target, result string) {
		p("| %s | %d | %d | %d | %d | %d | %s | %s | %s |\n", title, s.Total(),
			s.Counts[actionbot.RAGRed], s.Counts[actionbot.RAGAmber], s.Counts[actionbot.RAGGreen], s.Counts[actionbot.RAGComplete],
			actionbot.FormatPercent(s.OnTargetPercent()), orDash(target), orDash(result))
	}
	for _, pr := range r.Priorities {
		if pr.Total() == 0 {
			continue
		}
		target, result := pr.TargetText()
		row(md(pr.Title()), pr.PrioritySummary, target, result)
	}
	row("**Whole plan**", r.Overall, "", "")
	if r.Quarter != nil {
		writeQuarterMarkdown(p, r)
	}

	for _, pr := range r.Priorities {
		p("\n## %s\n\n", md(pr.Title()))
		if pr.Total() > 0 {
			p("%s — %s.", CountsText(pr.PrioritySummary), OnTargetText(pr.PrioritySummary))
			if target, result := pr.TargetText(); target != "" {
				p(" Target %s: **%s**.", target, result)
			}
			p("\n")
		}
		if len(pr.Measures) > 0 {
			if pr.Total() > 0 {
				p("\n### Success measures\n\n")
			}
			p("| No. | Measure | Target | Actual | As of | Source | Result |\n")
			p("|--:|---|---|---|---|---|---|\n")
			for _, m := range pr.Measures {
				asOf, source := m.AsOfText(), m.SourceText()
				if m.Live {
					asOf, source = r.AsOf.UK(), "worked out from the actions"
				}
				p("| %d | %s | %s | %s | %s | %s | **%s** |\n", m.N, md(m.Text), md(m.TargetLabel()), md(orDash(m.Actual)),
					orDash(asOf), md(orDash(source)), m.Status)
			}
		}
		if len(pr.Actions) > 0 {
			p("\n### Actions\n\n")
			p("| Ref | Action | Lead | Deadline | Status | Progress | RAG | Latest note |\n")
			p("|---|---|---|---|---|--:|---|---|\n")
			for _, a := range pr.Actions {
				text := md(a.Text)
				if a.Review != "" {
					text += " *(wording under review)*"
				}
				why := md(a.Why)
				if w := a.WasText(); w != "" {
					why += " (" + w + ")"
				}
				p("| %s | %s | %s | %s | %s | %d%% | **%s** — %s | %s |\n", a.Ref, text, md(orDash(a.Lead)), md(a.DeadlineText()),
					a.StatusText(), a.Progress, a.RAG.Label(), why, md(orDash(a.NoteText(loc))))
			}
		}
	}
	p("\n---\n\n*%s: %s in %s, as of %s.*\n", md(r.Plan.Name), actionbot.Plural(r.Overall.Total(), "action"), priorities(r.priorityCount()), r.AsOf.UK())
	if err := b.Flush(); err != nil {
		return fmt.Errorf("write markdown report: %w", err)
	}
	return nil
}

// writeQuarterMarkdown writes the "this quarter" section.
func writeQuarterMarkdown(p func(string, ...any), r *Report) {
	q := r.Quarter
	loc := r.Location()
	p("\n## This quarter: %s\n\n", md(q.Quarter.Label()))
	p("%s\n\n", md(r.Headline()))
	list := func(title string, rows []ActionRow, detail func(ActionRow) string) {
		p("### %s (%d)\n\n", title, len(rows))
		if len(rows) == 0 {
			p("None.\n\n")
			return
		}
		for _, a := range rows {
			p("- **%s** %s — %s\n", a.Ref, md(actionbot.Clip(oneLine(a.Text), 90)), md(detail(a)))
		}
		p("\n")
	}
	list("Completed", q.Completed, func(a ActionRow) string { return orDash(a.NoteText(loc)) })
	list("Newly red", q.NewlyRed, func(a ActionRow) string { return a.Why })
	list("Newly blocked", q.NewlyBlocked, func(a ActionRow) string { return a.Why })
	p("### Deadlines moved (%d)\n\n", len(q.Moved))
	if len(q.Moved) == 0 {
		p("None.\n\n")
	}
	for _, m := range q.Moved {
		p("- **%s** from %s to %s on %s: %s\n", m.Ref, md(m.From), md(m.To), actionbot.DateOf(m.At.In(loc)).UK(), md(orDash(m.Reason)))
	}
	if len(q.Moved) > 0 {
		p("\n")
	}
	p("### Measure figures recorded (%d)\n\n", len(q.Measures))
	if len(q.Measures) == 0 {
		p("None.\n\n")
	}
	for _, m := range q.Measures {
		p("- **%s** %s: %s as of %s (%s) — target %s: **%s**\n", m.Key, md(actionbot.Clip(m.Text, 90)), md(m.Value), m.AsOf.UK(), md(orDash(m.Source)), md(m.Target), m.Status)
	}
	if len(q.Measures) > 0 {
		p("\n")
	}
	p("### RAG movement %s (%d)\n\n", q.SinceText(r.Plan), len(q.Movements))
	if len(q.Movements) == 0 {
		p("No rating changed.\n")
		return
	}
	p("| Ref | Action | Was | Now | Why |\n|---|---|---|---|---|\n")
	for _, a := range q.Movements {
		p("| %s | %s | %s | **%s** | %s |\n", a.Ref, md(actionbot.Clip(oneLine(a.Text), 70)), a.Was.Label(), a.RAG.Label(), md(a.Why))
	}
}
