package commands_test

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/commands"
	"github.com/sevenoaks-csp/actionbot/store/storetest"
)

// homeGroups reads a Home message back: each group's title (without its
// count) with the references listed under it, in order, and its count.
type homeGroup struct {
	count int
	refs  []string
	more  string // the "…and N more" line, if any
}

var homeTitle = regexp.MustCompile(`^(.+) \((\d+)\)$`)

func homeGroupsOf(msg actionbot.Message) map[string]*homeGroup {
	groups := map[string]*homeGroup{}
	var cur *homeGroup
	for _, b := range msg.Blocks {
		switch {
		case b.Kind == actionbot.BlockSection && len(b.Text) == 1 && b.Text[0].Style == actionbot.Bold && homeTitle.MatchString(b.Text[0].Text):
			m := homeTitle.FindStringSubmatch(b.Text[0].Text)
			n, _ := strconv.Atoi(m[2])
			cur = &homeGroup{count: n}
			groups[m[1]] = cur
		case b.Kind == actionbot.BlockSection && cur != nil && len(b.Fields) == 0:
			// Item lines: the first bold span of each line is its reference.
			line := true
			for _, s := range b.Text {
				if s.Text == "\n" {
					line = true
					continue
				}
				if line && s.Style == actionbot.Bold {
					cur.refs = append(cur.refs, s.Text)
					line = false
				}
			}
		case b.Kind == actionbot.BlockContext && cur != nil && strings.HasPrefix(b.Text.Plain(), "…and"):
			cur.more = b.Text.Plain()
		case b.Kind == actionbot.BlockDivider:
			cur = nil
		}
	}
	return groups
}

func homePlain(msg actionbot.Message) string {
	var b strings.Builder
	for _, bl := range msg.Blocks {
		b.WriteString(bl.Text.Plain() + "\n")
		for _, f := range bl.Fields {
			b.WriteString(f.Label + ": " + f.Value.Plain() + "\n")
		}
	}
	return b.String()
}

