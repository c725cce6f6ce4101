//! A filtered, sorted list with a cursor and a scroll window. Filtering and sorting
//! run when the data, the filter or the sort change, never while drawing; drawing
//! reads only the rows in the window.
//!
//! For long lists (100,000 rows) the sort keys of the sorted column are kept: a
//! filter keystroke is a case-insensitive substring search per row (in text the row
//! holds, see [`Needle`]), one that extends the filter searches only the rows that
//! matched before, a sort compares byte strings, and rows that arrive later
//! ([`ItemList::append`]) are merged in without re-sorting the rest. Row positions
//! are `u32`, half the size of `usize`, per row and per index list.

use crate::domain::needle::Needle;
use crate::tui::app::sort_key::{Key, SortKey};
use std::cmp::Ordering;
use std::collections::HashSet;

/// What a list row must tell the list.
pub trait Row {
    /// Stable id, used to keep the cursor on the same item across reloads.
    fn id(&self) -> &str;
    /// True when the filter matches one of the row's searched fields. Fields may be
    /// searched joined by `\n`: a filter never holds one, so no match spans two.
    fn matches(&self, needle: &Needle) -> bool;
    /// The row's key for sorting by `column`, built on `key` (an empty builder whose
    /// buffer is reused from row to row); ties are broken by id.
    fn sort_key(&self, column: usize, key: SortKey) -> SortKey;
}

/// Sort order of a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sort {
    /// Column index.
    pub column: usize,
    /// Reverse order.
    pub descending: bool,
}

/// Items, the filtered/sorted view of them, the cursor and marks.
#[derive(Debug, Clone)]
pub struct ItemList<T> {
    items: Vec<T>,
    /// The sorted column and each item's key for it, by item index.
    keys: Option<(usize, Vec<Key>)>,
    /// Every item index, in the current order: a filter is a pass over it.
    order: Vec<u32>,
    /// The indices that pass the filter, in order.
    view: Vec<u32>,
    selected: usize,
    offset: usize,
    filter: Needle,
    sort: Option<Sort>,
    marked: HashSet<String>,
    /// True once a first load arrived.
    pub loaded: bool,
    /// The last load error, shown in place of the table.
    pub error: Option<String>,
}

impl<T> Default for ItemList<T> {
    fn default() -> Self {
        ItemList {
            items: Vec::new(),
            keys: None,
            order: Vec::new(),
            view: Vec::new(),
            selected: 0,
            offset: 0,
            filter: Needle::default(),
            sort: None,
            marked: HashSet::new(),
            loaded: false,
            error: None,
        }
    }
}

impl<T: Row> ItemList<T> {
    /// Replaces the items, keeping the cursor on the same id when it still exists.
    pub fn set_items(&mut self, items: Vec<T>) {
        let keep = self.cursor_id();
        self.items = items;
        self.keys = None;
        self.loaded = true;
        self.error = None;
        let ids: HashSet<&str> = self.items.iter().map(Row::id).collect();
        self.marked.retain(|m| ids.contains(m.as_str()));
        self.rebuild(keep.as_deref());
    }

    /// Adds rows that arrived later (the next page of a list being loaded): those
    /// that pass the filter are merged into place, the cursor stays on its item.
    pub fn append(&mut self, items: Vec<T>) {
        let keep = self.cursor_id();
        let first = self.items.len();
        if let Some((column, keys)) = &mut self.keys {
            keys.extend(keys_of(&items, *column));
        }
        self.items.extend(items);
        self.loaded = true;
        let mut added: Vec<u32> = (index(first)..index(self.items.len())).collect();
        if self.sort.is_some() {
            self.ensure_keys();
            self.sort_indices(&mut added);
        }
        let shown: Vec<u32> = added
            .iter()
            .copied()
            .filter(|&i| self.items[i as usize].matches(&self.filter))
            .collect();
        let order = std::mem::take(&mut self.order);
        self.order = self.merge(order, added);
        let view = std::mem::take(&mut self.view);
        self.view = self.merge(view, shown);
        self.reselect(keep.as_deref());
    }

