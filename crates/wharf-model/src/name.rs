//! Validated SWR namespace and repository names.
//!
//! The rules (api-notes 1.4):
//! - namespace: 1 to 64 characters of `a-z 0-9 . _ -`, starting with a lowercase
//!   letter and ending with a lowercase letter or digit;
//! - repository: 1 to 128 characters of `a-z 0-9 . _ - /`, starting and ending
//!   with a lowercase letter or digit;
//! - in both, no two separators (`. _ -`, and `/` in repositories) stand next to
//!   each other, except `__`.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Which kind of name failed validation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum NameKind {
    /// An SWR namespace (a UHub repo).
    Namespace,
    /// An SWR repository (a UHub image).
    Repository,
    /// A tag of a repository.
    Tag,
}

impl fmt::Display for NameKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            NameKind::Namespace => "namespace",
            NameKind::Repository => "repository name",
            NameKind::Tag => "tag",
        })
    }
}

/// The rule a name broke.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum NameRule {
    /// The name is empty.
    Empty,
    /// The name has more characters than allowed.
    TooLong {
        /// The most characters allowed.
        max: usize,
        /// How many it has.
        len: usize,
    },
    /// The first character may not start a name.
    BadStart(char),
    /// The last character may not end a name.
    BadEnd(char),
    /// A character outside the allowed set.
    BadChar(char),
    /// Two separators next to each other (other than `__`).
    AdjacentSeparators(char, char),
    /// A reference `NAMESPACE/REPOSITORY` without the `/`.
    NoNamespace,
}

/// A name that broke a naming rule, with the rule and the 0-based character
/// position where it broke.
///
/// ```
/// use wharf_model::NamespaceName;
///
/// let err = NamespaceName::new("team--a").unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     "invalid namespace \"team--a\": separators '-' and '-' next to each other at position 4 (only \"__\" may repeat)"
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid {kind} {input:?}: {}", describe(rule, *position, *kind))]
pub struct NameError {
    kind: NameKind,
    rule: NameRule,
    position: usize,
    input: String,
}

fn describe(rule: &NameRule, position: usize, kind: NameKind) -> String {
    let allowed = match kind {
        NameKind::Namespace => "a-z, 0-9, '.', '_', '-'",
        NameKind::Repository => "a-z, 0-9, '.', '_', '-', '/'",
        NameKind::Tag => "A-Z, a-z, 0-9, '.', '_', '-'",
    };
    match rule {
        NameRule::Empty => "must not be empty".to_owned(),
        NameRule::TooLong { max, len } => {
            format!("{len} characters, more than the {max} allowed (from position {position})")
        }
        NameRule::BadStart(c) => match kind {
            NameKind::Namespace => {
                format!("must start with a lowercase letter, not {c:?} (position {position})")
            }
            NameKind::Repository => format!(
                "must start with a lowercase letter or digit, not {c:?} (position {position})"
            ),
            NameKind::Tag => {
                format!("must start with a letter, digit or '_', not {c:?} (position {position})")
            }
        },
        NameRule::BadEnd(c) => {
            format!("must end with a lowercase letter or digit, not {c:?} (position {position})")
        }
        NameRule::BadChar(c) => {
            format!("character {c:?} at position {position} is not allowed (only {allowed})")
        }
        NameRule::AdjacentSeparators(a, b) => format!(
            "separators {a:?} and {b:?} next to each other at position {position} (only \"__\" may repeat)"
        ),
        NameRule::NoNamespace => {
            "has no namespace: expected NAMESPACE/REPOSITORY, such as team/nginx".to_owned()
        }
    }
}

impl NameError {
    /// `input`, read as `NAMESPACE/REPOSITORY`, has no `/`.
    pub(crate) fn no_namespace(input: &str) -> Self {
        NameError {
            kind: NameKind::Repository,
            rule: NameRule::NoNamespace,
            position: input.chars().count(),
            input: input.to_owned(),
        }
    }

