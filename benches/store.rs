//! The store through the library (save, list, read a key) beside the same SQL run bare, on SQLite and PostgreSQL; and seal/open.
//!
//! PostgreSQL is measured when `TEST_POSTGRES_URL` names a server this bench
//! may create a database on.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed unwrap is a failed test

use std::hint::black_box;
use std::time::Duration;

use chrono::Utc;
use criterion::{Criterion, criterion_group, criterion_main};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::{Binary, Text, Timestamp};
use llm_settings::fields::Value;
use llm_settings::secret::{MasterKey, generate_key_file, load_key_file, open, seal};
use llm_settings::settings::FieldAction;
use llm_settings::{Actor, OpenOptions, Provider, RiskSettings, Settings};
use secrecy::SecretString;

const KEY: &str = "sk-proj-BENCHbenchBENCHbenchBENCH-0001";

/// The statements of a save, as the store runs them, with bind markers of
/// the backend's kind.
fn save_sql(marker: impl Fn(usize) -> String) -> (String, String) {
    let upsert = format!(
        "INSERT INTO llm_provider_configs (provider, encrypted_key, key_hint, is_active, base_url, revision, created_at, updated_at, updated_by) \
         VALUES ({}, {}, {}, TRUE, NULL, 1, {}, {}, {}) \
         ON CONFLICT (provider) DO UPDATE SET encrypted_key = excluded.encrypted_key, key_hint = excluded.key_hint, \
         is_active = TRUE, revision = llm_provider_configs.revision + 1, updated_at = excluded.updated_at, updated_by = excluded.updated_by",
        marker(1),
        marker(2),
        marker(3),
        marker(4),
        marker(5),
        marker(6)
    );
    let audit = format!(
        "INSERT INTO llm_settings_audit (at, actor, group_name, action, subject, new_value) VALUES ({}, {}, 'providers', 'set', {}, {})",
        marker(1),
        marker(2),
        marker(3),
        marker(4)
    );
    (upsert, audit)
}

macro_rules! bare_save {
    ($conn:expr, $upsert:expr, $audit:expr, $sealed:expr) => {{
        let now = Utc::now().naive_utc();
        diesel::sql_query($upsert)
            .bind::<Text, _>("openai")
            .bind::<Binary, _>($sealed)
            .bind::<Text, _>("sk-...0001")
            .bind::<Timestamp, _>(now)
            .bind::<Timestamp, _>(now)
            .bind::<Text, _>("bench")
            .execute($conn)?;
        diesel::sql_query($audit)
            .bind::<Timestamp, _>(now)
            .bind::<Text, _>("bench")
            .bind::<Text, _>("openai")
            .bind::<Text, _>("sk-...0001")
            .execute($conn)?;
        Ok::<(), diesel::result::Error>(())
    }};
}

fn settings(url: &str, dir: &std::path::Path) -> Settings {
    let key_file = dir.join("master.key");
    if !key_file.exists() {
        generate_key_file(&key_file).unwrap();
    }
    Settings::open(&OpenOptions {
        database_url: Some(url.to_owned()),
        key_file: Some(key_file),
        actor: Some(Actor::new("bench", None)),
    })
    .unwrap()
}

