//! SWR repository categories.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The category of an SWR repository.
///
/// Values this version does not know are kept as [`Category::Unknown`], because
/// new ones appear without notice. Equality goes by the wire name, so
/// `Unknown("linux")` equals `Linux`: two values that encode the same are equal.
///
/// ```
/// use wharf_model::Category;
///
/// assert_eq!("linux".parse::<Category>().unwrap(), Category::Linux);
/// assert_eq!(Category::from("gpu").as_str(), "gpu");
/// ```
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub enum Category {
    /// `app_server`
    AppServer,
    /// `linux`
    Linux,
    /// `framework_app`
    FrameworkApp,
    /// `database`
    Database,
    /// `lang`
    Lang,
    /// `other`
    #[default]
    Other,
    /// `windows`
    Windows,
    /// `arm`
    Arm,
    /// A category this version of wharf does not know, as sent.
    Unknown(String),
}

impl Category {
    /// Every category wharf knows, in documentation order.
    pub const KNOWN: [Category; 8] = [
        Category::AppServer,
        Category::Linux,
        Category::FrameworkApp,
        Category::Database,
        Category::Lang,
        Category::Other,
        Category::Windows,
        Category::Arm,
    ];

    /// The wire name.
    pub fn as_str(&self) -> &str {
        match self {
            Category::AppServer => "app_server",
            Category::Linux => "linux",
            Category::FrameworkApp => "framework_app",
            Category::Database => "database",
            Category::Lang => "lang",
            Category::Other => "other",
            Category::Windows => "windows",
            Category::Arm => "arm",
            Category::Unknown(s) => s,
        }
    }

    /// Whether this is one of the documented categories.
    pub fn is_known(&self) -> bool {
        !matches!(self, Category::Unknown(_))
    }
}

impl PartialEq for Category {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for Category {}

impl std::hash::Hash for Category {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl From<&str> for Category {
    fn from(s: &str) -> Self {
        Category::KNOWN
            .into_iter()
            .find(|c| c.as_str() == s)
            .unwrap_or_else(|| Category::Unknown(s.to_owned()))
    }
}

impl FromStr for Category {
    type Err = std::convert::Infallible;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Category::from(s))
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Category {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Category {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(CategoryVisitor)
    }
}

/// Reads a category without copying the text of a known one.
struct CategoryVisitor;

impl serde::de::Visitor<'_> for CategoryVisitor {
    type Value = Category;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a category name")
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Category, E> {
        Ok(Category::from(v))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_names_round_trip() {
        for c in Category::KNOWN {
            assert_eq!(Category::from(c.as_str()), c);
            let json = serde_json::to_string(&c).unwrap();
            assert_eq!(serde_json::from_str::<Category>(&json).unwrap(), c);
        }
    }

    #[test]
    fn equality_follows_the_wire_name() {
        assert_eq!(Category::Unknown("linux".into()), Category::Linux);
        assert_ne!(Category::Unknown("gpu".into()), Category::Other);
    }

    #[test]
    fn unknown_names_are_kept() {
        let c: Category = serde_json::from_str(r#""quantum""#).unwrap();
        assert_eq!(c, Category::Unknown("quantum".into()));
        assert!(!c.is_known());
        assert_eq!(serde_json::to_string(&c).unwrap(), r#""quantum""#);
    }
}
