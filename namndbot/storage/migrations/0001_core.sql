-- The committee core: roster, meetings, förhinder, call-ins and the audit log.
-- Times are UTC ISO 8601 strings; meeting dates and start times are local to
-- the committee's timezone.

CREATE TABLE committee (
    id                  INTEGER PRIMARY KEY,
    short               TEXT NOT NULL UNIQUE COLLATE NOCASE,
    name                TEXT NOT NULL,
    timezone            TEXT NOT NULL,
    default_start       TEXT NOT NULL,                 -- HH:MM
    channel             TEXT,
    secretaries_channel TEXT,
    secretaries         TEXT NOT NULL DEFAULT '[]',    -- JSON: Slack user ids
    settings            TEXT NOT NULL DEFAULT '{}',    -- JSON: CommitteeSettings
    turordning          TEXT NOT NULL DEFAULT '{}',    -- JSON: party -> [party, ...]
    partikontakter      TEXT NOT NULL DEFAULT '[]',    -- JSON: [{party, slack}]
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL
);

CREATE TABLE member (
    id           INTEGER PRIMARY KEY,
    committee_id INTEGER NOT NULL REFERENCES committee(id),
    key          TEXT NOT NULL,                        -- folded name
    name         TEXT NOT NULL,
    party        TEXT NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('ledamot', 'ersattare')),
    role         TEXT NOT NULL,
    position     INTEGER NOT NULL,                     -- seat order, or the council's order
    slack        TEXT,
    email        TEXT,
    personliga   TEXT NOT NULL DEFAULT '[]',           -- JSON: keys of personal ersättare
    retired_at   TEXT,                                 -- left the committee: kept for history
    UNIQUE (committee_id, key)
);
CREATE INDEX member_slack ON member(slack) WHERE slack IS NOT NULL;

CREATE TABLE meeting (
    id                INTEGER PRIMARY KEY,
    committee_id      INTEGER NOT NULL REFERENCES committee(id),
    uid               TEXT NOT NULL UNIQUE,            -- iCalendar UID, stable across moves
    date              TEXT NOT NULL,                   -- YYYY-MM-DD, local
    start             TEXT NOT NULL,                   -- HH:MM, local
    paragraphs        INTEGER CHECK (paragraphs IS NULL OR paragraphs BETWEEN 1 AND 999),
    location          TEXT,
    note              TEXT,                            -- main business, e.g. "Verksamhetsberättelse 2019"
    status            TEXT NOT NULL DEFAULT 'planerad' CHECK (status IN ('planerad', 'installd')),
    sequence          INTEGER NOT NULL DEFAULT 0,      -- raised on every change the feed shows
    started_at        TEXT,
    current_paragraph INTEGER NOT NULL DEFAULT 0,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    UNIQUE (committee_id, date)
);

-- first/last NULL: from the start / to the end, so a förhinder for the whole
-- meeting stays whole when the number of paragraphs is set later.
CREATE TABLE forhinder (
    id         INTEGER PRIMARY KEY,
    meeting_id INTEGER NOT NULL REFERENCES meeting(id),
    member_id  INTEGER NOT NULL REFERENCES member(id),
    first      INTEGER,
    last       INTEGER,
    jav        INTEGER NOT NULL DEFAULT 0 CHECK (jav IN (0, 1)),
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
);
CREATE INDEX forhinder_meeting ON forhinder(meeting_id);

-- Ersättare not to be called again for this meeting: they said no, or did not answer in time.
CREATE TABLE avbojd (
    meeting_id INTEGER NOT NULL REFERENCES meeting(id),
    member_id  INTEGER NOT NULL REFERENCES member(id),
    kind       TEXT NOT NULL CHECK (kind IN ('avbojt', 'ej_svar')),
    at         TEXT NOT NULL,
    by         TEXT NOT NULL,
    PRIMARY KEY (meeting_id, member_id)
);

CREATE TABLE assignment (
    id           INTEGER PRIMARY KEY,
    meeting_id   INTEGER NOT NULL REFERENCES meeting(id),
    ersattare_id INTEGER NOT NULL REFERENCES member(id),
    seat_id      INTEGER NOT NULL REFERENCES member(id),
    first        INTEGER NOT NULL,
    last         INTEGER NOT NULL,
    rule         TEXT NOT NULL,
    explanation  TEXT NOT NULL,
    CHECK (first <= last)
);
CREATE INDEX assignment_meeting ON assignment(meeting_id);

-- One call-in per ersättare and meeting, whatever seats it covers.
CREATE TABLE inkallelse (
    meeting_id  INTEGER NOT NULL REFERENCES meeting(id),
    member_id   INTEGER NOT NULL REFERENCES member(id),
    status      TEXT NOT NULL CHECK (status IN ('kallad', 'kommer')),
    called_at   TEXT NOT NULL,
    answered_at TEXT,
    PRIMARY KEY (meeting_id, member_id)
);

-- Ersättare present once the meeting is under way.
CREATE TABLE narvarande (
    meeting_id INTEGER NOT NULL REFERENCES meeting(id),
    member_id  INTEGER NOT NULL REFERENCES member(id),
    since      INTEGER NOT NULL DEFAULT 1,             -- first paragraph present
    PRIMARY KEY (meeting_id, member_id)
);

CREATE TABLE audit (
    id           INTEGER PRIMARY KEY,
    at           TEXT NOT NULL,
    actor        TEXT NOT NULL,
    action       TEXT NOT NULL,
    committee_id INTEGER REFERENCES committee(id),
    meeting_id   INTEGER REFERENCES meeting(id),
    detail       TEXT NOT NULL DEFAULT '{}'            -- JSON
);
CREATE INDEX audit_meeting ON audit(meeting_id);
