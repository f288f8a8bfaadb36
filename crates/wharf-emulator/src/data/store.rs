//! The repositories as the emulator holds them: each one packed into a run
//! of bytes in one arena, read through a borrowed [`Repo`] view, instead of
//! the owned model records a [`Dataset`](super::Dataset) holds (about 600
//! bytes and ten heap allocations a repository with one tag, against about
//! 200 bytes here, in one place).
//!
//! A record's bytes, in order (a *varint* is an unsigned LEB128 number, a
//! *str* a varint length and that many bytes of UTF-8, a *time* a str of
//! the timestamp's own JSON, as serde writes it, then its instant in 12
//! bytes, seconds and nanoseconds, little-endian):
//!
//! - one byte of flags: public, and *plain* (no text of the record needs a
//!   JSON escape, so a page writes it as it is);
//! - the category, a varint: its place in the store's categories;
//! - the name, the description, the total size of the tags and the
//!   downloads (str each, the two numbers in decimal, as a page writes
//!   them), created and updated (time each);
//! - the number of tags (a varint), their names (a varint length, then a
//!   str each), then each tag's digest (a byte 0 then the 32 bytes of
//!   `sha256:` and 64 lowercase hex digits, or a byte 1 then a str of any
//!   other text), size (varint) and when it was pushed (time).
//!
//! What a list item needs comes first and in the item's order, so that
//! writing one reads the record once, front to back, and copies its texts.
//!
//! A timestamp is kept as the JSON serde writes for it, so that a page
//! copies it, and turned back into the same [`Timestamp`] by reading that
//! JSON (a test checks every shape); its instant is beside it for sorts and
//! for UHub's seconds.

use std::collections::HashMap;

use wharf_model::{Category, RepositoryName, Timestamp};

use super::dataset::{RepositoryRecord, TagRecord};

/// Flag: anyone may pull the repository.
const PUBLIC: u8 = 1;
/// Flag: no text of the record needs a JSON escape.
const PLAIN: u8 = 2;

/// The place of `other` in [`Category::KNOWN`].
const OTHER: u32 = 5;

/// Digest kind: `sha256:` and 64 lowercase hex digits, kept as 32 bytes.
const SHA256: u8 = 0;
/// Digest kind: any other text, kept as it is.
const TEXT: u8 = 1;

/// The packed repositories of a dataset: one [`Segment`] a namespace, by
/// its position in the dataset.
#[derive(Debug, Default)]
pub(crate) struct Store {
    segments: Vec<Segment>,
}

impl Store {
    /// The store of these segments, one a namespace by position.
    pub(crate) fn new(segments: Vec<Segment>) -> Store {
        Store { segments }
    }

    /// Record `local` of the namespace at position `n`.
    pub(crate) fn get(&self, n: usize, local: usize) -> Repo<'_> {
        self.segment(n).get(local)
    }

    /// The name of record `local` of the namespace at position `n`,
    /// without reading the rest of it.
    pub(crate) fn name(&self, n: usize, local: usize) -> &[u8] {
        let segment = self.segment(n);
        let mut r = Reader {
            bytes: segment.record(local),
        };
        r.byte();
        r.varint();
        r.bytes()
    }

    /// `repo` packed alone, as a record of the namespace at position `n`
    /// ([`Segment::pack_alone`]).
    pub(crate) fn pack_alone(&self, n: usize, repo: &RepositoryRecord) -> Vec<u8> {
        self.segment(n).pack_alone(repo)
    }

    /// A record of the namespace at position `n` packed alone.
    pub(crate) fn view<'a>(&'a self, n: usize, bytes: &'a [u8]) -> Repo<'a> {
        self.segment(n).view(bytes)
    }

    /// Bytes held: (records, their starts).
    #[cfg(test)]
    pub(crate) fn footprint(&self) -> (usize, usize) {
        let records = self.segments.iter().map(|s| s.bytes.capacity()).sum();
        let starts = self.segments.iter().map(|s| s.starts.capacity() * 8).sum();
        (records, starts)
    }

    fn segment(&self, n: usize) -> &Segment {
        static EMPTY: std::sync::OnceLock<Segment> = std::sync::OnceLock::new();
        self.segments
            .get(n)
            .unwrap_or_else(|| EMPTY.get_or_init(Segment::default))
    }
}

/// Packed repository records in one arena, and the categories they name.
#[derive(Debug, Default)]
pub(crate) struct Segment {
    /// The records, back to back.
    bytes: Vec<u8>,
    /// Where each record starts in `bytes`, by the order it was added.
    starts: Vec<u64>,
    /// Every category a record names: the known ones first, in
    /// [`Category::KNOWN`] order, then others as they came.
    categories: Categories,
}

