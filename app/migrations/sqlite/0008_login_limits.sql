-- Sign-in limits with backoff. Replaces login_attempts (counted failures after the fact):
-- an attempt is now counted before its password is checked, per account and address
-- (`user:<name>@<address>`) and per address (`ip:<address>`). Times are unix milliseconds.
-- The PostgreSQL migration of the same number is its twin.

DROP TABLE login_attempts;

CREATE TABLE login_limits (
    key           TEXT    PRIMARY KEY,
    -- The counting window's start and the attempts counted in it.
    window_start  INTEGER NOT NULL,
    attempts      INTEGER NOT NULL,
    -- Locks imposed and not yet forgiven: the next lasts twice as long as the last.
    strikes       INTEGER NOT NULL,
    -- No attempt before this; 0 when never locked.
    locked_until  INTEGER NOT NULL
);
