-- Personal calendar feeds, and audit rows linked to the member they concern
-- (a personal feed's SEQUENCE and DTSTAMP come from them).

ALTER TABLE audit ADD COLUMN member_id INTEGER REFERENCES member(id);
CREATE INDEX audit_member ON audit(member_id, meeting_id);

CREATE TABLE feed_token (
    token      TEXT PRIMARY KEY,           -- secrets.token_urlsafe(24): 192 bits
    member_id  INTEGER NOT NULL REFERENCES member(id),
    created_at TEXT NOT NULL,
    revoked_at TEXT
);
CREATE UNIQUE INDEX feed_token_active ON feed_token(member_id) WHERE revoked_at IS NULL;
