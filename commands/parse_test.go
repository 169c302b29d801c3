package commands_test

import (
	"strings"
	"testing"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/commands"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		check func(t *testing.T, c *commands.Command)
	}{
		{"empty is help", "", verbIs(actionbot.VerbHelp)},
		{"help", "help", verbIs(actionbot.VerbHelp)},
		{"help one verb", "HELP Done", func(t *testing.T, c *commands.Command) {
			expect(t, c.Verb == actionbot.VerbHelp && c.Text == "done", c)
		}},
		{"help alias", "help complete", func(t *testing.T, c *commands.Command) { expect(t, c.Text == "done", c) }},
		{"card", "5.2", func(t *testing.T, c *commands.Command) { expect(t, c.Verb == actionbot.VerbShow && c.Ref == "5.2", c) }},
		{"card with hash", "#5.2", func(t *testing.T, c *commands.Command) { expect(t, c.Ref == "5.2", c) }},
		{"card with full stop", "5.2.", func(t *testing.T, c *commands.Command) { expect(t, c.Ref == "5.2", c) }},
		{"shared card", "share 5.2", func(t *testing.T, c *commands.Command) { expect(t, c.Share && c.Verb == actionbot.VerbShow, c) }},
		{"card then share", "5.2 share", func(t *testing.T, c *commands.Command) { expect(t, c.Share && c.Verb == actionbot.VerbShow, c) }},
		{"done", "5.2 done", func(t *testing.T, c *commands.Command) { expect(t, c.Verb == actionbot.VerbDone && c.Text == "", c) }},
		{"done upper case", "5.2 DONE", verbIs(actionbot.VerbDone)},
		{"done with evidence", "5.2 done 14 volunteers trained", func(t *testing.T, c *commands.Command) { expect(t, c.Text == "14 volunteers trained", c) }},
		{"verb first", "done 5.2 report filed", func(t *testing.T, c *commands.Command) {
			expect(t, c.Verb == actionbot.VerbDone && c.Ref == "5.2" && c.Text == "report filed", c)
		}},
		{"progress", "5.2 progress 60", func(t *testing.T, c *commands.Command) {
			expect(t, c.Verb == actionbot.VerbProgress && c.Progress == 60, c)
		}},
		{"progress percent with note", "5.2 progress 60% two schemes running", func(t *testing.T, c *commands.Command) {
			expect(t, c.Progress == 60 && c.Text == "two schemes running", c)
		}},
		{"progress with the sign apart is no note", "5.2 progress 61 %", func(t *testing.T, c *commands.Command) {
			expect(t, c.Progress == 61 && c.Text == "", c)
		}},
		{"progress per cent then a note", "5.2 progress 61 per cent two schemes", func(t *testing.T, c *commands.Command) {
			expect(t, c.Progress == 61 && c.Text == "two schemes", c)
		}},
		{"progress note starting pc is kept", "5.2 progress 61 pcso patrols", func(t *testing.T, c *commands.Command) {
			expect(t, c.Progress == 61 && c.Text == "pcso patrols", c)
		}},
		{"bare percentage", "5.2 75%", func(t *testing.T, c *commands.Command) {
			expect(t, c.Verb == actionbot.VerbProgress && c.Progress == 75, c)
		}},
		{"progress 0", "5.2 progress 0", func(t *testing.T, c *commands.Command) { expect(t, c.Progress == 0, c) }},
		{"progress 100", "5.2 progress 100", func(t *testing.T, c *commands.Command) { expect(t, c.Progress == 100, c) }},
		{"note keeps spacing inside", "5.2 note  DVLA   contacted ", func(t *testing.T, c *commands.Command) { expect(t, c.Text == "DVLA   contacted", c) }},
		{"blocked", "5.2 blocked waiting for vetting", func(t *testing.T, c *commands.Command) {
			expect(t, c.Verb == actionbot.VerbBlocked && c.Text == "waiting for vetting", c)
		}},
		{"unblock", "5.2 unblock", verbIs(actionbot.VerbUnblock)},
		{"unblock with note", "5.2 unblock vetting done", func(t *testing.T, c *commands.Command) { expect(t, c.Text == "vetting done", c) }},
		{"at-risk", "5.2 at-risk venue lost", func(t *testing.T, c *commands.Command) {
			expect(t, c.Verb == actionbot.VerbAtRisk && c.Text == "venue lost", c)
		}},
		{"at risk in two words", "5.2 at risk venue lost", func(t *testing.T, c *commands.Command) {
			expect(t, c.Verb == actionbot.VerbAtRisk && c.Text == "venue lost", c)
		}},
		{"reopen", "5.2 reopen second round", func(t *testing.T, c *commands.Command) {
			expect(t, c.Verb == actionbot.VerbReopen && c.Text == "second round", c)
		}},
		{"due month year", "5.2 due June 2013 recruitment late", func(t *testing.T, c *commands.Command) {
			expect(t, c.Verb == actionbot.VerbDue && c.Deadline.Due == actionbot.D(2013, 6, 30) && c.Deadline.Written == "June 2013" && c.Text == "recruitment late", c)
		}},
		{"due iso", "5.2 due 2013-06-30 recruitment late", func(t *testing.T, c *commands.Command) {
			expect(t, c.Deadline.Due == actionbot.D(2013, 6, 30) && c.Text == "recruitment late", c)
		}},
		{"due uk", "5.2 due 30/06/2013 because", func(t *testing.T, c *commands.Command) { expect(t, c.Deadline.Due == actionbot.D(2013, 6, 30), c) }},
		{"due day month year", "5.2 due 30 June 2013 because", func(t *testing.T, c *commands.Command) {
			expect(t, c.Deadline.Due == actionbot.D(2013, 6, 30) && c.Text == "because", c)
		}},
		{"due ongoing", "5.2 due ongoing rolling programme", func(t *testing.T, c *commands.Command) {
			expect(t, c.Deadline.Ongoing && c.Text == "rolling programme", c)
		}},
		{"snooze default", "5.2 snooze", func(t *testing.T, c *commands.Command) { expect(t, c.Verb == actionbot.VerbSnooze && c.Days == 7, c) }},
		{"snooze days", "5.2 snooze 14 days", func(t *testing.T, c *commands.Command) { expect(t, c.Days == 14, c) }},
		{"history", "5.2 history", verbIs(actionbot.VerbHistory)},
		{"history verb first", "history 5.2", func(t *testing.T, c *commands.Command) {
			expect(t, c.Verb == actionbot.VerbHistory && c.Ref == "5.2", c)
		}},
		{"mine", "mine", verbIs(actionbot.VerbMine)},
		{"list", "list", verbIs(actionbot.VerbList)},
		{"list filters combine", "list priority 3 agency KCC overdue blocked", func(t *testing.T, c *commands.Command) {
			f := c.Filter
			expect(t, f.Priority == 3 && f.Agency == "KCC" && f.Overdue && f.Blocked, c)
		}},
		{"list agency with a long name", "list agency Kent Fire & Rescue Service due 30", func(t *testing.T, c *commands.Command) {
			expect(t, c.Filter.Agency == "Kent Fire & Rescue Service" && c.Filter.DueDays == 30, c)
		}},
		{"list due default window", "list due", func(t *testing.T, c *commands.Command) { expect(t, c.Filter.DueDays == 14, c) }},
		{"list open ongoing stale done", "list ongoing stale", func(t *testing.T, c *commands.Command) { expect(t, c.Filter.Ongoing && c.Filter.Stale, c) }},
		{"list done", "list done priority 2", func(t *testing.T, c *commands.Command) { expect(t, c.Filter.Done && c.Filter.Priority == 2, c) }},
		{"list at risk", "list at risk", func(t *testing.T, c *commands.Command) { expect(t, c.Filter.AtRisk, c) }},
		{"list number is priority", "list 3", func(t *testing.T, c *commands.Command) { expect(t, c.Filter.Priority == 3, c) }},
		{"list page", "list overdue page 2", func(t *testing.T, c *commands.Command) { expect(t, c.Filter.Overdue && c.Filter.Page == 2, c) }},
		{"list agency page", "list agency Kent Police page 3", func(t *testing.T, c *commands.Command) {
			expect(t, c.Filter.Agency == "Kent Police" && c.Filter.Page == 3, c)
		}},
		{"list agency led", "list agency KCC led overdue", func(t *testing.T, c *commands.Command) {
			expect(t, c.Filter.Agency == "KCC" && c.Filter.Led && c.Filter.Overdue, c)
		}},
		{"the next page keeps the filters", "list priority 3 agency kent police partner overdue due 30 stale page 2", func(t *testing.T, c *commands.Command) {
			expect(t, c.Filter.String() == "priority 3 agency kent police partner overdue due 30 stale", c)
		}},
		{"mine page", "mine page 2", func(t *testing.T, c *commands.Command) {
			expect(t, c.Verb == actionbot.VerbMine && c.Filter.Page == 2, c)
		}},
		{"overdue shortcut", "overdue", func(t *testing.T, c *commands.Command) {
			expect(t, c.Verb == actionbot.VerbList && c.Filter.Overdue, c)
		}},
		{"due shortcut", "due 30", func(t *testing.T, c *commands.Command) {
			expect(t, c.Verb == actionbot.VerbList && c.Filter.DueDays == 30, c)
		}},
		{"find", "find speedwatch volunteers", func(t *testing.T, c *commands.Command) {
			expect(t, c.Verb == actionbot.VerbFind && c.Text == "speedwatch volunteers", c)
		}},
		{"agencies", "agencies", verbIs(actionbot.VerbAgencies)},
		{"whoami", "whoami", verbIs(actionbot.VerbWhoami)},
		{"report", "report", func(t *testing.T, c *commands.Command) {
			expect(t, c.Verb == actionbot.VerbReport && c.Priority == 0, c)
		}},
		{"report priority", "report priority 6", func(t *testing.T, c *commands.Command) { expect(t, c.Priority == 6, c) }},
		{"measure as of a date", "measure 3 1 -2.5 as of 2013-03-31 police figures", func(t *testing.T, c *commands.Command) {
			expect(t, c.Measure.Value == "-2.5" && c.Measure.AsOf == actionbot.D(2013, 3, 31) && c.Text == "police figures", c)
		}},
		{"measure with percent written apart", "measure 3 2 fell 2.3 percent as of 2013-02-28 Kent Police", func(t *testing.T, c *commands.Command) {
			expect(t, c.Measure.Value == "fell 2.3%" && c.Measure.AsOf == actionbot.D(2013, 2, 28) && c.Text == "Kent Police", c)
		}},
		{"measure with per cent", "measure 3 2 -2.3 per cent", func(t *testing.T, c *commands.Command) {
			expect(t, c.Measure.Value == "-2.3%" && c.Text == "", c)
		}},
		{"measure as of a written date", "measure 3 1 fell 2.5% as of 31 March 2013", func(t *testing.T, c *commands.Command) {
			expect(t, c.Measure.Value == "fell 2.5%" && c.Measure.AsOf == actionbot.D(2013, 3, 31) && c.Text == "", c)
		}},
		{"measure", "measure 3 1 2.5 police figures", func(t *testing.T, c *commands.Command) {
			expect(t, c.Measure != nil && c.Measure.Priority == 3 && c.Measure.N == 1 && c.Measure.Value == "2.5" && c.Text == "police figures", c)
		}},
		{"admin member add mention", "admin member add @U123ABC CSU", func(t *testing.T, c *commands.Command) {
			expect(t, c.Admin.Op == commands.AdminMemberAdd && c.Admin.User == "U123ABC" && c.Admin.Agency == "CSU", c)
		}},
		{"admin member remove bare id", "admin member remove U123ABC csu", func(t *testing.T, c *commands.Command) {
			expect(t, c.Admin.Op == commands.AdminMemberRemove && c.Admin.User == "U123ABC", c)
		}},
		{"admin coordinator add", "admin coordinator add @W42", func(t *testing.T, c *commands.Command) {
			expect(t, c.Admin.Op == commands.AdminCoordinatorAdd && c.Admin.User == "W42", c)
		}},
		{"admin channel", "admin channel 5 #C0SPEED", func(t *testing.T, c *commands.Command) {
			expect(t, c.Admin.Op == commands.AdminChannel && c.Admin.Priority == 5 && c.Admin.Channel == "C0SPEED", c)
		}},
		{"admin channel none", "admin channel 5 none", func(t *testing.T, c *commands.Command) { expect(t, c.Admin.Channel == "", c) }},
		{"admin failed", "admin failed", func(t *testing.T, c *commands.Command) {
			expect(t, c.Admin.Op == commands.AdminFailed && !c.Mutates(), c)
		}},
		{"admin retry", "admin retry #12", func(t *testing.T, c *commands.Command) { expect(t, c.Admin.ID == 12 && c.Mutates(), c) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := commands.Parse(tc.in)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tc.in, err)
			}
			tc.check(t, c)
		})
	}
}