    /// Frees the room kept for more rows, once a list has all its pages.
    pub fn shrink_to_fit(&mut self) {
        self.items.shrink_to_fit();
        if let Some((_, keys)) = &mut self.keys {
            keys.shrink_to_fit();
        }
        self.order.shrink_to_fit();
        self.view.shrink_to_fit();
    }

    /// Inserts or replaces one item (after a create or edit) and selects it.
    pub fn upsert(&mut self, item: T) {
        let id = item.id().to_string();
        // A filter that would hide the item just saved is cleared.
        if !item.matches(&self.filter) {
            self.filter = Needle::default();
        }
        match self.items.iter().position(|i| i.id() == id) {
            Some(pos) => self.items[pos] = item,
            None => self.items.push(item),
        }
        self.keys = None;
        self.rebuild(Some(&id));
    }

    /// Removes one item by id.
    pub fn remove(&mut self, id: &str) {
        let keep = self.cursor_id();
        if let Some(pos) = self.items.iter().position(|i| i.id() == id) {
            self.items.remove(pos);
        }
        self.keys = None;
        self.marked.remove(id);
        self.rebuild(keep.as_deref());
    }

    /// Sets the filter text (matched case-insensitively) and re-filters. A filter
    /// that extends the previous one searches only the rows that matched it, in
    /// their order.
    pub fn set_filter(&mut self, filter: &str) {
        let keep = self.cursor_id();
        let filter = Needle::new(filter);
        let narrowing = filter.as_str().starts_with(self.filter.as_str());
        self.filter = filter;
        if narrowing {
            let (items, needle) = (&self.items, &self.filter);
            self.view.retain(|&i| items[i as usize].matches(needle));
            self.reselect(keep.as_deref());
        } else {
            self.refilter(keep.as_deref());
        }
    }

    /// The current filter.
    pub fn filter(&self) -> &str {
        self.filter.as_str()
    }

    /// Sorts by a column; the same column again flips the order.
    pub fn sort_by(&mut self, column: usize) {
        let keep = self.cursor_id();
        let flip = matches!(self.sort, Some(s) if s.column == column);
        self.sort = Some(match self.sort {
            Some(s) if s.column == column => Sort {
                column,
                descending: !s.descending,
            },
            _ => Sort {
                column,
                descending: false,
            },
        });
        if flip {
            // The same keys in the other direction: every order reversed.
            self.order.reverse();
            self.view.reverse();
            self.reselect(keep.as_deref());
        } else {
            self.reorder();
            self.refilter(keep.as_deref());
        }
    }

    /// The current sort.
    pub fn sort(&self) -> Option<Sort> {
        self.sort
    }

    /// Sets a default order used until the user picks a column.
    pub fn set_default_sort(&mut self, sort: Sort) {
        if self.sort.is_none() {
            self.sort = Some(sort);
            self.rebuild(None);
        }
    }

    /// The id under the cursor, to keep the cursor on across a change.
    fn cursor_id(&self) -> Option<String> {
        self.selected_item().map(|i| i.id().to_string())
    }

    /// Computes the sort keys of the sorted column, unless they are there.
    fn ensure_keys(&mut self) {
        let Some(sort) = self.sort else { return };
        if self.keys.as_ref().is_some_and(|(c, _)| *c == sort.column) {
            return;
        }
        self.keys = Some((sort.column, keys_of(&self.items, sort.column)));
    }

    /// How two items compare in the current sort (keys present).
    fn order(&self, a: u32, b: u32) -> Ordering {
        let (Some(sort), Some((_, keys))) = (self.sort, &self.keys) else {
            return Ordering::Equal;
        };
        let (a, b) = (a as usize, b as usize);
        let o = keys[a]
            .cmp(&keys[b])
            .then_with(|| self.items[a].id().cmp(self.items[b].id()));
        if sort.descending { o.reverse() } else { o }
    }

