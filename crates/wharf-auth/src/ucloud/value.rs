//! Parameter values and their text form, as the Python SDK's
//! `encoder.encode_value` writes them.

/// A request parameter value before flattening.
///
/// Scalars become one parameter; a [`List`](Value::List) becomes `Key.0`,
/// `Key.1`...; a [`Map`](Value::Map) becomes `Key.Sub`. See
/// [`flatten`](super::flatten).
///
/// ```
/// use wharf_auth::ucloud::Value;
///
/// assert_eq!(Value::from(true).encode(), Some("true".to_owned()));
/// assert_eq!(Value::from(2.0).encode(), Some("2".to_owned()));
/// assert_eq!(Value::from(1e-7).encode(), Some("1e-07".to_owned()));
/// assert_eq!(Value::List(vec![]).encode(), None);
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Value {
    /// A string, sent as it is.
    Str(String),
    /// An integer, sent in decimal.
    Int(i64),
    /// A float: an integral one is sent as an integer (`1e22` as
    /// `10000000000000000000000`), any other as Python's `repr` (`0.1`, `1e-07`).
    Float(f64),
    /// A boolean, sent as `true` or `false`.
    Bool(bool),
    /// A list, flattened to `Key.0`, `Key.1`...; an empty list sends nothing.
    List(Vec<Value>),
    /// A map, flattened to `Key.Sub`, in insertion order; an empty map sends nothing.
    Map(Vec<(String, Value)>),
}

impl Value {
    /// The text of a scalar value; `None` for a list or a map.
    pub fn encode(&self) -> Option<String> {
        match self {
            Self::Str(s) => Some(s.clone()),
            Self::Int(i) => Some(i.to_string()),
            Self::Float(f) => Some(encode_float(*f)),
            Self::Bool(b) => Some(if *b { "true" } else { "false" }.to_owned()),
            Self::List(_) | Self::Map(_) => None,
        }
    }
}

impl From<&str> for Value {
    fn from(value: &str) -> Self {
        Self::Str(value.to_owned())
    }
}

impl From<String> for Value {
    fn from(value: String) -> Self {
        Self::Str(value)
    }
}

impl From<i64> for Value {
    fn from(value: i64) -> Self {
        Self::Int(value)
    }
}

impl From<i32> for Value {
    fn from(value: i32) -> Self {
        Self::Int(i64::from(value))
    }
}

impl From<u32> for Value {
    fn from(value: u32) -> Self {
        Self::Int(i64::from(value))
    }
}

impl From<f64> for Value {
    fn from(value: f64) -> Self {
        Self::Float(value)
    }
}

impl From<bool> for Value {
    fn from(value: bool) -> Self {
        Self::Bool(value)
    }
}

impl<T: Into<Value>> From<Vec<T>> for Value {
    fn from(items: Vec<T>) -> Self {
        Self::List(items.into_iter().map(Into::into).collect())
    }
}

/// A float as the Python SDK sends it: `str(int(v))` when `v % 1 == 0`,
/// else `repr(v)` (so `inf` and `nan` stay `inf` and `nan`).
///
/// ```
/// use wharf_auth::ucloud::encode_float;
///
/// assert_eq!(encode_float(1.0), "1");
/// assert_eq!(encode_float(-0.0), "0");
/// assert_eq!(encode_float(1e23), "99999999999999991611392");
/// assert_eq!(encode_float(2.5), "2.5");
/// ```
pub fn encode_float(v: f64) -> String {
    if !v.is_finite() || v.fract() != 0.0 {
        return python_float_repr(v);
    }
    if v == 0.0 {
        return "0".to_owned();
    }
    // With a precision, float formatting is exact: the integer's every digit.
    format!("{v:.0}")
}

