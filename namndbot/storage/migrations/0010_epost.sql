-- Members without Slack (issue 14): call-ins, reminders and answers by e-mail.

-- How the roster says a member is reached: 'epost' (always by e-mail), 'slack', or NULL (Slack when
-- the member has a Slack id, given or found by users.lookupByEmail; else e-mail, if there is one).
ALTER TABLE member ADD COLUMN kontakt TEXT;

-- Secrets the bot makes for itself, once (the key that signs the answer links in e-mails).
CREATE TABLE hemlighet (
    namn  TEXT PRIMARY KEY,
    varde TEXT NOT NULL
);

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