/// The categories records name, each by its place.
#[derive(Debug)]
pub(crate) struct Categories {
    all: Vec<Category>,
    /// By place, what a list item has from the end of its name to the
    /// start of its description: `","category":"NAME","description":"`.
    json: Vec<Vec<u8>>,
    unknown: HashMap<String, u32>,
}

impl Default for Categories {
    fn default() -> Self {
        Categories {
            all: Category::KNOWN.to_vec(),
            json: Category::KNOWN.iter().map(category_json).collect(),
            unknown: HashMap::new(),
        }
    }
}

/// `","category":"NAME","description":"`, the category's name escaped.
fn category_json(category: &Category) -> Vec<u8> {
    let name = serde_json::to_vec(category.as_str()).unwrap_or_else(|_| b"\"\"".to_vec());
    [
        b"\",\"category\":".as_slice(),
        &name,
        b",\"description\":\"",
    ]
    .concat()
}

impl Categories {
    /// The place of `category`, if it has one.
    fn find(&self, category: &Category) -> Option<u32> {
        match Category::KNOWN.iter().position(|k| k == category) {
            Some(known) => Some(known as u32),
            None => self.unknown.get(category.as_str()).copied(),
        }
    }

    /// The place of `category`, added if new.
    fn code(&mut self, category: &Category) -> u32 {
        if let Some(known) = Category::KNOWN.iter().position(|k| k == category) {
            return known as u32;
        }
        let name = category.as_str();
        if let Some(&code) = self.unknown.get(name) {
            return code;
        }
        let code = self.all.len() as u32;
        self.all.push(category.clone());
        self.json.push(category_json(category));
        self.unknown.insert(name.to_owned(), code);
        code
    }

    /// The place `code` if it is one, else that of `other`.
    fn place(&self, code: u64) -> usize {
        usize::try_from(code)
            .ok()
            .filter(|&code| code < self.all.len())
            .unwrap_or(OTHER as usize)
    }
}

impl Segment {
    /// An empty segment for about `count` records.
    pub(crate) fn with_capacity(count: usize) -> Segment {
        Segment {
            bytes: Vec::with_capacity(count.saturating_mul(200)),
            starts: Vec::with_capacity(count),
            categories: Categories::default(),
        }
    }

    /// Adds `repo` as the next record.
    pub(crate) fn push(&mut self, repo: &RepositoryRecord) {
        self.starts.push(self.bytes.len() as u64);
        let category = self.categories.code(&repo.category);
        pack(category, repo, &mut self.bytes);
    }

    /// Gives back the spare capacity.
    pub(crate) fn shrink_to_fit(&mut self) {
        self.bytes.shrink_to_fit();
        self.starts.shrink_to_fit();
    }

    /// How many records it holds.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.starts.len()
    }

    /// Record `i`, the `i`-th added.
    pub(crate) fn get(&self, i: usize) -> Repo<'_> {
        Repo::read(self.record(i), &self.categories)
    }

    /// The bytes from record `i` on.
    fn record(&self, i: usize) -> &[u8] {
        let start = self.starts.get(i).map_or(self.bytes.len(), |&s| s as usize);
        &self.bytes[start.min(self.bytes.len())..]
    }

    /// `repo` packed alone, for a repository changed since loading: read
    /// it with [`view`](Self::view). Its category must be one a record of
    /// the store names, or a [known](Category::KNOWN) one (any other reads
    /// as `other`): a change keeps the category or makes it `other`.
    pub(crate) fn pack_alone(&self, repo: &RepositoryRecord) -> Vec<u8> {
        let category = self.categories.find(&repo.category).unwrap_or(OTHER);
        let mut out = Vec::with_capacity(256);
        pack(category, repo, &mut out);
        out
    }

    /// A record packed by [`pack_alone`](Self::pack_alone).
    pub(crate) fn view<'a>(&'a self, bytes: &'a [u8]) -> Repo<'a> {
        Repo::read(bytes, &self.categories)
    }
}

