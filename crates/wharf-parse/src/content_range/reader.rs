//! The hand-written reader behind [`ContentRange::parse`](super::ContentRange::parse).
//!
//! Grammar, where `_` is any run of spaces and tabs:
//!
//! ```text
//! value  = _? (unit _)? number _? "-" _? number _? "/" _? (number | "*") _?
//! unit   = one or more ASCII letters
//! number = one or more ASCII digits, at most u64::MAX
//! ```

use super::error::{ContentRangeErrorKind as Kind, Found, Part};
use super::{ContentRange, ContentRangeError, Total};

/// Reads a whole header value.
pub(super) fn read(input: &str) -> Result<ContentRange, ContentRangeError> {
    read_range(&mut Cursor::new(input)).map_err(|found| found.within(input))
}

fn read_range(cur: &mut Cursor<'_>) -> Result<ContentRange, Found> {
    cur.skip_spaces();
    if cur.at_end() {
        return Err(cur.fail(Kind::Empty, Part::Offset));
    }
    cur.skip_unit()?;
    let offset = cur.number(Part::Offset, Kind::ExpectedDigit)?;
    cur.separator(b'-', Kind::ExpectedDash)?;
    let count = cur.number(Part::Count, Kind::ExpectedDigit)?;
    cur.separator(b'/', Kind::ExpectedSlash)?;
    let total = cur.total()?;
    cur.skip_spaces();
    if !cur.at_end() {
        return Err(cur.fail(Kind::TrailingInput, Part::Total));
    }
    Ok(ContentRange::new(offset, count, total))
}

/// A position in the input, moving forward only.
struct Cursor<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn new(input: &'a str) -> Self {
        Cursor {
            bytes: input.as_bytes(),
            pos: 0,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn at_end(&self) -> bool {
        self.pos >= self.bytes.len()
    }

    fn fail(&self, kind: Kind, part: Part) -> Found {
        Found {
            kind,
            at: self.pos,
            part,
        }
    }

    /// Moves past bytes while `keep` says so; returns how many.
    fn skip_while(&mut self, keep: impl Fn(u8) -> bool) -> usize {
        let start = self.pos;
        while self.peek().is_some_and(&keep) {
            self.pos += 1;
        }
        self.pos - start
    }

    fn skip_spaces(&mut self) {
        self.skip_while(|b| b == b' ' || b == b'\t');
    }

    /// Skips a unit word such as `items` and the spaces after it, if present.
    fn skip_unit(&mut self) -> Result<(), Found> {
        if self.skip_while(|b| b.is_ascii_alphabetic()) == 0 {
            return Ok(());
        }
        if self.skip_while(|b| b == b' ' || b == b'\t') == 0 {
            return Err(self.fail(Kind::ExpectedSpace, Part::Offset));
        }
        Ok(())
    }

    /// Reads one or more digits, then any spaces.
    fn number(&mut self, part: Part, missing: Kind) -> Result<u64, Found> {
        let start = self.pos;
        let mut value: u64 = 0;
        while let Some(digit) = self.peek().filter(u8::is_ascii_digit) {
            value = value
                .checked_mul(10)
                .and_then(|v| v.checked_add(u64::from(digit - b'0')))
                .ok_or(Found {
                    kind: Kind::Overflow,
                    at: start,
                    part,
                })?;
            self.pos += 1;
        }
        if self.pos == start {
            return Err(self.fail(missing, part));
        }
        self.skip_spaces();
        Ok(value)
    }

    /// Expects `byte`, then any spaces.
    fn separator(&mut self, byte: u8, missing: Kind) -> Result<(), Found> {
        if self.peek() != Some(byte) {
            return Err(self.fail(missing, Part::Count));
        }
        self.pos += 1;
        self.skip_spaces();
        Ok(())
    }

    /// Reads the total: a number or `*`.
    fn total(&mut self) -> Result<Total, Found> {
        if self.peek() == Some(b'*') {
            self.pos += 1;
            return Ok(Total::Unknown);
        }
        self.number(Part::Total, Kind::ExpectedTotal)
            .map(Total::Known)
    }
}
