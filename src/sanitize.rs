//! Makes untrusted text safe to print: no control characters or escape sequences reach a terminal.

/// Replaces every control character (C0, DEL, C1) with `?`, so that text from
/// a user, a database or a remote server cannot move the cursor, change colours,
/// or send escape sequences to the terminal it is printed on.
pub fn printable(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .collect()
}

/// Like [`printable`], on one line: line breaks and tabs become single
/// spaces, for error messages that must fit the first line of stderr.
pub fn one_line(text: &str) -> String {
    let spaced: String = text
        .chars()
        .map(|c| {
            if matches!(c, '\n' | '\r' | '\t') {
                ' '
            } else {
                c
            }
        })
        .collect();
    printable(
        &spaced
            .split(' ')
            .filter(|word| !word.is_empty())
            .collect::<Vec<_>>()
            .join(" "),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_and_escapes_are_replaced() {
        assert_eq!(printable("a\x1b[31mb\x07\u{9b}c\x7f"), "a?[31mb??c?");
        assert_eq!(printable("plain text é"), "plain text é");
        assert_eq!(
            one_line("failed: refused\n\tIs the server running?\n"),
            "failed: refused Is the server running?"
        );
    }
}
