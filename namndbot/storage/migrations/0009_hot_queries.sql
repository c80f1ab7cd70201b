-- Indexes for the queries run on every pass, request or planned meeting, and for clearing
-- out delivered work (storage/stadning.py): none of them may scan a whole table.

-- A meeting's jobs, in time order (planning, call-ins, deciding a due reminder).
CREATE INDEX job_meeting ON job(meeting_id, due_at);

-- Finished work, by when it was finished: what the week-old clearing-out looks for.
CREATE INDEX job_finished ON job(done_at) WHERE status != 'pending';
CREATE INDEX outbox_sent ON outbox(sent_at) WHERE status = 'sent';
CREATE INDEX intake_done ON intake(processed_at) WHERE status != 'ny';
CREATE INDEX event_handled ON event(handled_at) WHERE handled_at IS NOT NULL;

-- What the calendar feeds show, versioned per committee (row 0: any committee), so that a
-- rendered feed stays cached until something it shows changes: a report, a sent message, a
-- job or the feeds' own history don't touch these tables (calendar/web.py, FeedCache).
-- Every table a feed reads has the triggers below (tests/test_feed_cache.py checks the list).
CREATE TABLE feed_version (
    committee_id INTEGER PRIMARY KEY,   -- 0: any change at all
    n            INTEGER NOT NULL
);

