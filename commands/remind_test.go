package commands_test

import (
	"strings"
	"testing"

	"github.com/sevenoaks-csp/actionbot/store"
)

// TestRemindMode: a person chooses how often reminders come; it is audited.
func TestRemindMode(t *testing.T) {
	f := mustFixture(t)
	tests := []struct {
		text, want string
		mode       string
	}{
		{"remind weekly", "Your reminders now come weekly", store.RemindWeekly},
		{"remind weekly", "already weekly", store.RemindWeekly},
		{"remind daily", "Your reminders now come daily", store.RemindDaily},
		{"remind fortnightly", "How often?", store.RemindDaily},
		{"remind", "How often?", store.RemindDaily},
	}
	for _, tc := range tests {
		got := plain(f.run(csuUser, tc.text))
		if !strings.Contains(got, tc.want) {
			t.Errorf("/action %s: %q, want %q", tc.text, got, tc.want)
		}
		if mode, err := f.db.ReminderMode(ctx, csuUser); err != nil || mode != tc.mode {
			t.Errorf("after /action %s the mode is %q (%v), want %q", tc.text, mode, err, tc.mode)
		}
	}
	log, err := f.db.AdminLog(ctx)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range log {
		if e.What == "remind mode" && e.Subject == csuUser && e.Actor == csuUser {
			n++
		}
	}
	if n != 2 {
		t.Errorf("%d changes of reminder mode audited, want 2: %+v", n, log)
	}
}

// TestDueConfirm: a coordinator confirms a deadline before the plan year;
// nobody else can, and a deadline inside it has nothing to confirm.
func TestDueConfirm(t *testing.T) {
	f := mustFixture(t)
	tests := []struct {
		user, text, want string
		confirmed        bool
	}{
		{csuUser, "5.2 due confirm", "Only a coordinator can confirm", false},
		{coord, "3.2 due confirm", "not before the plan year", false},
		{csuUser, "5.6 due confirm", "not before the plan year (from 1 Apr 2012): there is nothing to confirm", false}, // said to anyone, before who may
		{coord, "5.2 due confirm", "5.2's deadline, March 2012 (31 Mar 2012), is confirmed", true},
		{coord, "5.2 due confirm", "already confirmed", true},
	}
	for _, tc := range tests {
		got := plain(f.run(tc.user, tc.text))
		if !strings.Contains(got, tc.want) {
			t.Errorf("%s: /action %s: %q, want %q", tc.user, tc.text, got, tc.want)
		}
		c, err := f.db.ConfirmedDeadlines(ctx, f.plan.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got := len(c[f.action(t, "5.2").ID]) > 0; got != tc.confirmed {
			t.Errorf("after %s: confirmed %v, want %v", tc.text, got, tc.confirmed)
		}
	}
	h, err := f.db.History(ctx, f.plan.ID, "5.2", 0)
	if err != nil || len(h) != 1 || h[0].Actor != coord || !strings.Contains(h[0].Note, "confirmed, although it falls before the plan year") {
		t.Errorf("history of 5.2: %+v, %v; want the confirmation", h, err)
	}
	if got := plain(f.run(coord, "5.2 due confirmed")); !strings.Contains(got, "couldn't read") {
		t.Errorf("a misspelt confirm is read as a deadline and refused: %q", got)
	}
}

// TestHomeConfirmOrMove: a coordinator's App Home lists the deadlines
// before the plan year to confirm or move, until they are.
func TestHomeConfirmOrMove(t *testing.T) {
	f := mustFixture(t)
	home := func(user string) string {
		t.Helper()
		m, err := f.h.Home(ctx, user)
		if err != nil {
			t.Fatal(err)
		}
		return plain(m)
	}
	got := home(coord)
	for _, want := range []string{"Deadline before the plan year: confirm or move it (6)", "5.2 Promote Speedwatch", "/action 5.2 due confirm", "7.6 ", "2.3 "} {
		if !strings.Contains(got, want) {
			t.Errorf("the coordinator's Home lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(home(csuUser), "confirm or move") {
		t.Errorf("a member's Home lists the deadlines to confirm")
	}
	f.run(coord, "5.2 due confirm")
	f.run(coord, "7.6 due March 2013 moved into the year")
	if got := home(coord); !strings.Contains(got, "confirm or move it (4)") || strings.Contains(got, "/action 5.2 due confirm") {
		t.Errorf("after confirming 5.2 and moving 7.6:\n%s", got)
	}
}

func TestRemindHelp(t *testing.T) {
	f := mustFixture(t)
	if got := plain(f.run(csuUser, "help remind")); !strings.Contains(got, "/action remind weekly|daily") || !strings.Contains(got, "week's first working day") {
		t.Errorf("help remind: %q", got)
	}
	if got := plain(f.run(csuUser, "help due")); !strings.Contains(got, "/action 5.2 due confirm") {
		t.Errorf("help due: %q", got)
	}
}
