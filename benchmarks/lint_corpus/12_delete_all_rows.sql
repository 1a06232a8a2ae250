DELETE FROM sessions;
DELETE FROM audit.events;
DELETE FROM sessions WHERE expires_at < now();
