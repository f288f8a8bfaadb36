//! The dataset file: a [`Dataset`] as JSON, with a format marker.
//!
//! ```json
//! {"comment": "...", "format": "wharf-emulator/1", "domain_name": "demo",
//!  "registry": "...", "internal_registry": "...", "namespaces": [...],
//!  "official_images": [...]}
//! ```
//!
//! The crate README documents every field.

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::dataset::{Dataset, NamespaceRecord, OfficialImageRecord};

/// The value of the `format` field this version reads and writes.
pub const DATASET_FORMAT: &str = "wharf-emulator/1";

/// Why a dataset could not be read or written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DatasetError {
    /// The file could not be read or written.
    #[error("dataset {path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// What went wrong.
        source: std::io::Error,
    },
    /// The text is not a valid dataset (bad JSON, a missing field, a bad name).
    #[error("dataset: {0}")]
    Json(#[from] serde_json::Error),
    /// The `format` field names a format this version does not read.
    #[error("dataset: format {found:?} is not supported (expected {DATASET_FORMAT:?})")]
    Format {
        /// The format found.
        found: String,
    },
    /// A name that must be unique is used twice: two namespaces called
    /// `team`, two tags `1.0` of one repository, two official image ids.
    #[error("dataset: duplicate {what} {name:?}")]
    Duplicate {
        /// What kind of name: `namespace`, `repository in namespace "team"`,
        /// `tag of team/nginx`, `official image`, `official image id`.
        what: String,
        /// The name used twice.
        name: String,
    },
}

/// A dataset as read: the dataset's fields spelled out beside `format`,
/// because serde cannot refuse unknown fields next to a flattened struct.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DatasetIn {
    // A note for whoever opens the file (where it came from, how to make it
    // again): read so that it is not refused as unknown, then dropped,
    // because nothing served depends on it.
    #[serde(default, rename = "comment")]
    _comment: Option<String>,
    format: String,
    domain_name: String,
    registry: String,
    internal_registry: String,
    namespaces: Vec<NamespaceRecord>,
    #[serde(default)]
    official_images: Vec<OfficialImageRecord>,
}

impl From<DatasetIn> for Dataset {
    fn from(input: DatasetIn) -> Self {
        let mut dataset = Dataset::empty(input.domain_name);
        dataset.registry = input.registry;
        dataset.internal_registry = input.internal_registry;
        dataset.namespaces = input.namespaces;
        dataset.official_images = input.official_images;
        dataset
    }
}

#[derive(Serialize)]
struct DatasetOut<'a> {
    // First, so that it is what a reader sees on opening the file.
    #[serde(skip_serializing_if = "Option::is_none")]
    comment: Option<&'a str>,
    format: &'static str,
    #[serde(flatten)]
    dataset: &'a Dataset,
}

impl Dataset {
    /// Reads a dataset from dataset JSON and validates it.
    pub fn from_json(text: &str) -> Result<Dataset, DatasetError> {
        let dataset: DatasetIn = serde_json::from_str(text)?;
        if dataset.format != DATASET_FORMAT {
            return Err(DatasetError::Format {
                found: dataset.format,
            });
        }
        let dataset = Dataset::from(dataset);
        dataset.validate()?;
        Ok(dataset)
    }

    /// Writes the dataset as dataset JSON, pretty-printed.
    pub fn to_json(&self) -> String {
        self.write_json(None)
    }

    /// Writes the dataset as dataset JSON, pretty-printed, with `comment`
    /// as its first field: a note for whoever opens the file, such as "generated,
    /// do not edit". [`Dataset::from_json`] accepts it and ignores it.
    pub fn to_json_with_comment(&self, comment: &str) -> String {
        self.write_json(Some(comment))
    }

    fn write_json(&self, comment: Option<&str>) -> String {
        let out = DatasetOut {
            comment,
            format: DATASET_FORMAT,
            dataset: self,
        };
        // Every field serializes to plain JSON; the fallback only guards the
        // impossible case without a panic.
        serde_json::to_string_pretty(&out).unwrap_or_else(|e| format!("{{\"error\":{e:?}}}"))
    }

    /// Reads a dataset file.
    pub fn load(path: impl AsRef<Path>) -> Result<Dataset, DatasetError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|source| DatasetError::Io {
            path: path.display().to_string(),
            source,
        })?;
        Dataset::from_json(&text)
    }

    /// Writes a dataset file.
    pub fn save(&self, path: impl AsRef<Path>) -> Result<(), DatasetError> {
        let path = path.as_ref();
        std::fs::write(path, self.to_json() + "\n").map_err(|source| DatasetError::Io {
            path: path.display().to_string(),
            source,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_round_trips() {
        let demo = Dataset::demo();
        let text = demo.to_json();
        assert!(text.contains(r#""format": "wharf-emulator/1""#));
        assert_eq!(Dataset::from_json(&text).unwrap(), demo);
    }

    #[test]
    fn a_comment_comes_first_and_is_ignored_on_reading() {
        let demo = Dataset::demo();
        let text = demo.to_json_with_comment("made by a test");
        assert!(
            text.starts_with("{\n  \"comment\": \"made by a test\",\n  \"format\""),
            "{text}"
        );
        assert_eq!(Dataset::from_json(&text).unwrap(), demo);
        assert!(!demo.to_json().contains("\"comment\""));
    }

    #[test]
    fn errors_say_what_is_wrong() {
        let err = Dataset::from_json(r#"{"format":"other"}"#).unwrap_err();
        assert!(err.to_string().contains("missing field"), "{err}");
        let text = Dataset::demo().to_json().replace("wharf-emulator/1", "v9");
        let err = Dataset::from_json(&text).unwrap_err();
        assert_eq!(
            err.to_string(),
            r#"dataset: format "v9" is not supported (expected "wharf-emulator/1")"#
        );
        let bad_name =
            Dataset::demo()
                .to_json()
                .replacen(r#""name": "team""#, r#""name": "Team""#, 1);
        let err = Dataset::from_json(&bad_name).unwrap_err();
        assert!(err.to_string().contains("invalid namespace"), "{err}");
        let extra = Dataset::demo()
            .to_json()
            .replacen('{', r#"{"regsitry": "typo","#, 1);
        let err = Dataset::from_json(&extra).unwrap_err();
        assert!(
            err.to_string().contains("unknown field `regsitry`"),
            "{err}"
        );
        let direct: Result<Dataset, _> = serde_json::from_str(
            r#"{"domain_name": "d", "registry": "r", "internal_registry": "i",
                "namespaces": [], "colour": "red"}"#,
        );
        let err = direct.unwrap_err();
        assert!(err.to_string().contains("unknown field `colour`"), "{err}");
    }
}
