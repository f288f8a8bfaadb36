//! `wharf_parse::parse_filter` on any text, and `from_query_params` on pairs
//! cut from the same text: never panic, and a query that reads builds back
//! (`to_filter`, `to_query_params`) to text that reads to the same query.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wharf_model::RepositoryQuery;
use wharf_parse::{from_query_params, parse_filter, to_filter, to_query_params};

fn round_trip(query: &RepositoryQuery, from: &str) {
    match to_filter(query) {
        Ok(text) => {
            let again = parse_filter(&text)
                .unwrap_or_else(|e| panic!("{text:?} (from {from:?}) does not read back: {e}"));
            assert_eq!(&again, query, "{from:?} -> {text:?}");
        }
        // Only the empty query has no filter text.
        Err(e) => assert_eq!(query, &RepositoryQuery::default(), "{from:?}: {e}"),
    }
    let params = to_query_params(query)
        .unwrap_or_else(|e| panic!("{from:?} read but does not build params: {e}"));
    let again = from_query_params(params.iter().map(|(k, v)| (*k, v.as_str())))
        .unwrap_or_else(|e| panic!("params of {from:?} do not read back: {e}"));
    assert_eq!(&again, query, "{from:?} -> {params:?}");
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    match parse_filter(&text) {
        Ok(query) => round_trip(&query, &text),
        Err(e) => {
            assert!(!e.to_string().is_empty());
            if let Some(at) = e.at() {
                assert!(at <= text.len(), "{text:?}: at {at} past the end");
            }
        }
    }
    // The same bytes as plain query parameters: `&` between pairs, `=`
    // between name and value.
    let pairs: Vec<(&str, &str)> = text
        .split('&')
        .map(|pair| pair.split_once('=').unwrap_or((pair, "")))
        .collect();
    match from_query_params(pairs.iter().copied()) {
        Ok(query) => round_trip(&query, &text),
        Err(e) => assert!(!e.to_string().is_empty()),
    }
});
