//! [`CatalogSpec`]: which catalog, and where, as one line of text.

use std::fmt;
use std::str::FromStr;

use super::CatalogKind;
use crate::{Error, ErrorKind};

/// Which catalog to open, and where: `swr://cn-north-4`,
/// `swr+http://127.0.0.1:8080`, `swr-official://cn-north-4`,
/// `uhub://cn-bj2`, `uhub+https://api.ucloud.cn?region=cn-bj2`.
///
/// The grammar:
///
/// ```text
/// spec     = kind "://" REGION [options]
///          | kind "+" ("http" | "https") "://" HOST [":" PORT] [options]
/// kind     = "swr" | "swr-official" | "uhub"
/// options  = "?" option *("&" option)
/// option   = "project=" ID            ; every kind
///          | "region=" REGION         ; uhub with a HOST only
/// ```
///
/// A region is `a-z`, `0-9` and `-`; a host a name or an IPv4 address
/// (`a-z`, `0-9`, `.`, `-`) or an IPv6 address in brackets; an id `A-Z`,
/// `a-z`, `0-9`, `.`, `_` and `-`. Schemes and hosts are read without case.
/// One trailing `/` after the host or region is allowed. Credentials never
/// go in a spec: [`connect`](Self::connect) reads them from the environment.
/// Plain `http` is only accepted by the HTTP backend for loopback hosts,
/// such as an emulator.
///
/// `Display` writes the canonical spec (lowercase, options as region then
/// project), which parses back to the same value.
///
/// ```
/// use wharf::catalog::{CatalogKind, CatalogSpec, Location};
///
/// let spec: CatalogSpec = "UHUB+HTTP://127.0.0.1:8080/?project=org-1&region=cn-bj2".parse()?;
/// assert_eq!(spec.kind(), CatalogKind::Uhub);
/// assert_eq!(spec.base_url().as_deref(), Some("http://127.0.0.1:8080"));
/// assert_eq!(spec.to_string(), "uhub+http://127.0.0.1:8080?region=cn-bj2&project=org-1");
///
/// let e = "swr://cn_north_4".parse::<CatalogSpec>().unwrap_err();
/// assert_eq!(e.position(), 8);
/// assert_eq!(
///     e.to_string(),
///     "invalid catalog spec at position 8: expected a region of a-z, 0-9 and '-' \
///      (an endpoint goes in swr+https://HOST), found '_'"
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CatalogSpec {
    kind: CatalogKind,
    location: Location,
    region: Option<String>,
    project: Option<String>,
}

/// Where a catalog is: a region of the provider's public endpoint, or an
/// endpoint of one's own.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Location {
    /// The public endpoint of this region, such as `cn-north-4`.
    Region(String),
    /// A base URL.
    Endpoint {
        /// `http` or `https`.
        scheme: Scheme,
        /// A host name or address, lowercase; an IPv6 address without its
        /// brackets.
        host: String,
        /// The port, when one is given.
        port: Option<u16>,
    },
}

/// The URL scheme of an endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Scheme {
    /// Plain HTTP: loopback only.
    Http,
    /// HTTPS.
    Https,
}

impl Scheme {
    /// `http` or `https`.
    pub fn as_str(self) -> &'static str {
        match self {
            Scheme::Http => "http",
            Scheme::Https => "https",
        }
    }
}

impl CatalogSpec {
    /// Reads a spec; the error says where it went wrong and what was
    /// expected there.
    pub fn parse(text: &str) -> Result<Self, SpecError> {
        Parser { input: text }.spec()
    }

    /// The catalog `kind` at the public endpoint of `region`. An error
    /// points into `KIND://REGION`.
    pub fn in_region(kind: CatalogKind, region: &str) -> Result<Self, SpecError> {
        let text = format!("{kind}://{region}");
        // The region alone is checked, so a `?` in it adds no option.
        Parser { input: &text }.region(text.len() - region.len(), region, kind)?;
        Ok(CatalogSpec {
            kind,
            location: Location::Region(region.to_owned()),
            region: None,
            project: None,
        })
    }