/// Appends `repo`, packed, to `out`, its category at place `category`.
fn pack(category: u32, repo: &RepositoryRecord, out: &mut Vec<u8>) {
    let plain = plain(repo.category.as_str())
        && plain(&repo.description)
        && repo
            .tags
            .iter()
            .all(|t| plain(&t.name) && (sha256(&t.digest).is_some() || plain(&t.digest)));
    let flags = (u8::from(repo.is_public) * PUBLIC) | (u8::from(plain) * PLAIN);
    out.push(flags);
    varint(out, u64::from(category));
    text(out, repo.name.as_str().as_bytes());
    text(out, repo.description.as_bytes());
    text(out, &digits(repo.size()));
    text(out, &digits(repo.num_download));
    time(out, &repo.created_at);
    time(out, &repo.updated_at);
    varint(out, repo.tags.len() as u64);
    let names: usize = repo.tags.iter().map(|t| t.name.len() + 10).sum();
    let mut block = Vec::with_capacity(names);
    for tag in &repo.tags {
        text(&mut block, tag.name.as_bytes());
    }
    text(out, &block);
    for tag in &repo.tags {
        match sha256(&tag.digest) {
            Some(binary) => {
                out.push(SHA256);
                out.extend_from_slice(&binary);
            }
            None => {
                out.push(TEXT);
                text(out, tag.digest.as_bytes());
            }
        }
        varint(out, tag.size);
        time(out, &tag.updated_at);
    }
}

/// Whether `text` goes into JSON as it is, with no escape.
fn plain(text: &str) -> bool {
    text.bytes().all(|b| b >= 0x20 && b != b'"' && b != b'\\')
}

/// The 32 bytes of a `sha256:` digest in 64 lowercase hex digits.
fn sha256(digest: &str) -> Option<[u8; 32]> {
    let hex = digest.strip_prefix("sha256:")?.as_bytes();
    if hex.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    let mut bad = 0u8;
    for (byte, pair) in out.iter_mut().zip(hex.chunks_exact(2)) {
        let (high, low) = (NIBBLES[usize::from(pair[0])], NIBBLES[usize::from(pair[1])]);
        bad |= high | low;
        *byte = (high << 4) | (low & 15);
    }
    (bad & 16 == 0).then_some(out)
}

/// By byte, its value as a lowercase hex digit, or 16 for any other byte.
const NIBBLES: [u8; 256] = {
    let mut table = [16u8; 256];
    let mut b = 0;
    while b < 10 {
        table[b'0' as usize + b] = b as u8;
        b += 1;
    }
    let mut b = 0;
    while b < 6 {
        table[b'a' as usize + b] = 10 + b as u8;
        b += 1;
    }
    table
};

fn varint(out: &mut Vec<u8>, mut n: u64) {
    while n >= 0x80 {
        out.push(n as u8 | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

/// `n` in decimal, on the stack.
fn digits(mut n: u64) -> impl std::ops::Deref<Target = [u8]> {
    struct Digits([u8; 20], usize);
    impl std::ops::Deref for Digits {
        type Target = [u8];
        fn deref(&self) -> &[u8] {
            &self.0[self.1..]
        }
    }
    let mut out = Digits([0; 20], 20);
    loop {
        out.1 -= 1;
        out.0[out.1] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            return out;
        }
    }
}

fn text(out: &mut Vec<u8>, bytes: &[u8]) {
    varint(out, bytes.len() as u64);
    out.extend_from_slice(bytes);
}

fn time(out: &mut Vec<u8>, ts: &Timestamp) {
    let at = out.len();
    out.push(0);
    if serde_json::to_writer(&mut *out, ts).is_err() {
        out.truncate(at + 1);
        out.extend_from_slice(b"null");
    }
    // The JSON of a timestamp is a short string or a number: its length
    // fits the one byte set aside (a longer one is moved to make room).
    let len = out.len() - at - 1;
    if len < 0x80 {
        out[at] = len as u8;
    } else {
        let json = out.split_off(at + 1);
        out.truncate(at);
        text(out, &json);
    }
    let instant = ts.instant();
    out.extend_from_slice(&instant.as_second().to_le_bytes());
    out.extend_from_slice(&instant.subsec_nanosecond().to_le_bytes());
}

/// Reads packed bytes from the front.
#[derive(Clone, Copy)]
struct Reader<'a> {
    bytes: &'a [u8],
}

impl<'a> Reader<'a> {
    fn byte(&mut self) -> u8 {
        let (&first, rest) = self.bytes.split_first().unwrap_or((&0, &[]));
        self.bytes = rest;
        first
    }

    fn varint(&mut self) -> u64 {
        // Almost every varint is one byte: a length under 128.
        if let Some((&b, rest)) = self.bytes.split_first() {
            if b < 0x80 {
                self.bytes = rest;
                return u64::from(b);
            }
        }
        let mut n = 0u64;
        let mut shift = 0;
        loop {
            let b = self.byte();
            n |= u64::from(b & 0x7f).checked_shl(shift).unwrap_or(0);
            if b < 0x80 || self.bytes.is_empty() {
                return n;
            }
            shift += 7;
        }
    }

    fn take(&mut self, len: usize) -> &'a [u8] {
        let (head, rest) = self.bytes.split_at(len.min(self.bytes.len()));
        self.bytes = rest;
        head
    }

    fn bytes(&mut self) -> &'a [u8] {
        let len = usize::try_from(self.varint()).unwrap_or(usize::MAX);
        self.take(len)
    }

    fn time(&mut self) -> Time<'a> {
        let json = self.bytes();
        let instant = self.take(12);
        Time { json, instant }
    }
}

