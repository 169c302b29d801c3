package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/commands"
)

// The progress modal: its callback id and the block ids of its fields,
// which validation errors name.
const (
	progressCallbackID = "actionbot_progress"
	blockProgress      = "progress"
	blockStatus        = "status"
	blockNote          = "note"
	inputActionID      = "value"
)

// SnoozeDays is how long the Snooze button holds an action's reminders.
const SnoozeDays = 7

// statusMark starts the line that replaces or precedes a row of buttons
// once someone has acted on it.
const statusMark = "✅ "

// origin is where a button was clicked, so that what it did can be shown
// there: the ephemeral reply it belongs to (through its response_url), or
// the message the bot posted (through chat.update).
type origin struct {
	Ref         string `json:"r"`
	Plan        int64  `json:"p,omitempty"` // the plan of the message acted on`
	Channel     string `json:"c,omitempty"`
	TS          string `json:"t,omitempty"`
	Ephemeral   bool   `json:"e,omitempty"`
	ResponseURL string `json:"u,omitempty"`
	BlockID     string `json:"b,omitempty"`
}

// interaction handles an interactivity payload.
func (b *Bot) interaction(ctx context.Context, ic *slack.InteractionCallback, deliveryID string) reply {
	switch ic.Type {
	case slack.InteractionTypeBlockActions:
		return b.blockActions(ctx, ic, deliveryID)
	case slack.InteractionTypeViewSubmission:
		return b.viewSubmission(ctx, ic, deliveryID)
	}
	return reply{} // view_closed and the like: nothing to do
}

// blockActions runs a button: Mark done, Snooze, View, or Update progress
// (which opens the modal). A change (Mark done, Snooze) is recorded in the
// inbox before the click is acked, so a crash cannot lose it and a repeated
// request does not apply it again; it is made after, through the handler,
// with the same permission rules as typing it.
func (b *Bot) blockActions(ctx context.Context, ic *slack.InteractionCallback, deliveryID string) reply {
	if len(ic.ActionCallback.BlockActions) == 0 {
		return reply{}
	}
	act := ic.ActionCallback.BlockActions[0]
	plan, ref, ok := actionbot.ParseButtonValue(act.Value)
	if !ok {
		b.log().Warn("slack: button without an action reference", "action_id", act.ActionID)
		return reply{}
	}
	channel := ic.Container.ChannelID
	if channel == "" {
		channel = ic.Channel.ID
	}
	o := origin{Ref: ref, Plan: plan, Channel: channel, TS: ic.Container.MessageTs, Ephemeral: ic.Container.IsEphemeral,
		ResponseURL: ic.ResponseURL, BlockID: act.BlockID}
	user := ic.User.ID
	var cmd *commands.Command
	switch ActionID(act.ActionID) {
	case actionbot.ButtonDone:
		cmd = &commands.Command{Verb: actionbot.VerbDone, Ref: ref, Plan: plan}
	case actionbot.ButtonSnooze:
		cmd = &commands.Command{Verb: actionbot.VerbSnooze, Ref: ref, Days: SnoozeDays, Plan: plan}
	case actionbot.ButtonUndo:
		cmd = &commands.Command{Verb: actionbot.VerbUndo, Ref: ref, Plan: plan}
	case actionbot.ButtonView:
		return reply{later: func(ctx context.Context) {
			if b.once(ctx, redelivery(deliveryID), o, user) {
				msg, _ := b.Handler.Do(ctx, commands.Request{UserID: user, ChannelID: channel}, &commands.Command{Verb: actionbot.VerbShow, Ref: ref, Plan: plan})
				b.tell(ctx, o, user, msg)
			}
		}}
	case actionbot.ButtonProgress:
		trigger := ic.TriggerID
		return reply{later: func(ctx context.Context) {
			if b.once(ctx, redelivery(deliveryID), o, user) {
				b.openProgress(ctx, trigger, user, o)
			}
		}}
	default:
		b.log().Warn("slack: unknown button", "action_id", act.ActionID)
		return reply{}
	}
	it, err := b.receiveAction(ctx, actionbot.InboxClick, deliveryID, user, channel, o, []*commands.Command{cmd})
	switch {
	case err != nil:
		return reply{later: func(ctx context.Context) { b.tell(ctx, o, user, notRecorded) }}
	case it == nil:
		return reply{}
	}
	return reply{later: func(ctx context.Context) { b.runInbox(ctx, it) }}
}

