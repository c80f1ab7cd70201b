-- During the meeting, and vacancies already reported.

-- A vacancy the secretaries (and the party's contact) have been told about, once.
CREATE TABLE vakans_larm (
    meeting_id INTEGER NOT NULL REFERENCES meeting(id),
    seat       TEXT NOT NULL,                  -- the ledamot's key
    first      INTEGER NOT NULL,
    last       INTEGER NOT NULL,
    at         TEXT NOT NULL,
    PRIMARY KEY (meeting_id, seat, first, last)
);
