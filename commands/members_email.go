package commands

import (
	"context"
	"strings"

	"github.com/sevenoaks-csp/actionbot"
)

// Members reached by e-mail (issue 27): a coordinator registers someone
// who is not on Slack by their address, or gives a Slack member an address
// beside their id.

// EmailStore is what registering people by e-mail needs of the store. The
// handler's Store is asked for it when a command needs it, so that stores
// without e-mail (tests' own) need not grow it.
type EmailStore interface {
	AddMemberByEmail(ctx context.Context, addr, agency, actor string) (string, error)
	SetMemberEmail(ctx context.Context, userID, addr, route, actor string) (string, error)
	RemoveMemberEmail(ctx context.Context, userID, actor string) error
}

// MailQueueStore says how the e-mail waiting to go stands.
type MailQueueStore interface {
	QueuedForMail(ctx context.Context) (*actionbot.MailQueue, error)
}

// parseEmailArg reads an e-mail address as typed, or as Slack sends one it
// linked (<mailto:a@b.org|a@b.org>). isAddr is false for a word that is not
// trying to be an address (no @); a malformed address is an error.
func parseEmailArg(s string) (addr string, isAddr bool, err error) {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "<mailto:") && strings.HasSuffix(s, ">") {
		s = strings.TrimSuffix(strings.TrimPrefix(s, "<mailto:"), ">")
		s, _, _ = strings.Cut(s, "|")
	}
	if !strings.Contains(s, "@") || strings.HasPrefix(s, "@") && !strings.Contains(s[1:], "@") {
		return "", false, nil
	}
	addr, err = actionbot.NormalizeEmail(s)
	return addr, err == nil, err
}

// parseMemberEmail reads "member email @person ADDRESS [auto|email|both]"
// and "member email @person none" from token i.
func parseMemberEmail(p *parser, i int) (*Admin, error) {
	const usage = "`/action admin member email @person ADDRESS` gives a Slack member an e-mail address (add `email` to send their reminders there only, `both` for Slack and e-mail); `/action admin member email @person none` takes it away."
	if i+1 >= len(p.toks) {
		return nil, invalid(usage)
	}
	user, ok := ParseUser(p.toks[i].s)
	if !ok {
		return nil, invalid("%q is not a Slack member: mention them with @. (Someone not on Slack is added by address: `/action admin member add ADDRESS AGENCY`.)", p.toks[i].s)
	}
	a := &Admin{Op: AdminMemberEmail, User: user}
	if w := p.word(i + 1); w == "none" || w == "remove" || w == "clear" {
		if i+2 < len(p.toks) {
			return nil, invalid(usage)
		}
		return a, nil
	}
	addr, isAddr, err := parseEmailArg(p.toks[i+1].s)
	if err != nil {
		return nil, err
	}
	if !isAddr {
		return nil, invalid(usage)
	}
	a.Email = addr
	if i+2 < len(p.toks) {
		switch r := p.word(i + 2); r {
		case actionbot.RouteAuto, actionbot.RouteEmail, actionbot.RouteBoth:
			a.Route = r
		case "slack":
			a.Route = actionbot.RouteAuto
		default:
			return nil, invalid("Reminders go by `slack` (the default), `email` or `both`, not %q.", p.toks[i+2].s)
		}
		if i+3 < len(p.toks) {
			return nil, invalid(usage)
		}
	}
	return a, nil
}

func (h *Handler) emailStore() (EmailStore, error) {
	es, ok := h.Store.(EmailStore)
	if !ok {
		return nil, actionbot.Errorf(actionbot.EINVALID, "This database cannot hold e-mail addresses.")
	}
	return es, nil
}

