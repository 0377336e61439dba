DROP INDEX llm_settings_audit_by_subject;
DROP TABLE task_llm_assignments;
