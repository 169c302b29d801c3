package commands

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/sevenoaks-csp/actionbot"
)

// AdminOp is a coordinator's operation.
type AdminOp string

const (
	AdminMemberAdd         AdminOp = "member add"
	AdminMemberRemove      AdminOp = "member remove"
	AdminMemberEmail       AdminOp = "member email"
	AdminCoordinatorAdd    AdminOp = "coordinator add"
	AdminCoordinatorRemove AdminOp = "coordinator remove"
	AdminChannel           AdminOp = "channel"
	AdminFailed            AdminOp = "failed"
	AdminRetry             AdminOp = "retry"
	AdminAgencyAdd         AdminOp = "agency add"
	AdminAgencyAlias       AdminOp = "agency alias add"
)

// Admin is a parsed "/action admin ..." command.
type Admin struct {
	Op       AdminOp
	User     string // member and coordinator operations: a Slack id, or for a member an e-mail address
	Email    string // member email: the address, "" to remove it
	Route    string // member email: actionbot.RouteAuto, RouteEmail, RouteBoth; "" keeps it
	Agency   string // as typed: a code or a name; agency add: the new agency's name
	Code     string // agency add: its code as typed, "" to make one from the name
	Aliases  []string
	Priority int    // channel
	Channel  string // channel; "" clears it
	ID       int64  // retry
	From     string // carry: the earlier plan's year, "2012-13"
	Ref      string // carry: the earlier action's ref; Agency holds nothing
	Into     string // carry: the action of the current plan that carries it on
}

const adminUsage = "Coordinator commands: `/action admin member add @person AGENCY` (or an e-mail address for someone not on Slack), `/action admin member remove @person AGENCY`, " +
	"`/action admin member email @person ADDRESS [auto|email|both]` (or `none`), " +
	"`/action admin agency add \"South Yorkshire Police\" [as SYP] [aka \"SY Police\"; \"Police\"]` (an agency new to the partnership), `/action admin agency alias SYP \"SY Police\"`, " +
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
		case "email", "e-mail", "mail":
			return parseMemberEmail(p, i+2)
		default:
			return nil, invalid("`/action admin member add @person AGENCY` or `/action admin member remove @person AGENCY` (an e-mail address instead of @person for someone not on Slack).")
		}
		if i+2 >= len(p.toks) {
			return nil, invalid("Who? Mention the person: `/action admin %s @person AGENCY`, or give their e-mail address.", a.Op)
		}
		user, ok := ParseUser(p.toks[i+2].s)
		if !ok {
			addr, isAddr, err := parseEmailArg(p.toks[i+2].s)
			if err != nil {
				return nil, err
			}
			if !isAddr {
				return nil, invalid("%q is not a person: mention them with @, or give their Slack member ID (such as U0123ABCD, from their profile) — or, for someone not on Slack, their e-mail address.", p.toks[i+2].s)
			}
			user = addr
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
	case "agency", "agencies":
		return parseAgencyAdmin(p, i+1)
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
	return nil, unknownVerb(sub, []string{"member", "agency", "coordinator", "channel", "failed", "retry", "carry"})
}

