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
	if r.HasCover() {
		p("| | |\n|---|---|\n| Partnership | %s |\n| Meeting | %s |\n| Period | %s |\n| Date of paper | %s |\n| Author | %s |\n| Plan | %s |\n\n",
			md(Partnership(r.Plan.Name)), md(orDash(r.Cover.Meeting)), md(r.PeriodText()), orDash(r.ProducedText()), md(orDash(r.Cover.Author)),
			md(r.Plan.Name+", "+r.Plan.Period.Start.UK()+" to "+r.Plan.Period.End.UK()+versionSuffix(r.Version)))
	}
	if r.Cover.Recommendations != "" {
		p("## Recommendations\n\n")
		for _, blk := range NoteBlocks(r.Cover.Recommendations) {
			for i, item := range blk.Items {
				if blk.Ordered {
					p("%d. %s\n", i+1, md(item))
				} else {
					p("- %s\n", md(item))
				}
			}
			if blk.Items == nil {
				p("%s\n", md(blk.Paragraph))
			}
			p("\n")
		}
	}
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
	p("### Direction of travel: share on target %s\n\n", md(q.SinceText(r.Plan)))
	p("| Priority | %s | %s | Direction | Target |\n|---|---|---|---|---|\n", md(q.PreviousLabel(r.Plan)), q.EndLabel())
	for _, d := range q.Directions {
		p("| %s | %s | %s | %s %s | %s |\n", md(d.Title), d.WasText, d.NowText, d.Arrow(), d.Trend, orDash(d.Target))
	}
	p("\n### Actions that moved in the quarter\n\n")
	if len(q.Changed) == 0 {
		p("No action's progress, status, rating or deadline changed.\n\n")
	}
	for _, pc := range q.Changed {
		p("#### %s\n\n", md(pc.Title))
		for _, a := range pc.Actions {
			var cs []string
			for _, c := range a.Changes {
				cs = append(cs, c.Field+" "+c.From+" → "+c.To)
			}
			p("- **%s** %s (%s): %s. Latest note: %s\n", a.Ref, md(actionbot.Clip(oneLine(a.Text), 90)), md(orDash(a.Lead)), md(strings.Join(cs, "; ")), md(orDash(a.NoteText(loc))))
		}
		p("\n")
	}
	list("Completed", q.Completed, func(a ActionRow) string { return orDash(a.NoteText(loc)) })
	list("Added to the plan", q.Added, func(a ActionRow) string { return a.Why })
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
	p("### Exceptions for the board (%d)\n\n", len(q.Exceptions))
	if len(q.Exceptions) == 0 {
		p("None.\n\n")
	} else {
		p("| Ref | Action | Lead | Why | Latest commentary | Ask of the board |\n|---|---|---|---|---|---|\n")
		for _, e := range q.Exceptions {
			comment := "None recorded."
			if e.Note != nil {
				comment = "“" + oneLine(e.Note.Note) + "” — " + e.NoteBy(loc)
			}
			p("| %s | %s | %s | %s | %s | %s |\n", e.Ref, md(actionbot.Clip(oneLine(e.Text), 70)), md(orDash(e.Lead)), md(strings.Join(e.Reasons, "; ")), md(comment), md(e.Ask))
		}
		p("\n")
	}
	if len(q.Trends) > 0 {
		p("### Success measures over time\n\n| No. | Measure | Target |")
		for _, pt := range q.Trends[0].Points {
			p(" Q%d (%s) |", pt.Quarter.N, pt.End.UK())
		}
		p(" Trend |\n|---|---|---|%s---|\n", strings.Repeat("---|", len(q.Trends[0].Points)))
		for _, t := range q.Trends {
			p("| %s | %s | %s |", t.Key, md(t.Text), md(t.Target))
			for _, pt := range t.Points {
				if pt.Has {
					p(" %s |", md(pt.Text))
				} else {
					p(" — |")
				}
			}
			p(" %s |\n", orDash(t.Direction))
		}
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

// versionSuffix is " (as imported on 1 Apr 2012)", or "".
func versionSuffix(v string) string {
	if v == "" {
		return ""
	}
	return " (" + v + ")"
}
