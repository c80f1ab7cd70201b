-- Reminders that survive restarts, justering, and svar på skrivelse.

-- Jobs due at a time: sent once (status done), or dropped with the reason when no longer useful.
CREATE TABLE job (
    id           INTEGER PRIMARY KEY,
    key          TEXT NOT NULL UNIQUE,          -- what it is for, e.g. paminnelse:12:7
    kind         TEXT NOT NULL,
    committee_id INTEGER REFERENCES committee(id),
    meeting_id   INTEGER REFERENCES meeting(id),
    due_at       TEXT NOT NULL,                 -- UTC
    status       TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done', 'dropped')),
    done_at      TEXT,
    note         TEXT,
    payload      TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX job_due ON job(due_at) WHERE status = 'pending';

-- Who justerar a meeting's protocol, when, and when it was justerat and announced.
CREATE TABLE justering (
    meeting_id  INTEGER PRIMARY KEY REFERENCES meeting(id),
    date        TEXT,                           -- the planned justering date
    justerare   TEXT NOT NULL DEFAULT '[]',     -- JSON: member keys
    omedelbart  TEXT NOT NULL DEFAULT '[]',     -- JSON: paragraphs justerade omedelbart
    justerad    TEXT,                           -- the day it was justerat
    anslag      TEXT,                           -- the day the anslag went up, when recorded
    updated_at  TEXT NOT NULL
);

-- Every svar på skrivelse seen, once per content.
CREATE TABLE skrivelse (
    id           INTEGER PRIMARY KEY,
    content_hash TEXT NOT NULL UNIQUE,
    committee_id INTEGER REFERENCES committee(id),
    title        TEXT,
    dnr          TEXT,
    source       TEXT NOT NULL,
    received_at  TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('postad', 'fel')),
    detail       TEXT NOT NULL DEFAULT '{}'
);

-- Files already looked at in the watched inbox folder.
CREATE TABLE inbox_file (
    path         TEXT PRIMARY KEY,
    size         INTEGER NOT NULL,
    mtime        REAL NOT NULL,
    content_hash TEXT NOT NULL,
    seen_at      TEXT NOT NULL
);