/// Packed text as a `&str`: packed from one, so always UTF-8 (anything
/// else reads as empty). Checked when asked for, not when read: a page
/// copies the bytes.
fn str(bytes: &[u8]) -> &str {
    std::str::from_utf8(bytes).unwrap_or_default()
}

/// A timestamp of a packed record: its JSON and its instant's 12 bytes.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Time<'a> {
    json: &'a [u8],
    instant: &'a [u8],
}

impl Time<'_> {
    /// The instant.
    pub(crate) fn instant(self) -> jiff::Timestamp {
        let (seconds, nanos) = self.instant.split_at(8.min(self.instant.len()));
        let seconds = i64::from_le_bytes(seconds.try_into().unwrap_or_default());
        let nanos = i32::from_le_bytes(nanos.try_into().unwrap_or_default());
        jiff::Timestamp::new(seconds, nanos).unwrap_or(jiff::Timestamp::UNIX_EPOCH)
    }

    /// The timestamp's JSON, as serde writes it.
    pub(crate) fn json(&self) -> &[u8] {
        self.json
    }

    /// The timestamp, as it was given (its text and shape too).
    pub(crate) fn timestamp(self) -> Timestamp {
        serde_json::from_slice(self.json).unwrap_or_else(|_| {
            Timestamp::from_instant(self.instant(), wharf_model::TimestampFormat::Rfc3339)
        })
    }
}

/// One packed repository, read.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Repo<'a> {
    flags: u8,
    category: &'a Category,
    /// `","category":"NAME","description":"`.
    category_json: &'a [u8],
    name: &'a [u8],
    description: &'a [u8],
    /// The total size of the tags, in decimal.
    size: &'a [u8],
    /// The downloads, in decimal.
    num_download: &'a [u8],
    created_at: Time<'a>,
    updated_at: Time<'a>,
    tag_count: usize,
    /// The tags' names, a str each.
    tag_names: &'a [u8],
    /// The rest of each tag, after the names.
    tags: &'a [u8],
}

