//! The dwdi generator as a proc-macro (work in progress).
