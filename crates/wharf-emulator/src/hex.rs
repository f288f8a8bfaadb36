//! Lowercase hexadecimal, written in place: digests and request ids are made
//! often enough that a `format!` each shows in profiles.

/// Appends `value` as 16 lowercase hex digits (`{:016x}`).
pub(crate) fn push_u64(out: &mut String, value: u64) {
    for shift in (0..16).rev() {
        let nibble = (value >> (shift * 4)) & 0xf;
        out.push(char::from(b"0123456789abcdef"[nibble as usize]));
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn matches_format() {
        for value in [0, 1, 0xdead_beef, u64::MAX, 0x0123_4567_89ab_cdef] {
            let mut out = String::new();
            super::push_u64(&mut out, value);
            assert_eq!(out, format!("{value:016x}"));
        }
    }
}
