//! One timestamp type for every shape the two APIs send.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use jiff::civil::DateTime;
use jiff::tz::TimeZone;
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

/// The shape a [`Timestamp`] was written in, kept so it encodes back unchanged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TimestampFormat {
    /// `YYYY-MM-DD HH:MM:SS`, no zone; the APIs document it as UTC.
    Naive,
    /// RFC 3339, with or without fractional seconds (`2017-09-11T03:00:02.542841141Z`).
    Rfc3339,
    /// Unix seconds as a JSON number (`1718454896`).
    UnixSeconds,
    /// Unix seconds as a JSON string (`"1718454896"`).
    UnixSecondsText,
}

/// The original representation: text, or a JSON number of Unix seconds.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Original {
    Text(Box<str>),
    Seconds(i64),
}

/// An instant as a registry API sent it.
///
/// Accepts `YYYY-MM-DD HH:MM:SS` (read as UTC), RFC 3339 with any fractional
/// seconds, and Unix seconds as a number or a string. The original text is kept,
/// so decoding then encoding gives the same JSON; [`Timestamp::instant`] gives the
/// real instant.
///
/// ```
/// use wharf_model::{Timestamp, TimestampFormat};
///
/// let a: Timestamp = "2017-09-12 10:33:22".parse()?;
/// let b: Timestamp = "2017-09-12T10:33:22Z".parse()?;
/// assert_eq!(a.instant(), b.instant());
/// assert_eq!(a.format(), TimestampFormat::Naive);
/// assert_eq!(a.to_string(), "2017-09-12 10:33:22");
/// # Ok::<(), wharf_model::TimestampError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Timestamp {
    instant: jiff::Timestamp,
    original: Original,
    format: TimestampFormat,
}

/// Why a timestamp could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "invalid timestamp {input:?}: expected `YYYY-MM-DD HH:MM:SS`, RFC 3339 or Unix seconds ({reason})"
)]
pub struct TimestampError {
    input: String,
    reason: String,
}

impl TimestampError {
    fn new(input: &str, reason: impl fmt::Display) -> Self {
        TimestampError {
            input: input.to_owned(),
            reason: reason.to_string(),
        }
    }

    /// The text that could not be read.
    pub fn input(&self) -> &str {
        &self.input
    }
}

/// The naive shape, for writing it.
const NAIVE_FORMAT: &str = "%Y-%m-%d %H:%M:%S";

impl Timestamp {
    /// Reads a timestamp from text in any of the accepted shapes.
    pub fn parse(text: &str) -> Result<Self, TimestampError> {
        let (instant, format) = if is_integer(text) {
            let seconds: i64 = text
                .parse()
                .map_err(|e| TimestampError::new(text, format_args!("seconds: {e}")))?;
            let instant =
                instant_from_seconds(seconds).map_err(|e| TimestampError::new(text, e))?;
            (instant, TimestampFormat::UnixSecondsText)
        } else if let Some(civil) = naive_fields(text) {
            // The common shape gets a fixed-width reader; jiff validates the fields.
            let civil = civil.map_err(|e| TimestampError::new(text, e))?;
            let instant = TimeZone::UTC
                .to_timestamp(civil)
                .map_err(|e| TimestampError::new(text, e))?;
            (instant, TimestampFormat::Naive)
        } else {
            let instant = text
                .parse::<jiff::Timestamp>()
                .map_err(|e| TimestampError::new(text, e))?;
            (instant, TimestampFormat::Rfc3339)
        };
        Ok(Timestamp {
            instant,
            original: Original::Text(text.into()),
            format,
        })
    }

    /// A timestamp of Unix seconds, encoded as a JSON number.
    pub fn from_unix_seconds(seconds: i64) -> Result<Self, TimestampError> {
        let instant = instant_from_seconds(seconds)
            .map_err(|e| TimestampError::new(&seconds.to_string(), e))?;
        Ok(Timestamp {
            instant,
            original: Original::Seconds(seconds),
            format: TimestampFormat::UnixSeconds,
        })
    }

