-- The bot that sends the trading system's alerts: one row (id = 1). The
-- token is a secret, sealed like a provider key (its own associated data:
-- it opens only as the Telegram token) and shown only as its hint. The
-- system's own columns are bot_token_encrypted, bot_token_hint, chat_id,
-- is_enabled and updated_at; llm-settings adds the base URL, whether changes
-- are announced, the last test's result, who changed the row and its
-- revision.
CREATE TABLE telegram_settings (
    id INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
    bot_token_encrypted BLOB,
    bot_token_hint TEXT,
    chat_id TEXT,
    is_enabled BOOLEAN NOT NULL DEFAULT 0 CHECK (is_enabled IN (0, 1)),
    base_url TEXT,
    notify_changes BOOLEAN NOT NULL DEFAULT 0 CHECK (notify_changes IN (0, 1)),
    last_test_at TIMESTAMP,
    last_test_outcome TEXT
        CHECK (last_test_outcome IN ('ok', 'unauthorized', 'unreachable', 'unexpected')),
    last_test_detail TEXT,
    updated_at TIMESTAMP NOT NULL,
    updated_by TEXT NOT NULL,
    revision BIGINT NOT NULL DEFAULT 0,
    CHECK ((bot_token_encrypted IS NULL) = (bot_token_hint IS NULL)),
    -- On only with a token and a chat to send to.
    CHECK (NOT is_enabled OR (bot_token_encrypted IS NOT NULL AND chat_id IS NOT NULL))
);

INSERT INTO telegram_settings (id, updated_at, updated_by) VALUES (1, CURRENT_TIMESTAMP, 'llm-settings');
