package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/vigil-hr/vigil/internal/errs"
	"github.com/vigil-hr/vigil/internal/store"
)

var _ store.ProtectedStore = (*Store)(nil)

func noRows(err error, format string, args ...any) error {
	if errors.Is(err, pgx.ErrNoRows) {
		return errs.E(errs.NotFound, format, args...)
	}
	return classify(err)
}

// execOne runs a statement that must change exactly one row.
func (s *Store) execOne(ctx context.Context, what, query string, args ...any) error {
	tag, err := s.pool.Exec(ctx, query, args...)
	if err != nil {
		return classify(err)
	}
	if tag.RowsAffected() == 0 {
		return errs.E(errs.NotFound, "no %s", what)
	}
	return nil
}

// CreateUser implements store.Users.
func (s *Store) CreateUser(ctx context.Context, u *store.User) (err error) {
	defer errs.Wrap(&err, "postgres: CreateUser(%q)", u.Name)
	if err := store.PrepareUser(u, time.Now()); err != nil {
		return err
	}
	_, err = s.pool.Exec(ctx, `INSERT INTO users (id, name, role, password_hash, disabled, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, u.ID, u.Name, u.Role, u.PasswordHash, u.Disabled, u.CreatedAt, u.UpdatedAt)
	if err = classify(err); errs.Is(err, errs.Conflict) {
		return errs.E(errs.Conflict, "user name or ID is taken")
	}
	return err
}

const userCols = `id, name, role, password_hash, disabled, created_at, updated_at`

func scanUser(row pgx.Row) (*store.User, error) {
	var u store.User
	if err := row.Scan(&u.ID, &u.Name, &u.Role, &u.PasswordHash, &u.Disabled, &u.CreatedAt, &u.UpdatedAt); err != nil {
		return nil, err
	}
	u.CreatedAt, u.UpdatedAt = u.CreatedAt.UTC(), u.UpdatedAt.UTC()
	return &u, nil
}

// GetUser implements store.Users.
func (s *Store) GetUser(ctx context.Context, id string) (_ *store.User, err error) {
	defer errs.Wrap(&err, "postgres: GetUser(%q)", id)
	u, err := scanUser(s.pool.QueryRow(ctx, `SELECT `+userCols+` FROM users WHERE id = $1`, id))
	return u, noRows(err, "no user %q", id)
}

// GetUserByName implements store.Users.
func (s *Store) GetUserByName(ctx context.Context, name string) (_ *store.User, err error) {
	defer errs.Wrap(&err, "postgres: GetUserByName(%q)", name)
	u, err := scanUser(s.pool.QueryRow(ctx, `SELECT `+userCols+` FROM users WHERE name = $1`, name))
	return u, noRows(err, "no user named %q", name)
}

// ListUsers implements store.Users.
func (s *Store) ListUsers(ctx context.Context) (_ []store.User, err error) {
	defer errs.Wrap(&err, "postgres: ListUsers")
	rows, err := s.pool.Query(ctx, `SELECT `+userCols+` FROM users ORDER BY name`)
	if err != nil {
		return nil, classify(err)
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

// SetUserDisabled implements store.Users; disabling ends the user's sessions.
func (s *Store) SetUserDisabled(ctx context.Context, id string, disabled bool) (err error) {
	defer errs.Wrap(&err, "postgres: SetUserDisabled(%q)", id)
	if err := s.execOne(ctx, "such user", `UPDATE users SET disabled = $1, updated_at = $2 WHERE id = $3`, disabled, store.Timestamp(time.Now()), id); err != nil {
		return err
	}
	if disabled {
		_, err = s.pool.Exec(ctx, `DELETE FROM sessions WHERE user_id = $1`, id)
	}
	return classify(err)
}

// SetPassword implements store.Users; it ends the user's sessions.
func (s *Store) SetPassword(ctx context.Context, id, hash string) (err error) {
	defer errs.Wrap(&err, "postgres: SetPassword(%q)", id)
	if hash == "" {
		return errs.E(errs.Invalid, "empty password hash")
	}
	if err := s.execOne(ctx, "such user", `UPDATE users SET password_hash = $1, updated_at = $2 WHERE id = $3`, hash, store.Timestamp(time.Now()), id); err != nil {
		return err
	}
	_, err = s.pool.Exec(ctx, `DELETE FROM sessions WHERE user_id = $1`, id)
	return classify(err)
}

// CreateSession implements store.Users.
func (s *Store) CreateSession(ctx context.Context, se *store.Session) (err error) {
	defer errs.Wrap(&err, "postgres: CreateSession")
	if err := store.PrepareSession(se, time.Now()); err != nil {
		return err
	}
	_, err = s.pool.Exec(ctx, `INSERT INTO sessions (id_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)`,
		se.IDHash, se.UserID, se.CreatedAt, se.ExpiresAt)
	return classify(err)
}

// GetSession implements store.Users.
func (s *Store) GetSession(ctx context.Context, idHash string) (_ *store.Session, err error) {
	defer errs.Wrap(&err, "postgres: GetSession")
	var se store.Session
	err = s.pool.QueryRow(ctx, `SELECT id_hash, user_id, created_at, expires_at FROM sessions WHERE id_hash = $1`, idHash).
		Scan(&se.IDHash, &se.UserID, &se.CreatedAt, &se.ExpiresAt)
	if err != nil {
		return nil, noRows(err, "no such session")
	}
	se.CreatedAt, se.ExpiresAt = se.CreatedAt.UTC(), se.ExpiresAt.UTC()
	return &se, nil
}

// DeleteSession implements store.Users.
func (s *Store) DeleteSession(ctx context.Context, idHash string) (err error) {
	defer errs.Wrap(&err, "postgres: DeleteSession")
	_, err = s.pool.Exec(ctx, `DELETE FROM sessions WHERE id_hash = $1`, idHash)
	return classify(err)
}

// DeleteExpiredSessions implements store.Users.
func (s *Store) DeleteExpiredSessions(ctx context.Context, now time.Time) (_ int, err error) {
	defer errs.Wrap(&err, "postgres: DeleteExpiredSessions")
	tag, err := s.pool.Exec(ctx, `DELETE FROM sessions WHERE expires_at < $1`, now)
	if err != nil {
		return 0, classify(err)
	}
	return int(tag.RowsAffected()), nil
}

// CreateToken implements store.Users.
func (s *Store) CreateToken(ctx context.Context, t *store.APIToken) (err error) {
	defer errs.Wrap(&err, "postgres: CreateToken")
	if err := store.PrepareToken(t, time.Now()); err != nil {
		return err
	}
	_, err = s.pool.Exec(ctx, `INSERT INTO api_tokens (id, user_id, name, hash, created_at, expires_at, revoked)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, t.ID, t.UserID, t.Name, t.Hash, t.CreatedAt, t.ExpiresAt, t.Revoked)
	return classify(err)
}

