//! Handing freed memory back to the system after a long list was loaded: decoding
//! 100 pages of JSON on several threads leaves most of glibc's heaps free but
//! still resident, which would count against the UI for as long as it runs; and a
//! sort or filter of 100,000 rows allocates and frees megabytes at a time.

/// Returns the free pages of every malloc heap to the system (glibc's
/// `malloc_trim`); elsewhere it does nothing.
pub fn return_freed() {
    #[cfg(unix)]
    telcreds_core::sys::return_freed_memory();
}

/// Makes every allocation of 128 KiB or more a mapping of its own, returned to the
/// system when freed. glibc raises this threshold after the first such free, so
/// the next big buffers (a sort's pairs, a filter's matches, a page of JSON) would
/// stay resident after use. Elsewhere it does nothing.
pub fn return_large_blocks_on_free() {
    #[cfg(unix)]
    telcreds_core::sys::return_large_blocks_on_free();
}
