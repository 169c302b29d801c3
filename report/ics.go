package report

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/sevenoaks-csp/actionbot"
)

// ICSProdID identifies actionbot as the calendar's producer.
const ICSProdID = "-//Sevenoaks District CSP//actionbot//EN"

// UID is the stable identifier of an action's deadline event: the plan's
// period and the action's reference, "plan-20120401-20130331-action-5.2@actionbot".
// It does not depend on the database, so a calendar re-exported later, or
// from a rebuilt database, updates the events it exported before rather
// than duplicating them.
func UID(plan *actionbot.Plan, ref string) string {
	compact := func(d actionbot.Date) string { return strings.ReplaceAll(d.String(), "-", "") }
	return "plan-" + compact(plan.Period.Start) + "-" + compact(plan.Period.End) + "-action-" + ref + "@actionbot"
}

// WriteICS writes every dated deadline of the report's plan as an all-day
// iCalendar (RFC 5545) event: DTSTART;VALUE=DATE on the due date, DTEND the
// day after, a stable UID, SEQUENCE counting the times the deadline has
// moved, the summary "5.2 Promote Speedwatch…", and a description with the
// leads, partners, status, progress and rating as of the report's date.
// Events are transparent (they do not block time). Ongoing actions have no
// date and are left out. Lines end CRLF and are folded at 75 octets.
func WriteICS(w io.Writer, r *Report) error {
	b := bufio.NewWriter(w)
	stamp := r.Produced
	if stamp.IsZero() {
		stamp = r.At
	}
	dtstamp := stamp.UTC().Format("20060102T150405Z")
	prop := func(name, value string) { b.WriteString(foldLine(name + ":" + value)) }
	prop("BEGIN", "VCALENDAR")
	prop("VERSION", "2.0")
	prop("PRODID", ICSProdID)
	prop("CALSCALE", "GREGORIAN")
	prop("METHOD", "PUBLISH")
	prop("X-WR-CALNAME", icsText(r.Plan.Name+" — deadlines"))
	prop("X-WR-CALDESC", icsText(fmt.Sprintf("The deadlines of the %s, as of %s.", r.Plan.Name, r.AsOf.UK())))
	for _, p := range r.Priorities {
		for _, a := range p.Actions {
			if a.Deadline.Ongoing || a.Deadline.Due.IsZero() {
				continue
			}
			due := a.Deadline.Due
			prop("BEGIN", "VEVENT")
			prop("UID", UID(r.Plan, a.Ref))
			prop("DTSTAMP", dtstamp)
			if !a.UpdatedAt.IsZero() {
				prop("LAST-MODIFIED", a.UpdatedAt.UTC().Format("20060102T150405Z"))
			}
			prop("SEQUENCE", strconv.Itoa(a.Moves))
			prop("DTSTART;VALUE=DATE", icsDate(due))
			prop("DTEND;VALUE=DATE", icsDate(due.AddDays(1)))
			summary := a.Ref + " " + clip(oneLine(a.Text), 90)
			if a.IsDone() {
				summary += " (done)"
			}
			prop("SUMMARY", icsText(summary))
			prop("DESCRIPTION", icsText(eventDescription(r, p, a)))
			prop("CATEGORIES", icsText(fmt.Sprintf("Priority %d – %s", p.Number(), p.Priority.Title)))
			prop("STATUS", "CONFIRMED")
			prop("TRANSP", "TRANSPARENT")
			prop("END", "VEVENT")
		}
	}
	prop("END", "VCALENDAR")
	if err := b.Flush(); err != nil {
		return fmt.Errorf("write calendar: %w", err)
	}
	return nil
}

func eventDescription(r *Report, p *Priority, a ActionRow) string {
	lines := []string{
		oneLine(a.Text),
		"",
		fmt.Sprintf("Priority %d: %s", p.Number(), p.Priority.Title),
		"Lead: " + orDash(a.Lead),
	}
	if a.Partners != "" {
		lines = append(lines, "Partners: "+a.Partners)
	}
	lines = append(lines, "Deadline: "+a.DeadlineText())
	lines = append(lines,
		fmt.Sprintf("Status: %s, %d%% done", a.StatusText(), a.Progress),
		fmt.Sprintf("RAG as of %s: %s", r.AsOf.UK(), a.RAGText()),
		"",
		r.Plan.Name+". In Slack: /action "+a.Ref,
	)
	return strings.Join(lines, "\n")
}

func icsDate(d actionbot.Date) string { return strings.ReplaceAll(d.String(), "-", "") }

// icsText escapes a TEXT value (RFC 5545 §3.3.11): backslash, semicolon,
// comma and line breaks are escaped; other control characters, which a
// TEXT value may not hold, are dropped.
func icsText(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\\':
			b.WriteString(`\\`)
		case r == ';':
			b.WriteString(`\;`)
		case r == ',':
			b.WriteString(`\,`)
		case r == '\n' || r == '\r':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteRune(r)
		case r < 0x20 || r == 0x7f:
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// foldLine ends a content line with CRLF, folding it (RFC 5545 §3.1) so that
// no line is longer than 75 octets: continuation lines start with a space,
// and a UTF-8 character is never split.
func foldLine(line string) string {
	const limit = 75
	var b strings.Builder
	first := true
	for {
		max := limit
		if !first {
			max-- // the leading space counts
		}
		if len(line) <= max {
			if !first {
				b.WriteByte(' ')
			}
			b.WriteString(line)
			b.WriteString("\r\n")
			return b.String()
		}
		cut := max
		for cut > 0 && !utf8.RuneStart(line[cut]) {
			cut--
		}
		if !first {
			b.WriteByte(' ')
		}
		b.WriteString(line[:cut])
		b.WriteString("\r\n")
		line = line[cut:]
		first = false
	}
}

// clip shortens s to at most n characters, with an ellipsis, cutting
// between words when a word boundary is near.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	cut := n - 1
	for i := cut; i > cut-20 && i > 0; i-- {
		if r[i] == ' ' {
			cut = i
			break
		}
	}
	return strings.TrimRight(string(r[:cut]), " ,;:.-–—") + "…"
}
