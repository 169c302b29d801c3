package actionbot_test

import (
	"testing"

	"github.com/sevenoaks-csp/actionbot"
)

func TestWhoCanChangeAnAction(t *testing.T) {
	a := &actionbot.Action{Ref: "5.2",
		Lead:     []actionbot.Party{{Agency: "POLICE"}, {Agency: "CSU"}},
		Partners: []actionbot.Party{{Agency: "DVLA"}}}
	tests := []struct {
		name  string
		actor actionbot.Actor
		verb  actionbot.Verb
		want  bool
	}{
		{"a lead agency's member marks it done", actionbot.Actor{Agencies: []string{"CSU"}}, actionbot.VerbDone, true},
		{"a partner's member adds a note", actionbot.Actor{Agencies: []string{"DVLA"}}, actionbot.VerbNote, true},
		{"a partner's member cannot mark it done", actionbot.Actor{Agencies: []string{"DVLA"}}, actionbot.VerbDone, false},
		{"someone of another agency cannot add a note", actionbot.Actor{Agencies: []string{"KFRS"}}, actionbot.VerbNote, false},
		{"someone registered nowhere cannot", actionbot.Actor{}, actionbot.VerbProgress, false},
		{"a coordinator can", actionbot.Actor{Coordinator: true}, actionbot.VerbDone, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := actionbot.CanChange(tc.actor, a, tc.verb); got != tc.want {
				t.Errorf("CanChange(%+v, 5.2, %s) = %v, want %v", tc.actor, tc.verb, got, tc.want)
			}
		})
	}
}

func TestAllPartnersIsNotAnAgencyAnyoneCanJoin(t *testing.T) {
	if err := actionbot.CanJoin(actionbot.AllPartners); actionbot.ErrorCode(err) != actionbot.EINVALID {
		t.Errorf("CanJoin(ALL) = %v, want EINVALID", err)
	}
	if err := actionbot.CanJoin("CSU"); err != nil {
		t.Errorf("CanJoin(CSU) = %v, want nil", err)
	}
}

func TestOnlyACoordinatorMakesTheCoordinatorsChanges(t *testing.T) {
	tests := []struct {
		name  string
		actor actionbot.Actor
		want  bool
	}{
		{"a coordinator", actionbot.Actor{Coordinator: true}, true},
		{"a coordinator who is also an agency's member", actionbot.Actor{Agencies: []string{"CSU"}, Coordinator: true}, true},
		{"a lead agency's member", actionbot.Actor{Agencies: []string{"CSU", "POLICE"}}, false},
		{"someone registered nowhere", actionbot.Actor{}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := actionbot.CanCoordinate(tc.actor); got != tc.want {
				t.Errorf("CanCoordinate(%+v) = %v, want %v", tc.actor, got, tc.want)
			}
		})
	}
}
