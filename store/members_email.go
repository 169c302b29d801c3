package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/sevenoaks-csp/actionbot"
)

// Members reached by e-mail (issue 27): see migration 101.

// AddMemberByEmail registers a person by address alone as a member of an
// agency (named by its code, name or alias): the address, normalised, is
// their member id. EINVALID for a malformed address; ECONFLICT when the
// address is already a Slack member's (add that person instead);
// EUNCHANGED when they already are a member of it.
func (db *DB) AddMemberByEmail(ctx context.Context, addr, agency, actor string) (string, error) {
	addr, err := actionbot.NormalizeEmail(addr)
	if err != nil {
		return "", err
	}
	agency = db.agencyCode(ctx, agency)
	if err := actionbot.CanJoin(agency); err != nil {
		return "", err
	}
	return addr, db.adminChange(ctx, actor, "member add", addr, agency, func(tx execer, now string) (bool, error) {
		if err := db.mayCoordinate(ctx, tx, actor, "add a member to an agency"); err != nil {
			return false, err
		}
		var n int
		if err := tx.GetContext(ctx, &n, `SELECT COUNT(*) FROM agencies WHERE code = ?`, agency); err != nil {
			return false, fmt.Errorf("find agency %s: %w", agency, err)
		} else if n == 0 {
			return false, actionbot.Errorf(actionbot.ENOTFOUND, "There is no agency %s.", agency)
		}
		var owner string
		switch err := tx.GetContext(ctx, &owner, `SELECT user_id FROM member_emails WHERE email = ?`, addr); {
		case errors.Is(err, sql.ErrNoRows):
			if _, err := tx.ExecContext(ctx, `INSERT INTO member_emails (user_id, email, route, updated_by, updated_at) VALUES (?, ?, 'auto', ?, ?)`,
				addr, addr, actor, now); err != nil {
				return false, fmt.Errorf("add member by e-mail: %w", err)
			}
		case err != nil:
			return false, fmt.Errorf("add member by e-mail: %w", err)
		case owner != addr:
			return false, actionbot.Errorf(actionbot.ECONFLICT, "That address is already the e-mail address of %s: add them to %s instead (`/action admin member add @person %s`).", owner, agency, agency)
		}
		r, err := tx.ExecContext(ctx, `INSERT INTO members (user_id, agency, added_by, added_at) VALUES (?, ?, ?, ?) ON CONFLICT (user_id, agency) DO NOTHING`,
			addr, agency, actor, now)
		if err != nil {
			return false, fmt.Errorf("add member to %s: %w", agency, err)
		}
		n64, _ := r.RowsAffected()
		return n64 > 0, nil
	})
}

