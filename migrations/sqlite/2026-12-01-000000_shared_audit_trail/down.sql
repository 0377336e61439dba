-- Back to the providers' own trail; entries of other groups are dropped.
CREATE TABLE llm_provider_audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TIMESTAMP NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    provider TEXT NOT NULL,
    key_hint TEXT,
    detail TEXT
);

INSERT INTO llm_provider_audit (id, at, actor, action, provider, key_hint, detail)
SELECT
    id,
    at,
    actor,
    action,
    COALESCE(subject, '*'),
    CASE action WHEN 'delete' THEN old_value WHEN 'set' THEN new_value ELSE NULL END,
    CASE action
        WHEN 'base-url' THEN new_value
        WHEN 'rotate-key' THEN 'master key ' || old_value || ' -> ' || new_value
        ELSE NULL
    END
FROM llm_settings_audit
WHERE group_name IN ('providers', 'master_key')
ORDER BY id;

DROP TABLE llm_settings_audit;
