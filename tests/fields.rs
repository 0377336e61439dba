//! Global settings and risk rules: every value checked against its description, written whole or not at all, audited, on both backends.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed unwrap is a failed test

mod common;

use common::{Backend, Sandbox, TestDb, on_each_backend, open_settings};
use llm_settings::SaveOutcome;
use llm_settings::fields::{FieldGroup, Kind, Value};
use llm_settings::settings::FieldAction;
use llm_settings::{Error, GlobalSettings, RiskSettings};
use serde_json::json;

const GROUPS: [(&str, &FieldGroup); 2] = [
    ("global", &GlobalSettings::GROUP),
    ("risk", &RiskSettings::GROUP),
];

/// Everything a write could change: the groups' values and revisions and
/// the number of audit entries.
fn state(db: &TestDb, sandbox: &Sandbox) -> (serde_json::Value, serde_json::Value, i64, i64, i64) {
    let mut raw = db.raw();
    (
        sandbox.run(&["global", "show", "--json"], b"").json(),
        sandbox.run(&["risk", "show", "--json"], b"").json(),
        raw.count("SELECT revision AS n FROM global_settings"),
        raw.count("SELECT revision AS n FROM risk_settings"),
        raw.count("SELECT COUNT(*) AS n FROM llm_settings_audit"),
    )
}

/// Inputs the contract refuses for a field of `kind`, and one out of range.
fn bad_inputs(kind: Kind) -> Vec<String> {
    let mut bad: Vec<String> = [
        "NaN", "inf", "10%", "1e-1", "1e999", "+5", ".5", "", "5.", "yes", "1 ", "0x1", "١",
    ]
    .map(str::to_owned)
    .to_vec();
    match kind {
        Kind::Switch => bad.extend(["True".into(), "1".into(), "0".into()]),
        Kind::Whole { min, max } => bad.extend([
            (min - 1).to_string(),
            (max + 1).to_string(),
            "-1".into(),
            "5.0".into(),
        ]),
        Kind::Number {
            min,
            min_excluded,
            max,
        } => {
            let below = if min_excluded { min } else { min - 0.5 };
            bad.extend([
                below.to_string(),
                (max + 0.5).to_string(),
                "0.1234567890123456".into(),
            ])
        }
    }
    bad
}

#[test]
fn every_bad_value_of_every_field_is_refused_and_changes_nothing() {
    on_each_backend(
        "every_bad_value_of_every_field_is_refused_and_changes_nothing",
        |db| {
            let sandbox = Sandbox::new(&db.url);
            let before = state(db, &sandbox);
            for (name, group) in GROUPS {
                for field in group.fields {
                    for bad in bad_inputs(field.kind) {
                        // A good pair first: nothing of a refused command is written.
                        let good = format!("{}={}", field.name, field.default);
                        let pair = format!("{}={bad}", field.name);
                        let run = sandbox.run(&[name, "set", &good, &pair], b"");
                        assert_eq!(run.code(), 2, "{pair}: {}", run.stderr());
                        let mut expected =
                            format!("error: {} must be {}", field.name, field.allowed());
                        if bad == "0.1234567890123456" {
                            expected.push_str(", with at most 15 significant digits");
                        }
                        assert_eq!(run.stderr(), format!("{expected}\n"), "{pair}");
                        assert_eq!(run.stdout(), "");
                    }
                }
                for (args, message) in [
                    (
                        vec![name, "set", "xyz=1"],
                        format!("error: Unknown setting: {name}.xyz\n"),
                    ),
                    (
                        vec![name, "reset", "xyz"],
                        format!("error: Unknown setting: {name}.xyz\n"),
                    ),
                    (
                        vec![name, "set", "novalue"],
                        "error: Invalid setting: novalue (use NAME=VALUE)\n".to_owned(),
                    ),
                ] {
                    let run = sandbox.run(&args, b"");
                    assert_eq!((run.code(), run.stderr()), (2, message), "{args:?}");
                }
            }
            assert_eq!(
                state(db, &sandbox),
                before,
                "a refused value changed something"
            );

            // Through the library: a typed value out of range is refused too.
            let mut settings = open_settings(db);
            let risk = RiskSettings {
                max_drawdown_pct: 0.0,
                ..RiskSettings::default()
            };
            assert!(matches!(
                settings.set_risk(&risk),
                Err(Error::InvalidValue(_))
            ));
            let global = GlobalSettings {
                llm_confidence_threshold: f64::NAN,
                ..GlobalSettings::default()
            };
            assert!(matches!(
                settings.set_global(&global),
                Err(Error::InvalidValue(_))
            ));
            assert_eq!(state(db, &sandbox), before);
        },
    );
}

