package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sevenoaks-csp/actionbot"
)

// snapshot is the current plan's actions in memory, in plan order, with
// each action's latest audit entry. Queries, lists and filters over the
// current plan are answered from it; the database stays the record.
//
// It is kept fresh by two counters read on every use: the 'plan' revision
// (an import or a coordinator's change to the plan: reload everything) and
// the highest audit entry id (every change to an action writes one: reload
// just the actions changed since). Writers are serialised by BEGIN
// IMMEDIATE across processes, so audit ids are assigned in commit order and
// "changed since id N" misses nothing, whichever process made the change.
//
// A published snapshot is never modified: an update copies the slice and
// replaces the changed actions, so readers need no lock. Actions handed out
// are shared and must not be modified by callers.
type snapshot struct {
	planID   int64
	planRev  int64
	auditMax int64
	// actions are the plan's actions in order; read them through all() or
	// at(i): a snapshot that took a change (took) holds, until a whole
	// list is asked of it, an earlier snapshot's list (base) and the
	// actions changed since (delta, by position), rather than a copy of
	// every pointer per change.
	actions []*actionbot.Action
	base    []*actionbot.Action
	delta   map[int]*actionbot.Action
	whole   sync.Once
	// byRef maps a reference to its position; positions, and the parties
	// of each action, change only on a full reload (an import), so
	// incremental updates share these.
	byRef map[string]int
	byID  map[int64]int
	// refs finds actions by the ids people type; made with byRef.
	refs *actionbot.RefIndex
	// agency numbers the agencies named in the plan; parties[i] holds the
	// lead and partner agencies of actions[i] as sets of those numbers.
	agency  map[string]int
	parties []partySets

	// memo keeps the answers to filters asked of this snapshot: the same
	// lists ("overdue", an agency's "mine") are asked again and again, and
	// the snapshot never changes, so an answer stays right until the next
	// change makes a new snapshot.
	memo     sync.Map // filter key -> memoEntry
	memoSize atomic.Int32
}

type memoEntry struct {
	items []*actionbot.Action
	total int
}

// maxMemo bounds the remembered answers per snapshot.
const maxMemo = 512

// agencySet is a set of agencies, by their number in the snapshot.
type agencySet []uint64

func (s agencySet) add(i int) agencySet {
	for len(s) <= i/64 {
		s = append(s, 0)
	}
	s[i/64] |= 1 << (i % 64)
	return s
}

func (s agencySet) has(i int) bool { return i >= 0 && i/64 < len(s) && s[i/64]&(1<<(i%64)) != 0 }

func (s agencySet) meets(t agencySet) bool {
	for i := 0; i < len(s) && i < len(t); i++ {
		if s[i]&t[i] != 0 {
			return true
		}
	}
	return false
}

type partySets struct{ lead, partner agencySet }

// indexParties numbers the agencies and builds each action's sets.
func (s *snapshot) indexParties() {
	s.agency = map[string]int{}
	num := func(code string) int {
		i, ok := s.agency[code]
		if !ok {
			i = len(s.agency)
			s.agency[code] = i
		}
		return i
	}
	num(actionbot.AllPartners)
	s.parties = make([]partySets, len(s.actions))
	for i, a := range s.actions {
		for _, p := range a.Lead {
			s.parties[i].lead = s.parties[i].lead.add(num(p.Agency))
		}
		for _, p := range a.Partners {
			s.parties[i].partner = s.parties[i].partner.add(num(p.Agency))
		}
	}
}

// agencies returns the set of the given agencies (those the plan names).
func (s *snapshot) agencies(codes ...string) agencySet {
	var set agencySet
	for _, c := range codes {
		if i, ok := s.agency[c]; ok {
			set = set.add(i)
		}
	}
	return set
}

// snapState is the DB's snapshot and the lock that serialises its refresh.
type snapState struct {
	mu  sync.Mutex
	cur atomic.Pointer[snapshot]
	// words shares, among the changes took puts into snapshots, the short
	// values they repeat (actors, verbs, fields, statuses, percentages);
	// guarded by mu, and bounded (maxWords).
	words map[string]string
}

