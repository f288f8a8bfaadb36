//! One page of a listing.

pub use wharf_parse::Total;

/// One page of a listing, as the server sent it.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Page<T> {
    /// The items, in the server's order.
    pub items: Vec<T>,
    /// The offset of the first item.
    pub offset: u64,
    /// How many items the whole listing has, when the server said so and its
    /// answer fits what it sent (see [`Page::new`]).
    pub total: Total,
    /// Where the next page starts, or `None` when this page is the last.
    pub next_offset: Option<u64>,
    /// The provider's request id.
    pub request_id: Option<String>,
}

impl<T> Page<T> {
    /// A page of `items` asked for at `offset` with `limit`, whose response
    /// said the listing has `total` items.
    ///
    /// No count is trusted alone (the UHub seed example has a `TotalCount`
    /// smaller than its items): a total below what this page shows is raised
    /// to it when the page is short, and is unknown when the page is full,
    /// since more may follow. The next page starts after the items received.
    pub fn new(items: Vec<T>, offset: u64, limit: u32, total: Total) -> Self {
        let received = items.len() as u64;
        let end = offset.saturating_add(received);
        let full = received >= u64::from(limit);
        let total = match total.known() {
            // An empty page proves nothing about the total.
            Some(t) if t >= end || received == 0 => Total::Known(t),
            Some(_) if !full => Total::Known(end),
            _ => Total::Unknown,
        };
        let more = match total.known() {
            Some(t) => end < t && received > 0,
            None => full && received > 0,
        };
        Page {
            items,
            offset,
            total,
            next_offset: more.then_some(end),
            request_id: None,
        }
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
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn totals_are_checked_against_the_items() {
        // A total that fits.
        let page = Page::new(vec![1, 2], 10, 2, Total::Known(25));
        assert_eq!((page.total, page.next_offset), (Total::Known(25), Some(12)));
        // The UHub seed: TotalCount 5, nine items on a page of 20: the last page.
        let page = Page::new(vec![0; 9], 0, 20, Total::Known(5));
        assert_eq!((page.total, page.next_offset), (Total::Known(9), None));
        // A total too small on a full page: more may follow.
        let page = Page::new(vec![0; 20], 0, 20, Total::Known(5));
        assert_eq!((page.total, page.next_offset), (Total::Unknown, Some(20)));
        // No total: a short page is the last.
        let page = Page::new(vec![0; 3], 40, 20, Total::Unknown);
        assert_eq!(page.next_offset, None);
        // An empty page is the last, whatever the total says.
        let page = Page::<u8>::new(vec![], 40, 20, Total::Known(100));
        assert_eq!(page.next_offset, None);
    }
}