CREATE TRIGGER feed_committee_insert AFTER INSERT ON committee BEGIN
    INSERT INTO feed_version (committee_id, n) VALUES (0, 1), (coalesce(NEW.id, 0), 1)
        ON CONFLICT (committee_id) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER feed_committee_update AFTER UPDATE ON committee BEGIN
    INSERT INTO feed_version (committee_id, n) VALUES (0, 1), (coalesce(NEW.id, 0), 1)
        ON CONFLICT (committee_id) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER feed_committee_delete AFTER DELETE ON committee BEGIN
    INSERT INTO feed_version (committee_id, n) VALUES (0, 1), (coalesce(OLD.id, 0), 1)
        ON CONFLICT (committee_id) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER feed_member_insert AFTER INSERT ON member BEGIN
    INSERT INTO feed_version (committee_id, n) VALUES (0, 1), (coalesce(NEW.committee_id, 0), 1)
        ON CONFLICT (committee_id) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER feed_member_update AFTER UPDATE ON member BEGIN
    INSERT INTO feed_version (committee_id, n) VALUES (0, 1), (coalesce(NEW.committee_id, 0), 1)
        ON CONFLICT (committee_id) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER feed_member_delete AFTER DELETE ON member BEGIN
    INSERT INTO feed_version (committee_id, n) VALUES (0, 1), (coalesce(OLD.committee_id, 0), 1)
        ON CONFLICT (committee_id) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER feed_meeting_insert AFTER INSERT ON meeting BEGIN
    INSERT INTO feed_version (committee_id, n) VALUES (0, 1), (coalesce(NEW.committee_id, 0), 1)
        ON CONFLICT (committee_id) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER feed_meeting_update AFTER UPDATE ON meeting BEGIN
    INSERT INTO feed_version (committee_id, n) VALUES (0, 1), (coalesce(NEW.committee_id, 0), 1)
        ON CONFLICT (committee_id) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER feed_meeting_delete AFTER DELETE ON meeting BEGIN
    INSERT INTO feed_version (committee_id, n) VALUES (0, 1), (coalesce(OLD.committee_id, 0), 1)
        ON CONFLICT (committee_id) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER feed_audit_insert AFTER INSERT ON audit BEGIN
    INSERT INTO feed_version (committee_id, n) VALUES (0, 1), (coalesce(NEW.committee_id, 0), 1)
        ON CONFLICT (committee_id) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER feed_audit_update AFTER UPDATE ON audit BEGIN
    INSERT INTO feed_version (committee_id, n) VALUES (0, 1), (coalesce(NEW.committee_id, 0), 1)
        ON CONFLICT (committee_id) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER feed_audit_delete AFTER DELETE ON audit BEGIN
    INSERT INTO feed_version (committee_id, n) VALUES (0, 1), (coalesce(OLD.committee_id, 0), 1)
        ON CONFLICT (committee_id) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER feed_forhinder_insert AFTER INSERT ON forhinder BEGIN
    INSERT INTO feed_version (committee_id, n) VALUES (0, 1), (coalesce((SELECT committee_id FROM meeting WHERE id = NEW.meeting_id), 0), 1)
        ON CONFLICT (committee_id) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER feed_forhinder_update AFTER UPDATE ON forhinder BEGIN
    INSERT INTO feed_version (committee_id, n) VALUES (0, 1), (coalesce((SELECT committee_id FROM meeting WHERE id = NEW.meeting_id), 0), 1)
        ON CONFLICT (committee_id) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER feed_forhinder_delete AFTER DELETE ON forhinder BEGIN
    INSERT INTO feed_version (committee_id, n) VALUES (0, 1), (coalesce((SELECT committee_id FROM meeting WHERE id = OLD.meeting_id), 0), 1)
        ON CONFLICT (committee_id) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER feed_avbojd_insert AFTER INSERT ON avbojd BEGIN
    INSERT INTO feed_version (committee_id, n) VALUES (0, 1), (coalesce((SELECT committee_id FROM meeting WHERE id = NEW.meeting_id), 0), 1)
        ON CONFLICT (committee_id) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER feed_avbojd_update AFTER UPDATE ON avbojd BEGIN
    INSERT INTO feed_version (committee_id, n) VALUES (0, 1), (coalesce((SELECT committee_id FROM meeting WHERE id = NEW.meeting_id), 0), 1)
        ON CONFLICT (committee_id) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER feed_avbojd_delete AFTER DELETE ON avbojd BEGIN
    INSERT INTO feed_version (committee_id, n) VALUES (0, 1), (coalesce((SELECT committee_id FROM meeting WHERE id = OLD.meeting_id), 0), 1)
        ON CONFLICT (committee_id) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER feed_assignment_insert AFTER INSERT ON assignment BEGIN
    INSERT INTO feed_version (committee_id, n) VALUES (0, 1), (coalesce((SELECT committee_id FROM meeting WHERE id = NEW.meeting_id), 0), 1)
        ON CONFLICT (committee_id) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER feed_assignment_update AFTER UPDATE ON assignment BEGIN
    INSERT INTO feed_version (committee_id, n) VALUES (0, 1), (coalesce((SELECT committee_id FROM meeting WHERE id = NEW.meeting_id), 0), 1)
        ON CONFLICT (committee_id) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER feed_assignment_delete AFTER DELETE ON assignment BEGIN
    INSERT INTO feed_version (committee_id, n) VALUES (0, 1), (coalesce((SELECT committee_id FROM meeting WHERE id = OLD.meeting_id), 0), 1)
        ON CONFLICT (committee_id) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER feed_inkallelse_insert AFTER INSERT ON inkallelse BEGIN
    INSERT INTO feed_version (committee_id, n) VALUES (0, 1), (coalesce((SELECT committee_id FROM meeting WHERE id = NEW.meeting_id), 0), 1)
        ON CONFLICT (committee_id) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER feed_inkallelse_update AFTER UPDATE ON inkallelse BEGIN
    INSERT INTO feed_version (committee_id, n) VALUES (0, 1), (coalesce((SELECT committee_id FROM meeting WHERE id = NEW.meeting_id), 0), 1)
        ON CONFLICT (committee_id) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER feed_inkallelse_delete AFTER DELETE ON inkallelse BEGIN
    INSERT INTO feed_version (committee_id, n) VALUES (0, 1), (coalesce((SELECT committee_id FROM meeting WHERE id = OLD.meeting_id), 0), 1)
        ON CONFLICT (committee_id) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER feed_narvarande_insert AFTER INSERT ON narvarande BEGIN
    INSERT INTO feed_version (committee_id, n) VALUES (0, 1), (coalesce((SELECT committee_id FROM meeting WHERE id = NEW.meeting_id), 0), 1)
        ON CONFLICT (committee_id) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER feed_narvarande_update AFTER UPDATE ON narvarande BEGIN
    INSERT INTO feed_version (committee_id, n) VALUES (0, 1), (coalesce((SELECT committee_id FROM meeting WHERE id = NEW.meeting_id), 0), 1)
        ON CONFLICT (committee_id) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER feed_narvarande_delete AFTER DELETE ON narvarande BEGIN
    INSERT INTO feed_version (committee_id, n) VALUES (0, 1), (coalesce((SELECT committee_id FROM meeting WHERE id = OLD.meeting_id), 0), 1)
        ON CONFLICT (committee_id) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER feed_justering_insert AFTER INSERT ON justering BEGIN
    INSERT INTO feed_version (committee_id, n) VALUES (0, 1), (coalesce((SELECT committee_id FROM meeting WHERE id = NEW.meeting_id), 0), 1)
        ON CONFLICT (committee_id) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER feed_justering_update AFTER UPDATE ON justering BEGIN
    INSERT INTO feed_version (committee_id, n) VALUES (0, 1), (coalesce((SELECT committee_id FROM meeting WHERE id = NEW.meeting_id), 0), 1)
        ON CONFLICT (committee_id) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER feed_justering_delete AFTER DELETE ON justering BEGIN
    INSERT INTO feed_version (committee_id, n) VALUES (0, 1), (coalesce((SELECT committee_id FROM meeting WHERE id = OLD.meeting_id), 0), 1)
        ON CONFLICT (committee_id) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER feed_meeting_roster_insert AFTER INSERT ON meeting_roster BEGIN
    INSERT INTO feed_version (committee_id, n) VALUES (0, 1), (coalesce((SELECT committee_id FROM meeting WHERE id = NEW.meeting_id), 0), 1)
        ON CONFLICT (committee_id) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER feed_meeting_roster_update AFTER UPDATE ON meeting_roster BEGIN
    INSERT INTO feed_version (committee_id, n) VALUES (0, 1), (coalesce((SELECT committee_id FROM meeting WHERE id = NEW.meeting_id), 0), 1)
        ON CONFLICT (committee_id) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER feed_meeting_roster_delete AFTER DELETE ON meeting_roster BEGIN
    INSERT INTO feed_version (committee_id, n) VALUES (0, 1), (coalesce((SELECT committee_id FROM meeting WHERE id = OLD.meeting_id), 0), 1)
        ON CONFLICT (committee_id) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER feed_feed_token_insert AFTER INSERT ON feed_token BEGIN
    INSERT INTO feed_version (committee_id, n) VALUES (0, 1), (coalesce((SELECT committee_id FROM member WHERE id = NEW.member_id), 0), 1)
        ON CONFLICT (committee_id) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER feed_feed_token_update AFTER UPDATE ON feed_token BEGIN
    INSERT INTO feed_version (committee_id, n) VALUES (0, 1), (coalesce((SELECT committee_id FROM member WHERE id = NEW.member_id), 0), 1)
        ON CONFLICT (committee_id) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER feed_feed_token_delete AFTER DELETE ON feed_token BEGIN
    INSERT INTO feed_version (committee_id, n) VALUES (0, 1), (coalesce((SELECT committee_id FROM member WHERE id = OLD.member_id), 0), 1)
        ON CONFLICT (committee_id) DO UPDATE SET n = n + 1;
END;