func TestHome(t *testing.T) {
	june20 := time.Date(2012, time.June, 20, 9, 0, 0, 0, storetest.London)
	july5 := time.Date(2012, time.July, 5, 9, 0, 0, 0, storetest.London)
	type change struct{ user, text string }
	tests := []struct {
		name    string
		user    string
		at      time.Time
		changes []change // made through the handler before looking
		groups  map[string][]string
		more    map[string]string
		want    []string
		absent  []string
	}{
		{
			name: "a KFRS member before 5.4 is due", user: "UKFRS1", at: june20,
			groups: map[string][]string{"Overdue": nil, "Due in the next 14 days": {"5.4"}, "Open": {"5.1"}},
			want: []string{"You are registered with Kent Fire & Rescue Service (KFRS).", "Actions KFRS leads — 2",
				"KFRS also partners on 12 actions: /action mine lists them.", "Nothing overdue. 🎉"},
			absent: []string{"coordinator:"},
		},
		{
			name: "a KFRS member once 5.4 is late and 5.1 done", user: "UKFRS1", at: july5,
			changes: []change{{"UKFRS1", "5.1 done four crash sites targeted"}},
			groups:  map[string][]string{"Overdue": {"5.4"}, "Due in the next 14 days": nil, "Done": {"5.1"}},
			want:    []string{"5 days overdue", "Done: 1"},
			absent:  []string{"Open ("},
		},
		{
			name: "a CSU member: long groups are cut with the command that lists them", user: "UCSU1", at: june20,
			groups: map[string][]string{"Overdue": {"3.4", "5.2", "6.2", "4.6"}, "Due in the next 14 days": {"1.7"},
				"Open": {"1.1", "1.4", "1.5", "1.6", "3.1", "3.2", "3.3", "4.1", "4.3", "4.5"}},
			more: map[string]string{"Open": "…and 4 more: /action list agency CSU led open lists all 19 open, the overdue and due ones too"},
			want: []string{"Actions CSU leads — 19", "CSU also partners on 13 actions"},
		},
		{
			name: "a coordinator with no agency sees what needs chasing", user: "UCOORD1", at: june20,
			groups: map[string][]string{
				"Overdue":                 {"2.3", "7.6", "1.3", "3.4", "5.2", "6.2", "4.2", "4.6", "6.1", "7.2"},
				"Due in the next 14 days": {"1.7", "2.4", "5.4", "6.4", "6.5", "7.4", "7.5"},
			},
			want: []string{"You are a coordinator", "Needing attention across the plan", "You are not registered with an agency yet"},
		},
		{
			name: "someone registered nowhere", user: "USTRANGE1", at: june20,
			groups: map[string][]string{},
			want:   []string{"You are not registered with an agency yet", "Ask a coordinator (@UCOORD1) to add you: /action admin member add @you AGENCY."},
			absent: []string{"Needing attention"},
		},
		{
			name: "the headline follows changes", user: "UCSU1", at: june20,
			changes: []change{{"UCSU1", "5.2 done"}, {"UCSU1", "1.7 blocked no contractor"}, {"UCSU1", "3.1 at-risk budget"}},
			groups: map[string][]string{"Overdue": {"3.4", "6.2", "4.6"}, "Due in the next 14 days": {"1.7"}, "Done": {"5.2"},
				"Open": {"1.1", "1.4", "1.5", "1.6", "3.1", "3.2", "3.3", "4.1", "4.3", "4.5"}},
			more: map[string]string{"Open": "…and 4 more: /action list agency CSU led open lists all 18 open, the overdue and due ones too"},
			want: []string{"Overdue: 9", "Due in 14 days: 7", "Blocked / at risk: 1 / 1", "Done: 1"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			clock := storetest.NewClock(tc.at)
			db := storetest.MustOpen(t, clock)
			db.ConfiguredCoordinators = []string{"UCOORD1"} // coordinators by the wiring's word
			for _, m := range []struct{ user, agency string }{{"UCSU1", "CSU"}, {"UKFRS1", "KFRS"}} {
				if err := db.AddMember(ctx, m.user, m.agency, "UCOORD1"); err != nil {
					t.Fatal(err)
				}
			}
			h := &commands.Handler{Store: db, Now: clock.Now, Location: storetest.London}
			for _, c := range tc.changes {
				if msg, err := h.Do(ctx, commands.Request{UserID: c.user, Text: c.text}, homeMustParse(t, c.text)); err != nil {
					t.Fatalf("%s: %v (%s)", c.text, err, msg.Text)
				}
			}
			msg, err := h.Home(ctx, tc.user)
			if err != nil {
				t.Fatal(err)
			}
			groups := homeGroupsOf(msg)
			if len(groups) != len(tc.groups) {
				t.Errorf("groups %v; want %v", homeKeys(groups), tc.groups)
			}
			for title, refs := range tc.groups {
				g := groups[title]
				if g == nil {
					t.Errorf("no group %q", title)
					continue
				}
				if fmt.Sprint(g.refs) != fmt.Sprint(refs) && !(len(refs) == 0 && len(g.refs) == 0) {
					t.Errorf("%s: %v; want %v", title, g.refs, refs)
				}
				if tc.more[title] == "" && g.count != len(refs) {
					t.Errorf("%s counts %d; lists %d", title, g.count, len(refs))
				}
				if g.more != tc.more[title] {
					t.Errorf("%s: more %q; want %q", title, g.more, tc.more[title])
				}
			}
			text := homePlain(msg)
			for _, w := range tc.want {
				if !strings.Contains(text, w) {
					t.Errorf("Home lacks %q:\n%s", w, text)
				}
			}
			for _, w := range tc.absent {
				if strings.Contains(text, w) {
					t.Errorf("Home has %q:\n%s", w, text)
				}
			}
			homeCheckHeadline(t, msg)
		})
	}
}

