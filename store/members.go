package store

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/sevenoaks-csp/actionbot"
)

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
