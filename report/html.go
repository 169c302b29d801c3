package report

import (
	"bufio"
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"strconv"
	"strings"

	"github.com/sevenoaks-csp/actionbot"
)

//go:embed report.html.tmpl
var htmlSource string

//go:embed report.css
var cssSource string

var htmlTemplate = template.Must(template.New("report").Funcs(template.FuncMap{
	"pct":         func(v float64) string { return actionbot.FormatPercent(v) },
	"counts":      CountsText,
	"ontarget":    OnTargetText,
	"dash":        orDash,
	"breaks":      slashBreaks,
	"line":        oneLine,
	"red":         func(s *actionbot.PrioritySummary) int { return s.Counts[actionbot.RAGRed] },
	"amber":       func(s *actionbot.PrioritySummary) int { return s.Counts[actionbot.RAGAmber] },
	"green":       func(s *actionbot.PrioritySummary) int { return s.Counts[actionbot.RAGGreen] },
	"complete":    func(s *actionbot.PrioritySummary) int { return s.Counts[actionbot.RAGComplete] },
	"chart":       newChart,
	"trendchart":  newTrendChart,
	"notes":       NoteBlocks,
	"words":       firstWords,
	"partnership": Partnership,
	"arrow":       func(trend string) string { return Direction{Trend: trend}.Arrow() },
	"changedCount": func(cs []PriorityChanges) int {
		n := 0
		for _, c := range cs {
			n += len(c.Actions)
		}
		return n
	},
	"statuscls": func(s any) string {
		return strings.ReplaceAll(fmt.Sprint(s), " ", "-")
	},
}).Parse(htmlSource))

// slashBreaks escapes s for HTML and lets a line break after each "/", so
// that "Promotion/Volunteers" in a narrow column breaks between its words
// rather than inside one ("Promotion/Voluntee" / "rs").
func slashBreaks(s string) template.HTML {
	return template.HTML(strings.ReplaceAll(template.HTMLEscapeString(s), "/", "/<wbr>"))
}

// WriteHTML writes the report as one self-contained HTML page: inline CSS
// and SVG, no scripts, fonts, images or links to fetch, so it can be
// emailed, opened offline and printed on A4 (each priority starts a page,
// table headings repeat, colours print). RAG ratings are coloured and
// always spelt out, for readers who cannot tell the colours apart; each
// priority has a bar chart of its ratings with the on-target share against
// its target.
func WriteHTML(w io.Writer, r *Report) error {
	b := bufio.NewWriter(w)
	data := struct {
		*Report
		CSS template.CSS
	}{r, template.CSS(cssSource)}
	if err := htmlTemplate.Execute(b, data); err != nil {
		return fmt.Errorf("write html report: %w", err)
	}
	if err := b.Flush(); err != nil {
		return fmt.Errorf("write html report: %w", err)
	}
	return nil
}

// chart is the geometry of a priority's bar chart: one bar, as wide as the
// chart, split into complete, green, amber and red segments in that order,
// so that the on-target share (complete and green) runs from the left edge
// and can be read against the target line.
type chart struct {
	Width, BarY, BarH float64
	Segments          []segment
	OnTargetX         float64
	OnTargetLabel     string
	HasTarget         bool
	TargetX           float64
	TargetLabel       string
	TargetAnchor      string
	Description       string
}

type segment struct {
	X, W   float64
	Class  string
	Label  string // "G 3", shown when the segment is wide enough
	Title  string // "Green: 3 actions"
	TextX  float64
	OnDark bool
}

const chartWidth = 640

