//! Shared by the emulator's benches.

pub mod client;