/// Python's `repr(float)`: the shortest digits that read back as the same
/// float, in fixed notation when the decimal exponent is from -4 to 15 and in
/// exponent notation (`1e-07`, `1.5e+16`) otherwise.
///
/// ```
/// use wharf_auth::ucloud::python_float_repr;
///
/// assert_eq!(python_float_repr(0.1), "0.1");
/// assert_eq!(python_float_repr(1e-4), "0.0001");
/// assert_eq!(python_float_repr(1e-5), "1e-05");
/// assert_eq!(python_float_repr(1e16), "1e+16");
/// assert_eq!(python_float_repr(123.0), "123.0");
/// assert_eq!(python_float_repr(f64::NEG_INFINITY), "-inf");
/// ```
pub fn python_float_repr(v: f64) -> String {
    if v.is_nan() {
        return "nan".to_owned();
    }
    let sign = if v.is_sign_negative() { "-" } else { "" };
    if v.is_infinite() {
        return format!("{sign}inf");
    }
    if v == 0.0 {
        return format!("{sign}0.0");
    }
    let (digits, exponent) = shortest_digits(v.abs());
    let point = exponent + 1;
    let body = if (-3..=16).contains(&point) {
        fixed_notation(&digits, point)
    } else {
        exponent_notation(&digits, exponent)
    };
    format!("{sign}{body}")
}

/// The shortest round-trip decimal digits of a positive finite `v` and the
/// decimal exponent of the first digit (`1.5e-7` gives `("15", -7)`).
fn shortest_digits(v: f64) -> (String, i32) {
    let scientific = format!("{v:e}");
    let (mantissa, exponent) = scientific
        .split_once('e')
        .unwrap_or((scientific.as_str(), "0"));
    let digits = mantissa.chars().filter(char::is_ascii_digit).collect();
    (digits, exponent.parse().unwrap_or(0))
}

/// `digits` with the decimal point `point` places from their start (which may
/// be before the start or past the end), always with a fraction part.
fn fixed_notation(digits: &str, point: i32) -> String {
    let len = i32::try_from(digits.len()).unwrap_or(i32::MAX);
    if point <= 0 {
        format!("0.{}{digits}", zeros(-point))
    } else if point >= len {
        format!("{digits}{}.0", zeros(point - len))
    } else {
        let (whole, fraction) = digits.split_at(usize::try_from(point).unwrap_or(0));
        format!("{whole}.{fraction}")
    }
}

/// `d.ddde±XX`, with at least two exponent digits.
fn exponent_notation(digits: &str, exponent: i32) -> String {
    let (first, rest) = digits.split_at(digits.len().min(1));
    let fraction = if rest.is_empty() {
        String::new()
    } else {
        format!(".{rest}")
    };
    let sign = if exponent < 0 { '-' } else { '+' };
    format!("{first}{fraction}e{sign}{:02}", exponent.unsigned_abs())
}

/// `count` zeros (none for a negative count).
fn zeros(count: i32) -> String {
    "0".repeat(usize::try_from(count).unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repr_matches_python() {
        let cases = [
            (1e-7, "1e-07"),
            (1.5e-7, "1.5e-07"),
            (0.0001, "0.0001"),
            (0.00012, "0.00012"),
            (2.5, "2.5"),
            (1.0, "1.0"),
            (1e16, "1e+16"),
            (1e22, "1e+22"),
            (1234567890123456.0, "1234567890123456.0"),
            (12345678901234567.0, "1.2345678901234568e+16"),
            (0.1 + 0.2, "0.30000000000000004"),
            (-2.5, "-2.5"),
            (5e-324, "5e-324"),
            (1.7976931348623157e308, "1.7976931348623157e+308"),
            (-0.0, "-0.0"),
            (f64::NAN, "nan"),
        ];
        for (v, want) in cases {
            assert_eq!(python_float_repr(v), want, "{v:e}");
        }
    }

    #[test]
    fn integral_floats_are_exact_integers() {
        assert_eq!(encode_float(1e16), "10000000000000000");
        assert_eq!(encode_float(1e22), "10000000000000000000000");
        assert_eq!(encode_float(-3.0), "-3");
        assert_eq!(encode_float(f64::INFINITY), "inf");
        assert_eq!(encode_float(0.5), "0.5");
        assert_eq!(encode_float(-2.5), "-2.5");
    }
}
