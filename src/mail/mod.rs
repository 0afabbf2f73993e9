//! Email: parsing what comes in, composing and delivering what goes out.

pub mod compose;
pub mod html;
pub mod markdown;
pub mod parse;
pub mod transport;