impl<'a> Repo<'a> {
    fn read(bytes: &'a [u8], categories: &'a Categories) -> Repo<'a> {
        let mut r = Reader { bytes };
        let flags = r.byte();
        let place = categories.place(r.varint());
        let name = r.bytes();
        let description = r.bytes();
        let size = r.bytes();
        let num_download = r.bytes();
        let created_at = r.time();
        let updated_at = r.time();
        let tag_count = usize::try_from(r.varint()).unwrap_or(0);
        let tag_names = r.bytes();
        Repo {
            flags,
            category: &categories.all[place],
            category_json: &categories.json[place],
            num_download,
            size,
            name,
            description,
            created_at,
            updated_at,
            tag_count,
            tag_names,
            tags: r.bytes,
        }
    }

    /// The name.
    pub(crate) fn name(&self) -> &'a str {
        str(self.name)
    }

    /// The name's bytes, which need no JSON escape (a repository name's
    /// characters never do).
    pub(crate) fn name_bytes(&self) -> &'a [u8] {
        self.name
    }

    /// `","category":"NAME","description":"`: what a list item has from
    /// the end of its name to the start of its description.
    pub(crate) fn category_json(&self) -> &'a [u8] {
        self.category_json
    }

    /// The description's bytes.
    pub(crate) fn description_bytes(&self) -> &'a [u8] {
        self.description
    }

    /// The category.
    pub(crate) fn category(&self) -> &'a Category {
        self.category
    }

    /// The description.
    pub(crate) fn description(&self) -> &'a str {
        str(self.description)
    }

    /// Whether anyone may pull it.
    pub(crate) fn is_public(&self) -> bool {
        self.flags & PUBLIC != 0
    }

    /// Whether no text of it needs a JSON escape.
    pub(crate) fn is_plain(&self) -> bool {
        self.flags & PLAIN != 0
    }

    /// Number of downloads.
    pub(crate) fn num_download(&self) -> u64 {
        decimal(self.num_download)
    }

    /// Number of downloads, in decimal.
    pub(crate) fn num_download_text(&self) -> &'a [u8] {
        self.num_download
    }

    /// When it was created.
    pub(crate) fn created_at(&self) -> Time<'a> {
        self.created_at
    }

    /// When it last changed.
    pub(crate) fn updated_at(&self) -> Time<'a> {
        self.updated_at
    }

    /// How many tags it has.
    pub(crate) fn tag_count(&self) -> usize {
        self.tag_count
    }

    /// Its tags, newest first.
    pub(crate) fn tags(&self) -> Tags<'a> {
        Tags {
            names: self.tag_names(),
            reader: Reader { bytes: self.tags },
        }
    }

    /// Tag `position`.
    #[cfg(test)]
    pub(crate) fn tag(&self, position: usize) -> Option<Tag<'a>> {
        self.tags().nth(position)
    }

    /// Where the tag called `name` is among its tags.
    pub(crate) fn tag_position(&self, name: &str) -> Option<usize> {
        self.tags().position(|t| t.name == name.as_bytes())
    }

    /// Total size of its tags in bytes (as [`RepositoryRecord::size`]).
    pub(crate) fn size(&self) -> u64 {
        decimal(self.size)
    }

    /// [`size`](Self::size), in decimal.
    pub(crate) fn size_text(&self) -> &'a [u8] {
        self.size
    }

    /// The tags' names, in order, as bytes.
    pub(crate) fn tag_names(&self) -> TagNames<'a> {
        TagNames {
            reader: Reader {
                bytes: self.tag_names,
            },
            left: self.tag_count,
        }
    }

    /// The most recently pushed tag; the first one on a tie (as
    /// [`RepositoryRecord::latest_tag`]).
    pub(crate) fn latest_tag(&self) -> Option<Tag<'a>> {
        self.tags().reduce(|best, tag| {
            if tag.updated_at.instant() > best.updated_at.instant() {
                tag
            } else {
                best
            }
        })
    }

    /// The record it was packed from.
    pub(crate) fn to_record(self) -> RepositoryRecord {
        let name = RepositoryName::new(self.name()).expect("packed from a valid name");
        let mut record =
            RepositoryRecord::new(name, self.category.clone(), self.created_at.timestamp());
        record.description = self.description().to_owned();
        record.is_public = self.is_public();
        record.num_download = self.num_download();
        record.updated_at = self.updated_at.timestamp();
        record.tags = self.tags().map(|t| t.to_record()).collect();
        record
    }
}

/// A number packed in decimal.
fn decimal(text: &[u8]) -> u64 {
    str(text).parse().unwrap_or(0)
}

/// The tag names of a packed repository, in order.
#[derive(Clone)]
pub(crate) struct TagNames<'a> {
    reader: Reader<'a>,
    left: usize,
}

impl<'a> Iterator for TagNames<'a> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<&'a [u8]> {
        self.left = self.left.checked_sub(1)?;
        Some(self.reader.bytes())
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.left, Some(self.left))
    }
}

/// The tags of a packed repository, in order.
#[derive(Clone)]
pub(crate) struct Tags<'a> {
    names: TagNames<'a>,
    reader: Reader<'a>,
}

impl<'a> Iterator for Tags<'a> {
    type Item = Tag<'a>;

    fn next(&mut self) -> Option<Tag<'a>> {
        let name = self.names.next()?;
        let r = &mut self.reader;
        let digest = match r.byte() {
            SHA256 => Digest::Sha256(r.take(32)),
            _ => Digest::Text(r.bytes()),
        };
        let size = r.varint();
        let updated_at = r.time();
        Some(Tag {
            name,
            digest,
            size,
            updated_at,
        })
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.names.size_hint()
    }
}

/// A digest as packed.
#[derive(Debug, Clone, Copy)]
enum Digest<'a> {
    /// The 32 bytes of a `sha256:` digest.
    Sha256(&'a [u8]),
    /// Any other text.
    Text(&'a [u8]),
}

/// One tag of a packed repository.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Tag<'a> {
    name: &'a [u8],
    digest: Digest<'a>,
    size: u64,
    updated_at: Time<'a>,
}

