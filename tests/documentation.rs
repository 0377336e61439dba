//! The documents say what the code does: every table and column of the schema is in `docs/FORMAT.md`.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed unwrap is a failed test

const SCHEMA: &str = include_str!("../src/store/schema.rs");
const FORMAT: &str = include_str!("../docs/FORMAT.md");

/// The tables of `schema.rs` and their columns, as diesel's `table!` has them.
fn tables() -> Vec<(String, Vec<String>)> {
    let mut tables = Vec::new();
    let mut lines = SCHEMA.lines().map(str::trim);
    while let Some(line) = lines.next() {
        if line != "diesel::table! {" {
            continue;
        }
        let header = lines.next().unwrap();
        let name = header.split_whitespace().next().unwrap().to_owned();
        let mut columns = Vec::new();
        for line in lines.by_ref() {
            if line == "}" {
                break;
            }
            if let Some((column, _)) = line.split_once(" -> ") {
                columns.push(column.to_owned());
            }
        }
        tables.push((name, columns));
    }
    tables
}

#[test]
fn every_table_and_column_is_documented() {
    let tables = tables();
    assert!(tables.len() >= 3, "{tables:?}");
    for (table, columns) in tables {
        assert!(
            FORMAT.contains(&format!("`{table}`")),
            "docs/FORMAT.md does not document the table {table}"
        );
        for column in columns {
            assert!(
                FORMAT.contains(&format!("`{column}`")),
                "docs/FORMAT.md does not document {table}.{column}"
            );
        }
    }
}

#[test]
fn every_described_group_and_field_is_documented() {
    for group in llm_settings::field_groups::ALL {
        assert!(
            FORMAT.contains(&format!("`{}`", group.table)),
            "{}",
            group.table
        );
        for column in group.fields.iter().map(|field| field.name).chain([
            "id",
            "updated_at",
            "updated_by",
            "revision",
        ]) {
            assert!(
                FORMAT.contains(&format!("`{column}`")),
                "docs/FORMAT.md does not document {}.{column}",
                group.table
            );
        }
    }
}
