-- The bot: reports received (intake), what happened (events), what to send (outbox).
-- Every step commits before the next begins, so a crash delays work, never loses or doubles it.

-- A report exactly as received, committed before the member is told it is received.
CREATE TABLE intake (
    id           INTEGER PRIMARY KEY,
    received_at  TEXT NOT NULL,
    dedupe_key   TEXT NOT NULL UNIQUE,      -- Slack's trigger/event/view id: a retry counts once
    kind         TEXT NOT NULL,
    actor        TEXT NOT NULL,             -- who sent it (a Slack user id)
    payload      TEXT NOT NULL,             -- JSON
    status       TEXT NOT NULL DEFAULT 'ny' CHECK (status IN ('ny', 'klar', 'fel')),
    processed_at TEXT,
    result       TEXT
);
CREATE INDEX intake_new ON intake(id) WHERE status = 'ny';

-- What happened, for whoever must be told (written in the same transaction as the change).
CREATE TABLE event (
    id           INTEGER PRIMARY KEY,
    at           TEXT NOT NULL,
    kind         TEXT NOT NULL,
    committee_id INTEGER REFERENCES committee(id),
    meeting_id   INTEGER REFERENCES meeting(id),
    member_id    INTEGER REFERENCES member(id),
    payload      TEXT NOT NULL DEFAULT '{}',
    handled_at   TEXT
);
CREATE INDEX event_new ON event(id) WHERE handled_at IS NULL;

-- Messages to send. Payloads are opaque JSON to storage.
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    created_at      TEXT NOT NULL,
    kind            TEXT NOT NULL,
    target          TEXT,
    payload         TEXT NOT NULL,
    coalesce_key    TEXT,                   -- at most one pending row per key (e.g. one summary per meeting)
    status          TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sending', 'sent', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    sent_at         TEXT,
    channel         TEXT,
    ts              TEXT,
    last_error      TEXT
);
CREATE INDEX outbox_due ON outbox(next_attempt_at) WHERE status IN ('pending', 'sending');
CREATE UNIQUE INDEX outbox_coalesce ON outbox(coalesce_key) WHERE status = 'pending' AND coalesce_key IS NOT NULL;

-- The secretaries' live summary: one message per meeting and channel, edited in place.
CREATE TABLE summary_message (
    meeting_id INTEGER NOT NULL REFERENCES meeting(id),
    channel    TEXT NOT NULL,
    ts         TEXT NOT NULL,
    PRIMARY KEY (meeting_id, channel)
);

-- Direct-message channels by user, as Slack's conversations.open gave them.
CREATE TABLE dm_channel (
    user    TEXT PRIMARY KEY,
    channel TEXT NOT NULL
);

-- A Slack id found through users.lookupByEmail (the roster's own ``slack`` wins).
ALTER TABLE member ADD COLUMN slack_lookup TEXT;

-- "Kommer kl. 17.30" / "går kl. 17.30": a partial absence given as a time, for the secretary.
ALTER TABLE forhinder ADD COLUMN tid TEXT;