    /// Writes `instant` in the given shape, as a server would send it.
    ///
    /// All shapes but RFC 3339 drop any fraction of a second.
    pub fn from_instant(instant: jiff::Timestamp, format: TimestampFormat) -> Self {
        let original = match format {
            TimestampFormat::Naive => {
                let civil = TimeZone::UTC.to_datetime(instant);
                Original::Text(civil.strftime(NAIVE_FORMAT).to_string().into())
            }
            TimestampFormat::Rfc3339 => Original::Text(instant.to_string().into()),
            TimestampFormat::UnixSeconds => Original::Seconds(instant.as_second()),
            TimestampFormat::UnixSecondsText => {
                Original::Text(instant.as_second().to_string().into())
            }
        };
        // Only RFC 3339 carries sub-second digits; the other shapes round down.
        let instant = match format {
            TimestampFormat::Rfc3339 => instant,
            _ => jiff::Timestamp::from_second(instant.as_second()).unwrap_or(instant),
        };
        Timestamp {
            instant,
            original,
            format,
        }
    }

    /// The instant this timestamp names.
    pub fn instant(&self) -> jiff::Timestamp {
        self.instant
    }

    /// The shape it was written in.
    pub fn format(&self) -> TimestampFormat {
        self.format
    }
}

/// The fields of `YYYY-MM-DD HH:MM:SS`, or `None` when `text` is not that shape.
fn naive_fields(text: &str) -> Option<Result<DateTime, jiff::Error>> {
    let b = text.as_bytes();
    let shape = b.len() == 19
        && [4, 7].iter().all(|&i| b[i] == b'-')
        && b[10] == b' '
        && [13, 16].iter().all(|&i| b[i] == b':');
    if !shape {
        return None;
    }
    let number = |from: usize, to: usize| -> Option<i32> {
        b[from..to].iter().try_fold(0i32, |n, &d| {
            d.is_ascii_digit().then(|| n * 10 + i32::from(d - b'0'))
        })
    };
    let field = |from, to| number(from, to).and_then(|n| i8::try_from(n).ok());
    let year = number(0, 4).and_then(|n| i16::try_from(n).ok())?;
    let (month, day) = (field(5, 7)?, field(8, 10)?);
    let (hour, minute, second) = (field(11, 13)?, field(14, 16)?, field(17, 19)?);
    Some(DateTime::new(year, month, day, hour, minute, second, 0))
}

fn is_integer(text: &str) -> bool {
    let digits = text.strip_prefix('-').unwrap_or(text);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

fn instant_from_seconds(seconds: i64) -> Result<jiff::Timestamp, jiff::Error> {
    jiff::Timestamp::from_second(seconds)
}

impl Default for Timestamp {
    /// The Unix epoch, in RFC 3339.
    fn default() -> Self {
        Timestamp::from_instant(jiff::Timestamp::UNIX_EPOCH, TimestampFormat::Rfc3339)
    }
}

impl PartialOrd for Timestamp {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Timestamp {
    /// Orders by instant; equal instants written differently order by their
    /// text, then by their shape, so that `cmp` is `Equal` exactly when `==`.
    fn cmp(&self, other: &Self) -> Ordering {
        self.instant
            .cmp(&other.instant)
            .then_with(|| self.to_string().cmp(&other.to_string()))
            .then_with(|| rank(self.format).cmp(&rank(other.format)))
    }
}

fn rank(format: TimestampFormat) -> u8 {
    match format {
        TimestampFormat::Naive => 0,
        TimestampFormat::Rfc3339 => 1,
        TimestampFormat::UnixSeconds => 2,
        TimestampFormat::UnixSecondsText => 3,
    }
}

impl FromStr for Timestamp {
    type Err = TimestampError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Timestamp::parse(s)
    }
}

impl fmt::Display for Timestamp {
    /// Prints the original representation.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.original {
            Original::Text(text) => f.write_str(text),
            Original::Seconds(seconds) => write!(f, "{seconds}"),
        }
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match &self.original {
            Original::Text(text) => serializer.serialize_str(text),
            Original::Seconds(seconds) => serializer.serialize_i64(*seconds),
        }
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(TimestampVisitor)
    }
}

struct TimestampVisitor;

