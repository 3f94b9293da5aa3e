-- Drops the message search index (migration 0003) and its triggers, so that `wrangler d1 export`
-- accepts the database. The triggers must go first: left behind, they would make every write to
-- `messages` fail while the table they feed is missing. Put it back with search-index.sql.
DROP TRIGGER IF EXISTS messages_fts_insert;
DROP TRIGGER IF EXISTS messages_fts_update;
DROP TRIGGER IF EXISTS messages_fts_delete;
DROP TABLE IF EXISTS messages_fts;