// homeCheckHeadline checks the partnership's figures agree with each other:
// the on-target share is complete plus green, out of every action, and
// every overdue action is red.
func homeCheckHeadline(t *testing.T, msg actionbot.Message) {
	t.Helper()
	var fields map[string]string
	for _, b := range msg.Blocks {
		if len(b.Fields) > 0 {
			fields = map[string]string{}
			for _, f := range b.Fields {
				fields[f.Label] = f.Value.Plain()
			}
		}
	}
	if fields == nil {
		t.Fatal("no headline figures")
	}
	var total, red, amber, green, complete, onTarget, pct, of, overdue int
	if _, err := fmt.Sscanf(fields["Actions"], "%d — 🔴 %d  🟠 %d  🟢 %d  🔵 %d", &total, &red, &amber, &green, &complete); err != nil {
		t.Fatalf("Actions %q: %v", fields["Actions"], err)
	}
	if _, err := fmt.Sscanf(fields["On target"], "%d%% (%d of %d complete or green)", &pct, &onTarget, &of); err != nil {
		t.Fatalf("On target %q: %v", fields["On target"], err)
	}
	fmt.Sscanf(fields["Overdue"], "%d", &overdue)
	if total != 42 || red+amber+green+complete != total || onTarget != green+complete || of != total ||
		pct != (100*onTarget+total/2)/total || red < overdue {
		t.Errorf("headline figures disagree: %v", fields)
	}
}

func homeMustParse(t *testing.T, text string) *commands.Command {
	t.Helper()
	c, err := commands.Parse(text)
	if err != nil {
		t.Fatalf("parse %q: %v", text, err)
	}
	return c
}

func homeKeys(m map[string]*homeGroup) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestCheckText(t *testing.T) {
	h := &commands.Handler{Now: func() time.Time { return time.Date(2012, 6, 20, 9, 0, 0, 0, time.UTC) }}
	tests := []struct {
		name, text, want string
	}{
		{"plain note", "two schemes running, DVLA data requested", ""},
		{"an e-mail address", "ask jo.bloggs@example.org", "an e-mail address"},
		{"a date of birth", "client born 03/04/1961", "a date of birth"},
		{"too long", strings.Repeat("a", actionbot.MaxNoteLength+1), "the limit is 2000"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := h.CheckText(tc.text)
			if tc.want == "" {
				if err != nil {
					t.Errorf("CheckText = %v", err)
				}
				return
			}
			if err == nil || actionbot.ErrorCode(err) != actionbot.EINVALID || !strings.Contains(actionbot.ErrorMessage(err), tc.want) {
				t.Errorf("CheckText = %v; want %q", err, tc.want)
			}
		})
	}
}

func TestDoReturnsTheRefusal(t *testing.T) {
	clock := storetest.NewClock(time.Date(2012, time.June, 20, 9, 0, 0, 0, storetest.London))
	db := storetest.MustOpen(t, clock)
	h := &commands.Handler{Store: db, Now: clock.Now, Location: storetest.London}
	ctx := context.Background()
	tests := []struct {
		name, user, text, code string
	}{
		{"refused", "USTRANGE1", "5.2 done", actionbot.EUNAUTHORIZED},
		{"unknown action", "USTRANGE1", "9.9", actionbot.ENOTFOUND},
		{"a query", "USTRANGE1", "5.2", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			msg, err := h.Do(ctx, commands.Request{UserID: tc.user, Text: tc.text}, homeMustParse(t, tc.text))
			if actionbot.ErrorCode(err) != tc.code {
				t.Errorf("Do = %v; want code %q", err, tc.code)
			}
			if want := h.Handle(ctx, commands.Request{UserID: tc.user, Text: tc.text}); msg.Text != want.Text {
				t.Errorf("Do's reply %q differs from Handle's %q", msg.Text, want.Text)
			}
		})
	}
}