#[test]
fn set_and_reset_write_whole_with_one_entry_per_change() {
    on_each_backend(
        "set_and_reset_write_whole_with_one_entry_per_change",
        |db| {
            let sandbox = Sandbox::new(&db.url);
            let defaults = sandbox.run(&["risk", "show", "--json"], b"").json();
            assert_eq!(
                defaults,
                json!({"drawdown_check_enabled": false, "max_drawdown_pct": 10, "position_limit_enabled": false, "max_open_positions": 5, "rate_limit_enabled": false, "rate_limit_max_trades": 3, "rate_limit_window_hours": 4, "hedging_allowed": true})
            );
            assert_eq!(
                sandbox.run(&["risk", "revision"], b"").json_or_text(),
                "0\n"
            );
            let set = sandbox.run(
                &[
                    "risk",
                    "set",
                    "drawdown_check_enabled=on",
                    "max_drawdown_pct=5",
                    "hedging_allowed=true",
                ],
                b"",
            );
            assert_eq!(set.json()["max_drawdown_pct"], 5);
            assert_eq!(set.json()["drawdown_check_enabled"], true);
            assert_eq!(
                sandbox.run(&["risk", "revision"], b"").json_or_text(),
                "1\n"
            );
            // The same values again: no entry, no new revision.
            sandbox
                .run(
                    &[
                        "risk",
                        "set",
                        "max_drawdown_pct=5.0",
                        "drawdown_check_enabled=true",
                    ],
                    b"",
                )
                .json();
            assert_eq!(
                sandbox.run(&["risk", "revision"], b"").json_or_text(),
                "1\n"
            );
            sandbox
                .run(
                    &[
                        "global",
                        "set",
                        "llm_confidence_threshold=0.65",
                        "maintenance_interval_minutes=007",
                    ],
                    b"",
                )
                .json();
            sandbox
                .run(&["risk", "reset", "max_drawdown_pct"], b"")
                .json();

            let mut settings = open_settings(db);
            let trail: Vec<_> = settings
                .audit_trail()
                .unwrap()
                .into_iter()
                .map(|row| {
                    (
                        row.group_name,
                        row.action,
                        row.subject.unwrap(),
                        row.old_value,
                        row.new_value,
                    )
                })
                .collect();
            let s = |text: &str| Some(text.to_owned());
            assert_eq!(
                trail,
                [
                    (
                        "risk".into(),
                        "set".into(),
                        "drawdown_check_enabled".into(),
                        s("false"),
                        s("true")
                    ),
                    (
                        "risk".into(),
                        "set".into(),
                        "max_drawdown_pct".into(),
                        s("10"),
                        s("5")
                    ),
                    (
                        "global".into(),
                        "set".into(),
                        "llm_confidence_threshold".into(),
                        s("0.7"),
                        s("0.65")
                    ),
                    (
                        "global".into(),
                        "set".into(),
                        "maintenance_interval_minutes".into(),
                        s("60"),
                        s("7")
                    ),
                    (
                        "risk".into(),
                        "reset".into(),
                        "max_drawdown_pct".into(),
                        s("5"),
                        s("10")
                    ),
                ]
            );
            let risk = settings.risk().unwrap();
            assert!(risk.drawdown_check_enabled);
            assert_eq!(risk.max_drawdown_pct, 10.0);
            let global = settings.global().unwrap();
            assert_eq!(global.llm_confidence_threshold, 0.65);
            assert_eq!(global.maintenance_interval_minutes, 7);
            // The typed setter writes what differs, checked.
            let risk = settings
                .set_risk(&RiskSettings {
                    max_open_positions: 12,
                    ..risk
                })
                .unwrap();
            assert_eq!(risk.max_open_positions, 12);
            assert_eq!(
                settings
                    .field_values(&RiskSettings::GROUP)
                    .unwrap()
                    .revision,
                3
            );

            // A stale write is refused with exit 1 and changes nothing.
            let run = sandbox.run(
                &[
                    "risk",
                    "set",
                    "--expect-revision",
                    "2",
                    "max_open_positions=3",
                ],
                b"",
            );
            assert_eq!(run.code(), 1);
            assert!(run.stderr().starts_with("error: risk changed since revision 2: it is at revision 3 now, changed by alice from 203.0.113.7"), "{}", run.stderr());
            sandbox
                .run(
                    &[
                        "risk",
                        "set",
                        "--expect-revision",
                        "3",
                        "max_open_positions=3",
                    ],
                    b"",
                )
                .json();
            match settings
                .change_fields(
                    &RiskSettings::GROUP,
                    FieldAction::Set,
                    &[(3, Value::Whole(4))],
                    Some(3),
                )
                .unwrap()
            {
                SaveOutcome::Conflict(values) => {
                    assert_eq!(values.revision, 4);
                    assert_eq!(values.changed_by.as_deref(), Some("tester"));
                }
                other => panic!("{other:?}"),
            }

            // show for people: revision, who and when, defaults, what is off.
            let show = sandbox.run(&["risk", "show"], b"").json_or_text();
            assert!(
                show.starts_with("Risk (risk_settings), revision 4, changed "),
                "{show}"
            );
            assert!(show.contains("max_open_positions       3 *     5        a whole number from 1 to 1000         off: position_limit_enabled is off"), "{show}");
            assert!(show.contains("drawdown_check_enabled   true *"), "{show}");
        },
    );
}

