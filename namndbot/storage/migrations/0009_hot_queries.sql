-- Indexes for the queries run on every pass, request or planned meeting, and for clearing
-- out delivered work (storage/stadning.py): none of them may scan a whole table.

-- A meeting's jobs, in time order (planning, call-ins, deciding a due reminder).
CREATE INDEX job_meeting ON job(meeting_id, due_at);

-- Finished work, by when it was finished: what the week-old clearing-out looks for.
CREATE INDEX job_finished ON job(done_at) WHERE status != 'pending';
CREATE INDEX outbox_sent ON outbox(sent_at) WHERE status = 'sent';
CREATE INDEX intake_done ON intake(processed_at) WHERE status != 'ny';
CREATE INDEX event_handled ON event(handled_at) WHERE handled_at IS NOT NULL;