// admin runs a coordinator's command.
func (h *Handler) admin(ctx context.Context, e *env, userID string, a *Admin) (actionbot.Message, error) {
	if ok, err := h.isCoordinator(ctx, userID); err != nil {
		return actionbot.Message{}, err
	} else if !ok {
		return actionbot.Message{}, actionbot.Errorf(actionbot.EUNAUTHORIZED, "Only a coordinator can do that (`/action admin`). Ask %s.", h.coordinatorsText(ctx).Plain())
	}
	done := func(parts ...any) (actionbot.Message, error) {
		rt := actionbot.Txt(append([]any{"✅ "}, parts...)...)
		return actionbot.Message{Text: rt.Plain(), Blocks: []actionbot.Block{{Kind: actionbot.BlockSection, Text: rt}}}, nil
	}
	already := func(err error, parts ...any) (actionbot.Message, error) {
		if actionbot.ErrorCode(err) == actionbot.EUNCHANGED {
			return actionbot.Message{}, actionbot.Errorf(actionbot.EUNCHANGED, "%s", actionbot.Txt(parts...).Plain())
		}
		return actionbot.Message{}, err
	}
	switch a.Op {
	case AdminCarry:
		return h.carry(ctx, e, userID, a)
	case AdminAgencyAdd:
		return h.agencyAdd(ctx, e, userID, a)
	case AdminAgencyAlias:
		return h.agencyAlias(ctx, e, userID, a)
	case AdminMemberEmail:
		return h.memberEmail(ctx, userID, a)
	case AdminMemberAdd, AdminMemberRemove:
		ag, written, err := memberAgency(e.dir, a.Agency)
		if err != nil {
			return actionbot.Message{}, err
		}
		if err := actionbot.CanJoin(ag.Code); err != nil {
			return actionbot.Message{}, err
		}
		if a.Op == AdminMemberAdd && actionbot.IsEmail(a.User) {
			return h.memberAddByEmail(ctx, userID, a.User, ag, written)
		}
		if a.Op == AdminMemberRemove && actionbot.IsEmail(a.User) {
			if err := h.Store.RemoveMember(ctx, a.User, ag.Code, userID); err != nil {
				return already(err, a.User+" is not a member of "+ag.Code+".")
			}
			return done("Removed " + a.User + " from " + ag.Code + ".")
		}
		if a.Op == AdminMemberAdd {
			if err := h.Store.AddMember(ctx, a.User, ag.Code, userID); err != nil {
				return already(err, "@"+a.User+" is already a member of "+ag.Code+".")
			}
			return done("Added ", actionbot.UserRef(a.User), " to "+ag.Code+" ("+ag.Name+")"+written+". They can now update the actions "+ag.Code+" leads.")
		}
		if err := h.Store.RemoveMember(ctx, a.User, ag.Code, userID); err != nil {
			return already(err, "@"+a.User+" is not a member of "+ag.Code+".")
		}
		return done("Removed ", actionbot.UserRef(a.User), " from "+ag.Code+".")
	case AdminCoordinatorAdd:
		if err := h.Store.AddCoordinator(ctx, a.User, userID); err != nil {
			return already(err, "@"+a.User+" is already a coordinator.")
		}
		return done(actionbot.UserRef(a.User), " is now a coordinator.")
	case AdminCoordinatorRemove:
		if err := h.Store.RemoveCoordinator(ctx, a.User, userID); err != nil {
			if still, _ := h.Store.IsCoordinator(ctx, a.User); still {
				// Not in the database, and a coordinator all the same.
				return actionbot.Message{}, actionbot.Errorf(actionbot.ECONFLICT, "@%s is a coordinator by configuration, not in the database, so there is nothing to remove here: ACTIONBOT_COORDINATORS names them (change it there), and the person at the console or the CLI always coordinates.", a.User)
			}
			return already(err, "@"+a.User+" is not a coordinator.")
		}
		return done(actionbot.UserRef(a.User), " is no longer a coordinator.")
	case AdminChannel:
		if err := h.Store.SetPriorityChannel(ctx, a.Priority, a.Channel, userID); err != nil {
			return actionbot.Message{}, err
		}
		if a.Channel == "" {
			return done(fmt.Sprintf("Priority %d has no task-group channel now.", a.Priority))
		}
		return done(fmt.Sprintf("Priority %d's task group talks in ", a.Priority), actionbot.ChannelRef(a.Channel), ": changes to its actions will be announced there. Invite me to the channel so that I can post.")
	case AdminFailed:
		failed, err := h.Store.Outgoing(ctx, actionbot.OutboxFailed, 50)
		if err != nil {
			return actionbot.Message{}, err
		}
		mailLine := h.mailQueueLine(ctx, e)
		if len(failed) == 0 {
			if mailLine != nil {
				return actionbot.Message{Text: mailLine.Plain(), Blocks: []actionbot.Block{{Kind: actionbot.BlockSection, Text: append(actionbot.Txt("No message failed. "), mailLine...)}}}, nil
			}
			return done("Every message has been delivered; none failed.")
		}
		var lines []actionbot.RichText
		for _, o := range failed {
			to := actionbot.ChannelRef(o.To)
			switch {
			case o.IsEmail():
				to = actionbot.Span{Text: o.To + " (e-mail)"}
			case o.IsDirect():
				to = actionbot.UserRef(o.To)
			}
			lines = append(lines, actionbot.Txt(actionbot.B("#"+strconv.FormatInt(o.ID, 10)), " "+o.Kind+" to ", to,
				" — "+o.CreatedAt.In(e.now.Location()).Format("2 Jan 15:04")+" — ", actionbot.C(o.LastError), " — "+actionbot.Clip(o.Message.Text, 80)))
		}
		blocks := []actionbot.Block{actionbot.Header(fmt.Sprintf("Undelivered messages — %d", len(failed)))}
		blocks = append(blocks, linesBlocks(lines)...)
		if mailLine != nil {
			blocks = append(blocks, actionbot.Block{Kind: actionbot.BlockSection, Text: mailLine})
		}
		blocks = append(blocks, actionbot.Context("Fix the cause (invite me to the channel, re-add the person, correct the e-mail address), then `/action admin retry <id>`."))
		return actionbot.Message{Text: fmt.Sprintf("%d undelivered messages", len(failed)), Blocks: blocks}, nil
	case AdminRetry:
		if err := h.Store.Requeue(ctx, a.ID); err != nil {
			return actionbot.Message{}, err
		}
		return done(fmt.Sprintf("Message #%d is queued again.", a.ID))
	}
	return actionbot.Message{}, fmt.Errorf("admin: unhandled op %q", a.Op)
}
