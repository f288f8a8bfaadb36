//! The shapes the `Content-Range` header of SWR's paged answers can take
//! ([`ContentRangeShape`]), and writing it in one.

use std::fmt;
use std::str::FromStr;

use axum::http::HeaderValue;
use axum::response::Response;
use wharf_parse::{ContentRange, Total};

/// The shape of the `Content-Range` header on SWR's paged answers (list
/// repositories, list repository tags, the official images and their
/// tags), set with
/// [`EmulatorBuilder::content_range`](crate::EmulatorBuilder::content_range)
/// or `--content-range SHAPE`.
///
/// SWR documents `offset-count/total`, but no real value has ever been
/// captured (api-notes 1.2), and a client must not fail a listing on a
/// header it cannot read. The other shapes are servers that vary: a client
/// tested against each still lists exactly, from the items and their
/// `total_range`, which no shape changes. The header is sent (or not) on
/// the same answers in every shape: list repositories and list repository
/// tags only when `offset` and `limit` were sent.
///
/// ```
/// use wharf_emulator::ContentRangeShape;
///
/// let shape: ContentRangeShape = "star-total".parse()?;
/// assert_eq!(shape, ContentRangeShape::StarTotal);
/// assert_eq!(shape.example(), Some("*/32"));
/// assert_eq!(ContentRangeShape::default(), ContentRangeShape::Documented);
/// # Ok::<(), wharf_emulator::ContentRangeShapeError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum ContentRangeShape {
    /// `offset-count/total`, as documented (`0-10/32`): the index of the
    /// first item, the items in this page, the items in all. The default.
    #[default]
    Documented,
    /// The total alone (`32`).
    TotalOnly,
    /// `*/total` (`*/32`): no range, a total.
    StarTotal,
    /// The documented shape after a unit word (`items 0-10/32`), the middle
    /// number still the count.
    WithUnit,
    /// No `Content-Range` header at all.
    Absent,
    /// Text no reader understands: `bogus`.
    Unreadable,
}

impl ContentRangeShape {
    /// Every shape, in the order `--help` lists them.
    pub const ALL: [ContentRangeShape; 6] = [
        ContentRangeShape::Documented,
        ContentRangeShape::TotalOnly,
        ContentRangeShape::StarTotal,
        ContentRangeShape::WithUnit,
        ContentRangeShape::Absent,
        ContentRangeShape::Unreadable,
    ];

    /// Its name, as `--content-range` takes it: `documented`, `total`,
    /// `star-total`, `unit`, `none`, `bogus`.
    pub fn name(self) -> &'static str {
        match self {
            ContentRangeShape::Documented => "documented",
            ContentRangeShape::TotalOnly => "total",
            ContentRangeShape::StarTotal => "star-total",
            ContentRangeShape::WithUnit => "unit",
            ContentRangeShape::Absent => "none",
            ContentRangeShape::Unreadable => "bogus",
        }
    }

    /// The header it gives for items 0 to 9 of 32, or `None` when it sends
    /// none.
    pub fn example(self) -> Option<&'static str> {
        match self {
            ContentRangeShape::Documented => Some("0-10/32"),
            ContentRangeShape::TotalOnly => Some("32"),
            ContentRangeShape::StarTotal => Some("*/32"),
            ContentRangeShape::WithUnit => Some("items 0-10/32"),
            ContentRangeShape::Absent => None,
            ContentRangeShape::Unreadable => Some("bogus"),
        }
    }

    /// The header for `count` items from `offset`, of `total`; `None` when
    /// this shape sends none.
    pub fn value(self, offset: u64, count: u64, total: u64) -> Option<String> {
        let documented = || ContentRange::new(offset, count, Total::Known(total));
        match self {
            ContentRangeShape::Documented => Some(documented().to_string()),
            ContentRangeShape::TotalOnly => Some(total.to_string()),
            ContentRangeShape::StarTotal => Some(format!("*/{total}")),
            ContentRangeShape::WithUnit => Some(format!("items {}", documented())),
            ContentRangeShape::Absent => None,
            ContentRangeShape::Unreadable => Some("bogus".to_owned()),
        }
    }

    /// Sets the header on `response` in this shape (or sends none).
    pub(crate) fn apply(self, response: &mut Response, offset: u64, count: u64, total: u64) {
        let Some(text) = self.value(offset, count, total) else {
            return;
        };
        if let Ok(value) = HeaderValue::from_str(&text) {
            response.headers_mut().insert("content-range", value);
        }
    }
}

impl fmt::Display for ContentRangeShape {
    /// Its [name](ContentRangeShape::name).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A name that is no [`ContentRangeShape`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown Content-Range shape {given:?}: expected one of documented, total, star-total, unit, none, bogus"
)]
pub struct ContentRangeShapeError {
    given: String,
}

impl ContentRangeShapeError {
    /// The text that was given.
    pub fn given(&self) -> &str {
        &self.given
    }
}

impl FromStr for ContentRangeShape {
    type Err = ContentRangeShapeError;

    /// A shape by its [name](ContentRangeShape::name), exactly.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ContentRangeShape::ALL
            .into_iter()
            .find(|shape| shape.name() == s)
            .ok_or_else(|| ContentRangeShapeError {
                given: s.to_owned(),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_examples_are_values() {
        for shape in ContentRangeShape::ALL {
            assert_eq!(shape.name().parse::<ContentRangeShape>(), Ok(shape));
            assert_eq!(shape.to_string(), shape.name());
            assert_eq!(
                shape.value(0, 10, 32).as_deref(),
                shape.example(),
                "{shape}"
            );
        }
        let err = "Documented".parse::<ContentRangeShape>().unwrap_err();
        assert_eq!(err.given(), "Documented");
        assert_eq!(
            err.to_string(),
            "unknown Content-Range shape \"Documented\": expected one of documented, total, star-total, unit, none, bogus"
        );
    }

    /// The shapes a lenient reader takes read back to the same numbers;
    /// the others are refused, as a client will find.
    #[test]
    fn what_wharf_parse_makes_of_each() {
        let read = |shape: ContentRangeShape| {
            shape
                .value(20, 5, 25)
                .map(|text| ContentRange::parse(&text).map(|r| (r.offset, r.count, r.total)))
        };
        let ok = Some(Ok((20, 5, Total::Known(25))));
        assert_eq!(read(ContentRangeShape::Documented), ok);
        assert_eq!(read(ContentRangeShape::WithUnit), ok);
        assert_eq!(read(ContentRangeShape::Absent), None);
        for shape in [
            ContentRangeShape::TotalOnly,
            ContentRangeShape::StarTotal,
            ContentRangeShape::Unreadable,
        ] {
            assert!(matches!(read(shape), Some(Err(_))), "{shape}");
        }
    }
}