fn bench_backend(c: &mut Criterion, backend: &str, url: &str, dir: &std::path::Path) {
    let mut settings = settings(url, dir);
    let key = SecretString::from(KEY.to_owned());
    settings.save_key(Provider::OpenAi, &key).unwrap();
    let mut group = c.benchmark_group(format!("store {backend}"));
    group
        .sample_size(30)
        .measurement_time(Duration::from_secs(4));
    group.bench_function("save through the library", |b| {
        b.iter(|| {
            settings
                .save_key(Provider::OpenAi, black_box(&key))
                .unwrap()
        })
    });
    // Sealed with this database's master key, so the bare writes leave a
    // value the library still opens.
    let master = load_key_file(&dir.join("master.key")).unwrap();
    let sealed = seal(&master, Provider::OpenAi, &key);
    if backend == "sqlite" {
        let mut conn = SqliteConnection::establish(url).unwrap();
        conn.batch_execute(
            "PRAGMA busy_timeout = 5000; PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;",
        )
        .unwrap();
        let (upsert, audit) = save_sql(|_| "?".to_owned());
        group.bench_function("save bare SQL", |b| {
            b.iter(|| {
                conn.immediate_transaction(|conn| bare_save!(conn, &upsert, &audit, &sealed))
                    .unwrap()
            })
        });
    } else {
        let mut conn = PgConnection::establish(url).unwrap();
        let (upsert, audit) = save_sql(|n| format!("${n}"));
        group.bench_function("save bare SQL", |b| {
            b.iter(|| {
                conn.transaction(|conn| bare_save!(conn, &upsert, &audit, &sealed))
                    .unwrap()
            })
        });
    }
    // A risk value set through the library, and the same change as bare
    // SQL: each round sets another value, so that every one is written.
    let mut round = 0i64;
    group.bench_function("risk set through the library", |b| {
        b.iter(|| {
            round += 1;
            let value = Value::Whole(1 + round % 2);
            settings
                .change_fields(&RiskSettings::GROUP, FieldAction::Set, &[(3, value)], None)
                .unwrap()
        })
    });
    let marker = |n: usize| {
        if backend == "sqlite" {
            "?".to_owned()
        } else {
            format!("${n}")
        }
    };
    let update = format!(
        "UPDATE risk_settings SET max_open_positions = {}, revision = revision + 1, updated_at = {}, updated_by = {} WHERE id = 1",
        marker(1),
        marker(2),
        marker(3)
    );
    let audit = format!(
        "INSERT INTO llm_settings_audit (at, actor, group_name, action, subject, old_value, new_value) VALUES ({}, {}, 'risk', 'set', 'max_open_positions', {}, {})",
        marker(1),
        marker(2),
        marker(3),
        marker(4)
    );
    macro_rules! bare_set {
        ($conn:expr) => {{
            round += 1;
            let now = Utc::now().naive_utc();
            diesel::sql_query(&update)
                .bind::<diesel::sql_types::Integer, _>(1 + (round % 2) as i32)
                .bind::<Timestamp, _>(now)
                .bind::<Text, _>("bench")
                .execute($conn)?;
            diesel::sql_query(&audit)
                .bind::<Timestamp, _>(now)
                .bind::<Text, _>("bench")
                .bind::<Text, _>("1")
                .bind::<Text, _>("2")
                .execute($conn)?;
            Ok::<(), diesel::result::Error>(())
        }};
    }
    if backend == "sqlite" {
        let mut conn = SqliteConnection::establish(url).unwrap();
        conn.batch_execute("PRAGMA busy_timeout = 5000; PRAGMA synchronous = FULL;")
            .unwrap();
        group.bench_function("risk set bare SQL", |b| {
            b.iter(|| conn.immediate_transaction(|conn| bare_set!(conn)).unwrap())
        });
    } else {
        let mut conn = PgConnection::establish(url).unwrap();
        group.bench_function("risk set bare SQL", |b| {
            b.iter(|| conn.transaction(|conn| bare_set!(conn)).unwrap())
        });
    }
    group.bench_function("list", |b| b.iter(|| settings.statuses().unwrap()));
    group.bench_function("read a key", |b| {
        b.iter(|| settings.read_key(Provider::OpenAi).unwrap())
    });
    group.finish();
}

fn store(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let sqlite = dir.path().join("bench.db").display().to_string();
    bench_backend(c, "sqlite", &sqlite, dir.path());

    match std::env::var("TEST_POSTGRES_URL") {
        Ok(admin) if !admin.is_empty() => {
            let name = format!("llm_settings_bench_{}", std::process::id());
            let mut conn = PgConnection::establish(&admin).unwrap();
            // One statement each: batch_execute would run them as one transaction.
            conn.batch_execute(&format!("DROP DATABASE IF EXISTS {name}"))
                .unwrap();
            conn.batch_execute(&format!("CREATE DATABASE {name}"))
                .unwrap();
            let (scheme, rest) = admin.split_once("://").unwrap();
            let authority = &rest[..rest.find('/').unwrap_or(rest.len())];
            let url = format!("{scheme}://{authority}/{name}");
            bench_backend(c, "postgres", &url, dir.path());
            let _ = conn.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
        }
        _ => eprintln!("store postgres: skipped: TEST_POSTGRES_URL is not set"),
    }
}

fn envelope(c: &mut Criterion) {
    let master = MasterKey::generate().unwrap();
    let key = SecretString::from(KEY.to_owned());
    let sealed = seal(&master, Provider::Anthropic, &key);
    c.bench_function("seal", |b| {
        b.iter(|| seal(&master, Provider::Anthropic, black_box(&key)))
    });
    c.bench_function("open", |b| {
        b.iter(|| open(&master, Provider::Anthropic, black_box(&sealed)).unwrap())
    });
}

criterion_group!(benches, store, envelope);
criterion_main!(benches);