    fn sort_indices(&self, indices: &mut [u32]) {
        let Some((_, keys)) = &self.keys else { return };
        // Sorting (first 16 key bytes, index) pairs keeps most comparisons in one
        // cache line; ties look at the rest of the keys and the ids.
        let mut pairs: Vec<(u128, u32)> = indices
            .iter()
            .map(|&i| (keys[i as usize].head(), i))
            .collect();
        let descending = self.sort.is_some_and(|s| s.descending);
        pairs.sort_unstable_by(|a, b| match a.0.cmp(&b.0) {
            Ordering::Equal => self.order(a.1, b.1),
            o if descending => o.reverse(),
            o => o,
        });
        for (slot, (_, i)) in indices.iter_mut().zip(pairs) {
            *slot = i;
        }
    }

    /// Two ordered index lists as one (added ones after old ones when unsorted).
    fn merge(&self, old: Vec<u32>, added: Vec<u32>) -> Vec<u32> {
        if self.sort.is_none() {
            return [old, added].concat();
        }
        let mut out = Vec::with_capacity(old.len() + added.len());
        let (mut a, mut b) = (old.into_iter().peekable(), added.into_iter().peekable());
        while let (Some(&x), Some(&y)) = (a.peek(), b.peek()) {
            if self.order(y, x) == Ordering::Less {
                out.push(y);
                b.next();
            } else {
                out.push(x);
                a.next();
            }
        }
        out.extend(a);
        out.extend(b);
        out
    }

    /// The order and the view from scratch (after the items changed).
    fn rebuild(&mut self, keep: Option<&str>) {
        self.reorder();
        self.refilter(keep);
    }

    /// Every item in the current order.
    fn reorder(&mut self) {
        let mut order: Vec<u32> = (0..index(self.items.len())).collect();
        if self.sort.is_some() {
            self.ensure_keys();
            self.sort_indices(&mut order);
        }
        self.order = order;
    }

    /// The view: one pass of the filter over the order.
    fn refilter(&mut self, keep: Option<&str>) {
        let (items, needle) = (&self.items, &self.filter);
        self.view = if needle.is_empty() {
            self.order.clone()
        } else {
            self.order
                .iter()
                .copied()
                .filter(|&i| items[i as usize].matches(needle))
                .collect()
        };
        self.reselect(keep);
    }

    /// Puts the cursor back on the item `keep`, else keeps its position in range.
    fn reselect(&mut self, keep: Option<&str>) {
        self.selected = keep
            .and_then(|id| {
                self.view
                    .iter()
                    .position(|&i| self.items[i as usize].id() == id)
            })
            .unwrap_or_else(|| self.selected.min(self.view.len().saturating_sub(1)));
    }

    /// All items, unfiltered.
    pub fn items(&self) -> &[T] {
        &self.items
    }

    /// Rows that pass the filter.
    pub fn len(&self) -> usize {
        self.view.len()
    }

    /// True when no row passes the filter.
    pub fn is_empty(&self) -> bool {
        self.view.is_empty()
    }

    /// The row under the cursor.
    pub fn selected_item(&self) -> Option<&T> {
        self.view
            .get(self.selected)
            .map(|&i| &self.items[i as usize])
    }

    /// Cursor position within the filtered rows.
    pub fn selected_index(&self) -> usize {
        self.selected
    }

    /// Moves the cursor by `delta` rows, clamped.
    pub fn move_by(&mut self, delta: isize) {
        if self.view.is_empty() {
            return;
        }
        let last = self.view.len() as isize - 1;
        self.selected = (self.selected as isize + delta).clamp(0, last) as usize;
    }

    /// Moves to the first row.
    pub fn first(&mut self) {
        self.selected = 0;
    }

    /// Moves to the last row.
    pub fn last(&mut self) {
        self.selected = self.view.len().saturating_sub(1);
    }

