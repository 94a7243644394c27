package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/vigil-hr/vigil/internal/errs"
	"github.com/vigil-hr/vigil/internal/store"
)

var _ store.ProtectedStore = (*Store)(nil)

// notFound turns sql.ErrNoRows into an errs.NotFound error naming what.
func notFound(err error, what string, args ...any) error {
	if errors.Is(err, sql.ErrNoRows) {
		return errs.E(errs.NotFound, what, args...)
	}
	return err
}

// CreateUser implements store.Users.
func (s *Store) CreateUser(ctx context.Context, u *store.User) (err error) {
	defer errs.Wrap(&err, "sqlite: CreateUser(%q)", u.Name)
	if err := store.PrepareUser(u, time.Now()); err != nil {
		return err
	}
	_, err = s.w.ExecContext(ctx, `INSERT INTO users (id, name, role, password_hash, disabled, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, u.ID, u.Name, u.Role, u.PasswordHash, u.Disabled, formatTime(u.CreatedAt), formatTime(u.UpdatedAt))
	if err = classify(err); errs.Is(err, errs.Conflict) {
		return errs.E(errs.Conflict, "user name or ID is taken")
	}
	return err
}

const userCols = `id, name, role, password_hash, disabled, created_at, updated_at`

func scanUser(row interface{ Scan(...any) error }) (*store.User, error) {
	var u store.User
	var created, updated string
	if err := row.Scan(&u.ID, &u.Name, &u.Role, &u.PasswordHash, &u.Disabled, &created, &updated); err != nil {
		return nil, err
	}
	var err error
	if u.CreatedAt, err = parseTime(created); err != nil {
		return nil, err
	}
	if u.UpdatedAt, err = parseTime(updated); err != nil {
		return nil, err
	}
	return &u, nil
}

// GetUser implements store.Users.
func (s *Store) GetUser(ctx context.Context, id string) (_ *store.User, err error) {
	defer errs.Wrap(&err, "sqlite: GetUser(%q)", id)
	u, err := scanUser(s.r.QueryRowContext(ctx, `SELECT `+userCols+` FROM users WHERE id = ?`, id))
	return u, notFound(err, "no user %q", id)
}

// GetUserByName implements store.Users.
func (s *Store) GetUserByName(ctx context.Context, name string) (_ *store.User, err error) {
	defer errs.Wrap(&err, "sqlite: GetUserByName(%q)", name)
	u, err := scanUser(s.r.QueryRowContext(ctx, `SELECT `+userCols+` FROM users WHERE name = ?`, name))
	return u, notFound(err, "no user named %q", name)
}

// ListUsers implements store.Users.
func (s *Store) ListUsers(ctx context.Context) (_ []store.User, err error) {
	defer errs.Wrap(&err, "sqlite: ListUsers")
	rows, err := s.r.QueryContext(ctx, `SELECT `+userCols+` FROM users ORDER BY name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []store.User{}
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *u)
	}
	return out, rows.Err()
}

// execOne runs a statement that must change exactly one row.
func (s *Store) execOne(ctx context.Context, what string, query string, args ...any) error {
	r, err := s.w.ExecContext(ctx, query, args...)
	if err != nil {
		return classify(err)
	}
	if n, err := r.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return errs.E(errs.NotFound, "no %s", what)
	}
	return nil
}

// SetUserDisabled implements store.Users. Disabling also ends the user's
// sessions.
func (s *Store) SetUserDisabled(ctx context.Context, id string, disabled bool) (err error) {
	defer errs.Wrap(&err, "sqlite: SetUserDisabled(%q)", id)
	if err := s.execOne(ctx, "such user", `UPDATE users SET disabled = ?, updated_at = ? WHERE id = ?`, disabled, formatTime(time.Now()), id); err != nil {
		return err
	}
	if disabled {
		_, err = s.w.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ?`, id)
	}
	return err
}

// SetPassword implements store.Users. It also ends the user's sessions.
func (s *Store) SetPassword(ctx context.Context, id, hash string) (err error) {
	defer errs.Wrap(&err, "sqlite: SetPassword(%q)", id)
	if hash == "" {
		return errs.E(errs.Invalid, "empty password hash")
	}
	if err := s.execOne(ctx, "such user", `UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?`, hash, formatTime(time.Now()), id); err != nil {
		return err
	}
	_, err = s.w.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ?`, id)
	return err
}

// CreateSession implements store.Users.
func (s *Store) CreateSession(ctx context.Context, se *store.Session) (err error) {
	defer errs.Wrap(&err, "sqlite: CreateSession")
	if err := store.PrepareSession(se, time.Now()); err != nil {
		return err
	}
	_, err = s.w.ExecContext(ctx, `INSERT INTO sessions (id_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)`,
		se.IDHash, se.UserID, formatTime(se.CreatedAt), formatTime(se.ExpiresAt))
	return classify(err)
}

// GetSession implements store.Users.
func (s *Store) GetSession(ctx context.Context, idHash string) (_ *store.Session, err error) {
	defer errs.Wrap(&err, "sqlite: GetSession")
	var se store.Session
	var created, expires string
	err = s.r.QueryRowContext(ctx, `SELECT id_hash, user_id, created_at, expires_at FROM sessions WHERE id_hash = ?`, idHash).
		Scan(&se.IDHash, &se.UserID, &created, &expires)
	if err != nil {
		return nil, notFound(err, "no such session")
	}
	if se.CreatedAt, err = parseTime(created); err != nil {
		return nil, err
	}
	if se.ExpiresAt, err = parseTime(expires); err != nil {
		return nil, err
	}
	return &se, nil
}