#[test]
fn a_row_written_around_llm_settings_that_breaks_a_range_is_that_groups_error() {
    on_each_backend(
        "a_row_written_around_llm_settings_that_breaks_a_range_is_that_groups_error",
        |db| {
            let sandbox = Sandbox::new(&db.url);
            sandbox
                .run(&["risk", "set", "max_drawdown_pct=7"], b"")
                .json();
            let mut raw = db.raw();
            match db.backend {
                Backend::Sqlite => raw.execute(
                    "PRAGMA ignore_check_constraints = ON; UPDATE risk_settings SET max_open_positions = 0",
                ),
                Backend::Postgres => raw.execute(
                    "ALTER TABLE risk_settings DROP CONSTRAINT risk_settings_max_open_positions_check; \
                     UPDATE risk_settings SET max_open_positions = 0",
                ),
            }
            let message = "error: risk.max_open_positions holds 0 in the database, which is not a whole number from 1 to 1000; set it again or reset it (risk reset max_open_positions)\n";
            for args in [
                &["risk", "show"][..],
                &["risk", "show", "--json"],
                &["risk", "set", "hedging_allowed=off"],
            ] {
                let run = sandbox.run(args, b"");
                assert_eq!(
                    (run.code(), run.stderr().as_str()),
                    (1, message),
                    "{args:?}"
                );
            }
            // Nothing was written by the refused set.
            assert_eq!(raw.count("SELECT revision AS n FROM risk_settings"), 1);
            // The other groups work.
            sandbox.run(&["global", "show", "--json"], b"").json();
            sandbox.run(&["tasks", "list", "--json"], b"").json();
            sandbox.run(&["providers", "list", "--json"], b"").json();
            let mut settings = open_settings(db);
            assert!(matches!(
                settings.risk(),
                Err(Error::BadRow {
                    field: "max_open_positions",
                    ..
                })
            ));
            assert!(settings.global().is_ok());
            // A reset of that field repairs it, and records the value found.
            let repaired = sandbox
                .run(&["risk", "reset", "max_open_positions"], b"")
                .json();
            assert_eq!(repaired["max_open_positions"], 5);
            assert_eq!(repaired["max_drawdown_pct"], 7);
            let last = settings.audit_trail().unwrap().pop().unwrap();
            assert_eq!(
                (last.old_value.as_deref(), last.new_value.as_deref()),
                (Some("0"), Some("5"))
            );
            // A value of another kind entirely.
            if db.backend == Backend::Sqlite {
                raw.execute("UPDATE global_settings SET news_enabled = 'maybe'");
                let run = sandbox.run(&["global", "show"], b"");
                assert_eq!(run.code(), 1);
                assert_eq!(
                    run.stderr(),
                    "error: global.news_enabled holds maybe in the database, which is not true or false (or on, off); set it again or reset it (global reset news_enabled)\n"
                );
                sandbox
                    .run(&["global", "set", "news_enabled=on"], b"")
                    .json();
            }
        },
    );
}

