-- The tokens that let a program call `serve` over TCP, one a program: only
-- the SHA-256 of each token is kept, never the token, with its name, when
-- and by whom it was made, and when it was last used (written at most once
-- a minute). Revoking a token removes its row; the audit trail keeps both
-- events, under the group 'api_tokens', by the token's name.
CREATE TABLE llm_settings_api_tokens (
    name TEXT PRIMARY KEY NOT NULL CHECK (length(name) BETWEEN 1 AND 64),
    token_sha256 BLOB NOT NULL UNIQUE CHECK (length(token_sha256) = 32),
    created_at TIMESTAMP NOT NULL,
    created_by TEXT NOT NULL,
    last_used_at TIMESTAMP
);

-- SQLite cannot change a CHECK in place: the trail is copied, ids and all,
-- into a table whose group may also be 'api_tokens'.
CREATE TABLE llm_settings_audit_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TIMESTAMP NOT NULL,
    actor TEXT NOT NULL,
    group_name TEXT NOT NULL
        CHECK (group_name IN ('providers', 'tasks', 'global', 'risk', 'telegram', 'master_key', 'api_tokens')),
    action TEXT NOT NULL,
    subject TEXT,
    old_value TEXT,
    new_value TEXT
);
INSERT INTO llm_settings_audit_new (id, at, actor, group_name, action, subject, old_value, new_value)
SELECT id, at, actor, group_name, action, subject, old_value, new_value FROM llm_settings_audit ORDER BY id;
-- An id is never given twice, as before: the sequence goes on from where
-- the old table's was.
UPDATE sqlite_sequence
SET seq = (SELECT seq FROM sqlite_sequence WHERE name = 'llm_settings_audit')
WHERE name = 'llm_settings_audit_new'
  AND EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'llm_settings_audit');
DROP TABLE llm_settings_audit;
ALTER TABLE llm_settings_audit_new RENAME TO llm_settings_audit;
CREATE INDEX llm_settings_audit_by_group ON llm_settings_audit (group_name, id);
