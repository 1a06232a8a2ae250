DELETE FROM sessions WHERE expires_at < now();
DELETE FROM audit.events e USING users u WHERE e.user_id = u.id AND u.deleted;
CREATE TABLE scratch (id bigint);
DELETE FROM scratch;
UPDATE users SET active = true WHERE active IS NULL;
