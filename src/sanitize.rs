//! Makes untrusted text safe to print: no control characters or escape sequences reach a terminal.

/// Replaces every control character (C0, DEL, C1) with `?`, so that text from
/// a user, a database or a remote server cannot move the cursor, change colours,
/// or send escape sequences to the terminal it is printed on.
pub fn printable(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .collect()
}

/// Text that is safe to print: made with [`printable`] once, where it was
/// read (from the database, a provider, Telegram), and shown as it is by
/// every front end, which never cleans it again.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Printable(String);

impl Printable {
    /// `text` with every control character replaced by `?`.
    pub fn new(text: &str) -> Self {
        Printable(printable(text))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

impl std::ops::Deref for Printable {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Printable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for Printable {
    fn from(text: &str) -> Self {
        Printable::new(text)
    }
}

impl From<String> for Printable {
    fn from(text: String) -> Self {
        if text.chars().any(char::is_control) {
            Printable::new(&text)
        } else {
            Printable(text)
        }
    }
}

impl From<&String> for Printable {
    fn from(text: &String) -> Self {
        Printable::new(text)
    }
}

impl PartialEq<str> for Printable {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for Printable {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

impl PartialEq<String> for Printable {
    fn eq(&self, other: &String) -> bool {
        self.0 == *other
    }
}

impl PartialEq<Printable> for &str {
    fn eq(&self, other: &Printable) -> bool {
        *self == other.0
    }
}

impl serde::Serialize for Printable {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> serde::Deserialize<'de> for Printable {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Printable::from)
    }
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
    fn printable_text_is_cleaned_once_whichever_way_it_is_made() {
        for made in [
            Printable::new("a\x1b[2Jb"),
            Printable::from("a\x1b[2Jb"),
            Printable::from("a\x1b[2Jb".to_owned()),
            serde_json::from_str("\"a\\u001b[2Jb\"").unwrap(),
        ] {
            assert_eq!(made, "a?[2Jb");
        }
    }

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