impl Visitor<'_> for TimestampVisitor {
    type Value = Timestamp;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a timestamp: `YYYY-MM-DD HH:MM:SS`, RFC 3339, or Unix seconds")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Timestamp, E> {
        Timestamp::parse(v).map_err(E::custom)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Timestamp, E> {
        Timestamp::from_unix_seconds(v).map_err(E::custom)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Timestamp, E> {
        let seconds = i64::try_from(v)
            .map_err(|_| E::custom(format_args!("Unix seconds {v} out of range")))?;
        self.visit_i64(seconds)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(json: &str) -> Timestamp {
        let ts: Timestamp = serde_json::from_str(json).unwrap();
        assert_eq!(serde_json::to_string(&ts).unwrap(), json);
        ts
    }

    #[test]
    fn every_shape_round_trips_and_agrees_on_the_instant() {
        let naive = round_trip(r#""2017-09-12 10:33:22""#);
        let rfc = round_trip(r#""2017-09-12T10:33:22Z""#);
        let secs = round_trip("1505212402");
        let text = round_trip(r#""1505212402""#);
        assert_eq!(naive.instant(), rfc.instant());
        assert_eq!(naive.instant(), secs.instant());
        assert_eq!(naive.instant(), text.instant());
        assert_eq!(secs.format(), TimestampFormat::UnixSeconds);
        assert_eq!(text.format(), TimestampFormat::UnixSecondsText);
    }

    #[test]
    fn nanoseconds_are_kept() {
        let ts = round_trip(r#""2017-09-11T03:00:02.542841141Z""#);
        assert_eq!(ts.instant().subsec_nanosecond(), 542_841_141);
        assert_eq!(ts.format(), TimestampFormat::Rfc3339);
    }

    #[test]
    fn small_seed_values_are_unix_seconds() {
        let ts = round_trip("5");
        assert_eq!(ts.instant().as_second(), 5);
    }

    #[test]
    fn rfc3339_with_an_offset_is_read_as_that_offset() {
        let ts = Timestamp::parse("2017-09-12T18:33:22+08:00").unwrap();
        assert_eq!(
            ts.instant(),
            Timestamp::parse("2017-09-12 10:33:22").unwrap().instant()
        );
    }

    #[test]
    fn bad_input_says_what_was_expected() {
        let err = Timestamp::parse("yesterday").unwrap_err();
        let msg = err.to_string();
        assert!(msg.starts_with("invalid timestamp \"yesterday\": expected `YYYY-MM-DD HH:MM:SS`, RFC 3339 or Unix seconds"), "{msg}");
        assert!(serde_json::from_str::<Timestamp>("true").is_err());
        assert!(serde_json::from_str::<Timestamp>("1.5").is_err());
        assert!(serde_json::from_str::<Timestamp>(r#""2017-13-01 00:00:00""#).is_err());
        assert!(serde_json::from_str::<Timestamp>("99999999999999999999").is_err());
        assert!(serde_json::from_str::<Timestamp>(r#""-99999999999999999""#).is_err());
    }

    #[test]
    fn order_agrees_with_equality() {
        let text = Timestamp::parse("5").unwrap();
        let number = Timestamp::from_unix_seconds(5).unwrap();
        assert_ne!(text, number);
        assert_ne!(text.cmp(&number), Ordering::Equal);
        assert!(Timestamp::parse("1970-01-01 00:00:04").unwrap() < text);
    }

    #[test]
    fn naive_shape_is_checked_field_by_field() {
        for bad in [
            "2017-02-30 00:00:00",
            "2017-09-12 24:00:00",
            "2017-09-12 10:60:00",
            "2017-9-12 10:33:222",
            "２017-09-12 10:33:22",
            "2017-09-12 1a:33:22",
        ] {
            assert!(Timestamp::parse(bad).is_err(), "{bad}");
        }
        let leap = Timestamp::parse("2024-02-29 23:59:59").unwrap();
        assert_eq!(leap.instant().to_string(), "2024-02-29T23:59:59Z");
    }

    #[test]
    fn from_instant_writes_each_shape() {
        let instant = jiff::Timestamp::from_second(1_505_212_402).unwrap();
        let naive = Timestamp::from_instant(instant, TimestampFormat::Naive);
        assert_eq!(naive.to_string(), "2017-09-12 10:33:22");
        let rfc = Timestamp::from_instant(instant, TimestampFormat::Rfc3339);
        assert_eq!(rfc.to_string(), "2017-09-12T10:33:22Z");
        assert_eq!(Timestamp::parse(&naive.to_string()).unwrap(), naive);
        assert_eq!(Timestamp::parse(&rfc.to_string()).unwrap(), rfc);
    }
}
