//! The supervisor view: metrics, calibration, the automation dial.

use actix_web::web;

/// Registers the supervisor pages.
pub fn routes(_cfg: &mut web::ServiceConfig) {}