// redelivery is the delivery id under which a read-only interaction (View,
// opening a form) is remembered so that a redelivered envelope is not
// answered twice. A replayed signed request only shows the same thing
// again, so it is not recorded: lookups do not pay for a write.
func redelivery(deliveryID string) string {
	if strings.HasPrefix(deliveryID, signaturePrefix) {
		return ""
	}
	return deliveryID
}

// once reports whether to act on an interaction: not when it is a
// redelivery, and not when that cannot be told (the person is told).
func (b *Bot) once(ctx context.Context, deliveryID string, o origin, user string) bool {
	first, err := b.first(ctx, deliveryID)
	if err != nil {
		b.tell(ctx, o, user, sorry)
	}
	return first
}

// outcome is what a click or a form did.
type outcome struct {
	done   []string          // the confirmations of the changes made, in order
	last   actionbot.Message // the handler's reply to the last change made
	closed bool              // the action is now done
	err    error             // what stopped it, if anything
	errMsg actionbot.Message // the handler's explanation of err
}

// apply runs a click's or a form's commands through the handler: one
// command as typed, several (the progress form) as one change, applied
// together in one transaction or not at all. inbox is the change's record,
// completed in the change's own transaction.
func (b *Bot) apply(ctx context.Context, user, channel string, inbox int64, cmds []*commands.Command) outcome {
	var out outcome
	req := commands.Request{UserID: user, ChannelID: channel, Inbox: inbox}
	msg, err := b.Handler.Do(ctx, req, cmds...)
	if err != nil {
		out.err, out.errMsg = err, msg
		return out
	}
	out.done = append(out.done, msg.Text)
	out.last = msg
	for _, cmd := range cmds {
		if cmd.Verb == actionbot.VerbDone {
			out.closed = true
		}
	}
	return out
}

// report shows what a click or a form did where it came from: an ephemeral
// card is replaced by the card as it now stands; on a message the bot
// posted (a reminder, the digest), the row of buttons is replaced, or
// preceded, by a line saying what was done, by whom. A refusal is told to
// the person alone and changes nothing.
func (b *Bot) report(ctx context.Context, o origin, user string, out outcome) {
	if len(out.done) == 0 {
		if out.err != nil {
			b.tell(ctx, o, user, out.errMsg)
		}
		return
	}
	reply := out.message()
	if !o.Ephemeral && o.TS == "" {
		if err := b.respond(ctx, o.ResponseURL, reply, false); err != nil {
			b.log().Error("slack: show a change", "user", user, "ref", o.Ref, "err", err)
		}
		return
	}
	if err := b.showInPlace(ctx, o, user, reply, strings.Join(out.done, " "), out.closed, b.now()); err != nil {
		if o.Ephemeral {
			b.log().Error("slack: show a change", "user", user, "ref", o.Ref, "err", err)
			return
		}
		b.log().Warn("slack: could not update the message in place; telling the person instead", "ref", o.Ref, "channel", o.Channel, "err", err)
		b.tell(ctx, o, user, reply)
		return
	}
	if out.err != nil && !o.Ephemeral {
		b.tell(ctx, o, user, out.errMsg)
	}
}

