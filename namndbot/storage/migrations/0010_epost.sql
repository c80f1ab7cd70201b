-- Members without Slack (issue 14): call-ins, reminders and answers by e-mail.

-- How the roster says a member is reached: 'epost' (always by e-mail), 'slack', or NULL (Slack when
-- the member has a Slack id, given or found by users.lookupByEmail; else e-mail, if there is one).
ALTER TABLE member ADD COLUMN kontakt TEXT;

-- Secrets the bot makes for itself, once (the key that signs the answer links in e-mails).
CREATE TABLE hemlighet (
    namn  TEXT PRIMARY KEY,
    varde TEXT NOT NULL
);
