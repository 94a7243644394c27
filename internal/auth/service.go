package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"sync"
	"time"

	"github.com/vigil-hr/vigil/internal/errs"
	"github.com/vigil-hr/vigil/internal/store"
)

// Principal is who a request acts for.
type Principal struct {
	User *store.User // nil for the public
	Role Role
	// Via says how the request authenticated: "session", "token" or ""
	// (public).
	Via string
	// CSRF is the token a session's unsafe requests must carry (empty
	// unless Via is "session").
	CSRF string
}

// Actor names the principal as ledger and access-log actor: user:ID, or
// public.
func (p *Principal) Actor() string {
	if p == nil || p.User == nil {
		return "public"
	}
	return "user:" + p.User.ID
}

// Can reports whether the principal may take action.
func (p *Principal) Can(a Action) bool { return p != nil && Can(p.Role, a) }

// Store is what the service needs of a store.
type Store interface {
	store.Users
	store.AccessLog
}

// Service manages users, sessions and tokens.
type Service struct {
	Store      Store
	Params     Params        // zero: DefaultParams
	SessionTTL time.Duration // zero: 12 hours
	Now        func() time.Time
	// dummy is a hash of nothing, verified when a login names no user,
	// so that timing does not tell which names exist.
	dummyOnce sync.Once
	dummy     string
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Service) params() Params {
	if s.Params == (Params{}) {
		return DefaultParams
	}
	return s.Params
}

func (s *Service) ttl() time.Duration {
	if s.SessionTTL <= 0 {
		return 12 * time.Hour
	}
	return s.SessionTTL
}

// Access log actions written by the service.
const (
	ActionUserAdd      = "user_add"
	ActionUserDisable  = "user_disable"
	ActionUserEnable   = "user_enable"
	ActionTokenCreate  = "token_create"
	ActionTokenRevoke  = "token_revoke"
	ActionLoginFailure = "login_failure"
)

// AddUser creates a user with a password; actor is who does it.
func (s *Service) AddUser(ctx context.Context, actor, name string, role Role, password string) (_ *store.User, err error) {
	defer errs.Wrap(&err, "adding user %q", name)
	if _, err := ParseRole(string(role)); err != nil {
		return nil, err
	}
	if err := CheckPassword(password); err != nil {
		return nil, err
	}
	h, err := HashPassword(password, s.params())
	if err != nil {
		return nil, err
	}
	u := &store.User{Name: name, Role: string(role), PasswordHash: h}
	if err := s.Store.CreateUser(ctx, u); err != nil {
		return nil, err
	}
	return u, s.audit(ctx, actor, ActionUserAdd, u.ID, "role="+string(role))
}

// SetDisabled disables (or enables again) a user by name. Disabling ends
// the user's sessions; its tokens stop working while it is disabled.
func (s *Service) SetDisabled(ctx context.Context, actor, name string, disabled bool) (err error) {
	defer errs.Wrap(&err, "disabling user %q", name)
	u, err := s.Store.GetUserByName(ctx, name)
	if err != nil {
		return err
	}
	if err := s.Store.SetUserDisabled(ctx, u.ID, disabled); err != nil {
		return err
	}
	action := ActionUserDisable
	if !disabled {
		action = ActionUserEnable
	}
	return s.audit(ctx, actor, action, u.ID, "")
}

func (s *Service) audit(ctx context.Context, actor, action, id, detail string) error {
	return s.Store.AppendAccess(ctx, &store.AccessEntry{Time: s.now(), Actor: actor, Action: action, Kind: "user", ID: id, Detail: detail})
}

// ErrBadCredentials is returned for a wrong name or password, a disabled
// user, or an unknown, expired or revoked session or token: the caller is
// not told which.
var ErrBadCredentials = errs.E(errs.Forbidden, "bad credentials")

// CheckPassword returns the user when name and password match an
// enabled account. It takes about as long whether or not the user exists.
func (s *Service) CheckPassword(ctx context.Context, name, password string) (*store.User, error) {
	u, err := s.Store.GetUserByName(ctx, name)
	if errs.Is(err, errs.NotFound) {
		s.dummyOnce.Do(func() { s.dummy, _ = HashPassword("vigil-dummy-password", s.params()) })
		VerifyPassword(password, s.dummy)
		return nil, ErrBadCredentials
	}
	if err != nil {
		return nil, err
	}
	ok, err := VerifyPassword(password, u.PasswordHash)
	if err != nil {
		return nil, err
	}
	if !ok || u.Disabled {
		s.audit(ctx, "user:"+u.ID, ActionLoginFailure, u.ID, "")
		return nil, ErrBadCredentials
	}
	return u, nil
}

// newSecret returns a random secret of 32 bytes, base64url, with a prefix.
func newSecret(prefix string) string {
	b := make([]byte, 32)
	rand.Read(b)
	return prefix + base64.RawURLEncoding.EncodeToString(b)
}

