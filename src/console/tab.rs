//! The console's tabs, one per group of settings, in the order the tab bar shows them.

/// A tab of the console.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Tab {
    Providers,
}

impl Tab {
    /// Every tab, in the order of the tab bar.
    pub const ALL: [Tab; 1] = [Tab::Providers];

    /// The tab's name in the tab bar.
    pub fn title(self) -> &'static str {
        match self {
            Tab::Providers => "Providers",
        }
    }
}
