//! The process's memory against the C allocator (glibc on Linux): fewer malloc arenas and
//! freed memory handed back to the system between phases, so a run's peak resident memory
//! is what the next phase needs rather than what earlier phases left fragmented. Elsewhere
//! these do nothing.
//!
//! Measured on the 1M-person community (`benches/README.md`): `hmis run` peaks at 5.9 GB with
//! glibc's defaults (one arena per thread that ever allocated, freed pages kept) and lower
//! with two arenas and a trim after each phase.

#[cfg(all(target_os = "linux", target_env = "gnu"))]
mod imp {
    unsafe extern "C" {
        fn mallopt(param: i32, value: i32) -> i32;
        fn malloc_trim(pad: usize) -> i32;
    }
    /// glibc's `M_ARENA_MAX`, `M_MMAP_THRESHOLD` and `M_TRIM_THRESHOLD`.
    const M_ARENA_MAX: i32 = -8;
    const M_MMAP_THRESHOLD: i32 = -3;
    const M_TRIM_THRESHOLD: i32 = -1;

    pub fn limit_arenas(n: i32) {
        // SAFETY: mallopt only sets allocator parameters; called before threads start.
        unsafe {
            mallopt(M_ARENA_MAX, n);
            // Blocks up to 32 MiB (glibc's largest) come from the heaps and are reused when
            // freed, rather than mapped and unmapped each time (every page of a new mapping
            // is a page fault); freed memory goes back to the system only when [`trim`]
            // says so, between phases.
            mallopt(M_MMAP_THRESHOLD, 32 << 20);
            mallopt(M_TRIM_THRESHOLD, i32::MAX);
        }
    }

    pub fn trim() {
        // SAFETY: malloc_trim releases free memory at the top of the heaps; it is
        // thread-safe and has no effect on live allocations.
        unsafe {
            malloc_trim(0);
        }
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
mod imp {
    pub fn limit_arenas(_n: i32) {}
    pub fn trim() {}
}

/// At most `n` malloc arenas (call first thing in `main`, before any thread starts).
pub fn limit_arenas(n: i32) {
    imp::limit_arenas(n)
}

/// Hands freed memory back to the system (between phases).
pub fn trim() {
    imp::trim()
}

/// Leaves `value` to the system instead of freeing it: for a command's loaded data once its
/// output is written, right before the process exits. Freeing the millions of allocations
/// of a large community one by one took about half a second of a single thread at 1M
/// persons; the system takes back the whole address space at once. Only for what holds
/// memory and nothing else (no files, locks or buffered output).
pub fn leave_to_exit<T>(value: T) {
    std::mem::forget(value);
}
