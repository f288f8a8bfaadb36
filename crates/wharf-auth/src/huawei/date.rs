//! The `X-Sdk-Date` header: `%Y%m%dT%H%M%SZ` in UTC, like `20240615T123456Z`.

use jiff::Timestamp;
use jiff::civil::DateTime;
use jiff::tz::Offset;

/// The earliest instant an `X-Sdk-Date` can name: `0000-01-01T00:00:00Z`
/// (four digits of year leave no room for a sign).
const EARLIEST: Timestamp = Timestamp::constant(-62_167_219_200, 0);

/// Formats `instant` as an `X-Sdk-Date` value (UTC, whole seconds).
///
/// An instant before the year 0 (possible in a [`Timestamp`], which goes
/// back to -9999) is clamped to `00000101T000000Z`, so that the result always
/// has the 16-character form [`parse_sdk_date`] reads; no verifier accepts
/// such a date anyway. A `Timestamp` never passes the year 9999.
///
/// ```
/// use wharf_auth::huawei::format_sdk_date;
///
/// let instant: jiff::Timestamp = "2024-06-15T12:34:56.789Z".parse()?;
/// assert_eq!(format_sdk_date(instant), "20240615T123456Z");
/// assert_eq!(format_sdk_date(jiff::Timestamp::MIN), "00000101T000000Z");
/// # Ok::<(), jiff::Error>(())
/// ```
pub fn format_sdk_date(instant: Timestamp) -> String {
    let t = Offset::UTC.to_datetime(instant.max(EARLIEST));
    format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
        t.year(),
        t.month(),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// Parses an `X-Sdk-Date` value: exactly 16 characters, `YYYYMMDDTHHMMSSZ`,
/// a real date and time in UTC.
///
/// ```
/// use wharf_auth::huawei::{parse_sdk_date, DateErrorKind};
///
/// let t = parse_sdk_date("20240615T123456Z")?;
/// assert_eq!(t.to_string(), "2024-06-15T12:34:56Z");
/// let e = parse_sdk_date("2024-06-15T12:34:56Z").unwrap_err();
/// assert_eq!(e.kind(), DateErrorKind::Shape);
/// # Ok::<(), wharf_auth::huawei::DateError>(())
/// ```
pub fn parse_sdk_date(text: &str) -> Result<Timestamp, DateError> {
    let (year, [month, day, hour, minute, second]) =
        split_fields(text).ok_or_else(|| DateError::new(DateErrorKind::Shape, text))?;
    DateTime::new(year, month, day, hour, minute, second, 0)
        .and_then(|t| Offset::UTC.to_timestamp(t))
        .map_err(|_| DateError::new(DateErrorKind::OutOfRange, text))
}

/// Splits `YYYYMMDDTHHMMSSZ` into the year and the five two-digit numbers, or
/// `None` on any other shape.
fn split_fields(text: &str) -> Option<(i16, [i8; 5])> {
    let b = text.as_bytes();
    if b.len() != 16 || b[8] != b'T' || b[15] != b'Z' {
        return None;
    }
    let year = i16::try_from(digits(&b[0..4])?).ok()?;
    let parts = [&b[4..6], &b[6..8], &b[9..11], &b[11..13], &b[13..15]];
    let mut out = [0i8; 5];
    for (slot, part) in out.iter_mut().zip(parts) {
        *slot = i8::try_from(digits(part)?).ok()?;
    }
    Some((year, out))
}

/// The value of a short all-ASCII-digit slice, or `None`.
fn digits(part: &[u8]) -> Option<u32> {
    part.iter().try_fold(0u32, |acc, &b| {
        b.is_ascii_digit().then(|| acc * 10 + u32::from(b - b'0'))
    })
}

/// Why an `X-Sdk-Date` value was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum DateErrorKind {
    /// Not 16 characters of the form `YYYYMMDDTHHMMSSZ`.
    Shape,
    /// The right shape, but not a real date and time (month 13, 25 o'clock...).
    OutOfRange,
}

/// An `X-Sdk-Date` value that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("X-Sdk-Date {input:?} {}", describe(*kind))]
pub struct DateError {
    kind: DateErrorKind,
    input: String,
}

/// The second half of the error message for `kind`.
fn describe(kind: DateErrorKind) -> &'static str {
    match kind {
        DateErrorKind::Shape => "is not of the form YYYYMMDDTHHMMSSZ (like 20240615T123456Z)",
        DateErrorKind::OutOfRange => "is not a real date and time",
    }
}

impl DateError {
    /// Builds the error, keeping at most 64 characters of the input.
    fn new(kind: DateErrorKind, input: &str) -> Self {
        Self {
            kind,
            input: input.chars().take(64).collect(),
        }
    }

    /// What was wrong.
    pub fn kind(&self) -> DateErrorKind {
        self.kind
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_and_parses_round_trip() {
        let t: Timestamp = "2019-11-15T03:36:55Z".parse().expect("valid");
        assert_eq!(format_sdk_date(t), "20191115T033655Z");
        assert_eq!(parse_sdk_date("20191115T033655Z"), Ok(t));
    }

    #[test]
    fn every_instant_formats_to_a_date_that_parses() {
        let earliest: Timestamp = "0000-01-01T00:00:00Z".parse().expect("valid");
        assert_eq!(earliest, EARLIEST);
        let before = earliest - jiff::SignedDuration::from_secs(1);
        for (instant, text) in [
            (Timestamp::MIN, "00000101T000000Z"),
            (before, "00000101T000000Z"),
            (earliest, "00000101T000000Z"),
            (Timestamp::MAX, "99991230T220000Z"),
        ] {
            assert_eq!(format_sdk_date(instant), text, "{instant}");
            assert!(parse_sdk_date(text).is_ok(), "{text}");
        }
    }

    #[test]
    fn refuses_other_shapes_and_impossible_dates() {
        for bad in [
            "",
            "20191115T033655",
            "20191115 033655Z",
            "20191115T03365Z",
            "+0191115T033655Z",
            "２0191115T033655Z",
        ] {
            assert_eq!(
                parse_sdk_date(bad).map_err(|e| e.kind()),
                Err(DateErrorKind::Shape),
                "{bad}"
            );
        }
        for bad in [
            "20191315T033655Z",
            "20190230T033655Z",
            "20191115T243655Z",
            "20191115T033660Z",
        ] {
            assert_eq!(
                parse_sdk_date(bad).map_err(|e| e.kind()),
                Err(DateErrorKind::OutOfRange),
                "{bad}"
            );
        }
    }

    #[test]
    fn error_message_names_the_value_and_the_rule() {
        let e = parse_sdk_date("yesterday").expect_err("bad");
        assert_eq!(
            e.to_string(),
            "X-Sdk-Date \"yesterday\" is not of the form YYYYMMDDTHHMMSSZ (like 20240615T123456Z)"
        );
    }
}
