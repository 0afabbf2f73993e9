//! Queries behind the supervisor metrics.
