-- The merchant's back office: admin accounts, their server-side sessions, and login
-- rate limiting. Times are unix milliseconds; flags are 0/1. The PostgreSQL migration of the
-- same number is its twin.

CREATE TABLE admin_users (
    id             INTEGER PRIMARY KEY,
    username       TEXT    NOT NULL UNIQUE CHECK (length(username) BETWEEN 3 AND 64),
    -- argon2id PHC string (OWASP parameters); never a plain password.
    password_hash  TEXT    NOT NULL,
    role           TEXT    NOT NULL CHECK (role IN ('owner', 'staff')),
    disabled       INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL
);

-- A session id lives only in the admin's cookie; the database keeps its SHA-256, so a leaked
-- database (or backup) holds no usable session.
CREATE TABLE admin_sessions (
    token_hash    TEXT    PRIMARY KEY,
    admin_id      INTEGER NOT NULL REFERENCES admin_users (id) ON DELETE CASCADE,
    created_at    INTEGER NOT NULL,
    last_seen_at  INTEGER NOT NULL,
    -- Absolute end, whatever the activity.
    expires_at    INTEGER NOT NULL
);
CREATE INDEX admin_sessions_by_admin ON admin_sessions (admin_id);

-- Failed logins per account (`user:<name>`) and per address (`ip:<addr>`), in a window.
-- In the database, so the limit holds across several app servers.
CREATE TABLE login_attempts (
    key           TEXT    PRIMARY KEY,
    window_start  INTEGER NOT NULL,
    failures      INTEGER NOT NULL
);