    /// The catalog `kind` at the endpoint `url`, such as
    /// `https://swr-api.cn-north-4.myhuaweicloud.com`: an `http` or
    /// `https` URL of a host and port, without a path. An error points into
    /// `url`.
    ///
    /// ```
    /// use wharf::catalog::{CatalogKind, CatalogSpec};
    ///
    /// let spec = CatalogSpec::at_endpoint(CatalogKind::Uhub, "http://127.0.0.1:8080/")?
    ///     .with_region("cn-bj2")?;
    /// assert_eq!(spec.to_string(), "uhub+http://127.0.0.1:8080?region=cn-bj2");
    /// let e = CatalogSpec::at_endpoint(CatalogKind::Swr, "http://127.0.0.1:99999").unwrap_err();
    /// assert_eq!((e.position(), e.expected()), (17, "a port number in 1..=65535"));
    /// # Ok::<(), wharf::catalog::SpecError>(())
    /// ```
    pub fn at_endpoint(kind: CatalogKind, url: &str) -> Result<Self, SpecError> {
        let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
        if !(lower.starts_with("http://") || lower.starts_with("https://")) {
            let parser = Parser { input: url };
            return Err(parser.error_at(0, "a URL starting http:// or https://"));
        }
        let prefix = format!("{kind}+");
        let text = format!("{prefix}{url}");
        let parser = Parser { input: &text };
        let shift = |mut e: SpecError| {
            e.position = e.position.saturating_sub(prefix.len());
            e
        };
        if let Some(at) = url.find('?') {
            let expected = "no '?' (an endpoint is a URL of a host)";
            return Err(shift(parser.error_at(prefix.len() + at, expected)));
        }
        parser.spec().map_err(shift)
    }

    /// With `region` as the region of an endpoint spec: UHub signs it into
    /// every request. Only `uhub` endpoint specs take one; a region spec
    /// names its region already. An error points into the canonical spec
    /// with the option added.
    pub fn with_region(mut self, region: &str) -> Result<Self, SpecError> {
        let project = self.project.take();
        self.region = None;
        let text = format!("{self}?region={region}");
        let parser = Parser { input: &text };
        parser.check_key(
            text.len() - region.len() - "region=".len(),
            "region",
            self.kind,
            &self.location,
        )?;
        parser.value(text.len() - region.len(), "region", region)?;
        self.region = Some(region.to_owned());
        self.project = project;
        Ok(self)
    }

    /// The same place and options as catalog `kind`: `swr://cn-north-4`
    /// as `swr-official://cn-north-4`. An error, when `kind` does not take
    /// an option the spec has, points into the new spec.
    pub fn with_kind(self, kind: CatalogKind) -> Result<Self, SpecError> {
        if kind == self.kind {
            return Ok(self);
        }
        let text = self.to_string();
        let rest = &text[self.kind.as_str().len()..];
        CatalogSpec::parse(&format!("{kind}{rest}"))
    }

    /// With `project` as the project id (Huawei `X-Project-Id`, UCloud
    /// `ProjectId`), overriding the environment's. An error points into
    /// the canonical spec with the option added.
    pub fn with_project(mut self, project: &str) -> Result<Self, SpecError> {
        self.project = None;
        let separator = if self.region.is_some() { '&' } else { '?' };
        let text = format!("{self}{separator}project={project}");
        // The value alone is checked, so an `&` in it adds no option.
        Parser { input: &text }.value(text.len() - project.len(), "project", project)?;
        self.project = Some(project.to_owned());
        Ok(self)
    }

    /// Which catalog.
    pub fn kind(&self) -> CatalogKind {
        self.kind
    }

    /// Where.
    pub fn location(&self) -> &Location {
        &self.location
    }

    /// The region: the spec's own, or its `region` option.
    pub fn region(&self) -> Option<&str> {
        match &self.location {
            Location::Region(region) => Some(region),
            Location::Endpoint { .. } => self.region.as_deref(),
        }
    }

    /// The `project` option.
    pub fn project(&self) -> Option<&str> {
        self.project.as_deref()
    }

