package store

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/sevenoaks-csp/actionbot"
)

// Agencies returns every agency with its aliases, sorted by code.
func (db *DB) Agencies(ctx context.Context) ([]*actionbot.Agency, error) {
	return agencies(ctx, db.ro)
}

func agencies(ctx context.Context, q queryer) ([]*actionbot.Agency, error) {
	var rows []struct {
		Code string `db:"code"`
		Name string `db:"name"`
	}
	if err := q.SelectContext(ctx, &rows, `SELECT code, name FROM agencies ORDER BY code`); err != nil {
		return nil, fmt.Errorf("list agencies: %w", err)
	}
	var aliases []struct {
		Alias string `db:"alias"`
		Code  string `db:"code"`
	}
	if err := q.SelectContext(ctx, &aliases, `SELECT alias, code FROM agency_aliases ORDER BY alias`); err != nil {
		return nil, fmt.Errorf("list agency aliases: %w", err)
	}
	out := make([]*actionbot.Agency, len(rows))
	byCode := map[string]*actionbot.Agency{}
	for i, r := range rows {
		out[i] = &actionbot.Agency{Code: r.Code, Name: r.Name}
		byCode[r.Code] = out[i]
	}
	for _, al := range aliases {
		if a := byCode[al.Code]; a != nil {
			a.Aliases = append(a.Aliases, al.Alias)
		}
	}
	return out, nil
}

// ensureAgencies creates the agencies that do not exist yet, with their
// aliases, and returns their codes.
func ensureAgencies(ctx context.Context, tx execer, as []*actionbot.Agency, now string) ([]string, error) {
	var created []string
	for _, a := range as {
		var n int
		if err := tx.GetContext(ctx, &n, `SELECT COUNT(*) FROM agencies WHERE code = ?`, a.Code); err != nil {
			return nil, fmt.Errorf("find agency %s: %w", a.Code, err)
		}
		if n > 0 {
			continue
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO agencies (code, name, created_at) VALUES (?, ?, ?)`, a.Code, a.Name, now); err != nil {
			return nil, fmt.Errorf("add agency %s: %w", a.Code, err)
		}
		for _, al := range a.Aliases {
			if _, err := tx.ExecContext(ctx, `INSERT INTO agency_aliases (alias, code) VALUES (?, ?) ON CONFLICT (alias) DO NOTHING`, al, a.Code); err != nil {
				return nil, fmt.Errorf("add alias %q of agency %s: %w", al, a.Code, err)
			}
		}
		created = append(created, a.Code)
	}
	return created, nil
}

// AddAgency adds an agency a coordinator names, with its aliases: for a
// plan that names no agencies, or one new to the partnership. The rules of
// actionbot.Directory.CheckNewAgency are enforced here, in the transaction
// that adds, as well as by the handler: ECONFLICT when its code, name or an
// alias is another agency's already, EINVALID for a code that is not one
// word of capitals or a name that reads as a person. Audited as "agency
// add", the code its subject and the name and aliases its detail.
func (db *DB) AddAgency(ctx context.Context, a *actionbot.Agency, actor string) error {
	detail := a.Name
	if len(a.Aliases) > 0 {
		detail += "; aka " + strings.Join(a.Aliases, "; ")
	}
	err := db.adminChange(ctx, actor, "agency add", a.Code, detail, func(tx execer, now string) (bool, error) {
		if err := db.mayCoordinate(ctx, tx, actor, "add an agency"); err != nil {
			return false, err
		}
		as, err := agencies(ctx, tx)
		if err != nil {
			return false, err
		}
		if err := actionbot.NewDirectory(as).CheckNewAgency(a); err != nil {
			return false, err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO agencies (code, name, created_at) VALUES (?, ?, ?)`, a.Code, a.Name, now); err != nil {
			return false, fmt.Errorf("add agency %s: %w", a.Code, err)
		}
		for _, al := range a.Aliases {
			if actionbot.AgencyKey(al) == actionbot.AgencyKey(a.Name) || actionbot.AgencyKey(al) == actionbot.AgencyKey(a.Code) {
				continue
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO agency_aliases (alias, code) VALUES (?, ?) ON CONFLICT (alias) DO NOTHING`, al, a.Code); err != nil {
				return false, fmt.Errorf("add alias %q of agency %s: %w", al, a.Code, err)
			}
		}
		return true, bumpPlanRevision(ctx, tx)
	})
	if err == nil {
		db.changed()
	}
	return err
}

// AddAgencyAlias gives an agency, named by its code, name or alias, another
// name plans use for it. EUNCHANGED when it has it already; ECONFLICT when
// another agency has it; ENOTFOUND for an unknown agency. Audited as
// "agency alias add".
func (db *DB) AddAgencyAlias(ctx context.Context, agency, alias, actor string) error {
	agency = db.agencyCode(ctx, agency)
	err := db.adminChange(ctx, actor, "agency alias add", agency, alias, func(tx execer, now string) (bool, error) {
		if err := db.mayCoordinate(ctx, tx, actor, "give an agency another name"); err != nil {
			return false, err
		}
		as, err := agencies(ctx, tx)
		if err != nil {
			return false, err
		}
		if err := actionbot.NewDirectory(as).CheckNewAlias(agency, alias); err != nil {
			return false, err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO agency_aliases (alias, code) VALUES (?, ?)`, alias, agency); err != nil {
			return false, fmt.Errorf("add alias %q of agency %s: %w", alias, agency, err)
		}
		return true, bumpPlanRevision(ctx, tx)
	})
	if err == nil {
		db.changed()
	}
	return err
}

