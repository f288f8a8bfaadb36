//! Hashes, HMAC, hex and constant-time comparison, all infallible.

use hmac::digest::KeyInit;
use hmac::{Hmac, Mac};
use sha1::Sha1;
use sha2::{Digest, Sha256};

/// SHA-256's block size: an HMAC key of at most this length is zero-padded to it.
const SHA256_BLOCK: usize = 64;

/// Lowercase hex of `bytes`.
pub(crate) fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    out
}

/// Decodes hex of either case; `None` on odd length or a non-hex character.
pub(crate) fn unhex(text: &str) -> Option<Vec<u8>> {
    let bytes = text.as_bytes();
    if bytes.len() % 2 != 0 {
        return None;
    }
    bytes
        .chunks_exact(2)
        .map(|pair| Some(hex_value(pair[0])? << 4 | hex_value(pair[1])?))
        .collect()
}

/// The value of one hex digit.
pub(crate) fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Lowercase hex SHA-256 of `data`.
pub(crate) fn sha256_hex(data: &[u8]) -> String {
    hex(&Sha256::digest(data))
}

/// Lowercase hex SHA-1 of `data`.
pub(crate) fn sha1_hex(data: &[u8]) -> String {
    hex(&Sha1::digest(data))
}

/// An HMAC-SHA256 instance keyed with `key`, built without a fallible call.
///
/// HMAC zero-pads a key up to the block size and hashes a longer one first;
/// doing that here lets us use the infallible fixed-size constructor.
pub(crate) fn hmac_sha256(key: &[u8]) -> Hmac<Sha256> {
    let mut block = [0u8; SHA256_BLOCK];
    if key.len() > SHA256_BLOCK {
        let hashed = Sha256::digest(key);
        block[..hashed.len()].copy_from_slice(&hashed);
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    <Hmac<Sha256> as KeyInit>::new(&block.into())
}

/// Lowercase hex HMAC-SHA256 of `message` under `key`.
pub(crate) fn hmac_sha256_hex(key: &[u8], message: &[u8]) -> String {
    let mut mac = hmac_sha256(key);
    mac.update(message);
    hex(&mac.finalize().into_bytes())
}

/// Compares two byte strings in time that depends only on their lengths.
pub(crate) fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn padded_key_matches_the_variable_length_constructor() {
        for len in [0usize, 1, 32, 63, 64, 65, 200] {
            let key = vec![0x5a; len];
            let mut ours = hmac_sha256(&key);
            ours.update(b"message");
            let mut reference =
                <Hmac<Sha256> as Mac>::new_from_slice(&key).expect("HMAC takes any key length");
            reference.update(b"message");
            assert_eq!(
                ours.finalize().into_bytes(),
                reference.finalize().into_bytes()
            );
        }
    }

    #[test]
    fn hex_round_trips() {
        assert_eq!(hex(&[0x00, 0xab, 0xff]), "00abff");
        assert_eq!(unhex("00ABff"), Some(vec![0x00, 0xab, 0xff]));
        assert_eq!(unhex("abc"), None);
        assert_eq!(unhex("zz"), None);
    }

    #[test]
    fn empty_sha256_is_the_documented_constant() {
        assert_eq!(
            sha256_hex(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    #[test]
    fn constant_time_eq_compares() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
    }
}