    /// Scrolls just enough to keep the cursor inside a window of `height` rows.
    pub fn scroll(&mut self, height: usize) {
        let height = height.max(1);
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if self.selected >= self.offset + height {
            self.offset = self.selected + 1 - height;
        }
        self.offset = self.offset.min(self.view.len().saturating_sub(height));
    }

    /// The rows of the current window of `height` (call [`ItemList::scroll`] first):
    /// the first row's index and the rows. Costs `height`, not the list length.
    pub fn visible(&self, height: usize) -> (usize, Vec<&T>) {
        let start = self.offset.min(self.view.len());
        let end = (start + height.max(1)).min(self.view.len());
        (
            start,
            self.view[start..end]
                .iter()
                .map(|&i| &self.items[i as usize])
                .collect(),
        )
    }

    /// Marks or unmarks the row under the cursor.
    pub fn toggle_mark(&mut self) {
        if let Some(id) = self.selected_item().map(|i| i.id().to_string())
            && !self.marked.remove(&id)
        {
            self.marked.insert(id);
        }
    }

    /// True when the item is marked.
    pub fn is_marked(&self, id: &str) -> bool {
        self.marked.contains(id)
    }

    /// Ids of marked items.
    pub fn marked_ids(&self) -> Vec<String> {
        self.items
            .iter()
            .filter(|i| self.marked.contains(i.id()))
            .map(|i| i.id().to_string())
            .collect()
    }

    /// Clears every mark.
    pub fn clear_marks(&mut self) {
        self.marked.clear();
    }
}

/// An item's position as the index lists hold it (a list never nears 4 billion rows).
fn index(position: usize) -> u32 {
    u32::try_from(position).unwrap_or(u32::MAX)
}

/// Each item's key for sorting by `column`, one buffer reused for all.
fn keys_of<T: Row>(items: &[T], column: usize) -> Vec<Key> {
    let mut buf = SortKey::new();
    items
        .iter()
        .map(|i| {
            buf = i.sort_key(column, std::mem::take(&mut buf).cleared());
            buf.key()
        })
        .collect()
}

/// What key handling needs of whichever list the current tab shows, whatever its
/// item type.
pub trait Cursor {
    /// Moves by `delta` rows, clamped.
    fn move_by(&mut self, delta: isize);
    /// To the first row.
    fn first(&mut self);
    /// To the last row.
    fn last(&mut self);
    /// The filter text.
    fn filter(&self) -> &str;
    /// Sets the filter text.
    fn set_filter(&mut self, filter: &str);
    /// Rows passing the filter.
    fn visible_rows(&self) -> usize;
    /// The id of the row under the cursor.
    fn selected_id(&self) -> Option<&str>;
    /// The current sort.
    fn sort(&self) -> Option<Sort>;
    /// Sorts by a column; the same column again flips the order.
    fn sort_by(&mut self, column: usize);
}

