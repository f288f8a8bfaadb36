//! The pure parts of the `wharf` command, as a library so that fuzz targets
//! and tests reach them: today the config file's parser. Not an API of its
//! own: the command is `src/main.rs`, and the library to depend on is the
//! `wharf` crate.

pub mod config_file;
