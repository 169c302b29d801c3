package store

import (
	"context"
	"fmt"
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
