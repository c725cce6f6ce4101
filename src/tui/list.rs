//! A filtered, sorted list with a cursor and a scroll window. Filtering and sorting
//! run when the data, the filter or the sort change, never while drawing; drawing
//! reads only the rows in the window.

use std::cmp::Ordering;
use std::collections::HashSet;

/// What a list row must tell the list.
pub trait Row {
    /// Stable id, used to keep the cursor on the same item across reloads.
    fn id(&self) -> &str;
    /// True when the row matches a lowercase filter needle.
    fn matches(&self, needle: &str) -> bool;
    /// Orders two rows by a column.
    fn compare(&self, other: &Self, column: usize) -> Ordering;
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
    view: Vec<usize>,
    selected: usize,
    offset: usize,
    filter: String,
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
            view: Vec::new(),
            selected: 0,
            offset: 0,
            filter: String::new(),
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
        let keep = self.selected_item().map(|i| i.id().to_string());
        self.items = items;
        self.loaded = true;
        self.error = None;
        let ids: HashSet<&str> = self.items.iter().map(Row::id).collect();
        self.marked.retain(|m| ids.contains(m.as_str()));
        self.rebuild(keep.as_deref());
    }

    /// Inserts or replaces one item (after a create or edit) and selects it.
    pub fn upsert(&mut self, item: T) {
        let id = item.id().to_string();
        match self.items.iter().position(|i| i.id() == id) {
            Some(pos) => self.items[pos] = item,
            None => self.items.push(item),
        }
        if !self.filter.is_empty()
            && !self
                .items
                .iter()
                .any(|i| i.id() == id && i.matches(&self.filter))
        {
            self.filter.clear();
        }
        self.rebuild(Some(&id));
    }

    /// Removes one item by id.
    pub fn remove(&mut self, id: &str) {
        let keep = self.selected_item().map(|i| i.id().to_string());
        self.items.retain(|i| i.id() != id);
        self.marked.remove(id);
        self.rebuild(keep.as_deref());
    }

    /// Sets the filter text (matched case-insensitively) and re-filters.
    pub fn set_filter(&mut self, filter: &str) {
        let keep = self.selected_item().map(|i| i.id().to_string());
        self.filter = filter.to_lowercase();
        self.rebuild(keep.as_deref());
    }

    /// The current filter.
    pub fn filter(&self) -> &str {
        &self.filter
    }

    /// Sorts by a column; the same column again flips the order.
    pub fn sort_by(&mut self, column: usize) {
        let keep = self.selected_item().map(|i| i.id().to_string());
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
        self.rebuild(keep.as_deref());
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

    fn rebuild(&mut self, keep: Option<&str>) {
        let needle = &self.filter;
        self.view = (0..self.items.len())
            .filter(|&i| needle.is_empty() || self.items[i].matches(needle))
            .collect();
        if let Some(s) = self.sort {
            let items = &self.items;
            self.view.sort_by(|&a, &b| {
                let o = items[a].compare(&items[b], s.column);
                if s.descending { o.reverse() } else { o }
            });
        }
        self.selected = keep
            .and_then(|id| self.view.iter().position(|&i| self.items[i].id() == id))
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
        self.view.get(self.selected).map(|&i| &self.items[i])
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
                .map(|&i| &self.items[i])
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
        fn matches(&self, needle: &str) -> bool {
            self.0.contains(needle)
        }
        fn compare(&self, other: &Self, _: usize) -> Ordering {
            self.1.cmp(&other.1)
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
}