// maxWords bounds snapState.words: past it, a value is copied, not shared.
const maxWords = 4096

// word returns s as a string of the snapshot's own: shared when it is short
// and seen before, a copy otherwise, never s itself, which may be part of
// the request that made the change (a form's values are slices of its
// body, which the snapshot would otherwise keep whole for as long as it
// keeps the change). Called with mu held.
func (st *snapState) word(s string) string {
	if s == "" {
		return ""
	}
	if len(s) > 32 {
		return strings.Clone(s)
	}
	if w, ok := st.words[s]; ok {
		return w
	}
	w := strings.Clone(s)
	if st.words == nil {
		st.words = map[string]string{}
	}
	if len(st.words) < maxWords {
		st.words[w] = w
	}
	return w
}

// parties returns ps, or a copy of its own when it is not prev (shareWith
// has shared an equal list): the writer's list is not written to.
func (st *snapState) parties(ps, prev []actionbot.Party) []actionbot.Party {
	if len(ps) == 0 || len(prev) > 0 && &ps[0] == &prev[0] {
		return ps
	}
	own := make([]actionbot.Party, len(ps))
	for i, p := range ps {
		own[i] = actionbot.Party{Agency: st.word(p.Agency), Role: st.word(p.Role)}
	}
	return own
}

// own gives a the snapshot's own copy of each value not shared with prev,
// the same action as the snapshot had it (shareWith has shared the equal
// ones), and of its latest audit entry's: see word.
func (st *snapState) own(a, prev *actionbot.Action) {
	for _, p := range []struct {
		s   *string
		was string
	}{
		{&a.Ref, prev.Ref}, {&a.Text, prev.Text}, {&a.Funding, prev.Funding}, {&a.Notes, prev.Notes},
		{&a.CarriedFrom, prev.CarriedFrom}, {(*string)(&a.Status), string(prev.Status)}, {&a.Reason, prev.Reason},
		{&a.Review, prev.Review}, {&a.Deadline.Written, prev.Deadline.Written}, {&a.Original.Written, prev.Original.Written},
	} {
		if *p.s == p.was {
			*p.s = p.was // the snapshot's own already
		} else {
			*p.s = st.word(*p.s)
		}
	}
	a.Lead = st.parties(a.Lead, prev.Lead)
	a.Partners = st.parties(a.Partners, prev.Partners)
	e := a.LastUpdate
	if e == nil {
		return
	}
	if e.Ref == a.Ref {
		e.Ref = a.Ref
	} else {
		e.Ref = st.word(e.Ref)
	}
	e.Actor, e.Verb, e.Note = st.word(e.Actor), actionbot.Verb(st.word(string(e.Verb))), st.word(e.Note)
	for i := range e.Changes {
		c := &e.Changes[i]
		c.Field, c.From, c.To = st.word(c.Field), st.word(c.From), st.word(c.To)
	}
}

type counters struct {
	Rev      int64         `db:"rev"`
	AuditMax sql.NullInt64 `db:"audit_max"`
}

const countersQuery = `SELECT (SELECT n FROM revisions WHERE name = 'plan') AS rev, (SELECT MAX(id) FROM audit) AS audit_max`

// snapshotFor returns a fresh snapshot of plan planID: the current plan's,
// or an archived plan's (archived.go). Every list, filter and look-up of
// actions is answered from one.
func (db *DB) snapshotFor(ctx context.Context, planID int64) (*snapshot, error) {
	s, err := db.currentSnapshot(ctx)
	if err != nil {
		return nil, err
	}
	if s != nil && s.planID == planID {
		return s, nil
	}
	return db.archivedSnapshot(ctx, planID)
}

