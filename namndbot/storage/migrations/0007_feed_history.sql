-- What each calendar feed last looked like, so that a feed's Last-Modified and an
-- event's SEQUENCE/DTSTAMP follow the content as rendered (a status that changes
-- without an audit row, a renamed committee, an event that disappears), and never
-- go backwards. Only digests are kept: no personal data.

CREATE TABLE feed_state (
    feed          TEXT PRIMARY KEY,     -- 'c:<committee id>' or 'p:<member id>'
    digest        TEXT NOT NULL,        -- sha256 of the feed's bytes
    last_modified TEXT NOT NULL         -- when those bytes last changed (UTC, whole seconds)
);

CREATE TABLE feed_event_state (
    feed      TEXT NOT NULL,
    uid       TEXT NOT NULL,
    digest    TEXT NOT NULL,            -- sha256 of the event's content, SEQUENCE and DTSTAMP left out
    sequence  INTEGER NOT NULL,         -- the SEQUENCE it was given
    stamp     TEXT NOT NULL,            -- the DTSTAMP/LAST-MODIFIED it was given (UTC)
    PRIMARY KEY (feed, uid)
);