func verbIs(v actionbot.Verb) func(*testing.T, *commands.Command) {
	return func(t *testing.T, c *commands.Command) { expect(t, c.Verb == v, c) }
}

func expect(t *testing.T, ok bool, c *commands.Command) {
	t.Helper()
	if !ok {
		t.Fatalf("parsed %+v (filter %+v, admin %+v)", c, c.Filter, c.Admin)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string // part of the message
	}{
		{"unknown verb suggests", "lsit", "Did you mean `list`"},
		{"unknown action verb suggests", "5.2 dne", "Did you mean `done`"},
		{"unknown verb before id", "dne 5.2", "`done`"},
		{"unknown verb nothing near", "xyzzyplugh", "Type `/action help`"},
		{"not a ref", "5,2", "not an action number"},
		{"progress missing", "5.2 progress", "How far along"},
		{"progress not a number", "5.2 progress lots", `"lots" is not a percentage`},
		{"progress too high", "5.2 progress 140", "from 0 to 100; 140"},
		{"progress negative", "5.2 progress -5", "from 0 to 100; -5"},
		{"bare percentage too high", "5.2 101%", "from 0 to 100"},
		{"note empty", "5.2 note", "What is the note"},
		{"blocked no reason", "5.2 blocked", "reason"},
		{"at risk no reason", "5.2 at-risk", "reason"},
		{"reopen no reason", "5.2 reopen", "reason"},
		{"due nothing", "5.2 due", "When is it due now"},
		{"due no reason", "5.2 due June 2013", "needs a reason"},
		{"due bad date", "5.2 due Smarch 2013 because", "couldn't read"},
		{"due impossible date", "5.2 due 31/06/2013 because", "couldn't read"},
		{"snooze silly", "5.2 snooze forever", "how many days"},
		{"snooze too long", "5.2 snooze 400", "A snooze is from 1 to 90 days, not 400"},
		{"snooze nothing", "5.2 snooze 0", "from 1 to 90 days, not 0"},
		{"show with junk", "5.2 show please", "takes nothing after it"},
		{"history with junk", "5.2 history please", "takes a date to show the action as it stood then"},
		{"done without id", "done", "Which action"},
		{"history without id", "history", "Whose history"},
		{"help unknown", "help frobnicate", "I don't know"},
		{"list unknown filter", "list overdoo", "Did you mean `overdue`"},
		{"list page without a number", "list page x", "Which page?"},
		{"mine page without a number", "mine page", "Which page?"},
		{"led without an agency", "list led", "narrow an agency's list"},
		{"led and partner", "list agency CSU led partner", "not both"},
		{"list priority missing", "list priority", "Which priority"},
		{"list agency missing", "list agency", "Which agency"},
		{"list due out of range", "list due 999", "1 to 366"},
		{"list done and overdue", "list done overdue", "cannot be combined"},
		{"find nothing", "find", "Find what"},
		{"report junk", "report everything", "optional priority"},
		{"measure short", "measure 3", "Record a success measure"},
		{"measure as of no date", "measure 3 1 2.5 as of soon", `"soon" is not a date`},
		{"measure as of nothing", "measure 3 1 2.5 as of", "As of which date?"},
		{"mine junk", "mine all", "takes nothing after it"},
		{"admin nothing", "admin", "Coordinator commands"},
		{"admin member no user", "admin member add", "Who?"},
		{"admin member bad user", "admin member add jo CSU", "not a person"},
		{"admin member bad user with @", "admin member add @jo CSU", "not a person: mention them with @, or give their Slack member ID"},
		{"admin member no agency", "admin member add @U1", "Which agency"},
		{"admin coordinator bad user", "admin coordinator add #general", "not a person"},
		{"admin channel bad", "admin channel 5 general", "not a channel"},
		{"admin channel no priority", "admin channel x #c", "admin channel <priority>"},
		{"admin retry bad", "admin retry x", "admin retry <id>"},
		{"admin unknown", "admin membr add @U1 CSU", "Did you mean `member`"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := commands.Parse(tc.in)
			if err == nil {
				t.Fatalf("Parse(%q) = %+v, want an error", tc.in, c)
			}
			if code := actionbot.ErrorCode(err); code != actionbot.EINVALID {
				t.Fatalf("code %q, want %q", code, actionbot.EINVALID)
			}
			if msg := actionbot.ErrorMessage(err); !strings.Contains(msg, tc.want) {
				t.Fatalf("message %q does not contain %q", msg, tc.want)
			}
		})
	}
}