// currentSnapshot returns the snapshot of the current plan, refreshed if the
// database has changed; nil when there is no plan.
func (db *DB) currentSnapshot(ctx context.Context) (*snapshot, error) {
	c, err := db.counters(ctx)
	if err != nil {
		return nil, err
	}
	if s := db.snap.cur.Load(); s != nil && s.planRev == c.Rev && s.auditMax == c.AuditMax.Int64 {
		return s, nil
	}
	db.snap.mu.Lock()
	defer db.snap.mu.Unlock()
	if s := db.snap.cur.Load(); s != nil && s.planRev == c.Rev && s.auditMax == c.AuditMax.Int64 {
		return s, nil // refreshed by another caller meanwhile
	}
	// Read the counters again and the data inside one read transaction, so
	// the snapshot is exactly the database at one instant.
	tx, err := db.ro.BeginTxx(ctx, db.snapshotTxOptions())
	if err != nil {
		return nil, fmt.Errorf("refresh actions: %w", err)
	}
	defer tx.Rollback()
	if err := tx.GetContext(ctx, &c, countersQuery); err != nil {
		return nil, fmt.Errorf("refresh actions: %w", err)
	}
	// The snapshot is at least as fresh as these: remember them.
	db.watch.mu.Lock()
	if db.watch.valid && !db.watch.dirty.Load() {
		db.watch.last = c
	}
	db.watch.mu.Unlock()
	old := db.snap.cur.Load()
	var s *snapshot
	if old == nil || old.planRev != c.Rev {
		// A new plan or an import: nothing of the old snapshot is kept, so
		// let it go before the new one is built rather than hold both (at
		// 10,000 actions, 6.5 MB more at the peak). Readers meanwhile wait
		// on the lock for the new one, as they would for any refresh.
		db.snap.cur.Store(nil)
		old = nil
		s, err = loadSnapshot(ctx, tx, c)
	} else {
		s, err = old.update(ctx, tx, c)
	}
	if err != nil {
		return nil, err
	}
	db.snap.cur.Store(s)
	return s, nil
}

// loadSnapshot reads the current plan's actions whole.
func loadSnapshot(ctx context.Context, tx *Tx, c counters) (*snapshot, error) {
	s := &snapshot{planRev: c.Rev, auditMax: c.AuditMax.Int64, byRef: map[string]int{}, byID: map[int64]int{}}
	plan, err := currentPlan(ctx, tx)
	if actionbot.ErrorCode(err) == actionbot.ENOTFOUND {
		return s, nil
	} else if err != nil {
		return nil, err
	}
	if err := s.load(ctx, tx, plan.ID); err != nil {
		return nil, err
	}
	return s, nil
}

// load reads the actions of plan planID whole into s, with each one's
// latest audit entry.
func (s *snapshot) load(ctx context.Context, tx *Tx, planID int64) error {
	s.planID = planID
	var err error
	if s.actions, err = loadActions(ctx, tx, `a.plan_id = ?`, planID); err != nil {
		return err
	}
	for i, a := range s.actions {
		s.byRef[a.Ref] = i
		s.byID[a.ID] = i
	}
	// The index reads the ids from the snapshot's own actions (an update
	// gives the next snapshot the index over its own: refsOver).
	s.refs = actionbot.NewRefIndexOf(len(s.actions), s.refAt, s.byRef)
	s.indexParties()
	in := newInterner()
	if err := s.loadLatest(ctx, tx, planID, in); err != nil {
		return err
	}
	for _, a := range s.actions {
		in.action(a)
	}
	return nil
}

// latestOfPlan selects the id of each action's latest audit entry in a plan.
const latestOfPlan = `SELECT MAX(au.id) FROM audit au JOIN actions x2 ON x2.id = au.action_id WHERE x2.plan_id = ? GROUP BY au.action_id`

