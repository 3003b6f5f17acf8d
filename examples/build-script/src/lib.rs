//! Example (work in progress).
