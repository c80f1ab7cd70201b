-- The roster a meeting was held with, kept when the roster later changes (history stays).
CREATE TABLE meeting_roster (
    meeting_id INTEGER PRIMARY KEY REFERENCES meeting(id),
    roster     TEXT NOT NULL,                  -- JSON: committee, ledamöter, ersättare, turordning, kontakter
    taken_at   TEXT NOT NULL
);
