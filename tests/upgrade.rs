//! Upgrading: a database made by an earlier release opens and is migrated in place, with every key, hint, base URL and audit entry kept.
//!
//! The earlier release's database is made here by running only the
//! migrations it had (migrations are never edited once released), then
//! filling its tables with the SQL that release wrote.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed unwrap is a failed test

mod common;

use chrono::NaiveDate;
use common::{Backend, RawConnection, TestDb, on_each_backend, open_settings, write_key_file};
use diesel::connection::SimpleConnection;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};
use llm_settings::Provider;
use llm_settings::secret::{MasterKey, seal};
use secrecy::{ExposeSecret, SecretString};

const SQLITE: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// The migrations of the first release: the providers' table and their trail.
const FIRST_RELEASE: usize = 1;

/// Brings `db` to the schema of the release that had the first `count`
/// migrations.
fn migrate_to(db: &TestDb, count: usize) {
    match db.raw() {
        RawConnection::Sqlite(mut conn) => {
            for _ in 0..count {
                conn.run_next_migration(SQLITE).unwrap();
            }
        }
        RawConnection::Postgres(mut conn) => {
            for _ in 0..count {
                conn.run_next_migration(POSTGRES).unwrap();
            }
        }
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A literal of `bytes` in the backend's SQL.
fn blob(backend: Backend, bytes: &[u8]) -> String {
    match backend {
        Backend::Sqlite => format!("X'{}'", hex(bytes)),
        Backend::Postgres => format!("'\\x{}'::bytea", hex(bytes)),
    }
}

fn execute(db: &TestDb, sql: &str) {
    match db.raw() {
        RawConnection::Sqlite(mut conn) => conn.batch_execute(sql).unwrap(),
        RawConnection::Postgres(mut conn) => conn.batch_execute(sql).unwrap(),
    }
}

const OPENAI_KEY: &str = "sk-proj-UPGRADEupgradeUPGRADE-9876";
const ANTHROPIC_KEY: &str = "sk-ant-api03-UPGRADEupgrade-cdef";

/// What the first release wrote for an admin who set two keys, deactivated
/// and reactivated one, gave two providers base URLs, deleted a key and
/// rotated the master key.
fn fill_as_the_first_release(db: &TestDb, master: &MasterKey) {
    let openai = seal(master, Provider::OpenAi, &SecretString::from(OPENAI_KEY));
    let anthropic = seal(
        master,
        Provider::Anthropic,
        &SecretString::from(ANTHROPIC_KEY),
    );
    let (openai, anthropic) = (blob(db.backend, &openai), blob(db.backend, &anthropic));
    let rotation = "master key 0123456789abcdef -> fedcba9876543210";
    execute(
        db,
        &format!(
            "INSERT INTO llm_provider_configs (provider, encrypted_key, key_hint, is_active, base_url, revision, created_at, updated_at, updated_by) VALUES
               ('openai', {openai}, 'sk-...9876', TRUE, NULL, 4, '2026-11-26 09:00:00', '2026-11-26 09:30:00', 'alice from 203.0.113.7'),
               ('anthropic', {anthropic}, 'sk-...cdef', FALSE, 'https://proxy.example/anthropic', 7, '2026-11-26 09:01:00', '2026-11-26 09:40:00', 'bob'),
               ('ollama', NULL, NULL, FALSE, 'http://10.0.0.2:11434', 3, '2026-11-26 09:02:00', '2026-11-26 09:50:00', 'carol');
             INSERT INTO llm_provider_audit (at, actor, action, provider, key_hint, detail) VALUES
               ('2026-11-26 09:00:00', 'alice from 203.0.113.7', 'set', 'openai', 'sk-...9876', NULL),
               ('2026-11-26 09:01:00', 'bob', 'set', 'anthropic', 'sk-...cdef', NULL),
               ('2026-11-26 09:02:00', 'bob', 'deactivate', 'anthropic', 'sk-...cdef', NULL),
               ('2026-11-26 09:03:00', 'bob', 'base-url', 'anthropic', 'sk-...cdef', 'https://proxy.example/anthropic'),
               ('2026-11-26 09:04:00', 'carol', 'base-url', 'ollama', NULL, 'http://10.0.0.2:11434'),
               ('2026-11-26 09:05:00', 'carol', 'set', 'gemini', 'AIz...wxyz', NULL),
               ('2026-11-26 09:06:00', 'carol', 'delete', 'gemini', 'AIz...wxyz', NULL),
               ('2026-11-26 09:07:00', 'alice', 'rotate-key', '*', NULL, '{rotation}'),
               ('2026-11-26 09:08:00', 'alice', 'base-url-reset', 'gemini', NULL, NULL),
               ('2026-11-26 09:09:00', 'alice', 'activate', 'anthropic', 'sk-...cdef', NULL);"
        ),
    );
}

#[test]
fn a_database_of_the_first_release_keeps_every_key_base_url_and_audit_entry() {
    on_each_backend(
        "a_database_of_the_first_release_keeps_every_key_base_url_and_audit_entry",
        |db| {
            migrate_to(db, FIRST_RELEASE);
            let master = write_key_file(&db.dir.path().join("master.key"));
            fill_as_the_first_release(db, &master);

            let mut settings = open_settings(db);
            let key = |settings: &mut llm_settings::Settings, provider| {
                settings
                    .read_key(provider)
                    .unwrap()
                    .map(|key| key.expose_secret().to_owned())
            };
            assert_eq!(
                key(&mut settings, Provider::OpenAi).as_deref(),
                Some(OPENAI_KEY)
            );
            assert_eq!(
                key(&mut settings, Provider::Anthropic).as_deref(),
                Some(ANTHROPIC_KEY)
            );
            let states = settings.states().unwrap();
            let summary: Vec<_> = states
                .iter()
                .map(|state| {
                    (
                        state.status.key_hint.as_deref(),
                        state.status.is_active,
                        state.base_url.as_deref(),
                        state.revision,
                        state.changed_by.as_deref(),
                    )
                })
                .collect();
            assert_eq!(
                summary,
                [
                    (
                        Some("sk-...9876"),
                        true,
                        None,
                        4,
                        Some("alice from 203.0.113.7")
                    ),
                    (None, false, None, 0, None),
                    (
                        Some("sk-...cdef"),
                        false,
                        Some("https://proxy.example/anthropic"),
                        7,
                        Some("bob")
                    ),
                    (None, false, None, 0, None),
                    (None, false, Some("http://10.0.0.2:11434"), 3, Some("carol")),
                ]
            );
            assert_eq!(
                states[0].changed_at,
                NaiveDate::from_ymd_opt(2026, 11, 26)
                    .unwrap()
                    .and_hms_opt(9, 30, 0)
            );

            // Every entry is kept, with its id, as group providers.
            let trail = settings.audit_trail().unwrap();
            let entries: Vec<_> = trail
                .iter()
                .map(|row| {
                    (
                        row.id,
                        row.actor.as_str(),
                        row.group_name.as_str(),
                        row.action.as_str(),
                        row.subject.as_deref(),
                        row.old_value.as_deref(),
                        row.new_value.as_deref(),
                    )
                })
                .collect();
            let proxy = Some("https://proxy.example/anthropic");
            assert_eq!(
                entries,
                [
                    (
                        1,
                        "alice from 203.0.113.7",
                        "providers",
                        "set",
                        Some("openai"),
                        None,
                        Some("sk-...9876")
                    ),
                    (
                        2,
                        "bob",
                        "providers",
                        "set",
                        Some("anthropic"),
                        None,
                        Some("sk-...cdef")
                    ),
                    (
                        3,
                        "bob",
                        "providers",
                        "deactivate",
                        Some("anthropic"),
                        Some("true"),
                        Some("false")
                    ),
                    (
                        4,
                        "bob",
                        "providers",
                        "base-url",
                        Some("anthropic"),
                        None,
                        proxy
                    ),
                    (
                        5,
                        "carol",
                        "providers",
                        "base-url",
                        Some("ollama"),
                        None,
                        Some("http://10.0.0.2:11434")
                    ),
                    (
                        6,
                        "carol",
                        "providers",
                        "set",
                        Some("gemini"),
                        None,
                        Some("AIz...wxyz")
                    ),
                    (
                        7,
                        "carol",
                        "providers",
                        "delete",
                        Some("gemini"),
                        Some("AIz...wxyz"),
                        None
                    ),
                    (
                        8,
                        "alice",
                        "providers",
                        "rotate-key",
                        None,
                        Some("0123456789abcdef"),
                        Some("fedcba9876543210")
                    ),
                    (
                        9,
                        "alice",
                        "providers",
                        "base-url-reset",
                        Some("gemini"),
                        None,
                        None
                    ),
                    (
                        10,
                        "alice",
                        "providers",
                        "activate",
                        Some("anthropic"),
                        Some("false"),
                        Some("true")
                    ),
                ]
            );
            assert_eq!(
                trail[0].at,
                NaiveDate::from_ymd_opt(2026, 11, 26)
                    .unwrap()
                    .and_hms_opt(9, 0, 0)
                    .unwrap()
            );

            // New changes continue the trail after the kept entries.
            settings.set_active(Provider::OpenAi, false).unwrap();
            let trail = settings.audit_trail().unwrap();
            assert_eq!(trail.len(), 11);
            assert!(trail[10].id > 10, "{:?}", trail[10]);
            assert_eq!(trail[10].action, "deactivate");
        },
    );
}

#[test]
fn an_empty_database_of_the_first_release_upgrades_too() {
    on_each_backend(
        "an_empty_database_of_the_first_release_upgrades_too",
        |db| {
            migrate_to(db, FIRST_RELEASE);
            let mut settings = open_settings(db);
            assert!(settings.audit_trail().unwrap().is_empty());
            settings
                .save_key(
                    Provider::Gemini,
                    &SecretString::from("AIzaSy-after-the-upgrade"),
                )
                .unwrap();
            let trail = settings.audit_trail().unwrap();
            assert_eq!(trail.len(), 1);
            assert_eq!(trail[0].id, 1);
        },
    );
}

/// The migrations of the version before the Telegram bot: providers, the
/// shared trail, tasks, global and risk.
const BEFORE_TELEGRAM: usize = 4;

#[test]
fn a_database_of_the_version_before_the_bot_keeps_every_group() {
    on_each_backend(
        "a_database_of_the_version_before_the_bot_keeps_every_group",
        |db| {
            migrate_to(db, BEFORE_TELEGRAM);
            let master = write_key_file(&db.dir.path().join("master.key"));
            let openai = blob(
                db.backend,
                &seal(&master, Provider::OpenAi, &SecretString::from(OPENAI_KEY)),
            );
            // What that version wrote for an admin who set a key, assigned
            // a task and turned a risk check on with a limit.
            execute(
                db,
                &format!(
                    "INSERT INTO llm_provider_configs (provider, encrypted_key, key_hint, is_active, base_url, revision, created_at, updated_at, updated_by) VALUES
                       ('openai', {openai}, 'sk-...9876', TRUE, NULL, 1, '2026-12-01 06:00:00', '2026-12-01 06:00:00', 'alice');
                     INSERT INTO task_llm_assignments (task, provider, model_name, updated_at, updated_by, revision) VALUES
                       ('market_analysis', 'openai', 'gpt-4o', '2026-12-01 06:01:00', 'alice', 1);
                     UPDATE risk_settings SET drawdown_check_enabled = TRUE, max_drawdown_pct = 5, revision = 2,
                       updated_at = '2026-12-01 06:02:00', updated_by = 'alice';
                     INSERT INTO llm_settings_audit (at, actor, group_name, action, subject, old_value, new_value) VALUES
                       ('2026-12-01 06:00:00', 'alice', 'providers', 'set', 'openai', NULL, 'sk-...9876'),
                       ('2026-12-01 06:01:00', 'alice', 'tasks', 'set', 'market_analysis', NULL, 'openai gpt-4o'),
                       ('2026-12-01 06:02:00', 'alice', 'risk', 'set', 'drawdown_check_enabled', 'false', 'true'),
                       ('2026-12-01 06:02:00', 'alice', 'risk', 'set', 'max_drawdown_pct', '10', '5');"
                ),
            );

            let mut settings = open_settings(db);
            assert_eq!(
                settings
                    .read_key(Provider::OpenAi)
                    .unwrap()
                    .unwrap()
                    .expose_secret(),
                OPENAI_KEY
            );
            let task = settings.task(llm_settings::Task::MarketAnalysis).unwrap();
            assert_eq!(
                (task.provider, task.model_name.as_str()),
                (Some(Provider::OpenAi), "gpt-4o")
            );
            let risk = settings.risk().unwrap();
            assert!(risk.drawdown_check_enabled);
            assert_eq!(risk.max_drawdown_pct, 5.0);
            assert_eq!(settings.audit_trail().unwrap().len(), 4);

            // The bot's row is there, with nothing set.
            let bot = settings.telegram().unwrap();
            assert_eq!(
                bot,
                llm_settings::telegram::TelegramState {
                    changed_at: bot.changed_at,
                    changed_by: bot.changed_by.clone(),
                    ..llm_settings::telegram::TelegramState::unset()
                }
            );
            settings
                .set_telegram_token(
                    &llm_settings::api_key::ApiKey::parse(
                        "123456789:AAEhBOweik6ad9r_QpvwYlzP3Lm8xUvKQ1c",
                    )
                    .unwrap(),
                    Some(&llm_settings::telegram::ChatId::parse("-100").unwrap()),
                    None,
                )
                .unwrap();
            assert_eq!(settings.telegram().unwrap().revision, 1);
            let trail = settings.audit_trail().unwrap();
            assert!(trail.len() > 4 && trail[4].id > 4, "{trail:?}");
        },
    );
}

/// The migrations of the release before API tokens: every group, the bot
/// included.
const BEFORE_API_TOKENS: usize = 5;

#[test]
fn a_database_of_the_version_before_api_tokens_keeps_its_trail_and_its_ids() {
    on_each_backend(
        "a_database_of_the_version_before_api_tokens_keeps_its_trail_and_its_ids",
        |db| {
            migrate_to(db, BEFORE_API_TOKENS);
            let master = write_key_file(&db.dir.path().join("master.key"));
            let openai = blob(
                db.backend,
                &seal(&master, Provider::OpenAi, &SecretString::from(OPENAI_KEY)),
            );
            // A key set, a bot chat changed, and the trail of both, whose
            // ids a `watch` of that version has already seen.
            execute(
                db,
                &format!(
                    "INSERT INTO llm_provider_configs (provider, encrypted_key, key_hint, is_active, base_url, revision, created_at, updated_at, updated_by) VALUES
                       ('openai', {openai}, 'sk-...9876', TRUE, NULL, 1, '2026-12-01 06:00:00', '2026-12-01 06:00:00', 'alice');
                     UPDATE telegram_settings SET chat_id = '-100', revision = 1;
                     INSERT INTO llm_settings_audit (at, actor, group_name, action, subject, old_value, new_value) VALUES
                       ('2026-12-01 06:00:00', 'alice', 'providers', 'set', 'openai', NULL, 'sk-...9876'),
                       ('2026-12-01 06:01:00', 'alice', 'telegram', 'set', 'chat_id', NULL, '-100'),
                       ('2026-12-01 06:02:00', 'bob', 'risk', 'set', 'max_drawdown_pct', '10', '5');"
                ),
            );

            let mut settings = open_settings(db);
            assert_eq!(
                settings
                    .read_key(Provider::OpenAi)
                    .unwrap()
                    .unwrap()
                    .expose_secret(),
                OPENAI_KEY
            );
            let trail = settings.audit_trail().unwrap();
            let kept: Vec<(i64, &str, Option<&str>)> = trail
                .iter()
                .map(|entry| (entry.id, entry.actor.as_str(), entry.subject.as_deref()))
                .collect();
            assert_eq!(
                kept,
                vec![
                    (1, "alice", Some("openai")),
                    (2, "alice", Some("chat_id")),
                    (3, "bob", Some("max_drawdown_pct"))
                ]
            );
            // The trail takes the new group, and its ids go on from 3.
            let name = llm_settings::api_token::TokenName::parse("ci-bot").unwrap();
            settings.add_api_token(&name).unwrap();
            let trail = settings.audit_trail().unwrap();
            assert_eq!(trail.len(), 4);
            assert_eq!(trail[3].id, 4);
            assert_eq!(trail[3].group_name, "api_tokens");
            assert_eq!(settings.api_tokens().unwrap().len(), 1);
        },
    );
}
