-- The tokens that let a program call `serve` over TCP, one a program: only
-- the SHA-256 of each token is kept, never the token, with its name, when
-- and by whom it was made, and when it was last used (written at most once
-- a minute). Revoking a token removes its row; the audit trail keeps both
-- events, under the group 'api_tokens', by the token's name.
CREATE TABLE llm_settings_api_tokens (
    name TEXT PRIMARY KEY NOT NULL CHECK (length(name) BETWEEN 1 AND 64),
    token_sha256 BYTEA NOT NULL UNIQUE CHECK (length(token_sha256) = 32),
    created_at TIMESTAMP NOT NULL,
    created_by TEXT NOT NULL,
    last_used_at TIMESTAMP
);

ALTER TABLE llm_settings_audit DROP CONSTRAINT llm_settings_audit_group_name_check;
ALTER TABLE llm_settings_audit ADD CONSTRAINT llm_settings_audit_group_name_check
    CHECK (group_name IN ('providers', 'tasks', 'global', 'risk', 'telegram', 'master_key', 'api_tokens'));
