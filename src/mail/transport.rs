//! Delivery: `.eml` files in a folder (the zero set-up default) or SMTP.

use std::path::PathBuf;
use std::time::Duration;

use lettre::address::Envelope;
use lettre::{SmtpTransport, Transport as _};

#[derive(Debug, thiserror::Error)]
pub enum DeliveryError {
    /// Worth retrying: the server is down, a timeout, a 4xx reply.
    #[error("temporary delivery failure: {0}")]
    Temporary(String),
    /// Retrying will not help: the address was refused (5xx), the message is invalid.
    #[error("permanent delivery failure: {0}")]
    Permanent(String),
}

pub enum Transport {
    Files(PathBuf),
    Smtp(Box<SmtpTransport>),
}

impl Transport {
    pub fn files(dir: PathBuf) -> Transport {
        Transport::Files(dir)
    }

    /// `smtp://host:port` (plain, STARTTLS if offered is not required) or `smtps://user:pass@host`.
    pub fn smtp(url: &str) -> Result<Transport, DeliveryError> {
        let t = SmtpTransport::from_url(url)
            .map_err(|e| DeliveryError::Permanent(format!("bad TANDEM_SMTP_URL: {e}")))?
            .timeout(Some(Duration::from_secs(15)))
            .build();
        Ok(Transport::Smtp(Box::new(t)))
    }

    pub fn describe(&self) -> String {
        match self {
            Transport::Files(dir) => format!(".eml files in {}", dir.display()),
            Transport::Smtp(_) => "SMTP".into(),
        }
    }

    /// Delivers `payload`. `name` identifies the message: a file transport writes
    /// `name.eml` atomically, so delivering the same message again replaces it
    /// instead of adding a second copy.
    pub fn deliver(
        &self,
        from: &str,
        to: &str,
        payload: &[u8],
        name: &str,
    ) -> Result<(), DeliveryError> {
        match self {
            Transport::Files(dir) => {
                std::fs::create_dir_all(dir)
                    .map_err(|e| DeliveryError::Temporary(format!("{}: {e}", dir.display())))?;
                let tmp = dir.join(format!(".{name}.eml.tmp"));
                let target = dir.join(format!("{name}.eml"));
                std::fs::write(&tmp, payload)
                    .and_then(|_| std::fs::rename(&tmp, &target))
                    .map_err(|e| DeliveryError::Temporary(format!("{}: {e}", target.display())))
            }
            Transport::Smtp(smtp) => {
                let envelope = Envelope::new(
                    Some(
                        from.parse()
                            .map_err(|e| DeliveryError::Permanent(format!("from {from:?}: {e}")))?,
                    ),
                    vec![
                        to.parse()
                            .map_err(|e| DeliveryError::Permanent(format!("to {to:?}: {e}")))?,
                    ],
                )
                .map_err(|e| DeliveryError::Permanent(e.to_string()))?;
                smtp.send_raw(&envelope, payload).map(|_| ()).map_err(|e| {
                    if e.is_permanent() {
                        DeliveryError::Permanent(e.to_string())
                    } else {
                        DeliveryError::Temporary(e.to_string())
                    }
                })
            }
        }
    }
}
