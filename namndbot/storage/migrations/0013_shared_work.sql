-- Work shared by several bot processes on one PostgreSQL database (storage/shared.py).
-- A process claims new reports, due messages and due jobs before it works on them: claimed_by is
-- its session's backend pid, lease_until (UTC) when the claim lapses unless renewed. A claim also
-- lapses the moment its session ends (a process killed), so the others take the work over.
-- On SQLite (one bot per file) the columns stay empty.
ALTER TABLE intake ADD COLUMN claimed_by INTEGER;
ALTER TABLE intake ADD COLUMN lease_until TEXT;
ALTER TABLE outbox ADD COLUMN claimed_by INTEGER;
ALTER TABLE outbox ADD COLUMN lease_until TEXT;
ALTER TABLE job ADD COLUMN claimed_by INTEGER;
ALTER TABLE job ADD COLUMN lease_until TEXT;

-- Slack events already seen (Slack retries an event it thinks was missed): whichever process
-- gets the retry, the event is handled once. Cleared out after a week (storage/stadning.py).
CREATE TABLE slack_event (
    id       INTEGER PRIMARY KEY,
    event_id TEXT NOT NULL UNIQUE,
    seen_at  TEXT NOT NULL
);
CREATE INDEX slack_event_seen ON slack_event(seen_at);
