//! Supervisor metrics, calibration and the automation dial.