// MemberAgencies returns the codes of the agencies a user is a member of.
func (db *DB) MemberAgencies(ctx context.Context, userID string) ([]string, error) {
	var codes []string
	if err := db.ro.SelectContext(ctx, &codes, `SELECT agency FROM members WHERE user_id = ? ORDER BY agency`, userID); err != nil {
		return nil, fmt.Errorf("agencies of user: %w", err)
	}
	return codes, nil
}

// Members returns the members of the given agencies (all when none given),
// by agency then user.
func (db *DB) Members(ctx context.Context, agencies ...string) ([]actionbot.Member, error) {
	var rows []struct {
		UserID  string `db:"user_id"`
		Agency  string `db:"agency"`
		AddedBy string `db:"added_by"`
		AddedAt string `db:"added_at"`
	}
	q := `SELECT user_id, agency, added_by, added_at FROM members`
	var args []any
	if len(agencies) > 0 {
		q += ` WHERE agency IN (` + strings.TrimSuffix(strings.Repeat("?,", len(agencies)), ",") + `)`
		for _, a := range agencies {
			args = append(args, a)
		}
	}
	if err := db.ro.SelectContext(ctx, &rows, q+` ORDER BY agency, user_id`, args...); err != nil {
		return nil, fmt.Errorf("list members: %w", err)
	}
	out := make([]actionbot.Member, len(rows))
	for i, r := range rows {
		at, err := parseTime(r.AddedAt)
		if err != nil {
			return nil, err
		}
		out[i] = actionbot.Member{UserID: r.UserID, Agency: r.Agency, AddedBy: r.AddedBy, AddedAt: at}
	}
	return out, nil
}

// agencyCode is the code of the agency named by its code, name or alias
// ("SYP", "South Yorkshire Police", "south yorkshire police"), as
// actionbot.Directory resolves them. A name no agency has is returned as
// given, for the change to refuse; so is any name when the directory cannot
// be read, for the change to meet that error itself and report it.
func (db *DB) agencyCode(ctx context.Context, name string) string {
	dir, err := db.Directory(ctx)
	if err != nil {
		return name
	}
	if a, ok := dir.Lookup(name); ok {
		return a.Code
	}
	return name
}