// loadLatest gives each action of a fully loaded snapshot its latest audit
// entry, row by row: as auditEntries reads them, but without holding every
// row of a whole plan's entries in memory beside the entries made of them
// (an import while serving reloads the snapshot, and this was most of the
// reload's garbage).
func (s *snapshot) loadLatest(ctx context.Context, tx *Tx, planID int64, in *interner) error {
	rows, err := tx.QueryxContext(ctx, `SELECT a.id, a.action_id, a.at, a.actor, a.verb, a.note FROM audit a WHERE a.id IN (`+latestOfPlan+`)`, planID)
	if err != nil {
		return fmt.Errorf("load latest audit entries: %w", err)
	}
	defer rows.Close()
	byID := make(map[int64]*actionbot.AuditEntry, len(s.actions))
	for rows.Next() {
		e := &actionbot.AuditEntry{}
		var at, actor, verb, note string
		if err := rows.Scan(&e.ID, &e.ActionID, &at, &actor, &verb, &note); err != nil {
			return fmt.Errorf("load latest audit entries: %w", err)
		}
		if e.At, err = parseTime(at); err != nil {
			return fmt.Errorf("load latest audit entries: %w", err)
		}
		i, ok := s.byID[e.ActionID]
		if !ok {
			continue
		}
		e.Ref, e.Actor, e.Verb, e.Note = s.actions[i].Ref, in.str(actor), actionbot.Verb(in.str(verb)), in.str(note)
		s.actions[i].LastUpdate = e
		byID[e.ID] = e
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("load latest audit entries: %w", err)
	}
	rows.Close()
	changes, err := tx.QueryxContext(ctx, `SELECT audit_id, field, from_value, to_value FROM audit_changes WHERE audit_id IN (`+latestOfPlan+`) ORDER BY audit_id, position`, planID)
	if err != nil {
		return fmt.Errorf("load latest audit changes: %w", err)
	}
	defer changes.Close()
	for changes.Next() {
		var id int64
		var c actionbot.Change
		if err := changes.Scan(&id, &c.Field, &c.From, &c.To); err != nil {
			return fmt.Errorf("load latest audit changes: %w", err)
		}
		if e := byID[id]; e != nil {
			c.Field = in.str(c.Field)
			e.Changes = append(e.Changes, c)
		}
	}
	if err := changes.Err(); err != nil {
		return fmt.Errorf("load latest audit changes: %w", err)
	}
	for _, e := range byID {
		e.Changes = slices.Clip(e.Changes)
	}
	return nil
}

