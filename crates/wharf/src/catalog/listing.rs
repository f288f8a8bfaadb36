//! Stream plumbing the catalogs share: list options over a whole listing,
//! and a listing that finds nothing checked for a missing namespace.

use std::future::{Future, ready};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use futures::stream::{self, BoxStream, StreamExt};

use crate::{Error, ListOptions};

/// A listing of one item, `error`.
// Only the SWR catalogs refuse a reference before a request.
#[cfg_attr(not(feature = "swr"), allow(dead_code))]
pub(crate) fn failed<T: Send + 'static>(error: Error) -> BoxStream<'static, Result<T, Error>> {
    stream::once(ready(Err(error))).boxed()
}

/// The options of a listing that must see every item, such as a scan for one
/// name: the page size and concurrency of `options`, from the start, to the
/// end.
pub(crate) fn whole(options: &ListOptions) -> ListOptions {
    let mut whole = options.clone();
    whole.start_offset = 0;
    whole.max_items = None;
    whole
}

/// The options of each listing that [`window`] joins: from the start, and
/// no further than the window could reach in any one of them.
// Only the UHub catalog joins listings.
#[cfg_attr(not(feature = "uhub"), allow(dead_code))]
pub(crate) fn part(options: &ListOptions) -> ListOptions {
    let mut part = whole(options);
    part.max_items = options
        .max_items
        .map(|max| max.saturating_add(options.start_offset));
    part
}

/// `start_offset` and `max_items` of `options` over a listing that is not
/// one paginator (several joined, or one unpaged response). Only items
/// count: an error is never skipped, and ends the listing.
pub(crate) fn window<T: Send + 'static>(
    items: BoxStream<'static, Result<T, Error>>,
    options: &ListOptions,
) -> BoxStream<'static, Result<T, Error>> {
    let skip = options.start_offset;
    let take = options.max_items.unwrap_or(u64::MAX);
    items
        .scan((skip, take, false), |(skip, take, failed), item| {
            let next = match item {
                _ if *failed || *take == 0 => None,
                Err(e) => {
                    *failed = true;
                    Some(Some(Err(e)))
                }
                Ok(_) if *skip > 0 => {
                    *skip -= 1;
                    Some(None)
                }
                Ok(item) => {
                    *take -= 1;
                    Some(Some(Ok(item)))
                }
            };
            ready(next)
        })
        .filter_map(ready)
        .boxed()
}

/// `items` up to and including the first error: a listing ends there.
// Only the official catalog makes errors of its own mid-listing.
#[cfg_attr(not(feature = "swr"), allow(dead_code))]
pub(crate) fn until_error<T: Send + 'static>(
    items: BoxStream<'static, Result<T, Error>>,
) -> BoxStream<'static, Result<T, Error>> {
    window(items, &ListOptions::default())
}

/// `items`, and when they end without a single one, the outcome of `check`:
/// so a namespace that does not exist is told from an empty one with one
/// more request, and only then.
// UHub tells a missing repo itself.
#[cfg_attr(not(feature = "swr"), allow(dead_code))]
pub(crate) fn or_missing<T, F>(
    items: BoxStream<'static, Result<T, Error>>,
    check: F,
) -> BoxStream<'static, Result<T, Error>>
where
    T: Send + 'static,
    F: Future<Output = Result<(), Error>> + Send + 'static,
{
    let seen = Arc::new(AtomicBool::new(false));
    let mark = Arc::clone(&seen);
    let items = items.inspect(move |_| mark.store(true, Ordering::Relaxed));
    let tail = stream::once(async move {
        if seen.load(Ordering::Relaxed) {
            None
        } else {
            check.await.err()
        }
    })
    .filter_map(ready)
    .map(Err);
    items.chain(tail).boxed()
}

#[cfg(test)]
mod tests {
    use futures::TryStreamExt;

    use super::*;
    use crate::ErrorKind;

    fn numbers(n: u32) -> BoxStream<'static, Result<u32, Error>> {
        stream::iter((0..n).map(Ok)).boxed()
    }

    #[tokio::test]
    async fn a_window_skips_and_stops() {
        let options = ListOptions {
            start_offset: 2,
            max_items: Some(3),
            ..ListOptions::default()
        };
        let got: Vec<u32> = window(numbers(10), &options).try_collect().await.unwrap();
        assert_eq!(got, [2, 3, 4]);
        assert_eq!(part(&options).max_items, Some(5));
        assert_eq!(part(&options).start_offset, 0);
        assert_eq!(whole(&options).max_items, None);
    }

    #[tokio::test]
    async fn a_window_never_skips_an_error_and_ends_at_it() {
        let options = ListOptions {
            start_offset: 5,
            ..ListOptions::default()
        };
        let failing = stream::iter([
            Ok(1),
            Err(Error::new(ErrorKind::Unauthorized, "bad key")),
            Ok(2),
        ])
        .boxed();
        let got: Vec<Result<u32, Error>> = window(failing, &options).collect().await;
        assert_eq!(got.len(), 1);
        assert!(
            got[0]
                .as_ref()
                .is_err_and(|e| e.kind() == ErrorKind::Unauthorized)
        );
    }

    #[tokio::test]
    async fn the_check_runs_only_on_an_empty_listing() {
        let missing = || async { Err(Error::new(ErrorKind::NotFound, "no such namespace")) };
        let got: Vec<u32> = or_missing(numbers(2), missing())
            .try_collect()
            .await
            .unwrap();
        assert_eq!(got, [0, 1]);
        let e = or_missing(numbers(0), missing())
            .try_collect::<Vec<u32>>()
            .await
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::NotFound);
        let got: Vec<u32> = or_missing(numbers(0), async { Ok(()) })
            .try_collect()
            .await
            .unwrap();
        assert!(got.is_empty());
    }
}
