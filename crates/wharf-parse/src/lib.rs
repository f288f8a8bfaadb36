//! placeholder until the parse crate lands
