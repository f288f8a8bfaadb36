//! One page of a listing, and where its total came from.

use std::fmt;

/// Where a page's total came from. The providers say it in different
/// places, none of them trusted alone; see [`Page::new`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TotalSource {
    /// SWR's `Content-Range` response header.
    ContentRange,
    /// `total_range` on the page's items (SWR).
    TotalRange,
    /// UHub's `TotalCount`.
    TotalCount,
    /// None was sent: the listing goes on until a short or empty page.
    Absent,
}

impl fmt::Display for TotalSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TotalSource::ContentRange => "the Content-Range header",
            TotalSource::TotalRange => "total_range on the items",
            TotalSource::TotalCount => "TotalCount",
            TotalSource::Absent => "none sent (paged until a short or empty page)",
        })
    }
}

/// A response header that could not be read and was set aside: it is
/// advisory, so the page stands without it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct IgnoredHeader {
    /// The header's name, such as `Content-Range`.
    pub name: &'static str,
    /// Its value, as it came.
    pub value: String,
    /// Why it was set aside.
    pub reason: String,
}

impl fmt::Display for IgnoredHeader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {:?} was ignored: {}",
            self.name, self.value, self.reason
        )
    }
}

/// One page of a listing, as the server sent it.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Page<T> {
    /// The items, in the server's order.
    pub items: Vec<T>,
    /// The offset of the first item.
    pub offset: u64,
    /// How many items the whole listing has, when the server said so and its
    /// answer fits what it sent (see [`Page::new`]); `None` when unknown.
    pub total: Option<u64>,
    /// Where the next page starts, or `None` when this page is the last.
    pub next_offset: Option<u64>,
    /// The provider's request id.
    pub request_id: Option<String>,
    /// Where the server's total came from, when the client said.
    pub total_source: Option<TotalSource>,
    /// An advisory header the client could not read and set aside.
    pub ignored_header: Option<IgnoredHeader>,
}

impl<T> Page<T> {
    /// A page of `items` asked for at `offset` with `limit`, whose response
    /// said the listing has `total` items (`None`: it did not say).
    ///
    /// No count is trusted alone (the UHub seed example has a `TotalCount`
    /// smaller than its items): a total below what this page shows is raised
    /// to it when the page is short, and is unknown when the page is full,
    /// since more may follow. The next page starts after the items received.
    pub fn new(items: Vec<T>, offset: u64, limit: u32, total: Option<u64>) -> Self {
        let received = items.len() as u64;
        let end = offset.saturating_add(received);
        let full = received >= u64::from(limit);
        let total = match total {
            // An empty page proves nothing about the total.
            Some(t) if t >= end || received == 0 => Some(t),
            Some(_) if !full => Some(end),
            _ => None,
        };
        let more = match total {
            Some(t) => end < t && received > 0,
            None => full && received > 0,
        };
        Page {
            items,
            offset,
            total,
            next_offset: more.then_some(end),
            request_id: None,
            total_source: None,
            ignored_header: None,
        }
    }

    /// Saying where the server's total came from.
    pub fn with_total_source(mut self, source: TotalSource) -> Self {
        self.total_source = Some(source);
        self
    }

    /// With an advisory header that was set aside.
    pub fn with_ignored_header(mut self, header: Option<IgnoredHeader>) -> Self {
        self.ignored_header = header;
        self
    }

    /// With the provider's request id.
    pub fn with_request_id(mut self, request_id: Option<String>) -> Self {
        self.request_id = request_id;
        self
    }

    /// The page's items, transformed.
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            offset: self.offset,
            total: self.total,
            next_offset: self.next_offset,
            request_id: self.request_id,
            total_source: self.total_source,
            ignored_header: self.ignored_header,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn totals_are_checked_against_the_items() {
        // A total that fits.
        let page = Page::new(vec![1, 2], 10, 2, Some(25));
        assert_eq!((page.total, page.next_offset), (Some(25), Some(12)));
        // The UHub seed: TotalCount 5, nine items on a page of 20: the last page.
        let page = Page::new(vec![0; 9], 0, 20, Some(5));
        assert_eq!((page.total, page.next_offset), (Some(9), None));
        // A total too small on a full page: more may follow.
        let page = Page::new(vec![0; 20], 0, 20, Some(5));
        assert_eq!((page.total, page.next_offset), (None, Some(20)));
        // No total: a short page is the last.
        let page = Page::new(vec![0; 3], 40, 20, None);
        assert_eq!(page.next_offset, None);
        // An empty page is the last, whatever the total says.
        let page = Page::<u8>::new(vec![], 40, 20, Some(100));
        assert_eq!(page.next_offset, None);
    }
}
