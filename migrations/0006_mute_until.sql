-- Issue 22.20: a mute can end by itself (8 hours, a week) or last until undone (NULL).
-- A member is muted while muted = 1 and muted_until is NULL or later than now; an expired
-- timed mute reads as not muted everywhere (list, details, push) without any write.
ALTER TABLE participants ADD COLUMN muted_until TEXT;
