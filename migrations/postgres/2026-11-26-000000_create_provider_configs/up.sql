-- One row per provider: its sealed key, the masked hint shown instead of it,
-- and who changed it last. A row may hold a base URL without a key.
CREATE TABLE llm_provider_configs (
    provider TEXT PRIMARY KEY NOT NULL
        CHECK (provider IN ('openai', 'gemini', 'anthropic', 'openrouter', 'ollama')),
    encrypted_key BYTEA,
    key_hint TEXT,
    is_active BOOLEAN NOT NULL DEFAULT FALSE,
    base_url TEXT,
    revision BIGINT NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    updated_by TEXT NOT NULL,
    CHECK ((encrypted_key IS NULL) = (key_hint IS NULL)),
    CHECK (encrypted_key IS NOT NULL OR NOT is_active)
);

-- Every change, appended in the same transaction as the change itself.
-- It never holds a key, only its masked hint.
CREATE TABLE llm_provider_audit (
    id BIGSERIAL PRIMARY KEY,
    at TIMESTAMP NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    provider TEXT NOT NULL,
    key_hint TEXT,
    detail TEXT
);
