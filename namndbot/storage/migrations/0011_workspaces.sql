-- Many workspaces: each committee belongs to one Slack workspace (team id, T…), and the app is
-- installed in each through slack-bolt's OAuth flow. The installations (with their tokens) and
-- the OAuth states live here, in the same database, not in files (bot/installations.py).

-- The committee's workspace ([committee] workspace in the roster); NULL: the single bot token's.
ALTER TABLE committee ADD COLUMN workspace TEXT;

-- slack_sdk's Installation, one per workspace and installer (the latest kept), as JSON.
CREATE TABLE slack_installation (
    enterprise_id TEXT NOT NULL DEFAULT '',
    team_id       TEXT NOT NULL DEFAULT '',
    user_id       TEXT NOT NULL DEFAULT '',   -- the Slack id of whoever installed the app
    installed_at  TEXT NOT NULL,
    data          TEXT NOT NULL,
    PRIMARY KEY (enterprise_id, team_id, user_id)
);

-- The workspace's bot (its token): what every message to the workspace is sent with.
CREATE TABLE slack_bot (
    enterprise_id TEXT NOT NULL DEFAULT '',
    team_id       TEXT NOT NULL DEFAULT '',
    team_name     TEXT,
    bot_token     TEXT NOT NULL,
    bot_user_id   TEXT,
    installed_at  TEXT NOT NULL,
    data          TEXT NOT NULL,
    PRIMARY KEY (enterprise_id, team_id)
);

-- The OAuth flow's state parameter: issued at /slack/install, consumed once at /slack/oauth_redirect.
CREATE TABLE oauth_state (
    state      TEXT PRIMARY KEY,
    expires_at TEXT NOT NULL
);
