//! Twilio's paging, as both of its API generations spell it: `PageSize` (1–1000,
//! default 50) and `Page` (from 0) in the query; the 2010 API answers with relative
//! `next_page_uri`s, the v1 APIs with absolute `meta.next_page_url`s.

use std::collections::HashMap;

/// `PageSize` when none is given (Twilio's default).
pub(crate) const DEFAULT_PAGE_SIZE: usize = 50;
/// The largest `PageSize` Twilio serves.
pub(crate) const MAX_PAGE_SIZE: usize = 1000;

/// One page of a list: which, how big, and the query that names the next ones.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct PageQuery {
    pub page: usize,
    pub page_size: usize,
}

impl PageQuery {
    /// Reads `PageSize` and `Page`, leniently: a missing or unreadable value is the
    /// default, a size out of range is brought into it.
    pub fn read(query: &HashMap<String, String>) -> PageQuery {
        let number = |key: &str| query.get(key).and_then(|v| v.trim().parse::<usize>().ok());
        PageQuery {
            page: number("Page").unwrap_or(0).min(1_000_000),
            page_size: number("PageSize")
                .unwrap_or(DEFAULT_PAGE_SIZE)
                .clamp(1, MAX_PAGE_SIZE),
        }
    }

    /// The items of this page out of `all`.
    pub fn slice<'a, T>(&self, all: &'a [T]) -> &'a [T] {
        let start = self.start().min(all.len());
        let end = (start + self.page_size).min(all.len());
        &all[start..end]
    }

    /// Index of the first item of the page.
    pub fn start(&self) -> usize {
        self.page.saturating_mul(self.page_size)
    }

    /// True when items come after this page.
    pub fn has_next(&self, total: usize) -> bool {
        self.start().saturating_add(self.page_size) < total
    }

    /// The query of page `page` of this size.
    pub fn query_of(&self, page: usize) -> String {
        format!(
            "PageSize={}&Page={page}&PageToken=PA{}",
            self.page_size,
            page.saturating_mul(self.page_size)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(pairs: &[(&str, &str)]) -> PageQuery {
        PageQuery::read(
            &pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
    }

    #[test]
    fn pages_read_leniently_and_slice_in_order() {
        assert_eq!(
            q(&[]),
            PageQuery {
                page: 0,
                page_size: 50
            }
        );
        assert_eq!(q(&[("PageSize", "0")]).page_size, 1);
        assert_eq!(q(&[("PageSize", "5000")]).page_size, 1000);
        assert_eq!(q(&[("PageSize", "x"), ("Page", "-1")]), q(&[]));
        let all: Vec<u32> = (0..5).collect();
        let second = q(&[("PageSize", "2"), ("Page", "1")]);
        assert_eq!(second.slice(&all), &[2, 3]);
        assert!(second.has_next(5));
        let third = q(&[("PageSize", "2"), ("Page", "2")]);
        assert_eq!(third.slice(&all), &[4]);
        assert!(!third.has_next(5));
        assert!(q(&[("Page", "999999")]).slice(&all).is_empty());
        assert_eq!(second.query_of(2), "PageSize=2&Page=2&PageToken=PA4");
    }
}
