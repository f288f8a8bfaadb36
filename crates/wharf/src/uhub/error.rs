//! What UHub's RetCodes mean. UHub answers HTTP 200 with a non-zero
//! `RetCode` for a failed action; the transport turns that into a provider
//! error carrying the code, and this table gives it its kind.

use crate::ErrorKind;

/// The kind of UHub RetCode `code`: the public codes of api-notes 2.2, plus
/// 232 (no such repo or image, as the emulator and the service answer). 150
/// and 153 never come here: the transport retries them as throttling.
pub(crate) fn kind_of_ret_code(code: &str) -> ErrorKind {
    match code.parse::<i64>() {
        Ok(170..=174) => ErrorKind::Unauthorized,
        Ok(294 | 299) => ErrorKind::Forbidden,
        Ok(232) => ErrorKind::NotFound,
        Ok(160 | 161 | 230 | 292) => ErrorKind::BadRequest,
        _ => ErrorKind::Server,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ret_codes_map_to_kinds() {
        assert_eq!(kind_of_ret_code("171"), ErrorKind::Unauthorized);
        assert_eq!(kind_of_ret_code("299"), ErrorKind::Forbidden);
        assert_eq!(kind_of_ret_code("230"), ErrorKind::BadRequest);
        assert_eq!(kind_of_ret_code("232"), ErrorKind::NotFound);
        assert_eq!(kind_of_ret_code("5000"), ErrorKind::Server);
        assert_eq!(kind_of_ret_code("not a number"), ErrorKind::Server);
    }
}