func newChart(s *actionbot.PrioritySummary) *chart {
	c := &chart{Width: chartWidth, BarY: 22, BarH: 28}
	total := s.Total()
	if total == 0 {
		return nil
	}
	x := 0.0
	for _, g := range []actionbot.RAG{actionbot.RAGComplete, actionbot.RAGGreen, actionbot.RAGAmber, actionbot.RAGRed} {
		n := s.Counts[g]
		if n == 0 {
			continue
		}
		w := chartWidth * float64(n) / float64(total)
		seg := segment{X: round1(x), W: round1(w), Class: "rag-" + string(g), Title: fmt.Sprintf("%s: %s", g.Label(), actionbot.Plural(n, "action")), TextX: round1(x + w/2), OnDark: g != actionbot.RAGAmber}
		switch {
		case w >= 90:
			seg.Label = fmt.Sprintf("%s %d", g.Label(), n)
		case w >= 30:
			seg.Label = fmt.Sprintf("%s %d", g.Label()[:1], n)
		}
		c.Segments = append(c.Segments, seg)
		x += w
	}
	c.OnTargetX = round1(chartWidth * s.OnTargetPercent() / 100)
	c.OnTargetLabel = "On target " + actionbot.FormatPercent(s.OnTargetPercent())
	c.Description = fmt.Sprintf("%s. %s.", CountsText(s), OnTargetText(s))
	if m := s.OnTargetMeasure(); m != nil && m.Target != nil {
		status, _ := s.Evaluate(*m, nil)
		c.HasTarget = true
		c.TargetX = round1(chartWidth * min(max(*m.Target, 0), 100) / 100)
		c.TargetLabel = "Target " + actionbot.FormatPercent(*m.Target)
		c.TargetAnchor = "middle"
		switch {
		case c.TargetX < 60:
			c.TargetAnchor = "start"
		case c.TargetX > chartWidth-60:
			c.TargetAnchor = "end"
		}
		c.Description += fmt.Sprintf(" Target %s: %s.", actionbot.FormatPercent(*m.Target), status)
	}
	return c
}

func round1(v float64) float64 {
	f, _ := strconv.ParseFloat(strconv.FormatFloat(v, 'f', 1, 64), 64)
	return f
}

// trendChart is a measure's small line chart: one point per quarter end
// with a figure, joined, against the target where it is a number.
type trendChart struct {
	W, H        float64
	Points      []trendDot
	Path        string
	HasTarget   bool
	TargetY     float64
	Description string
}

type trendDot struct {
	X, Y  float64
	Title string
}

// newTrendChart draws a measure's figures over time; nil when it has fewer
// than two (no trend to show).
func newTrendChart(m MeasureTrend) *trendChart {
	if !m.HasTrend() {
		return nil
	}
	const w, h, pad = 120.0, 34.0, 5.0
	c := &trendChart{W: w, H: h}
	lo, hi := 0.0, 0.0
	first := true
	var target *float64
	if t, ok := numericTarget(m); ok {
		target = &t
		lo, hi, first = t, t, false
	}
	for _, p := range m.Points {
		if !p.Has {
			continue
		}
		if first {
			lo, hi, first = p.Value, p.Value, false
		}
		lo, hi = min(lo, p.Value), max(hi, p.Value)
	}
	if hi-lo < 1 {
		hi, lo = hi+0.5, lo-0.5
	}
	y := func(v float64) float64 { return round1(h - pad - (v-lo)/(hi-lo)*(h-2*pad)) }
	step := (w - 2*pad) / float64(max(len(m.Points)-1, 1))
	var path []string
	var desc []string
	for i, p := range m.Points {
		if !p.Has {
			continue
		}
		d := trendDot{X: round1(pad + step*float64(i)), Y: y(p.Value), Title: "Q" + strconv.Itoa(p.Quarter.N) + ": " + p.Text}
		c.Points = append(c.Points, d)
		cmd := "L"
		if len(path) == 0 {
			cmd = "M"
		}
		path = append(path, fmt.Sprintf("%s%s %s", cmd, strconv.FormatFloat(d.X, 'f', -1, 64), strconv.FormatFloat(d.Y, 'f', -1, 64)))
		desc = append(desc, d.Title)
	}
	c.Path = strings.Join(path, " ")
	if target != nil {
		c.HasTarget, c.TargetY = true, y(*target)
	}
	c.Description = fmt.Sprintf("%s %s over the year: %s; target %s; %s.", m.Key, "figures", strings.Join(desc, ", "), m.Target, m.Direction)
	return c
}

// numericTarget is a measure's target as a figure in its own direction.
func numericTarget(m MeasureTrend) (float64, bool) {
	if m.TargetValue == nil {
		return 0, false
	}
	return *m.TargetValue, true
}

// firstWords is s cut to its first n words, with "…" when cut.
func firstWords(s string, n int) string {
	w := strings.Fields(s)
	if len(w) <= n {
		return strings.Join(w, " ")
	}
	return strings.TrimRight(strings.Join(w[:n], " "), ",;:.") + "…"
}
