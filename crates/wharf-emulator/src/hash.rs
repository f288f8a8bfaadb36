//! Portable draws and their text: [`mix`], a hash that is the same on every
//! machine and run, and lowercase hexadecimal written in place (digests and
//! request ids are made often enough that a `format!` each shows in
//! profiles). It depends on nothing else in the crate: the generator, the
//! faults, the request ids and SWR's derived ids all draw from it.

/// SplitMix64 over a seed and a number: a well-mixed, portable hash. It
/// decides the faults, seeds the generator's namespaces and request ids,
/// and draws SWR's derived ids.
pub(crate) fn mix(seed: u64, n: u64) -> u64 {
    let mut z = seed ^ n.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

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
