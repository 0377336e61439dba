//! The descriptions of the global settings and risk rules are the one source: the README's tables must say what they say.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a failed unwrap is a failed test

use llm_settings::fields::FieldGroup;

const README: &str = include_str!("../README.md");

/// The table the README shows for `group`, made from its descriptions.
fn table(group: &FieldGroup) -> String {
    let mut lines = vec![
        "| name | type | default | allowed | meaning |".to_owned(),
        "|---|---|---|---|---|".to_owned(),
    ];
    for field in group.fields {
        lines.push(format!(
            "| `{}` | {} | {} | {} | {} |",
            field.name,
            field.kind_name(),
            field.default,
            field.range(),
            field.help
        ));
    }
    lines.join("\n")
}

#[test]
fn the_readme_tables_are_the_descriptions() {
    for group in llm_settings::field_groups::ALL {
        let expected = table(group);
        assert!(
            README.contains(&expected),
            "README.md must show the {} fields as their descriptions say:\n{expected}",
            group.title
        );
    }
}
