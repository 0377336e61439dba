CREATE TABLE llm_settings_audit_old (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TIMESTAMP NOT NULL,
    actor TEXT NOT NULL,
    group_name TEXT NOT NULL
        CHECK (group_name IN ('providers', 'tasks', 'global', 'risk', 'telegram', 'master_key')),
    action TEXT NOT NULL,
    subject TEXT,
    old_value TEXT,
    new_value TEXT
);
INSERT INTO llm_settings_audit_old (id, at, actor, group_name, action, subject, old_value, new_value)
SELECT id, at, actor, group_name, action, subject, old_value, new_value FROM llm_settings_audit
WHERE group_name <> 'api_tokens' ORDER BY id;
DROP TABLE llm_settings_audit;
ALTER TABLE llm_settings_audit_old RENAME TO llm_settings_audit;
CREATE INDEX llm_settings_audit_by_group ON llm_settings_audit (group_name, id);
DROP TABLE llm_settings_api_tokens;
