-- The trading system's global switches and its risk rules: one row each
-- (id = 1), with the system's column names. Every value has a default and
-- a range, checked here as well as in llm-settings (src/global.rs and
-- src/risk.rs describe each field once). llm-settings adds who changed the
-- row last and the group's revision, which grows with every change.
CREATE TABLE global_settings (
    id INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
    maintenance_task_enabled BOOLEAN NOT NULL DEFAULT TRUE,
    maintenance_interval_minutes INTEGER NOT NULL DEFAULT 60
        CHECK (maintenance_interval_minutes BETWEEN 1 AND 10080),
    llm_confidence_threshold DOUBLE PRECISION NOT NULL DEFAULT 0.7
        CHECK (llm_confidence_threshold >= 0 AND llm_confidence_threshold <= 1),
    news_enabled BOOLEAN NOT NULL DEFAULT TRUE,
    enable_agent_pipeline BOOLEAN NOT NULL DEFAULT TRUE,
    enable_indicator_agent BOOLEAN NOT NULL DEFAULT TRUE,
    enable_pattern_agent BOOLEAN NOT NULL DEFAULT TRUE,
    enable_trend_agent BOOLEAN NOT NULL DEFAULT TRUE,
    updated_at TIMESTAMP NOT NULL,
    updated_by TEXT NOT NULL,
    revision BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE risk_settings (
    id INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
    drawdown_check_enabled BOOLEAN NOT NULL DEFAULT FALSE,
    max_drawdown_pct DOUBLE PRECISION NOT NULL DEFAULT 10
        CHECK (max_drawdown_pct > 0 AND max_drawdown_pct <= 100),
    position_limit_enabled BOOLEAN NOT NULL DEFAULT FALSE,
    max_open_positions INTEGER NOT NULL DEFAULT 5
        CHECK (max_open_positions BETWEEN 1 AND 1000),
    rate_limit_enabled BOOLEAN NOT NULL DEFAULT FALSE,
    rate_limit_max_trades INTEGER NOT NULL DEFAULT 3
        CHECK (rate_limit_max_trades BETWEEN 1 AND 1000),
    rate_limit_window_hours DOUBLE PRECISION NOT NULL DEFAULT 4
        CHECK (rate_limit_window_hours > 0 AND rate_limit_window_hours <= 168),
    hedging_allowed BOOLEAN NOT NULL DEFAULT TRUE,
    updated_at TIMESTAMP NOT NULL,
    updated_by TEXT NOT NULL,
    revision BIGINT NOT NULL DEFAULT 0
);

-- The defaults, in the row every reader expects; revision 0: never changed.
INSERT INTO global_settings (id, updated_at, updated_by) VALUES (1, CURRENT_TIMESTAMP AT TIME ZONE 'UTC', 'llm-settings');
INSERT INTO risk_settings (id, updated_at, updated_by) VALUES (1, CURRENT_TIMESTAMP AT TIME ZONE 'UTC', 'llm-settings');