#[test]
fn a_database_without_the_rows_reads_the_defaults_and_writes_them_back() {
    on_each_backend(
        "a_database_without_the_rows_reads_the_defaults_and_writes_them_back",
        |db| {
            let sandbox = Sandbox::new(&db.url);
            sandbox.run(&["global", "show"], b"").json_or_text();
            db.raw().execute("DELETE FROM global_settings");
            let shown = sandbox.run(&["global", "show", "--json"], b"").json();
            assert_eq!(shown["maintenance_interval_minutes"], 60);
            sandbox
                .run(&["global", "set", "news_enabled=off"], b"")
                .json();
            let mut raw = db.raw();
            assert_eq!(raw.count("SELECT COUNT(*) AS n FROM global_settings"), 1);
            assert_eq!(raw.count("SELECT revision AS n FROM global_settings"), 1);
            assert_eq!(
                raw.count(
                    "SELECT CAST(maintenance_interval_minutes AS BIGINT) AS n FROM global_settings"
                ),
                60
            );
        },
    );
}

/// 8 processes x 25 `risk set`, each value different from every other, so
/// that every acknowledged save is a change: each exits 0 or says the
/// database is busy, the value left is the last acknowledged one, and the
/// trail has one entry per acknowledged save.
#[test]
fn eight_processes_setting_risk_at_once_lose_nothing() {
    on_each_backend("eight_processes_setting_risk_at_once_lose_nothing", |db| {
        let sandbox = Sandbox::new(&db.url);
        sandbox.run(&["risk", "show"], b"").json_or_text();
        let acknowledged: Vec<i64> = std::thread::scope(|scope| {
            let workers: Vec<_> = (0..8)
                .map(|process| {
                    let sandbox = &sandbox;
                    scope.spawn(move || {
                        let mut acknowledged = Vec::new();
                        for save in 0..25 {
                            let value = 1 + process * 25 + save;
                            let pair = format!("max_open_positions={value}");
                            let run = sandbox.run(&["risk", "set", &pair], b"");
                            match run.code() {
                                0 => {
                                    assert_eq!(run.json()["max_open_positions"], value);
                                    acknowledged.push(value);
                                }
                                1 if run.stderr() == "error: database busy, try again\n" => {}
                                code => panic!("{pair} exited {code}: {}", run.stderr()),
                            }
                        }
                        acknowledged
                    })
                })
                .collect();
            workers
                .into_iter()
                .flat_map(|w| w.join().unwrap())
                .collect()
        });
        eprintln!(
            "{:?}: {} of 200 acknowledged",
            db.backend,
            acknowledged.len()
        );
        assert!(
            acknowledged.len() >= 150,
            "too many busy: {}",
            200 - acknowledged.len()
        );

        let mut settings = open_settings(db);
        let trail: Vec<_> = settings
            .audit_trail()
            .unwrap()
            .into_iter()
            .filter(|row| row.group_name == "risk")
            .collect();
        assert_eq!(
            trail.len(),
            acknowledged.len(),
            "one entry per acknowledged save"
        );
        // The trail chains: each entry's old value is the one before's new.
        for pair in trail.windows(2) {
            assert_eq!(pair[1].old_value, pair[0].new_value);
        }
        let last: i64 = trail
            .last()
            .unwrap()
            .new_value
            .as_deref()
            .unwrap()
            .parse()
            .unwrap();
        assert!(acknowledged.contains(&last));
        assert_eq!(settings.risk().unwrap().max_open_positions, last);
        assert_eq!(
            settings
                .field_values(&RiskSettings::GROUP)
                .unwrap()
                .revision,
            acknowledged.len() as i64
        );
    });
}
