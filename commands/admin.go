package commands

import (
	"strconv"
	"strings"
)

// AdminOp is a coordinator's operation.
type AdminOp string

const (
	AdminMemberAdd         AdminOp = "member add"
	AdminMemberRemove      AdminOp = "member remove"
	AdminCoordinatorAdd    AdminOp = "coordinator add"
	AdminCoordinatorRemove AdminOp = "coordinator remove"
	AdminChannel           AdminOp = "channel"
	AdminFailed            AdminOp = "failed"
	AdminRetry             AdminOp = "retry"
)

// Admin is a parsed "/action admin ..." command.
type Admin struct {
	Op       AdminOp
	User     string // member and coordinator operations
	Agency   string // as typed: a code or a name
	Priority int    // channel
	Channel  string // channel; "" clears it
	ID       int64  // retry
	From     string // carry: the earlier plan's year, "2012-13"
	Ref      string // carry: the earlier action's ref; Agency holds nothing
	Into     string // carry: the action of the current plan that carries it on
}

const adminUsage = "Coordinator commands: `/action admin member add @person AGENCY`, `/action admin member remove @person AGENCY`, " +
	"`/action admin coordinator add @person`, `/action admin coordinator remove @person`, `/action admin channel <priority> #channel` (or `none`), " +
	"`/action admin failed` (messages that could not be delivered), `/action admin retry <id>` and `/action admin carry 2012-13/1.3 [to 1.3]` (carry an incomplete action into the current plan)."

func parseAdmin(p *parser, i int) (*Admin, error) {
	sub, op := p.word(i), p.word(i+1)
	switch sub {
	case "member", "members":
		a := &Admin{}
		switch op {
		case "add":
			a.Op = AdminMemberAdd
		case "remove", "rm", "delete":
			a.Op = AdminMemberRemove
		default:
			return nil, invalid("`/action admin member add @person AGENCY` or `/action admin member remove @person AGENCY`.")
		}
		if i+2 >= len(p.toks) {
			return nil, invalid("Who? Mention the person: `/action admin %s @person AGENCY`.", a.Op)
		}
		user, ok := ParseUser(p.toks[i+2].s)
		if !ok {
			return nil, invalid("%q is not a person: mention them with @, or give their Slack member ID (such as U0123ABCD, from their profile).", p.toks[i+2].s)
		}
		a.User = user
		a.Agency = p.rest(i + 3)
		if a.Agency == "" {
			return nil, invalid("Which agency? `/action admin %s @person CSU` (a code or a name; `/action agencies` lists them).", a.Op)
		}
		return a, nil
	case "coordinator", "coordinators", "coord":
		a := &Admin{}
		switch op {
		case "add":
			a.Op = AdminCoordinatorAdd
		case "remove", "rm", "delete":
			a.Op = AdminCoordinatorRemove
		default:
			return nil, invalid("`/action admin coordinator add @person` or `/action admin coordinator remove @person`.")
		}
		if i+2 >= len(p.toks) {
			return nil, invalid("Who? Mention the person: `/action admin %s @person`.", a.Op)
		}
		user, ok := ParseUser(p.toks[i+2].s)
		if !ok {
			return nil, invalid("%q is not a person: mention them with @, or give their Slack member ID (such as U0123ABCD, from their profile).", p.toks[i+2].s)
		}
		if extra := p.rest(i + 3); extra != "" {
			return nil, invalid("`/action admin %s` takes one person; remove %q.", a.Op, extra)
		}
		a.User = user
		return a, nil
	case "channel":
		n, err := strconv.Atoi(op)
		if err != nil || n < 1 || i+2 >= len(p.toks) {
			return nil, invalid("`/action admin channel <priority> #channel`, or `none` to clear it.")
		}
		a := &Admin{Op: AdminChannel, Priority: n}
		if w := p.word(i + 2); w != "none" && w != "clear" {
			ch, ok := ParseChannel(p.toks[i+2].s)
			if !ok {
				return nil, invalid("%q is not a channel: mention it with #, or give its Slack channel ID (such as C0123ABCD, from the channel's details).", p.toks[i+2].s)
			}
			a.Channel = ch
		}
		return a, nil
	case "failed", "outbox":
		return &Admin{Op: AdminFailed}, nil
	case "carry":
		return parseCarry(p, i+1)
	case "retry":
		id, err := strconv.ParseInt(strings.TrimPrefix(op, "#"), 10, 64)
		if err != nil || id < 1 {
			return nil, invalid("`/action admin retry <id>`: the id is the number `/action admin failed` shows.")
		}
		return &Admin{Op: AdminRetry, ID: id}, nil
	case "":
		return nil, invalid(adminUsage)
	}
	return nil, unknownVerb(sub, []string{"member", "coordinator", "channel", "failed", "retry", "carry"})
}