// AddMember registers a user as a member of an agency, named by its code,
// name or alias. EUNCHANGED when they already are; ENOTFOUND for an unknown
// agency; EINVALID for one nobody can join (actionbot.CanJoin, enforced here
// as well as by the handler).
func (db *DB) AddMember(ctx context.Context, userID, agency, actor string) error {
	agency = db.agencyCode(ctx, agency)
	if err := actionbot.CanJoin(agency); err != nil {
		return err
	}
	return db.adminChange(ctx, actor, "member add", userID, agency, func(tx execer, now string) (bool, error) {
		if err := db.mayCoordinate(ctx, tx, actor, "add a member to an agency"); err != nil {
			return false, err
		}
		var n int
		if err := tx.GetContext(ctx, &n, `SELECT COUNT(*) FROM agencies WHERE code = ?`, agency); err != nil {
			return false, fmt.Errorf("find agency %s: %w", agency, err)
		} else if n == 0 {
			return false, actionbot.Errorf(actionbot.ENOTFOUND, "There is no agency %s.", agency)
		}
		r, err := tx.ExecContext(ctx, `INSERT INTO members (user_id, agency, added_by, added_at) VALUES (?, ?, ?, ?) ON CONFLICT (user_id, agency) DO NOTHING`,
			userID, agency, actor, now)
		if err != nil {
			return false, fmt.Errorf("add member to %s: %w", agency, err)
		}
		n64, _ := r.RowsAffected()
		return n64 > 0, nil
	})
}

// RemoveMember removes a user from an agency, named by its code, name or
// alias. EUNCHANGED when they were not a member.
func (db *DB) RemoveMember(ctx context.Context, userID, agency, actor string) error {
	agency = db.agencyCode(ctx, agency)
	return db.adminChange(ctx, actor, "member remove", userID, agency, func(tx execer, now string) (bool, error) {
		if err := db.mayCoordinate(ctx, tx, actor, "remove a member from an agency"); err != nil {
			return false, err
		}
		r, err := tx.ExecContext(ctx, `DELETE FROM members WHERE user_id = ? AND agency = ?`, userID, agency)
		if err != nil {
			return false, fmt.Errorf("remove member from %s: %w", agency, err)
		}
		n, _ := r.RowsAffected()
		return n > 0, nil
	})
}

// Coordinators returns the users with the coordinator role: those recorded
// in the database and those named by configuration
// (ConfiguredCoordinators), sorted, each once.
func (db *DB) Coordinators(ctx context.Context) ([]string, error) {
	var ids []string
	if err := db.ro.SelectContext(ctx, &ids, `SELECT user_id FROM coordinators ORDER BY user_id`); err != nil {
		return nil, fmt.Errorf("list coordinators: %w", err)
	}
	if len(db.ConfiguredCoordinators) > 0 {
		ids = append(ids, db.ConfiguredCoordinators...)
		slices.Sort(ids)
		ids = slices.Compact(ids)
	}
	return ids, nil
}

// IsCoordinator reports whether a user has the coordinator role: by
// configuration (ConfiguredCoordinators) or recorded in the database.
func (db *DB) IsCoordinator(ctx context.Context, userID string) (bool, error) {
	if userID != "" && slices.Contains(db.ConfiguredCoordinators, userID) {
		return true, nil
	}
	var n int
	if err := db.ro.GetContext(ctx, &n, `SELECT COUNT(*) FROM coordinators WHERE user_id = ?`, userID); err != nil {
		return false, fmt.Errorf("check coordinator: %w", err)
	}
	return n > 0, nil
}