    /// Which kind of name it was.
    pub fn kind(&self) -> NameKind {
        self.kind
    }

    /// The rule it broke.
    pub fn rule(&self) -> &NameRule {
        &self.rule
    }

    /// The 0-based character position where the rule broke.
    pub fn position(&self) -> usize {
        self.position
    }

    /// The name as given.
    pub fn input(&self) -> &str {
        &self.input
    }
}

fn is_separator(c: char, kind: NameKind) -> bool {
    matches!(c, '.' | '_' | '-') || (kind == NameKind::Repository && c == '/')
}

fn is_lower_alnum(c: char) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit()
}

/// The tag rule of the OCI distribution spec, which every Docker registry
/// follows: `[A-Za-z0-9_][A-Za-z0-9._-]{0,127}`. Neither provider documents
/// a rule of its own.
fn validate_tag(input: &str) -> Result<(), NameError> {
    let fail = |rule, position| NameError {
        kind: NameKind::Tag,
        rule,
        position,
        input: input.to_owned(),
    };
    let len = input.chars().count();
    if len == 0 {
        return Err(fail(NameRule::Empty, 0));
    }
    if len > 128 {
        return Err(fail(NameRule::TooLong { max: 128, len }, 128));
    }
    for (i, c) in input.chars().enumerate() {
        let word = c.is_ascii_alphanumeric() || c == '_';
        if !(word || c == '.' || c == '-') {
            return Err(fail(NameRule::BadChar(c), i));
        }
        if i == 0 && !word {
            return Err(fail(NameRule::BadStart(c), 0));
        }
    }
    Ok(())
}

fn validate(input: &str, kind: NameKind) -> Result<(), NameError> {
    if kind == NameKind::Tag {
        return validate_tag(input);
    }
    let fail = |rule, position| NameError {
        kind,
        rule,
        position,
        input: input.to_owned(),
    };
    let max = match kind {
        NameKind::Namespace => 64,
        NameKind::Repository | NameKind::Tag => 128,
    };
    let len = input.chars().count();
    if len == 0 {
        return Err(fail(NameRule::Empty, 0));
    }
    if len > max {
        return Err(fail(NameRule::TooLong { max, len }, max));
    }
    let (mut prev, mut before_prev) = (None, None);
    for (i, c) in input.chars().enumerate() {
        if !(is_lower_alnum(c) || is_separator(c, kind)) {
            return Err(fail(NameRule::BadChar(c), i));
        }
        let good_start = match kind {
            NameKind::Namespace => c.is_ascii_lowercase(),
            NameKind::Repository | NameKind::Tag => is_lower_alnum(c),
        };
        if i == 0 && !good_start {
            return Err(fail(NameRule::BadStart(c), 0));
        }
        if let Some(p) = prev {
            let pair_ok = p == '_' && c == '_' && before_prev != Some('_');
            if is_separator(p, kind) && is_separator(c, kind) && !pair_ok {
                return Err(fail(NameRule::AdjacentSeparators(p, c), i - 1));
            }
        }
        (before_prev, prev) = (prev, Some(c));
    }
    match prev {
        Some(c) if !is_lower_alnum(c) => Err(fail(NameRule::BadEnd(c), len - 1)),
        _ => Ok(()),
    }
}

/// How a `/` inside a repository name is written in a URL path segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum SlashEncoding {
    /// `$`, as the terraform provider sends it (the default).
    #[default]
    Dollar,
    /// `%2F`, as the Python SDK sends it.
    Percent,
}

macro_rules! name_type {
    ($(#[$meta:meta])* $name:ident, $kind:expr) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(String);

        impl $name {
            /// Validates `name`; the error names the rule broken and the position.
            pub fn new(name: impl Into<String>) -> Result<Self, NameError> {
                let name = name.into();
                validate(&name, $kind)?;
                Ok($name(name))
            }

            /// The name.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl FromStr for $name {
            type Err = NameError;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                $name::new(s)
            }
        }

        impl TryFrom<String> for $name {
            type Error = NameError;

            fn try_from(s: String) -> Result<Self, Self::Error> {
                $name::new(s)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(&self.0)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let s = String::deserialize(deserializer)?;
                $name::new(s).map_err(serde::de::Error::custom)
            }
        }
    };
}