impl<'a> Tag<'a> {
    /// Tag name.
    pub(crate) fn name(&self) -> &'a str {
        str(self.name)
    }

    /// Image size in bytes.
    pub(crate) fn size(&self) -> u64 {
        self.size
    }

    /// When it was pushed.
    pub(crate) fn updated_at(&self) -> Time<'a> {
        self.updated_at
    }

    /// The digest, as given.
    pub(crate) fn digest(&self) -> String {
        match self.digest {
            Digest::Text(text) => str(text).to_owned(),
            Digest::Sha256(bytes) => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                let mut out = String::with_capacity(71);
                out.push_str("sha256:");
                for &b in bytes {
                    out.push(HEX[usize::from(b >> 4)] as char);
                    out.push(HEX[usize::from(b & 15)] as char);
                }
                out
            }
        }
    }

    /// The record it was packed from.
    pub(crate) fn to_record(self) -> TagRecord {
        TagRecord::new(
            self.name(),
            self.size,
            self.digest(),
            self.updated_at.timestamp(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::{Dataset, GenerateOptions};
    use wharf_model::TimestampFormat;

    fn ts(text: &str) -> Timestamp {
        text.parse().unwrap()
    }

    /// Every record comes back as it went in, whatever its texts, digests,
    /// timestamps' shapes and category.
    #[test]
    fn records_come_back_as_they_went_in() {
        let mut records: Vec<RepositoryRecord> = Dataset::demo()
            .repositories()
            .map(|(_, r)| r.clone())
            .collect();
        let options = GenerateOptions {
            namespaces: 2,
            repositories: 50,
            tags_per_repository: 3,
            official_images: 0,
            seed: 9,
        };
        records.extend(
            Dataset::generate(&options)
                .unwrap()
                .repositories()
                .map(|(_, r)| r.clone()),
        );
        let when = jiff::Timestamp::new(-5_000_000_000, 123_456_789).unwrap();
        let odd = {
            let mut repo = RepositoryRecord::new(
                RepositoryName::new("odd/one").unwrap(),
                Category::from("gpu"),
                Timestamp::from_unix_seconds(-86_401).unwrap(),
            );
            repo.description = "a \"quoted\"\n\u{7f} é".repeat(20);
            repo.num_download = u64::MAX;
            repo.is_public = true;
            repo.updated_at = Timestamp::from_instant(when, TimestampFormat::Rfc3339);
            repo.tags = vec![
                TagRecord::new("v\"1", u64::MAX, "sha256:AB", ts("2020-01-01 00:00:00")),
                TagRecord::new(
                    "v2",
                    0,
                    format!("sha256:{}", "f".repeat(64)),
                    ts("1718454896"),
                ),
                TagRecord::new("", 7, "", ts("2024-06-15T12:00:00.5+08:00")),
            ];
            repo
        };
        records.push(odd);
        let mut gpu = records.last().unwrap().clone();
        gpu.category = Category::from("tpu");
        records.push(gpu);
        let mut store = Segment::with_capacity(records.len());
        for record in &records {
            store.push(record);
        }
        assert_eq!(store.len(), records.len());
        for (i, record) in records.iter().enumerate() {
            let repo = store.get(i);
            assert_eq!(&repo.to_record(), record, "{i}");
            assert_eq!(repo.category().as_str(), record.category.as_str());
            assert_eq!(repo.size(), record.size());
            assert_eq!(
                repo.latest_tag().map(|t| t.name()),
                record.latest_tag().map(|t| t.name.as_str())
            );
            assert_eq!(
                repo.updated_at().instant(),
                record.updated_at.instant(),
                "{i}"
            );
            assert_eq!(
                repo.updated_at().json(),
                serde_json::to_vec(&record.updated_at).unwrap()
            );
            let alone = store.pack_alone(record);
            assert_eq!(&store.view(&alone).to_record(), record);
        }
        let odd = store.get(records.len() - 2);
        assert!(!odd.is_plain());
        assert!(store.get(0).is_plain());
        assert_eq!(odd.tag_position("v2"), Some(1));
        assert_eq!(odd.tag(2).unwrap().digest(), "");
    }

    #[test]
    fn sha256_digests_pack_to_their_bytes() {
        let digest = format!("sha256:{}", "0123456789abcdef".repeat(4));
        assert_eq!(sha256(&digest).unwrap()[..2], [0x01, 0x23]);
        assert!(sha256(&digest.to_uppercase()).is_none());
        assert!(sha256("sha256:00").is_none());
        assert!(sha256(&format!("sha512:{}", "0".repeat(64))).is_none());
    }
}