func TestMutates(t *testing.T) {
	for in, want := range map[string]bool{
		"5.2": false, "5.2 history": false, "mine": false, "list overdue": false, "report": false, "help": false,
		"5.2 done": true, "5.2 note x": true, "5.2 snooze": true, "measure 3 1 2": true, "admin member add @U1 CSU": true,
	} {
		c, err := commands.Parse(in)
		if err != nil {
			t.Fatalf("%q: %v", in, err)
		}
		if c.Mutates() != want {
			t.Errorf("%q: Mutates() = %v, want %v", in, c.Mutates(), want)
		}
	}
}

func TestParseMentions(t *testing.T) {
	// A bare ID, typed as a mention or not, is taken wherever a mention is
	// (the console has no @-completion). Slack's own mention syntax is not:
	// the Slack adapter turns it into this form (bot.PlainText).
	users := map[string]string{"U123": "U123", "@UOUT": "UOUT", "@W9": "W9", " @U123 ": "U123"}
	for in, want := range users {
		if got, ok := commands.ParseUser(in); !ok || got != want {
			t.Errorf("ParseUser(%q) = %q, %v", in, got, ok)
		}
	}
	for _, bad := range []string{"@jo", "u123", "@u123", "<#C1>", "", "U12 3", "<@>", "@", "@@U1", "#C1", "<@U123|jo>", "<@U123>", "&lt;@W9&gt;"} {
		if got, ok := commands.ParseUser(bad); ok {
			t.Errorf("ParseUser(%q) = %q, want not ok", bad, got)
		}
	}
	chans := map[string]string{"C123": "C123", "G1": "G1", "#CTASK": "CTASK", "#G1": "G1"}
	for in, want := range chans {
		if got, ok := commands.ParseChannel(in); !ok || got != want {
			t.Errorf("ParseChannel(%q) = %q, %v", in, got, ok)
		}
	}
	for _, bad := range []string{"#general", "<#C123|general>", "<#C123>"} {
		if got, ok := commands.ParseChannel(bad); ok {
			t.Errorf("ParseChannel(%q) = %q, want not ok", bad, got)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"", "5.2", "5.2 done", "5.2 progress 60% note", "5.2 due June 2013 x", "list priority 3 agency KCC overdue",
		"admin member add <@U1|a> CSU", "due 30", "5.2 at risk x", "share report priority 2", "measure 3 1 2.5", "#5.2.", "&lt;@U1&gt;",
		"5.2 note \u202eevil\u202c", "\x00", "5.2 due 30 June 2013", "list agency"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := commands.Parse(s)
		if err != nil {
			if actionbot.ErrorCode(err) != actionbot.EINVALID || actionbot.ErrorMessage(err) == "" {
				t.Fatalf("Parse(%q): error %v is not a friendly EINVALID", s, err)
			}
			return
		}
		if c.Verb == "" {
			t.Fatalf("Parse(%q) gave no verb", s)
		}
		if c.Progress < 0 || c.Progress > 100 {
			t.Fatalf("Parse(%q) accepted progress %d", s, c.Progress)
		}
	})
}