// digest returns the hex SHA-256 stores keep of a secret.
func digest(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// csrfFor derives a session's CSRF token from its secret ID: anyone who
// can read the session cookie can compute it, no one else can.
func csrfFor(sessionID string) string {
	sum := sha256.Sum256([]byte("vigil-csrf\x00" + sessionID))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// LoginResult is an opened session.
type LoginResult struct {
	SessionID string // secret: goes in the cookie (SetSessionCookie)
	CSRF      string // goes in the pages' forms and the X-CSRF-Token header
	Expires   time.Time
	User      *store.User
}

// Login checks a name and password and opens a session.
func (s *Service) Login(ctx context.Context, name, password string) (*LoginResult, error) {
	u, err := s.CheckPassword(ctx, name, password)
	if err != nil {
		return nil, err
	}
	id := newSecret("")
	now := s.now()
	se := &store.Session{IDHash: digest(id), UserID: u.ID, CreatedAt: now, ExpiresAt: now.Add(s.ttl())}
	if err := s.Store.CreateSession(ctx, se); err != nil {
		return nil, err
	}
	return &LoginResult{SessionID: id, CSRF: csrfFor(id), Expires: se.ExpiresAt, User: u}, nil
}

// Logout ends a session.
func (s *Service) Logout(ctx context.Context, sessionID string) error {
	return s.Store.DeleteSession(ctx, digest(sessionID))
}

// TokenPrefix starts every API token, so leaked tokens are easy to find.
const TokenPrefix = "vigil_"

// NewToken makes an API token for a user (by name) and returns it: the
// only time it is shown. ttl 0 means until revoked.
func (s *Service) NewToken(ctx context.Context, actor, userName, tokenName string, ttl time.Duration) (token string, _ *store.APIToken, err error) {
	defer errs.Wrap(&err, "making a token for %q", userName)
	u, err := s.Store.GetUserByName(ctx, userName)
	if err != nil {
		return "", nil, err
	}
	token = newSecret(TokenPrefix)
	t := &store.APIToken{UserID: u.ID, Name: tokenName, Hash: digest(token), CreatedAt: s.now()}
	if ttl > 0 {
		e := t.CreatedAt.Add(ttl)
		t.ExpiresAt = &e
	}
	if err := s.Store.CreateToken(ctx, t); err != nil {
		return "", nil, err
	}
	return token, t, s.audit(ctx, actor, ActionTokenCreate, u.ID, "token="+t.ID)
}

// RevokeToken revokes an API token by its ID.
func (s *Service) RevokeToken(ctx context.Context, actor, id string) error {
	if err := s.Store.RevokeToken(ctx, id); err != nil {
		return err
	}
	return s.audit(ctx, actor, ActionTokenRevoke, "", "token="+id)
}

// principalOf returns the principal of an enabled user.
func principalOf(u *store.User, via string) (*Principal, error) {
	if u.Disabled {
		return nil, ErrBadCredentials
	}
	r, err := ParseRole(u.Role)
	if err != nil {
		return nil, err
	}
	return &Principal{User: u, Role: r, Via: via}, nil
}

// ByToken authenticates an API token.
func (s *Service) ByToken(ctx context.Context, token string) (*Principal, error) {
	if !strings.HasPrefix(token, TokenPrefix) || len(token) > 200 {
		return nil, ErrBadCredentials
	}
	t, err := s.Store.GetTokenByHash(ctx, digest(token))
	if errs.Is(err, errs.NotFound) {
		return nil, ErrBadCredentials
	}
	if err != nil {
		return nil, err
	}
	if t.Revoked || (t.ExpiresAt != nil && !s.now().Before(*t.ExpiresAt)) {
		return nil, ErrBadCredentials
	}
	u, err := s.Store.GetUser(ctx, t.UserID)
	if err != nil {
		return nil, err
	}
	return principalOf(u, "token")
}

// BySession authenticates a session ID.
func (s *Service) BySession(ctx context.Context, sessionID string) (*Principal, error) {
	if sessionID == "" || len(sessionID) > 200 {
		return nil, ErrBadCredentials
	}
	se, err := s.Store.GetSession(ctx, digest(sessionID))
	if errs.Is(err, errs.NotFound) {
		return nil, ErrBadCredentials
	}
	if err != nil {
		return nil, err
	}
	if !s.now().Before(se.ExpiresAt) {
		s.Store.DeleteSession(ctx, se.IDHash)
		return nil, ErrBadCredentials
	}
	u, err := s.Store.GetUser(ctx, se.UserID)
	if err != nil {
		return nil, err
	}
	p, err := principalOf(u, "session")
	if err != nil {
		return nil, err
	}
	p.CSRF = csrfFor(sessionID)
	return p, nil
}