    /// The base URL of an endpoint spec, such as `http://127.0.0.1:8080`;
    /// `None` for a region, whose URL the provider's client knows.
    pub fn base_url(&self) -> Option<String> {
        match &self.location {
            Location::Region(_) => None,
            Location::Endpoint { scheme, host, port } => {
                let mut url = format!("{}://{}", scheme.as_str(), bracketed(host));
                if let Some(port) = port {
                    url.push_str(&format!(":{port}"));
                }
                Some(url)
            }
        }
    }
}

/// An IPv6 address goes in brackets.
fn bracketed(host: &str) -> String {
    if host.contains(':') {
        format!("[{host}]")
    } else {
        host.to_owned()
    }
}

impl FromStr for CatalogSpec {
    type Err = SpecError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        CatalogSpec::parse(s)
    }
}

impl fmt::Display for CatalogSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.location {
            Location::Region(region) => write!(f, "{}://{region}", self.kind)?,
            Location::Endpoint { scheme, host, port } => {
                write!(f, "{}+{}://{}", self.kind, scheme.as_str(), bracketed(host))?;
                if let Some(port) = port {
                    write!(f, ":{port}")?;
                }
            }
        }
        let options = [("region", &self.region), ("project", &self.project)];
        let mut separator = '?';
        for (key, value) in options {
            if let Some(value) = value {
                write!(f, "{separator}{key}={value}")?;
                separator = '&';
            }
        }
        Ok(())
    }
}

/// Why a catalog spec could not be read: where, what was expected there,
/// and what was found.
///
/// It quotes single characters and short tokens (a scheme, an option name),
/// never the whole spec or an option's value, so it shows nothing secret
/// that was pasted into one by mistake.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecError {
    position: usize,
    expected: String,
    found: String,
}

impl SpecError {
    /// The 0-based character position where reading stopped.
    pub fn position(&self) -> usize {
        self.position
    }

    /// What was expected there.
    pub fn expected(&self) -> &str {
        &self.expected
    }

    /// What was found there, such as `'_'` or `the end`.
    pub fn found(&self) -> &str {
        &self.found
    }
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid catalog spec at position {}: expected {}, found {}",
            self.position, self.expected, self.found
        )
    }
}

impl std::error::Error for SpecError {}

impl From<SpecError> for Error {
    /// An [`ErrorKind::Config`] error.
    fn from(e: SpecError) -> Self {
        Error::new(ErrorKind::Config, e.to_string()).told(e)
    }
}

/// What a region may hold.
fn region_char(c: char) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'
}

/// What a host name or IPv4 address may hold (read without case).
fn host_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '.' || c == '-'
}

/// What an IPv6 address may hold, inside its brackets.
fn ipv6_char(c: char) -> bool {
    c.is_ascii_hexdigit() || c == ':' || c == '.'
}

/// What a project id may hold.
fn id_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')
}

/// [`id_char`] and [`region_char`], in words.
const ID_TEXT: &str = "A-Z, a-z, 0-9, '.', '_' and '-'";
const REGION_TEXT: &str = "a-z, 0-9 and '-'";

/// An unknown option's name, quoted when it looks like a name: one pasted
/// by mistake might be a key.
fn quoted_name(key: &str) -> String {
    let name_like = key.len() <= 24
        && key
            .chars()
            .all(|c| c.is_ascii_lowercase() || c == '_' || c == '-');
    if name_like {
        format!("{key:?}")
    } else {
        "an unknown option (not quoted)".to_owned()
    }
}

/// Reads one spec; positions are byte offsets until an error turns them
/// into characters.
struct Parser<'a> {
    input: &'a str,
}

/// The options a spec may carry.
#[derive(Default)]
struct Options {
    region: Option<String>,
    project: Option<String>,
}

