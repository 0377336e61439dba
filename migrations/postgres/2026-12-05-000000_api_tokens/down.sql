DELETE FROM llm_settings_audit WHERE group_name = 'api_tokens';
ALTER TABLE llm_settings_audit DROP CONSTRAINT llm_settings_audit_group_name_check;
ALTER TABLE llm_settings_audit ADD CONSTRAINT llm_settings_audit_group_name_check
    CHECK (group_name IN ('providers', 'tasks', 'global', 'risk', 'telegram', 'master_key'));
DROP TABLE llm_settings_api_tokens;
