//! Dasha's skip/take paging: the first page, then the rest fetched concurrently and
//! handed over in order as they arrive, within the list budget.
//!
//! Up to [`PAGE_CONCURRENCY`] requests are in flight; a slow page does not stop the
//! next ones from starting (pages that arrive early wait, at most [`PAGE_WINDOW`]
//! pages ahead of the one being handed over).

use super::DashaClient;
use super::wire::Page;
use crate::api::error::ApiError;
use crate::api::http::{Answer, ListBudget, decode};
use futures_util::StreamExt;
use futures_util::stream::FuturesUnordered;
use reqwest::Method;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Largest page the platform serves.
pub const MAX_TAKE: u32 = 1000;
/// Requests in flight after the first page.
const PAGE_CONCURRENCY: usize = 4;
/// How far ahead of the page being handed over a request may start.
const PAGE_WINDOW: u64 = 16;
/// Most pages one list fetches (a million items at the largest page size); a larger
/// `totalCount` is refused rather than trusted.
pub const MAX_PAGES: u64 = 1000;

/// One page of a list, handed over in order.
#[derive(Debug, Clone, PartialEq)]
pub struct ListPage<T> {
    /// Its items.
    pub items: Vec<T>,
    /// Items handed over so far, these included.
    pub loaded: usize,
    /// What the platform says the whole list holds, when it says.
    pub total: Option<u64>,
}

impl DashaClient {
    /// One page, and the size of its answer.
    async fn page<T: for<'de> Deserialize<'de>>(
        &self,
        path: &str,
        filter: &[(&str, String)],
        skip: u64,
    ) -> Result<(Page<T>, Answer), ApiError> {
        let mut query = filter.to_vec();
        query.push(("skip", skip.to_string()));
        query.push(("take", MAX_TAKE.to_string()));
        let a = self.call(Method::GET, path, &query, None).await?;
        Ok((decode::<Page<T>>(&a)?, a))
    }

    /// Every item of a paged list, within the list budget ([`ListBudget`]).
    pub(super) async fn all_pages<T: for<'de> Deserialize<'de>>(
        &self,
        what: &'static str,
        path: &str,
        filter: &[(&str, String)],
    ) -> Result<Vec<T>, ApiError> {
        let mut all = Vec::new();
        self.each_page(what, path, filter, |page: ListPage<T>| {
            all.extend(page.items)
        })
        .await?;
        Ok(all)
    }

    /// Hands every page of a paged list to `on_page`, in order, as it arrives, within
    /// the list budget. On an error the pages handed over so far stay handed over.
    pub(super) async fn each_page<T: for<'de> Deserialize<'de>>(
        &self,
        what: &'static str,
        path: &str,
        filter: &[(&str, String)],
        mut on_page: impl FnMut(ListPage<T>),
    ) -> Result<(), ApiError> {
        let mut budget = ListBudget::start(&self.http, what);
        let time_left = budget.time_left();
        let pages = AtomicUsize::new(0);
        let fetch = async {
            let (first, answer) = self.page::<T>(path, filter, 0).await?;
            pages.store(1, Ordering::Relaxed);
            budget.take(&answer, 1)?;
            drop(answer);
            self.rest_of_pages(path, filter, first, &mut budget, &pages, &mut on_page)
                .await
        };
        let result = tokio::time::timeout(time_left, fetch).await;
        result.unwrap_or_else(|_| Err(budget.out_of_time(pages.load(Ordering::Relaxed))))
    }

    /// Hands over `first`, then the pages after it. `totalCount` is not trusted: at
    /// most [`MAX_PAGES`] pages are fetched (a larger count is an error), and
    /// fetching stops at the first empty page.
    async fn rest_of_pages<T: for<'de> Deserialize<'de>>(
        &self,
        path: &str,
        filter: &[(&str, String)],
        first: Page<T>,
        budget: &mut ListBudget,
        read: &AtomicUsize,
        on_page: &mut impl FnMut(ListPage<T>),
    ) -> Result<(), ApiError> {
        let (items, total) = match first {
            Page::Bare(items) => (items, None),
            Page::Paged { items, total_count } => (items, Some(total_count)),
        };
        let got = items.len() as u64;
        let mut loaded = items.len();
        on_page(ListPage {
            items,
            loaded,
            total,
        });
        let Some(total) = total.filter(|&t| got > 0 && t > got) else {
            return Ok(());
        };
        let pages = total.div_ceil(got);
        if pages > MAX_PAGES {
            return Err(ApiError::Decode {
                status: 200,
                excerpt: format!(
                    "the platform reported {total} items in pages of {got}; refusing to fetch more than {MAX_PAGES} pages"
                ),
            });
        }
        let fetch = |i: u64| async move { (i, self.page::<T>(path, filter, i * got).await) };
        let mut in_flight = FuturesUnordered::new();
        let mut arrived: BTreeMap<u64, Vec<T>> = BTreeMap::new();
        let (mut next_start, mut next_out) = (1u64, 1u64);
        loop {
            while in_flight.len() < PAGE_CONCURRENCY
                && next_start < pages
                && next_start < next_out + PAGE_WINDOW
            {
                in_flight.push(fetch(next_start));
                next_start += 1;
            }
            let Some((i, page)) = in_flight.next().await else {
                return Ok(());
            };
            let (page, answer) = page?;
            let count = read.fetch_add(1, Ordering::Relaxed) + 1;
            budget.take(&answer, count)?;
            drop(answer);
            arrived.insert(i, page.into_items());
            while let Some(items) = arrived.remove(&next_out) {
                if items.is_empty() {
                    // The list ended early: what is still in flight is not needed.
                    return Ok(());
                }
                loaded += items.len();
                on_page(ListPage {
                    items,
                    loaded,
                    total: Some(total),
                });
                next_out += 1;
            }
        }
    }
}