// showInPlace shows a change made by a click or a form where it came from,
// replacing what was there: an ephemeral card is replaced by reply through
// its response_url; on a message the bot posted, the row of buttons gives
// way to, or is preceded by, a line saying what was done (done), by whom,
// when (at); a card shared with the channel (not a message the bot posted)
// is replaced for everyone. Each is idempotent: showing the same change
// twice leaves what showing it once does (reshow relies on it).
func (b *Bot) showInPlace(ctx context.Context, o origin, user string, reply actionbot.Message, done string, closed bool, at time.Time) error {
	if o.Ephemeral {
		return b.respond(ctx, o.ResponseURL, reply, true)
	}
	err := b.updateInPlace(ctx, o, b.actedLine(user, done, at), closed)
	if actionbot.ErrorCode(err) == actionbot.ENOTFOUND && o.ResponseURL != "" {
		// Not a message the bot posted: a card shared with the channel
		// (/action share 5.2). It is replaced for everyone.
		reply.Public = true
		if rerr := b.respond(ctx, o.ResponseURL, reply, true); rerr != nil {
			return fmt.Errorf("%w; then through the response_url: %w", err, rerr)
		}
		return nil
	}
	return err
}

// actedLine is the line that replaces or precedes a row of buttons on a
// message the bot posted, once user has acted on it: what was done, by whom,
// when.
func (b *Bot) actedLine(user, done string, at time.Time) actionbot.RichText {
	return actionbot.Txt(statusMark+done+" — ", actionbot.UserRef(user), ", "+at.In(b.location()).Format("2 Jan 15:04"))
}

// message is what the person who clicked or submitted is told: the
// confirmations of the changes made and the card as it now stands, or why
// nothing was changed.
func (out outcome) message() actionbot.Message {
	if len(out.done) == 0 {
		return out.errMsg
	}
	reply := out.last
	if len(out.done) > 1 {
		var head []actionbot.Block
		for _, c := range out.done[:len(out.done)-1] {
			head = append(head, actionbot.Section(statusMark+c))
		}
		reply.Blocks = append(head, reply.Blocks...)
		reply.Text = strings.Join(out.done, " ")
	}
	if out.err != nil {
		reply.Blocks = append(reply.Blocks, out.errMsg.Blocks...)
	}
	return reply
}

// tell sends the person who clicked a message only they can see, where
// they clicked: through the response_url, or failing that (it expires after
// thirty minutes) with chat.postEphemeral.
func (b *Bot) tell(ctx context.Context, o origin, user string, msg actionbot.Message) {
	msg.Public = false
	err := b.respond(ctx, o.ResponseURL, msg, false)
	if err == nil {
		return
	}
	if o.Channel != "" {
		_, perr := b.API.PostEphemeralContext(ctx, o.Channel, user, messageOptions(msg, b.command())...)
		if perr == nil {
			return
		}
		err = fmt.Errorf("%w; then chat.postEphemeral: %w", err, perr)
	}
	b.log().Error("slack: could not reply to the person", "user", user, "ref", o.Ref, "err", err)
}

// updateInPlace updates a message the bot posted through the outbox, after
// someone acted on one of its actions: the row of buttons for the action
// gives way to line when the action is done, and is preceded by line
// otherwise. The recorded message is revised, then re-rendered to Slack.
func (b *Bot) updateInPlace(ctx context.Context, o origin, line actionbot.RichText, closed bool) error {
	unlock := b.lockMessage(o.Channel + "/" + o.TS)
	defer unlock()
	d, err := b.Store.SentMessage(ctx, o.Channel, o.TS)
	if err != nil {
		return err
	}
	msg, err := b.Store.ReviseSentMessage(ctx, d.ID, func(m *actionbot.Message) bool {
		return markActed(m, o, line, closed)
	})
	if err != nil {
		return err
	}
	if _, _, _, err := b.API.UpdateMessageContext(ctx, o.Channel, o.TS, messageOptions(*msg, b.command())...); err != nil {
		return fmt.Errorf("chat.update: %w", err)
	}
	return nil
}