const tokenCols = `id, user_id, name, hash, created_at, expires_at, revoked`

func scanToken(row pgx.Row) (*store.APIToken, error) {
	var t store.APIToken
	if err := row.Scan(&t.ID, &t.UserID, &t.Name, &t.Hash, &t.CreatedAt, &t.ExpiresAt, &t.Revoked); err != nil {
		return nil, err
	}
	t.CreatedAt = t.CreatedAt.UTC()
	if t.ExpiresAt != nil {
		e := t.ExpiresAt.UTC()
		t.ExpiresAt = &e
	}
	return &t, nil
}

// GetTokenByHash implements store.Users.
func (s *Store) GetTokenByHash(ctx context.Context, hash string) (_ *store.APIToken, err error) {
	defer errs.Wrap(&err, "postgres: GetTokenByHash")
	t, err := scanToken(s.pool.QueryRow(ctx, `SELECT `+tokenCols+` FROM api_tokens WHERE hash = $1`, hash))
	return t, noRows(err, "no such API token")
}

// ListTokens implements store.Users.
func (s *Store) ListTokens(ctx context.Context, userID string) (_ []store.APIToken, err error) {
	defer errs.Wrap(&err, "postgres: ListTokens(%q)", userID)
	rows, err := s.pool.Query(ctx, `SELECT `+tokenCols+` FROM api_tokens WHERE user_id = $1 ORDER BY created_at, id`, userID)
	if err != nil {
		return nil, classify(err)
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
	defer errs.Wrap(&err, "postgres: RevokeToken(%q)", id)
	return s.execOne(ctx, "such API token", `UPDATE api_tokens SET revoked = true WHERE id = $1`, id)
}

// accessLock is the advisory lock that serialises access-log appends, so
// the chain has no forks.
const accessLock = 0x76_69_67_69_6c_61_63 // "vigilac"

// AppendAccess implements store.AccessLog.
func (s *Store) AppendAccess(ctx context.Context, e *store.AccessEntry) (err error) {
	defer errs.Wrap(&err, "postgres: AppendAccess")
	if err := store.PrepareAccess(e, time.Now()); err != nil {
		return err
	}
	return classify(s.write(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, accessLock); err != nil {
			return err
		}
		var prev string
		e.Seq = 0
		err := tx.QueryRow(ctx, `SELECT seq, hash FROM access_log ORDER BY seq DESC LIMIT 1`).Scan(&e.Seq, &prev)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		e.Seq++
		e.Hash = store.AccessHash(prev, e)
		_, err = tx.Exec(ctx, `INSERT INTO access_log (seq, time, actor, action, kind, record_id, detail, hash)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, e.Seq, e.Time, e.Actor, e.Action, e.Kind, e.ID, e.Detail, e.Hash)
		return err
	}))
}

// AccessEntries implements store.AccessLog.
func (s *Store) AccessEntries(ctx context.Context, after int64, limit int) (_ []store.AccessEntry, err error) {
	defer errs.Wrap(&err, "postgres: AccessEntries")
	p, err := store.Page{Limit: limit}.Normalize()
	if err != nil {
		return nil, err
	}
	rows, err := s.pool.Query(ctx, `SELECT seq, time, actor, action, kind, record_id, detail, hash FROM access_log
		WHERE seq > $1 ORDER BY seq LIMIT $2`, after, p.Limit)
	if err != nil {
		return nil, classify(err)
	}
	defer rows.Close()
	out := []store.AccessEntry{}
	for rows.Next() {
		var e store.AccessEntry
		if err := rows.Scan(&e.Seq, &e.Time, &e.Actor, &e.Action, &e.Kind, &e.ID, &e.Detail, &e.Hash); err != nil {
			return nil, err
		}
		e.Time = e.Time.UTC()
		out = append(out, e)
	}
	return out, rows.Err()
}
