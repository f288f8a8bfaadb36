//! The keys a filter string may hold, in the order wharf writes them.

/// One filter key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Key {
    Center,
    Namespace,
    Name,
    Category,
    Offset,
    Limit,
    OrderColumn,
    OrderType,
    IsPublic,
}

/// Every key's wire name, in the order wharf writes them.
pub const KEYS: [&str; 9] = [
    "center",
    "namespace",
    "name",
    "category",
    "offset",
    "limit",
    "order_column",
    "order_type",
    "is_public",
];

impl Key {
    /// Every key, in the order of [`KEYS`].
    pub(super) const ALL: [Key; 9] = [
        Key::Center,
        Key::Namespace,
        Key::Name,
        Key::Category,
        Key::Offset,
        Key::Limit,
        Key::OrderColumn,
        Key::OrderType,
        Key::IsPublic,
    ];

    /// The wire name.
    pub(super) fn name(self) -> &'static str {
        KEYS[self.index()]
    }

    /// The position in [`KEYS`].
    pub(super) fn index(self) -> usize {
        self as usize
    }

    /// The key with this wire name, if any.
    pub(super) fn from_name(name: &str) -> Option<Key> {
        KEYS.iter()
            .position(|k| *k == name)
            .and_then(|i| Key::ALL.get(i).copied())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_keys_agree() {
        for key in Key::ALL {
            assert_eq!(Key::from_name(key.name()), Some(key));
        }
        assert_eq!(Key::from_name("Center"), None);
    }
}