// markActed revises a posted message after someone acted on o.Ref from it,
// keeping it within Slack's MaxMessageBlocks (fitMessage).
func markActed(m *actionbot.Message, o origin, line actionbot.RichText, closed bool) bool {
	for _, bl := range m.Blocks {
		if isStatusLine(bl) && slices.Equal(bl.Text, line) {
			// Shown already: the same change shown again after a restart
			// leaves the message as it was.
			return false
		}
		if folded, ok := foldedLine(bl); ok && slices.Equal(folded, line) {
			return false
		}
	}
	placeActed(m, o, line, closed)
	fitMessage(m)
	return true
}

// placeActed puts the line saying what was done to o.Ref in the message:
// in place of the action's row of buttons when it is done, above it
// otherwise, replacing the line an earlier change put there.
func placeActed(m *actionbot.Message, o origin, line actionbot.RichText, closed bool) {
	status := actionbot.Block{Kind: actionbot.BlockContext, Text: line}
	i := sourceBlock(o.BlockID)
	if i < 0 || i >= len(m.Blocks) || !rowFor(m.Blocks[i], o.Ref) {
		i = -1
		for j, bl := range m.Blocks {
			if rowFor(bl, o.Ref) {
				i = j
				break
			}
		}
	}
	if i < 0 {
		m.Blocks = append(m.Blocks, status)
		return
	}
	prev := i > 0 && isStatusLine(m.Blocks[i-1])
	// An earlier change's line folded into the action's own line gives way
	// to this one's.
	if item := i - 1 - btoi(prev); item >= 0 {
		unfold(&m.Blocks[item])
	}
	switch {
	case closed && prev:
		m.Blocks = append(m.Blocks[:i-1], append([]actionbot.Block{status}, m.Blocks[i+1:]...)...)
	case closed:
		m.Blocks[i] = status
	case prev:
		m.Blocks[i-1] = status
	default:
		m.Blocks = append(m.Blocks[:i], append([]actionbot.Block{status}, m.Blocks[i:]...)...)
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// fitMessage keeps a posted message within Slack's MaxMessageBlocks as the
// lines saying what was done are added to it (a full reminder bundle is a
// few blocks short of it), so that nothing falls off its end: not its last
// items, their buttons or its footer. From the top, the line above an
// action's row of buttons is folded into the action's own line, as its
// first line: the action keeps its buttons and the message what was done,
// in one block fewer. Lines about actions the message does not show
// (added at its end) go, oldest first, only when that is not enough.
func fitMessage(m *actionbot.Message) {
	over := countBlocks(*m) - MaxMessageBlocks
	for i := 1; over > 0 && i+1 < len(m.Blocks); i++ {
		if !isStatusLine(m.Blocks[i]) || m.Blocks[i-1].Kind != actionbot.BlockSection || m.Blocks[i+1].Kind != actionbot.BlockActions {
			continue
		}
		item := &m.Blocks[i-1]
		unfold(item)
		text := make(actionbot.RichText, 0, len(m.Blocks[i].Text)+1+len(item.Text))
		text = append(append(append(text, m.Blocks[i].Text...), actionbot.Span{Text: foldBreak}), item.Text...)
		item.Text = text
		m.Blocks = slices.Delete(m.Blocks, i, i+1)
		over--
	}
	for i := 0; over > 0 && i < len(m.Blocks); i++ {
		attached := i > 0 && m.Blocks[i-1].Kind == actionbot.BlockSection || i+1 < len(m.Blocks) && m.Blocks[i+1].Kind == actionbot.BlockActions
		if isStatusLine(m.Blocks[i]) && !attached {
			m.Blocks = slices.Delete(m.Blocks, i, i+1)
			i--
			over--
		}
	}
}

// foldBreak ends a line saying what was done, folded into the section of
// the action it was done to.
const foldBreak = "\n"

// foldedLine returns the line saying what was done folded into an action's
// section by fitMessage, if it holds one.
func foldedLine(bl actionbot.Block) (actionbot.RichText, bool) {
	if bl.Kind != actionbot.BlockSection || len(bl.Text) == 0 || !strings.HasPrefix(bl.Text[0].Text, statusMark) {
		return nil, false
	}
	n := slices.IndexFunc(bl.Text, func(s actionbot.Span) bool { return s == actionbot.Span{Text: foldBreak} })
	if n < 0 {
		return nil, false
	}
	return bl.Text[:n], true
}

// unfold takes a folded line out of an action's section.
func unfold(bl *actionbot.Block) {
	if line, ok := foldedLine(*bl); ok {
		bl.Text = slices.Clone(bl.Text[len(line)+1:])
	}
}

// rowFor reports whether a block is a row of buttons for the action ref.
func rowFor(bl actionbot.Block, ref string) bool {
	if bl.Kind != actionbot.BlockActions {
		return false
	}
	for _, btn := range bl.Buttons {
		if _, r, ok := actionbot.ParseButtonValue(btn.Value); ok && r == ref {
			return true
		}
	}
	return false
}

func isStatusLine(bl actionbot.Block) bool {
	return bl.Kind == actionbot.BlockContext && len(bl.Text) > 0 && strings.HasPrefix(bl.Text[0].Text, statusMark)
}

// openProgress opens the Update progress modal for an action, filled in
// with where it stands.
func (b *Bot) openProgress(ctx context.Context, trigger, user string, o origin) {
	a, err := b.findAction(ctx, o)
	if err != nil {
		b.tell(ctx, o, user, actionbot.Simple("⚠️ "+actionbot.ErrorMessage(err)))
		return
	}
	if _, err := b.API.OpenViewContext(ctx, trigger, progressModal(a, o)); err != nil {
		b.log().Error("slack: open the progress form", "user", user, "ref", o.Ref, "err", err)
		b.tell(ctx, o, user, actionbot.Simple("⚠️ I couldn't open the form in time. Please click Update progress again, or type /action "+o.Ref+" progress 60."))
	}
}

// findAction loads the action a button or form acts on, in the current
// plan; a button from an earlier plan's message is refused, never taken for
// the current plan's action of that number.
func (b *Bot) findAction(ctx context.Context, o origin) (*actionbot.Action, error) {
	plan, err := b.Store.CurrentPlan(ctx)
	if err != nil {
		return nil, err
	}
	if err := commands.SamePlan(plan, o.Plan, o.Ref); err != nil {
		return nil, err
	}
	return b.Store.FindAction(ctx, plan.ID, o.Ref)
}

var statusOptions = []actionbot.Status{actionbot.StatusOpen, actionbot.StatusAtRisk, actionbot.StatusBlocked, actionbot.StatusDone}

// progressModal is the Update progress form: progress, status and a note.
func progressModal(a *actionbot.Action, o origin) slack.ModalViewRequest {
	meta, _ := json.Marshal(o)
	var opts []*slack.OptionBlockObject
	var initial *slack.OptionBlockObject
	for _, st := range statusOptions {
		label := strings.ToUpper(st.Label()[:1]) + st.Label()[1:]
		opt := slack.NewOptionBlockObject(string(st), plainText(label, 75), nil)
		opts = append(opts, opt)
		if st == a.Status {
			initial = opt
		}
	}
	sel := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, plainText("Choose a status", 150), inputActionID, opts...)
	sel.InitialOption = initial
	progress := slack.NewNumberInputBlockElement(plainText("0 to 100", 150), inputActionID, false)
	progress.InitialValue = strconv.Itoa(a.Progress)
	progress.MinValue, progress.MaxValue = "0", "100"
	note := slack.NewPlainTextInputBlockElement(plainText("What happened, or why it is blocked or at risk", 150), inputActionID)
	note.Multiline = true
	note.MaxLength = actionbot.MaxNoteLength
	now := fmt.Sprintf("Now: %s · %d%% · due %s", a.Status.Label(), a.Progress, actionbot.DescribeDeadline(a.Deadline))
	if a.Reason != "" {
		now += " · " + a.Reason
	}
	return slack.ModalViewRequest{
		Type:            slack.VTModal,
		CallbackID:      progressCallbackID,
		Title:           plainText("Update "+a.Ref, 24),
		Submit:          plainText("Save", 24),
		Close:           plainText("Cancel", 24),
		PrivateMetadata: string(meta),
		Blocks: slack.Blocks{BlockSet: []slack.Block{
			slack.NewSectionBlock(mrkdwnText(actionbot.Txt(actionbot.B(a.Ref), " "+a.Text), maxTextLen), nil, nil),
			slack.NewContextBlock("", mrkdwnText(actionbot.Txt(now), maxTextLen)),
			slack.NewInputBlock(blockProgress, plainText("Progress (%)", 2000), plainText("A percentage from 0 to 100.", 2000), progress),
			slack.NewInputBlock(blockStatus, plainText("Status", 2000), nil, sel),
			slack.NewInputBlock(blockNote, plainText("Note", 2000),
				plainText("Needed when it is blocked or at risk, or reopened: say why. It goes on the record, so leave out names and other personal data.", 2000), note).WithOptional(true),
		}},
	}
}

// progressForm is what was entered in the modal.
type progressForm struct {
	progress, status, note string
}

func readProgressForm(v *slack.ViewState) progressForm {
	var f progressForm
	if v == nil {
		return f
	}
	f.progress = v.Values[blockProgress][inputActionID].Value
	f.status = v.Values[blockStatus][inputActionID].SelectedOption.Value
	f.note = v.Values[blockNote][inputActionID].Value
	return f
}

// viewSubmission checks the progress form and either sends its errors back
// (response_action: errors, on the fields' blocks) or records it, closes it
// and applies it after the ack.
func (b *Bot) viewSubmission(ctx context.Context, ic *slack.InteractionCallback, deliveryID string) reply {
	if ic.View.CallbackID != progressCallbackID {
		return reply{}
	}
	var o origin
	if err := json.Unmarshal([]byte(ic.View.PrivateMetadata), &o); err != nil || o.Ref == "" {
		b.log().Warn("slack: progress form without its action", "err", err)
		return reply{body: viewErrors(map[string]string{blockProgress: "This form has lost track of its action: close it and click Update progress again."})}
	}
	if b.submittedBefore(ctx, deliveryID) {
		// A replay or a redelivery of a submission recorded already: it is
		// answered as the original was (the form closes), before the form
		// is checked against the action, which its own change may have
		// made "nothing to change". Its change is made and confirmed once.
		return reply{}
	}
	a, err := b.findAction(ctx, o)
	if err != nil {
		if actionbot.ErrorCode(err) == actionbot.EINTERNAL {
			b.log().Error("slack: load the action of a progress form", "ref", o.Ref, "err", err)
		}
		return reply{body: viewErrors(map[string]string{blockProgress: actionbot.ErrorMessage(err)})}
	}
	cmds, errs := b.planProgress(a, readProgressForm(ic.View.State))
	if len(errs) > 0 {
		return reply{body: viewErrors(errs)}
	}
	for _, c := range cmds {
		c.Plan = o.Plan
	}
	// Recorded before the ack closes the form: a crash cannot lose it, and
	// a repeated request does not apply it again.
	it, err := b.receiveAction(ctx, actionbot.InboxForm, deliveryID, ic.User.ID, o.Channel, o, cmds)
	switch {
	case err != nil:
		return reply{body: viewErrors(map[string]string{blockProgress: "I couldn't record that change, so nothing was changed. Please press Save again in a moment."})}
	case it == nil:
		return reply{}
	}
	return reply{later: func(ctx context.Context) { b.runInbox(ctx, it) }}
}

// submittedBefore reports whether a form submission's delivery is recorded
// in the inbox already: a replay of its signed request, or a redelivered
// envelope. When that cannot be told it is false, and the submission is
// checked and recorded as a new one, which Receive still refuses to apply
// twice.
func (b *Bot) submittedBefore(ctx context.Context, deliveryID string) bool {
	if deliveryID == "" {
		return false
	}
	it, err := b.Store.InboxByDelivery(ctx, deliveryID)
	switch {
	case actionbot.ErrorCode(err) == actionbot.ENOTFOUND:
		return false
	case err != nil:
		b.log().Warn("slack: look up a form submission in the inbox", "err", err)
		return false
	}
	b.log().Info("slack: repeated form submission answered as the original, not applied again", "inbox", it.ID)
	return true
}

func viewErrors(errs map[string]string) []byte {
	body, err := json.Marshal(slack.NewErrorsViewSubmissionResponse(errs))
	if err != nil {
		panic(fmt.Sprintf("encode form errors: %v", err))
	}
	return body
}

// planProgress turns the form into the commands that make the change, in
// an order that changes nothing if the first is refused: the status change
// first (carrying the note as its reason), then the progress, then a note
// on its own. It returns errors by field when the form cannot be applied.
func (b *Bot) planProgress(a *actionbot.Action, f progressForm) ([]*commands.Command, map[string]string) {
	errs := map[string]string{}
	ref := a.Ref
	progress, err := strconv.Atoi(strings.TrimSpace(f.progress))
	if err != nil {
		errs[blockProgress] = fmt.Sprintf("%q is not a whole number: give a percentage from 0 to 100.", f.progress)
	} else if progress < 0 || progress > 100 {
		errs[blockProgress] = fmt.Sprintf("Progress is a percentage from 0 to 100; %d is outside that.", progress)
	}
	status, err := actionbot.ParseStatus(f.status)
	if err != nil {
		errs[blockStatus] = "Choose a status: open, at risk, blocked or done."
	}
	note := strings.TrimSpace(f.note)
	if note != "" {
		if err := b.Handler.CheckText(note); err != nil {
			errs[blockNote] = clipPlain(actionbot.ErrorMessage(err), 2000)
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	needReason := func(what string) bool {
		if note == "" {
			errs[blockNote] = fmt.Sprintf("Say why %s is %s: the reason goes on the card and in the audit trail.", ref, what)
			return false
		}
		return true
	}
	var cmds []*commands.Command
	add := func(verb actionbot.Verb) {
		cmds = append(cmds, &commands.Command{Verb: verb, Ref: ref, Text: note})
		note = ""
	}
	switch {
	case status == actionbot.StatusDone && a.IsDone():
	case status == actionbot.StatusDone:
		add(actionbot.VerbDone)
	case a.IsDone():
		if status != actionbot.StatusOpen {
			errs[blockStatus] = fmt.Sprintf("%s is done. To change that, choose Open and give the reason for reopening it; then you can flag it.", ref)
		} else if needReason("reopened") {
			add(actionbot.VerbReopen)
		}
	case status == actionbot.StatusBlocked || status == actionbot.StatusAtRisk:
		what, verb := "blocked", actionbot.VerbBlocked
		if status == actionbot.StatusAtRisk {
			what, verb = "at risk", actionbot.VerbAtRisk
		}
		if needReason(what) {
			if a.Status == status && a.Reason == note {
				note = "" // the same reason again: nothing new
			} else {
				add(verb)
			}
		}
	case a.Status == actionbot.StatusBlocked || a.Status == actionbot.StatusAtRisk:
		add(actionbot.VerbUnblock)
	}
	if len(errs) > 0 {
		return nil, errs
	}
	if status != actionbot.StatusDone && progress != a.Progress {
		cmds = append(cmds, &commands.Command{Verb: actionbot.VerbProgress, Ref: ref, Progress: progress, Text: note})
		note = ""
	}
	if note != "" {
		add(actionbot.VerbNote)
	}
	if len(cmds) == 0 {
		errs[blockProgress] = fmt.Sprintf("Nothing to change: %s is already %s at %d%%. Change the progress or the status, or add a note.", ref, a.Status.Label(), a.Progress)
		return nil, errs
	}
	return cmds, nil
}
