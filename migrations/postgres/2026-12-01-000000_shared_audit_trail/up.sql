-- One audit trail for every group of settings, appended in the same
-- transaction as each change: who, when, which group, what (the action and
-- its subject: a provider, a task, a field), and the old and new value as
-- the command line prints it. A secret is only ever recorded as its hint.
CREATE TABLE llm_settings_audit (
    id BIGSERIAL PRIMARY KEY,
    at TIMESTAMP NOT NULL,
    actor TEXT NOT NULL,
    group_name TEXT NOT NULL
        CHECK (group_name IN ('providers', 'tasks', 'global', 'risk', 'telegram', 'master_key')),
    action TEXT NOT NULL,
    subject TEXT,
    old_value TEXT,
    new_value TEXT
);

-- Newest first, of one group or of all.
CREATE INDEX llm_settings_audit_by_group ON llm_settings_audit (group_name, id);

-- The providers' trail is kept, ids and all, as group 'providers'. A key's
-- hint becomes the new value of a set and the old value of a delete; a
-- switch becomes false -> true; a rotation's "master key OLD -> NEW" its
-- two key ids.
INSERT INTO llm_settings_audit (id, at, actor, group_name, action, subject, old_value, new_value)
SELECT
    id,
    at,
    actor,
    'providers',
    action,
    CASE WHEN provider = '*' THEN NULL ELSE provider END,
    CASE action
        WHEN 'delete' THEN key_hint
        WHEN 'activate' THEN 'false'
        WHEN 'deactivate' THEN 'true'
        WHEN 'rotate-key' THEN substr(detail, 12, 16)
        ELSE NULL
    END,
    CASE action
        WHEN 'set' THEN key_hint
        WHEN 'activate' THEN 'true'
        WHEN 'deactivate' THEN 'false'
        WHEN 'base-url' THEN detail
        WHEN 'rotate-key' THEN substr(detail, 32, 16)
        ELSE NULL
    END
FROM llm_provider_audit
ORDER BY id;

DROP TABLE llm_provider_audit;

-- The ids were copied: new entries continue after the last of them.
SELECT setval(
    pg_get_serial_sequence('llm_settings_audit', 'id'),
    COALESCE((SELECT MAX(id) FROM llm_settings_audit), 0) + 1,
    false
);
