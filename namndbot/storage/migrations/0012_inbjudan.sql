-- Issue 14, continued: calendar invitations mailed to members without Slack. (0010_epost has
-- already landed and been applied; a migration is never changed once applied, so this is its own.)

-- The calendar invitation last mailed to a member for a meeting (their calendar holds it): a
-- change of the meeting sends an update with a higher SEQUENCE, a release a cancellation.
CREATE TABLE inbjudan (
    meeting_id INTEGER NOT NULL REFERENCES meeting(id),
    member_id  INTEGER NOT NULL REFERENCES member(id),
    digest     TEXT NOT NULL,          -- the event as sent (calendar/feeds.py, event_digest)
    sequence   INTEGER NOT NULL,
    stamp      TEXT NOT NULL,
    PRIMARY KEY (meeting_id, member_id)
);