name_type!(
    /// A validated SWR namespace (UHub calls it a repo).
    ///
    /// ```
    /// use wharf_model::NamespaceName;
    ///
    /// assert!(NamespaceName::new("team_a").is_ok());
    /// assert!(NamespaceName::new("Team").is_err());
    /// ```
    NamespaceName,
    NameKind::Namespace
);

name_type!(
    /// A validated SWR repository name (UHub calls it an image); may hold `/`.
    ///
    /// ```
    /// use wharf_model::{RepositoryName, SlashEncoding};
    ///
    /// let name = RepositoryName::new("library/nginx")?;
    /// assert_eq!(name.to_path_segment(SlashEncoding::Dollar), "library$nginx");
    /// assert_eq!(name.to_path_segment(SlashEncoding::Percent), "library%2Fnginx");
    /// assert_eq!(RepositoryName::from_path_segment("library$nginx")?, name);
    /// # Ok::<(), wharf_model::NameError>(())
    /// ```
    RepositoryName,
    NameKind::Repository
);

name_type!(
    /// A validated tag name, by the OCI distribution spec's rule
    /// (`[A-Za-z0-9_][A-Za-z0-9._-]{0,127}`): never empty, never holding a
    /// `/`, so it is always one path segment and always names one tag.
    ///
    /// ```
    /// use wharf_model::TagName;
    ///
    /// assert!(TagName::new("v1.2.3-rc_1").is_ok());
    /// assert!(TagName::new("").is_err());
    /// assert!(TagName::new("-x").is_err());
    /// ```
    TagName,
    NameKind::Tag
);

