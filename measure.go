package actionbot

import (
	"math"
	"regexp"
	"strconv"
	"strings"
)

// RoundPercent rounds a share to a whole percent, half up: 14.29 is 14,
// 4.76 is 5, 12.5 is 13. Every report format shows shares rounded so.
func RoundPercent(v float64) float64 {
	// The small nudge keeps a half computed as 12.4999999 a half.
	return math.Floor(v + 0.5 + 1e-9)
}

// FormatPercent formats a share for people, rounded half up to a whole
// percent: "14%" for 1 of 7, "5%" for 2 of 42, "83%" for 5 of 6.
func FormatPercent(v float64) string {
	if v != v {
		return "—"
	}
	return strconv.FormatFloat(RoundPercent(v), 'f', 0, 64) + "%"
}

// A measure's figure is stored as a change in percent in the measure's own
// direction: for a reduction measure 2.5 is a fall of 2.5% and -1 a rise of
// 1%; for an increase measure 12 is a rise of 12%. People type and read it
// as they say it: "-2.5%", "fell 2.5%", "rose 1%", "+12%".

var (
	// reFigure is a figure with an optional sign and percent sign.
	reFigure  = regexp.MustCompile(`^([+\-−–]?)\s*(\d+(?:\.\d+)?|\.\d+)\s*%?$`)
	fallWords = map[string]bool{"fell": true, "fall": true, "fallen": true, "down": true, "reduced": true, "reduction": true, "decreased": true, "decrease": true, "dropped": true, "drop": true, "lower": true}
	riseWords = map[string]bool{"rose": true, "rise": true, "risen": true, "up": true, "increased": true, "increase": true, "grew": true, "higher": true}
)

// measureExample is how a change is typed, for error messages.
const measureExample = `a change with its direction: "-2.5%" or "fell 2.5%" for a fall, "+1.5%" or "rose 1.5%" for a rise, "0" for no change`

// ParseMeasureValue reads a figure for a measure of kind k as people type
// it and returns it as stored (see above):
//   - reduction and increase measures take a change with its direction:
//     "-2.5", "-2.5%", "fell 2.5%", "down 2.5%", "2.5% fall" for a fall;
//     "+1.5", "rose 1.5%", "up 1.5%", "1.5% rise" for a rise; "0" or "no
//     change". A bare "2.5" could be either and is refused with an example;
//   - percentage measures take a rate from 0 to 100: "82", "82%";
//   - yes/no measures take yes or no.
func ParseMeasureValue(k MeasureKind, s string) (float64, error) {
	t := strings.ToLower(strings.Join(strings.Fields(s), " "))
	switch k {
	case MeasureYesNo:
		switch t {
		case "yes", "y", "met", "true", "1", "achieved":
			return 1, nil
		case "no", "n", "not", "false", "0":
			return 0, nil
		}
		return 0, Errorf(EINVALID, "This measure is met or not: record yes or no, not %q.", s)
	case MeasureOnTarget:
		return 0, Errorf(EINVALID, "This measure is worked out from the actions themselves; there is nothing to record.")
	case MeasurePercentage:
		m := reFigure.FindStringSubmatch(t)
		if m == nil {
			return 0, Errorf(EINVALID, "%q is not a rate: give a percentage from 0 to 100, for example 82%%.", s)
		}
		v, err := strconv.ParseFloat(m[2], 64)
		if err != nil || m[1] == "-" || m[1] == "−" || m[1] == "–" || v > 100 {
			return 0, Errorf(EINVALID, "This measure is a rate from 0%% to 100%%; %s is outside that.", strings.TrimSpace(s))
		}
		return v, nil
	}
	change, err := parseChange(t)
	if err != nil {
		return 0, Errorf(EINVALID, "%q is not a change I can read: give %s.", s, measureExample)
	}
	if change == nil {
		return 0, Errorf(EINVALID, "Did it fall or rise by %s? Give %s.", strings.TrimSpace(s), measureExample)
	}
	v := *change // a rise is positive
	if v > 1e6 || v < -1e6 {
		return 0, Errorf(EINVALID, "%q is not a figure: a change in percent is at most 1,000,000.", s)
	}
	if k == MeasureReduction {
		v = -v
	}
	return v + 0, nil // no negative zero
}

// parseChange reads a change typed with its direction as a signed number,
// a rise positive. It returns nil, nil for a bare number with no direction.
func parseChange(t string) (*float64, error) {
	switch t {
	case "0", "0%", "no change", "none", "unchanged", "nil":
		v := 0.0
		return &v, nil
	}
	words := strings.Fields(strings.NewReplacer("by ", "", "of ", "").Replace(t))
	sign := 0
	var num []string
	for _, w := range words {
		switch {
		case fallWords[w]:
			sign--
		case riseWords[w]:
			sign++
		default:
			num = append(num, w)
		}
	}
	if sign < -1 || sign > 1 || len(num) == 0 {
		return nil, Errorf(EINVALID, "no figure")
	}
	m := reFigure.FindStringSubmatch(strings.Join(num, ""))
	if m == nil {
		return nil, Errorf(EINVALID, "no figure")
	}
	v, err := strconv.ParseFloat(m[2], 64)
	if err != nil {
		return nil, Errorf(EINVALID, "no figure")
	}
	switch m[1] {
	case "-", "−", "–":
		if sign > 0 {
			return nil, Errorf(EINVALID, "both directions")
		}
		sign = -1
	case "+":
		if sign < 0 {
			return nil, Errorf(EINVALID, "both directions")
		}
		sign = 1
	}
	if v == 0 {
		return &v, nil
	}
	if sign == 0 {
		return nil, nil
	}
	v *= float64(sign)
	return &v, nil
}

// FormatValue formats a recorded figure as people say it: "fell 2.5%" or
// "rose 1%" for reductions and increases, "no change", "78%" for rates,
// "yes"/"no".
func (m Measure) FormatValue(v float64) string {
	num := func(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) + "%" }
	switch m.Kind {
	case MeasureYesNo:
		if v >= 1 {
			return "yes"
		}
		return "no"
	case MeasureReduction, MeasureIncrease:
		rise := v
		if m.Kind == MeasureReduction {
			rise = -v
		}
		switch {
		case rise < 0:
			return "fell " + num(-rise)
		case rise > 0:
			return "rose " + num(rise)
		}
		return "no change"
	}
	return num(v)
}