// update returns a copy of s with the actions changed since s.auditMax
// reloaded.
func (s *snapshot) update(ctx context.Context, tx *Tx, c counters) (*snapshot, error) {
	// The entries since the last refresh, by their ids (the rowid: a range,
	// whatever the size of the trail). Not DISTINCT: SQLite would answer that
	// by walking the whole (action_id, id) index, every refresh.
	var ids []int64
	if err := tx.SelectContext(ctx, &ids, `SELECT action_id FROM audit WHERE id > ? ORDER BY id`, s.auditMax); err != nil {
		return nil, fmt.Errorf("refresh actions: %w", err)
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	n := &snapshot{planID: s.planID, planRev: c.Rev, auditMax: c.AuditMax.Int64, byRef: s.byRef, byID: s.byID,
		agency: s.agency, parties: s.parties, actions: slices.Clone(s.all())}
	if s.refs != nil {
		n.refs = s.refs.Over(n.refAt)
	}
	var mine []string
	var one int64
	for _, id := range ids {
		if _, ok := s.byID[id]; ok {
			mine = append(mine, strconv.FormatInt(id, 10))
			one = id
		}
	}
	for start := 0; start < len(mine); start += 500 {
		var as []*actionbot.Action
		var latest []*actionbot.AuditEntry
		var err error
		if len(mine) == 1 {
			// One change since the last refresh, as after each typed
			// update: statements of fixed text, prepared once per
			// connection, rather than a new IN list to prepare every time
			// (a fifth of an update's CPU, in its profile).
			if as, err = loadActions(ctx, tx, `a.id = ?`, one); err != nil {
				return nil, err
			}
			latest, err = auditEntries(ctx, tx, `a.id = (SELECT MAX(id) FROM audit WHERE action_id = ?)`, []any{one}, false, 0)
		} else {
			chunk := strings.Join(mine[start:min(start+500, len(mine))], ",")
			if as, err = loadActions(ctx, tx, `a.id IN (`+chunk+`)`); err != nil {
				return nil, err
			}
			latest, err = auditEntries(ctx, tx, `a.id IN (SELECT MAX(id) FROM audit WHERE action_id IN (`+chunk+`) GROUP BY action_id)`, nil, false, 0)
		}
		if err != nil {
			return nil, err
		}
		byID := map[int64]*actionbot.AuditEntry{}
		for _, e := range latest {
			byID[e.ActionID] = e
		}
		for _, a := range as {
			a.LastUpdate = byID[a.ID]
			i := s.byID[a.ID]
			shareWith(a, s.at(i))
			n.actions[i] = a
		}
	}
	return n, nil
}

// maxDelta is how many changed actions a snapshot holds beside its base
// before took makes it a whole list again.
const maxDelta = 64

// all returns the snapshot's actions in plan order; shared, not to be
// modified.
func (s *snapshot) all() []*actionbot.Action {
	if s.delta != nil {
		s.whole.Do(func() { s.actions = s.merged() })
	}
	return s.actions
}

// merged is a new list of base with delta in place.
func (s *snapshot) merged() []*actionbot.Action {
	as := slices.Clone(s.base)
	for i, a := range s.delta {
		as[i] = a
	}
	return as
}

// at returns the i-th action, without making a whole list.
func (s *snapshot) at(i int) *actionbot.Action {
	if s.delta != nil {
		if a, ok := s.delta[i]; ok {
			return a
		}
		return s.base[i]
	}
	return s.actions[i]
}

// size is how many actions the snapshot holds.
func (s *snapshot) size() int {
	if s.delta != nil {
		return len(s.base)
	}
	return len(s.actions)
}

// refAt is the id of the snapshot's i-th action, for its RefIndex.
func (s *snapshot) refAt(i int) string { return s.at(i).Ref }

// find returns a copy of the action with that reference.
func (s *snapshot) find(ref string) (*actionbot.Action, bool) {
	i, ok := s.byRef[ref]
	if !ok {
		return nil, false
	}
	a := *s.at(i)
	return &a, true
}

// filter returns the actions matching f, in plan order or by deadline, at
// most f.Limit, and how many match in all.
func (s *snapshot) filter(f actionbot.ActionFilter) ([]*actionbot.Action, int) {
	// A filter on staleness depends on the instant; every other one on the
	// snapshot alone (dates are days).
	key := ""
	if f.StaleBefore.IsZero() {
		key = fmt.Sprintf("%+v", f)
		if e, ok := s.memo.Load(key); ok {
			me := e.(memoEntry)
			return slices.Clone(me.items), me.total // callers may reorder theirs
		}
	}
	items, total := s.scan(f)
	if key != "" && s.memoSize.Add(1) <= maxMemo {
		s.memo.Store(key, memoEntry{slices.Clone(items), total})
	}
	return items, total
}

// scan is filter without the memo.
func (s *snapshot) scan(f actionbot.ActionFilter) ([]*actionbot.Action, int) {
	m := s.matcher(f)
	if f.ByDue && f.Limit > 0 {
		out, total := s.earliest(m, f.Offset+f.Limit)
		return out[min(f.Offset, len(out)):], total
	}
	var out []*actionbot.Action
	total := 0
	for pos, a := range s.all() {
		if m.match(pos, a) {
			total++
			if total > f.Offset && (f.Limit == 0 || len(out) < f.Limit) {
				out = append(out, a)
			}
		}
	}
	if f.ByDue {
		slices.SortStableFunc(out, func(a, b *actionbot.Action) int { return a.Deadline.Due.Compare(b.Deadline.Due) })
	}
	return out, total
}

// earliest returns the k matching actions due first (ties in plan order)
// and how many match, in one pass that keeps only k candidates.
func (s *snapshot) earliest(m *matcher, k int) ([]*actionbot.Action, int) {
	type cand struct {
		a   *actionbot.Action
		pos int
	}
	// before orders by deadline, then plan position.
	before := func(x, y cand) bool {
		if c := x.a.Deadline.Due.Compare(y.a.Deadline.Due); c != 0 {
			return c < 0
		}
		return x.pos < y.pos
	}
	// h is a max-heap of the k best so far: h[0] is the worst of them.
	h := make([]cand, 0, k)
	down := func(i int) {
		for {
			l, worst := 2*i+1, i
			if l < len(h) && before(h[worst], h[l]) {
				worst = l
			}
			if r := l + 1; r < len(h) && before(h[worst], h[r]) {
				worst = r
			}
			if worst == i {
				return
			}
			h[i], h[worst] = h[worst], h[i]
			i = worst
		}
	}
	total := 0
	for pos, a := range s.all() {
		if !m.match(pos, a) {
			continue
		}
		total++
		c := cand{a, pos}
		switch {
		case len(h) < k:
			h = append(h, c)
			for i := len(h) - 1; i > 0 && before(h[(i-1)/2], h[i]); i = (i - 1) / 2 {
				h[i], h[(i-1)/2] = h[(i-1)/2], h[i]
			}
		case before(c, h[0]):
			h[0] = c
			down(0)
		}
	}
	slices.SortFunc(h, func(x, y cand) int {
		if before(x, y) {
			return -1
		}
		return 1
	})
	out := make([]*actionbot.Action, len(h))
	for i, c := range h {
		out[i] = c.a
	}
	return out, total
}

// matcher is an ActionFilter prepared for matching in a snapshot: the one
// implementation of the list filters (SQL only stores the actions).
type matcher struct {
	f         actionbot.ActionFilter
	s         *snapshot
	refs      map[string]bool
	statuses  map[actionbot.Status]bool
	words     []string
	agency    agencySet // f.Agency
	led       agencySet // f.LedBy
	partnered agencySet // f.PartneredBy
	involving agencySet // f.Involving
	all       int       // the number of "All Partners"
}

func (s *snapshot) matcher(f actionbot.ActionFilter) *matcher {
	m := &matcher{f: f, s: s, all: s.agency[actionbot.AllPartners]}
	if len(f.Refs) > 0 {
		m.refs = map[string]bool{}
		for _, r := range f.Refs {
			m.refs[r] = true
		}
	}
	if len(f.Statuses) > 0 {
		m.statuses = map[actionbot.Status]bool{}
		for _, st := range f.Statuses {
			m.statuses[st] = true
		}
	}
	for _, w := range f.Words {
		m.words = append(m.words, strings.ToLower(w))
	}
	m.agency = s.agencies(f.Agency)
	m.led = s.agencies(f.LedBy...)
	m.partnered = s.agencies(f.PartneredBy...)
	m.involving = s.agencies(f.Involving...)
	return m
}

// match reports whether the action at position pos matches.
func (m *matcher) match(pos int, a *actionbot.Action) bool {
	f := &m.f
	ps := m.s.parties[pos]
	switch {
	case m.refs != nil && !m.refs[a.Ref]:
		return false
	case f.Priority > 0 && a.Priority != f.Priority:
		return false
	case f.Agency != "" && !ps.lead.meets(m.agency) && !ps.partner.meets(m.agency):
		return false
	case len(f.LedBy) > 0 && !ps.lead.meets(m.led):
		return false
	case len(f.PartneredBy) > 0 && (!(ps.partner.meets(m.partnered) || ps.partner.has(m.all)) || ps.lead.meets(m.partnered)):
		return false
	case len(f.Involving) > 0 && !ps.lead.meets(m.involving) && !ps.partner.meets(m.involving) && !ps.partner.has(m.all):
		return false
	case m.statuses != nil && !m.statuses[a.Status]:
		return false
	case f.NotDone && a.Status == actionbot.StatusDone:
		return false
	case (!f.DueFrom.IsZero() || !f.DueTo.IsZero()) && a.Deadline.Due.IsZero():
		return false
	case !f.DueFrom.IsZero() && a.Deadline.Due.Before(f.DueFrom):
		return false
	case !f.DueTo.IsZero() && a.Deadline.Due.After(f.DueTo):
		return false
	case f.Ongoing && !a.Deadline.Ongoing:
		return false
	case !f.StaleBefore.IsZero() && (a.Status == actionbot.StatusDone || !a.LastActivity.IsZero() && !a.LastActivity.Before(f.StaleBefore)):
		return false
	}
	if len(m.words) > 0 {
		return hasWords(a, m.words)
	}
	return true
}

// hasWords reports whether every word (in lower case) is in the action's
// id, text, the plan's notes on it, the reason it is blocked or at risk, or
// its latest note: "/action find" finds an action by any of them.
func hasWords(a *actionbot.Action, words []string) bool {
	text := strings.ToLower(a.Text)
	var rest string // the other fields, made only when the text lacks a word
	for _, w := range words {
		if strings.Contains(text, w) {
			continue
		}
		if rest == "" {
			latest := ""
			if a.LastUpdate != nil {
				latest = a.LastUpdate.Note
			}
			rest = strings.ToLower(strings.Join([]string{a.Ref, a.Notes, a.Reason, latest}, "\n"))
		}
		if !strings.Contains(rest, w) {
			return false
		}
	}
	return true
}

// interner shares equal values among the actions of a snapshot being
// loaded: a plan repeats its agencies, their lists, its funding and
// deadline wordings and its statuses thousands of times, and the database
// hands each row its own copy. It lives only while a snapshot loads.
type interner struct {
	strs    map[string]string
	parties map[string][]actionbot.Party
	key     []byte
}

func newInterner() *interner {
	return &interner{strs: map[string]string{}, parties: map[string][]actionbot.Party{}}
}

func (in *interner) str(s string) string {
	if s == "" {
		return ""
	}
	if v, ok := in.strs[s]; ok {
		return v
	}
	in.strs[s] = s
	return s
}

// partyList returns the shared list equal to ps, of exact capacity, so that
// a caller's append to its copy of an action never writes into it.
func (in *interner) partyList(ps []actionbot.Party) []actionbot.Party {
	if len(ps) == 0 {
		return ps
	}
	in.key = in.key[:0]
	for _, p := range ps {
		in.key = append(append(append(append(in.key, p.Agency...), 0), p.Role...), 1)
	}
	if v, ok := in.parties[string(in.key)]; ok {
		return v
	}
	list := make([]actionbot.Party, len(ps))
	for i, p := range ps {
		list[i] = actionbot.Party{Agency: in.str(p.Agency), Role: in.str(p.Role)}
	}
	in.parties[string(in.key)] = list
	return list
}

// action shares the repeated values of a freshly loaded action.
func (in *interner) action(a *actionbot.Action) {
	a.Status = actionbot.Status(in.str(string(a.Status)))
	a.Funding = in.str(a.Funding)
	a.Deadline.Written = in.str(a.Deadline.Written)
	a.Original.Written = in.str(a.Original.Written)
	a.Lead = in.partyList(a.Lead)
	a.Partners = in.partyList(a.Partners)
	if e := a.LastUpdate; e != nil {
		if e.Ref == a.Ref {
			e.Ref = a.Ref
		}
		e.Actor = in.str(e.Actor)
		e.Verb = actionbot.Verb(in.str(string(e.Verb)))
		e.Note = in.str(e.Note)
		for i := range e.Changes {
			e.Changes[i].Field = in.str(e.Changes[i].Field)
		}
	}
}

// shareWith shares with prev, the same action as the snapshot had it, the
// values a change left as they were: an update keeps the snapshot as
// compact as its full load.
func shareWith(a, prev *actionbot.Action) {
	if a.Status == prev.Status {
		a.Status = prev.Status
	}
	if a.Funding == prev.Funding {
		a.Funding = prev.Funding
	}
	if a.Deadline.Written == prev.Deadline.Written {
		a.Deadline.Written = prev.Deadline.Written
	}
	if a.Original.Written == prev.Original.Written {
		a.Original.Written = prev.Original.Written
	}
	if slices.Equal(a.Lead, prev.Lead) {
		a.Lead = prev.Lead
	} else {
		a.Lead = slices.Clip(a.Lead)
	}
	if slices.Equal(a.Partners, prev.Partners) {
		a.Partners = prev.Partners
	} else {
		a.Partners = slices.Clip(a.Partners)
	}
	if a.Text == prev.Text {
		a.Text = prev.Text
	}
	if a.Notes == prev.Notes {
		a.Notes = prev.Notes
	}
}

// took puts a change this process has just committed to action a into the
// snapshot, when the snapshot was the database as the change's
// transaction found it (ws): writers are serialised, so the snapshot with
// a in place is the database just after the commit, and nothing need be
// read again (the refresh after each change was a fifth of its CPU).
// Otherwise the next read refreshes as usual.
func (db *DB) took(planID int64, ws writeState, a *actionbot.Action, now string) {
	db.snap.mu.Lock()
	defer db.snap.mu.Unlock()
	cur := db.snap.cur.Load()
	i, ok := 0, false
	if cur != nil && a.LastUpdate != nil && cur.planID == planID && cur.planRev == ws.Rev && cur.auditMax == ws.AuditMax.Int64 {
		i, ok = cur.byID[a.ID]
	}
	updatedAt, err := parseTime(now)
	if !ok || err != nil {
		db.changed()
		return
	}
	// As the database gives it back: instants in UTC to the microsecond.
	cp := *a
	cp.UpdatedAt = updatedAt
	cp.LastActivity = storedTime(a.LastActivity)
	cp.SnoozedUntil = storedTime(a.SnoozedUntil)
	last := *a.LastUpdate
	last.At = storedTime(last.At)
	if last.At.IsZero() {
		last.At = updatedAt
	}
	last.Changes = slices.Clone(last.Changes) // its own: own rewrites its values
	cp.LastUpdate = &last
	prev := cur.at(i)
	shareWith(&cp, prev)
	db.snap.own(&cp, prev)
	n := &snapshot{planID: cur.planID, planRev: cur.planRev, auditMax: last.ID, byRef: cur.byRef, byID: cur.byID,
		agency: cur.agency, parties: cur.parties}
	// The change beside the earlier list, not a copy of the whole list per
	// change: that was most of took's cost, and of the collector's.
	if cur.delta != nil {
		n.base, n.delta = cur.base, make(map[int]*actionbot.Action, len(cur.delta)+1)
		for j, a := range cur.delta {
			n.delta[j] = a
		}
	} else {
		n.base, n.delta = cur.actions, make(map[int]*actionbot.Action, 1)
	}
	n.delta[i] = &cp
	if len(n.delta) >= maxDelta {
		n.actions, n.base, n.delta = n.merged(), nil, nil
	}
	if cur.refs != nil {
		n.refs = cur.refs.Over(n.refAt)
	}
	db.snap.cur.Store(n)
	// The counters as this process now knows them: the next read need not
	// ask, unless another process may have written since it last asked.
	w := &db.watch
	w.mu.Lock()
	if w.valid && !w.dirty.Load() && w.last.Rev == ws.Rev && w.last.AuditMax == ws.AuditMax {
		w.last.AuditMax = sql.NullInt64{Int64: last.ID, Valid: true}
	} else {
		w.dirty.Store(true)
	}
	w.mu.Unlock()
}

// storedTime is t as the database gives it back.
func storedTime(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	st, err := parseTime(formatTime(t))
	if err != nil {
		return t
	}
	return st
}