// AddCoordinator gives a user the coordinator role. EUNCHANGED if they have it.
func (db *DB) AddCoordinator(ctx context.Context, userID, actor string) error {
	return db.adminChange(ctx, actor, "coordinator add", userID, "", func(tx execer, now string) (bool, error) {
		if err := db.mayCoordinate(ctx, tx, actor, "give someone the coordinator role"); err != nil {
			return false, err
		}
		r, err := tx.ExecContext(ctx, `INSERT INTO coordinators (user_id, added_by, added_at) VALUES (?, ?, ?) ON CONFLICT (user_id) DO NOTHING`, userID, actor, now)
		if err != nil {
			return false, fmt.Errorf("add coordinator: %w", err)
		}
		n, _ := r.RowsAffected()
		return n > 0, nil
	})
}

// RemoveCoordinator takes the coordinator role away. EUNCHANGED if they did
// not have it.
func (db *DB) RemoveCoordinator(ctx context.Context, userID, actor string) error {
	return db.adminChange(ctx, actor, "coordinator remove", userID, "", func(tx execer, now string) (bool, error) {
		if err := db.mayCoordinate(ctx, tx, actor, "take the coordinator role away"); err != nil {
			return false, err
		}
		r, err := tx.ExecContext(ctx, `DELETE FROM coordinators WHERE user_id = ?`, userID)
		if err != nil {
			return false, fmt.Errorf("remove coordinator: %w", err)
		}
		n, _ := r.RowsAffected()
		return n > 0, nil
	})
}

// adminChange runs one change to who may do what and audits it, in one
// transaction. change reports whether anything changed.
func (db *DB) adminChange(ctx context.Context, actor, what, subject, detail string, change func(tx execer, now string) (bool, error)) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	now := db.now()
	changed, err := change(tx, now)
	if err != nil {
		return err
	}
	if !changed {
		return actionbot.Errorf(actionbot.EUNCHANGED, "Nothing to change.")
	}
	if err := adminAudit(ctx, tx, now, actor, what, subject, detail); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("%s: commit: %w", what, err)
	}
	return nil
}

func adminAudit(ctx context.Context, tx execer, now, actor, what, subject, detail string) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO admin_audit (at, actor, what, subject, detail) VALUES (?, ?, ?, ?, ?)`,
		now, actor, what, subject, detail); err != nil {
		return fmt.Errorf("record %s: %w", what, err)
	}
	return nil
}

// AdminEntry is one recorded change to agencies, members, coordinators or
// channels.
type AdminEntry struct {
	At      string `db:"at"`
	Actor   string `db:"actor"`
	What    string `db:"what"`
	Subject string `db:"subject"`
	Detail  string `db:"detail"`
}

// AdminLog returns the recorded changes to members, coordinators and
// channels, oldest first.
func (db *DB) AdminLog(ctx context.Context) ([]AdminEntry, error) {
	var out []AdminEntry
	if err := db.ro.SelectContext(ctx, &out, `SELECT at, actor, what, subject, detail FROM admin_audit ORDER BY id`); err != nil {
		return nil, fmt.Errorf("admin log: %w", err)
	}
	return out, nil
}

// AgencyActionCounts returns, per agency code, how many of a plan's actions
// it leads and is named a partner on.
func (db *DB) AgencyActionCounts(ctx context.Context, planID int64) (map[string]actionbot.PartyCounts, error) {
	var rows []struct {
		Agency string `db:"agency"`
		Kind   string `db:"kind"`
		N      int    `db:"n"`
	}
	if err := db.ro.SelectContext(ctx, &rows, `SELECT p.agency, p.kind, COUNT(DISTINCT p.action_id) AS n
		FROM action_parties p JOIN actions a ON a.id = p.action_id WHERE a.plan_id = ? GROUP BY p.agency, p.kind`, planID); err != nil {
		return nil, fmt.Errorf("count actions per agency: %w", err)
	}
	out := map[string]actionbot.PartyCounts{}
	for _, r := range rows {
		c := out[r.Agency]
		if r.Kind == "lead" {
			c.Lead = r.N
		} else {
			c.Partner = r.N
		}
		out[r.Agency] = c
	}
	return out, nil
}