impl<T: Row> Cursor for ItemList<T> {
    fn move_by(&mut self, delta: isize) {
        ItemList::move_by(self, delta)
    }
    fn first(&mut self) {
        ItemList::first(self)
    }
    fn last(&mut self) {
        ItemList::last(self)
    }
    fn filter(&self) -> &str {
        ItemList::filter(self)
    }
    fn set_filter(&mut self, filter: &str) {
        ItemList::set_filter(self, filter)
    }
    fn visible_rows(&self) -> usize {
        ItemList::len(self)
    }
    fn selected_id(&self) -> Option<&str> {
        self.selected_item().map(Row::id)
    }
    fn sort(&self) -> Option<Sort> {
        ItemList::sort(self)
    }
    fn sort_by(&mut self, column: usize) {
        ItemList::sort_by(self, column)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Clone)]
    struct Item(String, u32);

    impl Row for Item {
        fn id(&self) -> &str {
            &self.0
        }
        fn matches(&self, needle: &Needle) -> bool {
            needle.is_in(&self.0)
        }
        fn sort_key(&self, _: usize, key: SortKey) -> SortKey {
            key.number(u64::from(self.1))
        }
    }

    fn list(n: u32) -> ItemList<Item> {
        let mut l = ItemList::default();
        l.set_items((0..n).map(|i| Item(format!("item-{i}"), n - i)).collect());
        l
    }

    #[test]
    fn reload_keeps_the_cursor_on_the_same_item() {
        let mut l = list(10);
        l.move_by(3);
        assert_eq!(l.selected_item().unwrap().0, "item-3");
        let mut items = l.items().to_vec();
        items.insert(0, Item("new".into(), 99));
        l.set_items(items);
        assert_eq!(l.selected_item().unwrap().0, "item-3");
    }

    #[test]
    fn filter_and_sort() {
        let mut l = list(20);
        l.set_filter("ITEM-1");
        assert_eq!(l.len(), 11);
        l.sort_by(0);
        assert_eq!(l.visible(3).1[0].0, "item-19");
        l.sort_by(0);
        assert_eq!(l.visible(3).1[0].0, "item-1");
    }

    #[test]
    fn window_follows_the_cursor_and_builds_only_visible_rows() {
        let mut l = list(10_000);
        l.last();
        l.scroll(20);
        let (offset, rows) = l.visible(20);
        assert_eq!((offset, rows.len()), (9_980, 20));
        l.first();
        l.scroll(20);
        assert_eq!(l.visible(20).0, 0);
    }

    #[test]
    fn marks_survive_reload_only_for_existing_items() {
        let mut l = list(3);
        l.toggle_mark();
        assert_eq!(l.marked_ids(), ["item-0"]);
        l.set_items(vec![Item("other".into(), 1)]);
        assert!(l.marked_ids().is_empty());
    }

    #[test]
    fn appended_rows_merge_into_the_sort_and_filter_and_the_cursor_stays() {
        let mut l: ItemList<Item> = ItemList::default();
        l.sort_by(0);
        l.set_items((0..10).map(|i| Item(format!("item-{i}"), i * 10)).collect());
        l.move_by(4);
        assert_eq!(l.selected_item().unwrap().0, "item-4");
        l.set_filter("item-");
        // A later page: values between the earlier ones, one filtered out.
        l.append(vec![
            Item("item-a".into(), 5),
            Item("other".into(), 1),
            Item("item-b".into(), 95),
        ]);
        assert_eq!(
            l.selected_item().unwrap().0,
            "item-4",
            "the cursor kept its item"
        );
        let shown: Vec<&str> = l.visible(20).1.iter().map(|i| i.0.as_str()).collect();
        assert_eq!(
            shown,
            [
                "item-0", "item-a", "item-1", "item-2", "item-3", "item-4", "item-5", "item-6",
                "item-7", "item-8", "item-9", "item-b"
            ]
        );
        assert_eq!(l.items().len(), 13);
        // The filtered-out row comes back when the filter is cleared, in its place.
        l.set_filter("");
        assert_eq!(l.visible(2).1[0].0, "item-0");
        assert_eq!(l.visible(2).1[1].0, "other");
        // Reversed: the same rows, the other way round.
        l.sort_by(0);
        assert_eq!(l.visible(1).1[0].0, "item-b");
        assert_eq!(l.selected_item().unwrap().0, "item-4");
    }

    #[test]
    fn a_narrowing_filter_searches_the_previous_matches_and_a_wider_one_all() {
        let mut l = list(200);
        l.set_filter("item-1");
        assert_eq!(l.len(), 111);
        l.set_filter("item-19");
        assert_eq!(l.len(), 11);
        l.set_filter("ITEM-199");
        assert_eq!(l.len(), 1);
        l.set_filter("item-2");
        assert_eq!(l.len(), 11, "a different needle searches every row");
        l.set_filter("");
        assert_eq!(l.len(), 200);
    }
}
