-- Issue 23.5: invite links and announcement groups.
-- An invite link lets anyone signed in join a group. The token (32 random bytes, base64url)
-- is shown once, to the admin who creates it; D1 keeps only its SHA-256 (base64url), so a copy of
-- the database does not hand out ways into groups. A revoked link keeps its row (revoked_at)
-- so opening it can say why it no longer works.
CREATE TABLE conversation_invites (
	id TEXT PRIMARY KEY,
	conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
	token_hash TEXT NOT NULL UNIQUE,
	created_by TEXT NOT NULL,
	created_at TEXT NOT NULL,
	expires_at TEXT,
	max_uses INTEGER,
	uses INTEGER NOT NULL DEFAULT 0,
	revoked_at TEXT
);
CREATE INDEX conversation_invites_by_conversation ON conversation_invites (conversation_id, created_at);

-- Announcement groups: while only_admins_send = 1 only the group's admins may send messages
-- (the room checks its own copy of the flag on its send path; D1 has it for the list and REST).
ALTER TABLE conversations ADD COLUMN only_admins_send INTEGER NOT NULL DEFAULT 0;