impl Parser<'_> {
    fn error(&self, at: usize, expected: impl Into<String>, found: impl Into<String>) -> SpecError {
        let position = self.input.get(..at).map_or(at, |s| s.chars().count());
        SpecError {
            position,
            expected: expected.into(),
            found: found.into(),
        }
    }

    /// An error naming the character at `at`, or the end.
    fn error_at(&self, at: usize, expected: impl Into<String>) -> SpecError {
        let found = match self.input.get(at..).and_then(|s| s.chars().next()) {
            Some(c) => format!("{c:?}"),
            None => "the end".to_owned(),
        };
        self.error(at, expected, found)
    }

    fn spec(&self) -> Result<CatalogSpec, SpecError> {
        let input = self.input;
        if input.is_empty() {
            return Err(self.error(0, "a catalog spec such as swr://cn-north-4", "nothing"));
        }
        let Some(separator) = input.find("://") else {
            let at = input
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '+' || c == '-'))
                .unwrap_or(input.len());
            return Err(self.error_at(at, "\"://\" after the scheme, as in swr://cn-north-4"));
        };
        let (kind, scheme) = self.scheme(&input[..separator])?;
        let start = separator + 3;
        if let Some(at) = input[start..].find('@') {
            let expected = "no credentials (they come from the environment)";
            return Err(self.error_at(start + at, expected));
        }
        let rest = &input[start..];
        let (place, query) = match rest.find('?') {
            Some(q) => (&rest[..q], Some(start + q + 1)),
            None => (rest, None),
        };
        let place = self.without_path(start, place)?;
        let location = match scheme {
            None => Location::Region(self.region(start, place, kind)?),
            Some(scheme) => self.endpoint(start, place, scheme)?,
        };
        let options = match query {
            Some(at) => self.options(at, kind, &location)?,
            None => Options::default(),
        };
        Ok(CatalogSpec {
            kind,
            location,
            region: options.region,
            project: options.project,
        })
    }

    /// The kind, and the scheme of an endpoint spec (`None` for a region).
    fn scheme(&self, text: &str) -> Result<(CatalogKind, Option<Scheme>), SpecError> {
        const EXPECTED: &str = "a scheme: swr, swr-official or uhub, alone for a region or with +http or +https for a host";
        // Only a token of scheme characters is quoted back.
        let scheme_char = |c: char| c.is_ascii_alphanumeric() || c == '+' || c == '-';
        self.value_chars(0, text, scheme_char, EXPECTED)?;
        let lower = text.to_ascii_lowercase();
        let (kind, transport) = match lower.split_once('+') {
            Some((kind, transport)) => (kind, Some(transport)),
            None => (lower.as_str(), None),
        };
        let kind = CatalogKind::ALL.into_iter().find(|k| k.as_str() == kind);
        let scheme = match transport {
            None => Some(None),
            Some("http") => Some(Some(Scheme::Http)),
            Some("https") => Some(Some(Scheme::Https)),
            Some(_) => None,
        };
        match (kind, scheme) {
            (Some(kind), Some(scheme)) => Ok((kind, scheme)),
            _ => Err(self.error(0, EXPECTED, format!("{text:?}"))),
        }
    }

    /// `place` without one trailing `/`; any other `/` is a path, refused.
    fn without_path<'p>(&self, start: usize, place: &'p str) -> Result<&'p str, SpecError> {
        match place.find('/') {
            None => Ok(place),
            Some(at) if at + 1 == place.len() => Ok(&place[..at]),
            Some(at) => Err(self.error_at(start + at, "'?' or the end (a spec has no path)")),
        }
    }

    fn region(&self, start: usize, text: &str, kind: CatalogKind) -> Result<String, SpecError> {
        if text.is_empty() {
            return Err(self.error_at(start, "a region such as cn-north-4"));
        }
        let expected =
            format!("a region of {REGION_TEXT} (an endpoint goes in {kind}+https://HOST)");
        self.value_chars(start, text, region_char, &expected)?;
        Ok(text.to_owned())
    }

    /// Fails at the first character of `text` (at `start`) that `allowed`
    /// refuses.
    fn value_chars(
        &self,
        start: usize,
        text: &str,
        allowed: fn(char) -> bool,
        expected: &str,
    ) -> Result<(), SpecError> {
        match text.char_indices().find(|&(_, c)| !allowed(c)) {
            Some((at, _)) => Err(self.error_at(start + at, expected)),
            None => Ok(()),
        }
    }

    fn endpoint(&self, start: usize, text: &str, scheme: Scheme) -> Result<Location, SpecError> {
        let (host, after) = if let Some(inner) = text.strip_prefix('[') {
            let Some(close) = inner.find(']') else {
                return Err(self.error_at(start + text.len(), "']' closing the IPv6 address"));
            };
            let host = &inner[..close];
            if !host.contains(':') {
                return Err(self.error_at(start + 1, "an IPv6 address such as ::1"));
            }
            let expected = "an IPv6 address of hex digits, ':' and '.'";
            self.value_chars(start + 1, host, ipv6_char, expected)?;
            (host, close + 2)
        } else {
            let end = text.find(':').unwrap_or(text.len());
            let host = &text[..end];
            if host.is_empty() {
                return Err(self.error_at(start, "a host name or address"));
            }
            let expected = "a host of letters, digits, '.' and '-' (an IPv6 address in brackets)";
            self.value_chars(start, host, host_char, expected)?;
            (host, end)
        };
        let port = self.port(start + after, &text[after..])?;
        Ok(Location::Endpoint {
            scheme,
            host: host.to_ascii_lowercase(),
            port,
        })
    }

    /// `""` or `:PORT`, at `start`.
    fn port(&self, start: usize, text: &str) -> Result<Option<u16>, SpecError> {
        if text.is_empty() {
            return Ok(None);
        }
        let Some(digits) = text.strip_prefix(':') else {
            return Err(self.error_at(start, "':' and a port, '?' or the end"));
        };
        if digits.is_empty() {
            return Err(self.error_at(start + 1, "a port number after ':'"));
        }
        self.value_chars(start + 1, digits, |c| c.is_ascii_digit(), "a port number")?;
        match digits.parse::<u16>() {
            Ok(port) if port > 0 => Ok(Some(port)),
            _ => Err(self.error(
                start + 1,
                "a port number in 1..=65535",
                format!("{digits:?}"),
            )),
        }
    }

    /// Refuses an option `kind` does not take.
    fn check_key(
        &self,
        at: usize,
        key: &str,
        kind: CatalogKind,
        location: &Location,
    ) -> Result<(), SpecError> {
        let region_allowed = kind == CatalogKind::Uhub;
        match key {
            "project" => Ok(()),
            "region" if region_allowed && matches!(location, Location::Region(_)) => {
                let expected = "no region option: uhub://REGION names the region already";
                Err(self.error(at, expected, "\"region\""))
            }
            "region" if region_allowed => Ok(()),
            _ => {
                let expected = if region_allowed {
                    "an option: project or region"
                } else {
                    "an option: project"
                };
                Err(self.error(at, expected, quoted_name(key)))
            }
        }
    }

    /// `key=value&...`, from `start` to the end.
    fn options(
        &self,
        start: usize,
        kind: CatalogKind,
        location: &Location,
    ) -> Result<Options, SpecError> {
        let mut options = Options::default();
        let mut at = start;
        for part in self.input[start..].split('&') {
            self.option(at, part, kind, location, &mut options)?;
            at += part.len() + 1;
        }
        Ok(options)
    }

    fn option(
        &self,
        at: usize,
        part: &str,
        kind: CatalogKind,
        location: &Location,
        options: &mut Options,
    ) -> Result<(), SpecError> {
        if part.is_empty() {
            return Err(self.error_at(at, "an option such as project=ID"));
        }
        let Some((key, value)) = part.split_once('=') else {
            return Err(self.error_at(at + part.len(), "'=' and a value after the option name"));
        };
        self.check_key(at, key, kind, location)?;
        let slot = match key {
            "project" => &mut options.project,
            _ => &mut options.region,
        };
        if slot.is_some() {
            return Err(self.error(at, "each option once", format!("a second {key}")));
        }
        self.value(at + key.len() + 1, key, value)?;
        *slot = Some(value.to_owned());
        Ok(())
    }

    /// Checks the value of option `key` (`project` or `region`), at `at`.
    fn value(&self, at: usize, key: &str, value: &str) -> Result<(), SpecError> {
        if value.is_empty() {
            return Err(self.error(at, format!("a value for {key}"), "nothing"));
        }
        let (allowed, chars): (fn(char) -> bool, _) = match key {
            "project" => (id_char, ID_TEXT),
            _ => (region_char, REGION_TEXT),
        };
        self.value_chars(at, value, allowed, &format!("a {key} of {chars}"))
    }
}

#[cfg(test)]
mod tests;
