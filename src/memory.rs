//! Handing freed memory back to the system after a long list was loaded: decoding
//! 100 pages of JSON on several threads leaves most of glibc's heaps free but
//! still resident, which would count against the UI for as long as it runs.

/// Returns the free pages of every malloc heap to the system (glibc's
/// `malloc_trim`); elsewhere it does nothing.
pub fn return_freed() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only releases memory malloc holds free; it touches no
    // memory in use and may be called at any time from any thread.
    unsafe {
        libc::malloc_trim(0);
    }
}