// DeleteSession implements store.Users. Deleting a session that does not
// exist is not an error.
func (s *Store) DeleteSession(ctx context.Context, idHash string) (err error) {
	defer errs.Wrap(&err, "sqlite: DeleteSession")
	_, err = s.w.ExecContext(ctx, `DELETE FROM sessions WHERE id_hash = ?`, idHash)
	return err
}

// DeleteExpiredSessions implements store.Users.
func (s *Store) DeleteExpiredSessions(ctx context.Context, now time.Time) (_ int, err error) {
	defer errs.Wrap(&err, "sqlite: DeleteExpiredSessions")
	r, err := s.w.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at < ?`, formatTime(now))
	if err != nil {
		return 0, err
	}
	n, err := r.RowsAffected()
	return int(n), err
}

// CreateToken implements store.Users.
func (s *Store) CreateToken(ctx context.Context, t *store.APIToken) (err error) {
	defer errs.Wrap(&err, "sqlite: CreateToken")
	if err := store.PrepareToken(t, time.Now()); err != nil {
		return err
	}
	var expires sql.NullString
	if t.ExpiresAt != nil {
		expires = sql.NullString{String: formatTime(*t.ExpiresAt), Valid: true}
	}
	_, err = s.w.ExecContext(ctx, `INSERT INTO api_tokens (id, user_id, name, hash, created_at, expires_at, revoked)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, t.ID, t.UserID, t.Name, t.Hash, formatTime(t.CreatedAt), expires, t.Revoked)
	return classify(err)
}

const tokenCols = `id, user_id, name, hash, created_at, expires_at, revoked`

func scanToken(row interface{ Scan(...any) error }) (*store.APIToken, error) {
	var t store.APIToken
	var created string
	var expires sql.NullString
	if err := row.Scan(&t.ID, &t.UserID, &t.Name, &t.Hash, &created, &expires, &t.Revoked); err != nil {
		return nil, err
	}
	var err error
	if t.CreatedAt, err = parseTime(created); err != nil {
		return nil, err
	}
	if expires.Valid {
		e, err := parseTime(expires.String)
		if err != nil {
			return nil, err
		}
		t.ExpiresAt = &e
	}
	return &t, nil
}

// GetTokenByHash implements store.Users.
func (s *Store) GetTokenByHash(ctx context.Context, hash string) (_ *store.APIToken, err error) {
	defer errs.Wrap(&err, "sqlite: GetTokenByHash")
	t, err := scanToken(s.r.QueryRowContext(ctx, `SELECT `+tokenCols+` FROM api_tokens WHERE hash = ?`, hash))
	return t, notFound(err, "no such API token")
}

// ListTokens implements store.Users.
func (s *Store) ListTokens(ctx context.Context, userID string) (_ []store.APIToken, err error) {
	defer errs.Wrap(&err, "sqlite: ListTokens(%q)", userID)
	rows, err := s.r.QueryContext(ctx, `SELECT `+tokenCols+` FROM api_tokens WHERE user_id = ? ORDER BY created_at, id`, userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []store.APIToken{}
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *t)
	}
	return out, rows.Err()
}

// RevokeToken implements store.Users.
func (s *Store) RevokeToken(ctx context.Context, id string) (err error) {
	defer errs.Wrap(&err, "sqlite: RevokeToken(%q)", id)
	return s.execOne(ctx, "such API token", `UPDATE api_tokens SET revoked = 1 WHERE id = ?`, id)
}

// AppendAccess implements store.AccessLog.
func (s *Store) AppendAccess(ctx context.Context, e *store.AccessEntry) (err error) {
	defer errs.Wrap(&err, "sqlite: AppendAccess")
	if err := store.PrepareAccess(e, time.Now()); err != nil {
		return err
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return classify(err)
	}
	defer tx.Rollback()
	var prev string
	err = tx.QueryRowContext(ctx, `SELECT seq, hash FROM access_log ORDER BY seq DESC LIMIT 1`).Scan(&e.Seq, &prev)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	e.Seq++
	e.Hash = store.AccessHash(prev, e)
	if _, err := tx.ExecContext(ctx, `INSERT INTO access_log (seq, time, actor, action, kind, record_id, detail, hash)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, e.Seq, formatTime(e.Time), e.Actor, e.Action, e.Kind, e.ID, e.Detail, e.Hash); err != nil {
		return classify(err)
	}
	return classify(tx.Commit())
}

// AccessEntries implements store.AccessLog.
func (s *Store) AccessEntries(ctx context.Context, after int64, limit int) (_ []store.AccessEntry, err error) {
	defer errs.Wrap(&err, "sqlite: AccessEntries")
	p, err := store.Page{Limit: limit}.Normalize()
	if err != nil {
		return nil, err
	}
	rows, err := s.r.QueryContext(ctx, `SELECT seq, time, actor, action, kind, record_id, detail, hash FROM access_log
		WHERE seq > ? ORDER BY seq LIMIT ?`, after, p.Limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []store.AccessEntry{}
	for rows.Next() {
		var e store.AccessEntry
		var t string
		if err := rows.Scan(&e.Seq, &t, &e.Actor, &e.Action, &e.Kind, &e.ID, &e.Detail, &e.Hash); err != nil {
			return nil, err
		}
		if e.Time, err = parseTime(t); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}