impl RepositoryName {
    /// The name as one URL path segment, with each `/` written as `encoding` says.
    /// The other allowed characters need no escaping.
    pub fn to_path_segment(&self, encoding: SlashEncoding) -> Cow<'_, str> {
        if !self.0.contains('/') {
            return Cow::Borrowed(&self.0);
        }
        let with = match encoding {
            SlashEncoding::Dollar => "$",
            SlashEncoding::Percent => "%2F",
        };
        Cow::Owned(self.0.replace('/', with))
    }

    /// Reads a name from a path segment written either way (`$`, `%2F` or `%2f`),
    /// or from an already-decoded segment that holds a real `/`.
    pub fn from_path_segment(segment: &str) -> Result<Self, NameError> {
        let decoded = segment
            .replace('$', "/")
            .replace("%2F", "/")
            .replace("%2f", "/");
        RepositoryName::new(decoded)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ns_err(s: &str) -> String {
        NamespaceName::new(s).unwrap_err().to_string()
    }

    fn repo_err(s: &str) -> String {
        RepositoryName::new(s).unwrap_err().to_string()
    }

    #[test]
    fn good_names() {
        for s in [
            "a", "team", "team-a", "team.a", "team_a", "team__a", "a1", "a-b.c_d",
        ] {
            NamespaceName::new(s).unwrap();
        }
        for s in ["1", "nginx", "library/nginx", "a/b/c", "my__app", "x.y-z"] {
            RepositoryName::new(s).unwrap();
        }
        NamespaceName::new("a".repeat(64)).unwrap();
        RepositoryName::new("a".repeat(128)).unwrap();
    }

    #[test]
    fn each_rule_has_a_message() {
        insta::assert_snapshot!(ns_err(""), @r#"invalid namespace "": must not be empty"#);
        insta::assert_snapshot!(ns_err(&"a".repeat(65)), @r#"invalid namespace "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa": 65 characters, more than the 64 allowed (from position 64)"#);
        insta::assert_snapshot!(ns_err("1team"), @r#"invalid namespace "1team": must start with a lowercase letter, not '1' (position 0)"#);
        insta::assert_snapshot!(ns_err("team-"), @r#"invalid namespace "team-": must end with a lowercase letter or digit, not '-' (position 4)"#);
        insta::assert_snapshot!(ns_err("Team"), @r#"invalid namespace "Team": character 'T' at position 0 is not allowed (only a-z, 0-9, '.', '_', '-')"#);
        insta::assert_snapshot!(ns_err("te/am"), @r#"invalid namespace "te/am": character '/' at position 2 is not allowed (only a-z, 0-9, '.', '_', '-')"#);
        insta::assert_snapshot!(ns_err("te.-am"), @r#"invalid namespace "te.-am": separators '.' and '-' next to each other at position 2 (only "__" may repeat)"#);
        insta::assert_snapshot!(ns_err("te___am"), @r#"invalid namespace "te___am": separators '_' and '_' next to each other at position 3 (only "__" may repeat)"#);
        insta::assert_snapshot!(repo_err("_app"), @r#"invalid repository name "_app": must start with a lowercase letter or digit, not '_' (position 0)"#);
        insta::assert_snapshot!(repo_err("a//b"), @r#"invalid repository name "a//b": separators '/' and '/' next to each other at position 1 (only "__" may repeat)"#);
        insta::assert_snapshot!(repo_err("app/"), @r#"invalid repository name "app/": must end with a lowercase letter or digit, not '/' (position 3)"#);
        insta::assert_snapshot!(repo_err("app é"), @r#"invalid repository name "app é": character ' ' at position 3 is not allowed (only a-z, 0-9, '.', '_', '-', '/')"#);
    }

    #[test]
    fn errors_carry_rule_and_position() {
        let err = RepositoryName::new("ab$c").unwrap_err();
        assert_eq!(err.kind(), NameKind::Repository);
        assert_eq!(err.rule(), &NameRule::BadChar('$'));
        assert_eq!(err.position(), 2);
        assert_eq!(err.input(), "ab$c");
    }

    #[test]
    fn path_segments_round_trip_both_ways() {
        let name = RepositoryName::new("a/b/c").unwrap();
        for enc in [SlashEncoding::Dollar, SlashEncoding::Percent] {
            let seg = name.to_path_segment(enc);
            assert_eq!(RepositoryName::from_path_segment(&seg).unwrap(), name);
        }
        assert_eq!(
            RepositoryName::from_path_segment("a%2fb%2Fc").unwrap(),
            name
        );
        assert_eq!(RepositoryName::from_path_segment("a/b/c").unwrap(), name);
    }

    #[test]
    fn serde_validates() {
        let ok: NamespaceName = serde_json::from_str(r#""team""#).unwrap();
        assert_eq!(ok.as_str(), "team");
        let err = serde_json::from_str::<NamespaceName>(r#""Team""#).unwrap_err();
        assert!(err.to_string().contains("invalid namespace"), "{err}");
    }

    #[test]
    fn tags_follow_the_oci_rule() {
        for ok in ["v1", "1.25.3-alpine", "_x", "A_b.c-d", &"a".repeat(128)] {
            TagName::new(ok).unwrap();
        }
        let err = TagName::new("v1/x").unwrap_err();
        assert_eq!(
            err.to_string(),
            r#"invalid tag "v1/x": character '/' at position 2 is not allowed (only A-Z, a-z, 0-9, '.', '_', '-')"#
        );
        assert_eq!(TagName::new("").unwrap_err().rule(), &NameRule::Empty);
        assert_eq!(
            TagName::new(".x").unwrap_err().rule(),
            &NameRule::BadStart('.')
        );
        let long = TagName::new("a".repeat(129)).unwrap_err();
        assert_eq!(long.rule(), &NameRule::TooLong { max: 128, len: 129 });
    }
}