// SetMemberEmail gives a person with a Slack id an e-mail address, or
// changes it, with how their reminders go (actionbot.RouteAuto, RouteEmail
// or RouteBoth; "" keeps the route they had, auto for a new address).
// Setting an address clears an earlier refusal of it. ECONFLICT when the
// address is someone else's.
func (db *DB) SetMemberEmail(ctx context.Context, userID, addr, route, actor string) (string, error) {
	addr, err := actionbot.NormalizeEmail(addr)
	if err != nil {
		return "", err
	}
	if actionbot.IsEmail(userID) {
		return "", actionbot.Errorf(actionbot.EINVALID, "%s is registered by address: the address is who they are. Remove them and add the new address instead.", userID)
	}
	switch route {
	case "", actionbot.RouteAuto, actionbot.RouteEmail, actionbot.RouteBoth:
	default:
		return "", actionbot.Errorf(actionbot.EINVALID, "Reminders go by `auto` (Slack), `email` or `both`, not %q.", route)
	}
	return addr, db.adminChange(ctx, actor, "member email", userID, addr, func(tx execer, now string) (bool, error) {
		if err := db.mayCoordinate(ctx, tx, actor, "set a member's e-mail address"); err != nil {
			return false, err
		}
		var owner string
		switch err := tx.GetContext(ctx, &owner, `SELECT user_id FROM member_emails WHERE email = ?`, addr); {
		case errors.Is(err, sql.ErrNoRows):
		case err != nil:
			return false, fmt.Errorf("set member e-mail: %w", err)
		case owner != userID:
			return false, actionbot.Errorf(actionbot.ECONFLICT, "That address is already %s's.", owner)
		}
		var old struct {
			Email string         `db:"email"`
			Route string         `db:"route"`
			Bad   sql.NullString `db:"undeliverable_at"`
		}
		err := tx.GetContext(ctx, &old, `SELECT email, route, undeliverable_at FROM member_emails WHERE user_id = ?`, userID)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			if route == "" {
				route = actionbot.RouteAuto
			}
			_, err = tx.ExecContext(ctx, `INSERT INTO member_emails (user_id, email, route, updated_by, updated_at) VALUES (?, ?, ?, ?, ?)`,
				userID, addr, route, actor, now)
			if err != nil {
				return false, fmt.Errorf("set member e-mail: %w", err)
			}
			return true, nil
		case err != nil:
			return false, fmt.Errorf("set member e-mail: %w", err)
		}
		if route == "" {
			route = old.Route
		}
		if old.Email == addr && old.Route == route && !old.Bad.Valid {
			return false, nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE member_emails SET email = ?, route = ?, undeliverable_at = NULL, undeliverable = '', updated_by = ?, updated_at = ? WHERE user_id = ?`,
			addr, route, actor, now, userID); err != nil {
			return false, fmt.Errorf("set member e-mail: %w", err)
		}
		return true, nil
	})
}

// RemoveMemberEmail takes a Slack member's address away. EUNCHANGED when
// they had none.
func (db *DB) RemoveMemberEmail(ctx context.Context, userID, actor string) error {
	if actionbot.IsEmail(userID) {
		return actionbot.Errorf(actionbot.EINVALID, "%s is registered by address: remove them from their agency instead.", userID)
	}
	return db.adminChange(ctx, actor, "member email remove", userID, "", func(tx execer, now string) (bool, error) {
		if err := db.mayCoordinate(ctx, tx, actor, "remove a member's e-mail address"); err != nil {
			return false, err
		}
		r, err := tx.ExecContext(ctx, `DELETE FROM member_emails WHERE user_id = ?`, userID)
		if err != nil {
			return false, fmt.Errorf("remove member e-mail: %w", err)
		}
		n, _ := r.RowsAffected()
		return n > 0, nil
	})
}

type memberEmailRow struct {
	UserID string         `db:"user_id"`
	Email  string         `db:"email"`
	Route  string         `db:"route"`
	BadAt  sql.NullString `db:"undeliverable_at"`
	Reason string         `db:"undeliverable"`
}

func (r *memberEmailRow) memberEmail() (actionbot.MemberEmail, error) {
	e := actionbot.MemberEmail{UserID: r.UserID, Email: r.Email, Route: r.Route, Reason: r.Reason}
	var err error
	e.Undeliverable, err = parseTime(r.BadAt.String)
	return e, err
}

// MemberEmails returns every person's address, by member id.
func (db *DB) MemberEmails(ctx context.Context) (map[string]*actionbot.MemberEmail, error) {
	var rows []memberEmailRow
	if err := db.ro.SelectContext(ctx, &rows, `SELECT user_id, email, route, undeliverable_at, undeliverable FROM member_emails`); err != nil {
		return nil, fmt.Errorf("member e-mail addresses: %w", err)
	}
	out := make(map[string]*actionbot.MemberEmail, len(rows))
	for i := range rows {
		e, err := rows[i].memberEmail()
		if err != nil {
			return nil, err
		}
		out[e.UserID] = &e
	}
	return out, nil
}

// MemberByEmail returns the address's row: whose it is, and whether it was
// refused. ENOTFOUND when it is nobody's.
func (db *DB) MemberByEmail(ctx context.Context, addr string) (*actionbot.MemberEmail, error) {
	var r memberEmailRow
	err := db.ro.GetContext(ctx, &r, `SELECT user_id, email, route, undeliverable_at, undeliverable FROM member_emails WHERE email = ?`, addr)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, actionbot.Errorf(actionbot.ENOTFOUND, "No member has that address.")
	}
	if err != nil {
		return nil, fmt.Errorf("member by e-mail: %w", err)
	}
	e, err := r.memberEmail()
	return &e, err
}

// MarkEmailUndeliverable records that the mail server refused addr for
// good, with its answer, and queues notices (telling the coordinators) in
// the same transaction — only the first time: it reports false, queuing
// nothing, when the address was already marked or is nobody's.
func (db *DB) MarkEmailUndeliverable(ctx context.Context, addr, reason string, notices []*actionbot.Outgoing) (bool, error) {
	tx, err := db.begin(ctx)
	if err != nil {
		return false, err
	}
	defer tx.Rollback()
	now := db.now()
	r, err := tx.ExecContext(ctx, `UPDATE member_emails SET undeliverable_at = ?, undeliverable = ? WHERE email = ? AND undeliverable_at IS NULL`,
		now, actionbot.Clip(reason, 300), addr)
	if err != nil {
		return false, fmt.Errorf("mark address undeliverable: %w", err)
	}
	if n, _ := r.RowsAffected(); n == 0 {
		return false, nil
	}
	if err := adminAudit(ctx, tx, now, "mail", "member email undeliverable", addr, actionbot.Clip(reason, 300)); err != nil {
		return false, err
	}
	if _, err := db.enqueue(ctx, tx, now, notices); err != nil {
		return false, err
	}
	if err := tx.Commit(); err != nil {
		return false, fmt.Errorf("mark address undeliverable: commit: %w", err)
	}
	return true, nil
}
