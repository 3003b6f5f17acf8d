//! Alibaba Cloud RPC runtime (work in progress).
