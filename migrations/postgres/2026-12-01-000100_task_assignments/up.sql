-- Which provider and model each task of the pipeline runs on, one row per
-- assigned task; clearing a task deletes its row. The first four columns
-- are the trading system's own; llm-settings adds who changed it and the
-- task's revision: the number of changes of the task so far, which keeps
-- counting across a clear (the audit trail holds the count).
CREATE TABLE task_llm_assignments (
    task TEXT PRIMARY KEY NOT NULL,
    provider TEXT NOT NULL
        CHECK (provider IN ('openai', 'gemini', 'anthropic', 'openrouter', 'ollama')),
    model_name TEXT NOT NULL DEFAULT ''
        CHECK (length(model_name) <= 128),
    updated_at TIMESTAMP NOT NULL,
    updated_by TEXT NOT NULL,
    revision BIGINT NOT NULL DEFAULT 1
);

-- The entries of one subject (a task's revision, a key's age), newest first.
CREATE INDEX llm_settings_audit_by_subject ON llm_settings_audit (group_name, subject, id);
