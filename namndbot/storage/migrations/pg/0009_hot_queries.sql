-- PostgreSQL's version of 0009_hot_queries.sql: the same indexes and feed_version table; the
-- triggers that keep feed_version are PL/pgSQL (one function for every table a feed reads).

CREATE INDEX job_meeting ON job(meeting_id, due_at);
CREATE INDEX job_finished ON job(done_at) WHERE status != 'pending';
CREATE INDEX outbox_sent ON outbox(sent_at) WHERE status = 'sent';
CREATE INDEX intake_done ON intake(processed_at) WHERE status != 'ny';
CREATE INDEX event_handled ON event(handled_at) WHERE handled_at IS NOT NULL;

CREATE TABLE feed_version (
    committee_id BIGINT PRIMARY KEY,   -- 0: any change at all
    n            BIGINT NOT NULL
);

CREATE FUNCTION feed_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    r record;
    c bigint;
BEGIN
    IF TG_OP = 'DELETE' THEN r := OLD; ELSE r := NEW; END IF;
    IF TG_TABLE_NAME = 'committee' THEN
        c := r.id;
    ELSIF TG_TABLE_NAME IN ('member', 'meeting', 'audit') THEN
        c := r.committee_id;
    ELSIF TG_TABLE_NAME = 'feed_token' THEN
        SELECT committee_id INTO c FROM member WHERE id = r.member_id;
    ELSE
        SELECT committee_id INTO c FROM meeting WHERE id = r.meeting_id;
    END IF;
    INSERT INTO feed_version (committee_id, n) VALUES (0, 1)
        ON CONFLICT (committee_id) DO UPDATE SET n = feed_version.n + 1;
    INSERT INTO feed_version (committee_id, n) VALUES (coalesce(c, 0), 1)
        ON CONFLICT (committee_id) DO UPDATE SET n = feed_version.n + 1;
    RETURN NULL;
END
$$;

DO $$
DECLARE
    t text;
    op text;
BEGIN
    FOREACH t IN ARRAY ARRAY['committee', 'member', 'meeting', 'audit', 'forhinder', 'avbojd', 'assignment',
                             'inkallelse', 'narvarande', 'justering', 'meeting_roster', 'feed_token'] LOOP
        FOREACH op IN ARRAY ARRAY['insert', 'update', 'delete'] LOOP
            EXECUTE format('CREATE TRIGGER feed_%s_%s AFTER %s ON %I FOR EACH ROW EXECUTE FUNCTION feed_version_bump()',
                           t, op, upper(op), t);
        END LOOP;
    END LOOP;
END
$$;