// memberAddByEmail registers someone by address alone.
func (h *Handler) memberAddByEmail(ctx context.Context, actor, addr string, ag *actionbot.Agency, written string) (actionbot.Message, error) {
	es, err := h.emailStore()
	if err != nil {
		return actionbot.Message{}, err
	}
	addr, err = es.AddMemberByEmail(ctx, addr, ag.Code, actor)
	if actionbot.ErrorCode(err) == actionbot.EUNCHANGED {
		return actionbot.Message{}, actionbot.Errorf(actionbot.EUNCHANGED, "%s is already a member of %s.", addr, ag.Code)
	}
	if err != nil {
		return actionbot.Message{}, err
	}
	rt := actionbot.Txt("✅ Added ", actionbot.B(addr), " to "+ag.Code+" ("+ag.Name+")"+written+
		". Their reminders of the actions "+ag.Code+" leads go by e-mail, each with a link to update the action.")
	return actionbot.Message{Text: rt.Plain(), Blocks: []actionbot.Block{{Kind: actionbot.BlockSection, Text: rt}}}, nil
}

// memberEmail sets or takes away a Slack member's address.
func (h *Handler) memberEmail(ctx context.Context, actor string, a *Admin) (actionbot.Message, error) {
	es, err := h.emailStore()
	if err != nil {
		return actionbot.Message{}, err
	}
	var rt actionbot.RichText
	if a.Email == "" {
		if err := es.RemoveMemberEmail(ctx, a.User, actor); actionbot.ErrorCode(err) == actionbot.EUNCHANGED {
			return actionbot.Message{}, actionbot.Errorf(actionbot.EUNCHANGED, "@%s has no e-mail address here.", a.User)
		} else if err != nil {
			return actionbot.Message{}, err
		}
		rt = actionbot.Txt("✅ ", actionbot.UserRef(a.User), " has no e-mail address now: their reminders come on Slack.")
	} else {
		addr, err := es.SetMemberEmail(ctx, a.User, a.Email, a.Route, actor)
		if actionbot.ErrorCode(err) == actionbot.EUNCHANGED {
			return actionbot.Message{}, actionbot.Errorf(actionbot.EUNCHANGED, "@%s's address is already %s.", a.User, a.Email)
		}
		if err != nil {
			return actionbot.Message{}, err
		}
		how := "their reminders still come on Slack (add `email` or `both` to send them there)"
		switch a.Route {
		case actionbot.RouteEmail:
			how = "their reminders go there instead of Slack"
		case actionbot.RouteBoth:
			how = "their reminders go there and on Slack"
		}
		rt = actionbot.Txt("✅ ", actionbot.UserRef(a.User), "'s e-mail address is ", actionbot.B(addr), ": "+how+".")
	}
	return actionbot.Message{Text: rt.Plain(), Blocks: []actionbot.Block{{Kind: actionbot.BlockSection, Text: rt}}}, nil
}

// mailQueueLine says, for `/action admin failed`, that e-mail is waiting
// and why; nil when none waits, or the store keeps no e-mail.
func (h *Handler) mailQueueLine(ctx context.Context, e *env) actionbot.RichText {
	ms, ok := h.Store.(MailQueueStore)
	if !ok {
		return nil
	}
	q, err := ms.QueuedForMail(ctx)
	if err != nil {
		h.logger().Error("read the e-mail queue", "err", err)
		return nil
	}
	if q.Queued == 0 {
		return nil
	}
	rt := actionbot.Txt("📬 ", actionbot.B(actionbot.Plural(q.Queued, "e-mail")), " waiting to go, the oldest queued "+
		q.Oldest.In(e.now.Location()).Format("Mon 2 Jan 15:04")+".")
	if q.LastError != "" {
		rt = append(rt, actionbot.Txt(" The last attempt failed: ", actionbot.C(actionbot.Clip(q.LastError, 200)),
			". They stay queued and are tried again; check ACTIONBOT_SMTP_URL and the mail server.")...)
	}
	return rt
}

// memberSpan shows a member in a list anyone may read: a Slack member as
// a mention, someone registered by address with it masked.
func memberSpan(id string) actionbot.Span {
	if actionbot.IsEmail(id) {
		return actionbot.Span{Text: actionbot.MaskEmail(id) + " (e-mail)"}
	}
	return actionbot.UserRef(id)
}
