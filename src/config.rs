//! One typed configuration, loaded once from `tandem.toml` and `TANDEM_*` environment
//! variables (the environment wins), then passed down.

use std::collections::HashMap;
use std::path::PathBuf;

use crate::domain::reply_time::BusinessHours;

#[derive(Clone, Debug)]
pub struct Config {
    pub database_url: String,
    pub bind: String,
    pub public_url: String,
    pub support_address: String,
    pub support_name: String,
    pub mail_dir: PathBuf,
    pub smtp_url: Option<String>,
    pub inbound_secret: Option<String>,
    pub auto_threshold: Option<f32>,
    pub review_threshold: Option<f32>,
    pub llm_url: Option<String>,
    pub llm_model: Option<String>,
    pub llm_api_key: Option<String>,
    pub llm_timeout_ms: u64,
    pub business_hours: BusinessHours,
    pub minutes_per_ticket: i64,
    pub auto_reply_cap_per_hour: i64,
    pub max_message_bytes: usize,
    pub secure_cookies: bool,
    pub outbox_poll_ms: u64,
    /// Seconds a console send or an automatic answer waits in the outbox before it is
    /// released, so that a person can undo it (`TANDEM_UNDO_SECONDS`, default 10).
    pub undo_seconds: i64,
    /// The web form's time trap: a form sent sooner after it was shown was not typed by a
    /// person (`TANDEM_FORM_MIN_SECONDS`, default 3).
    pub form_min_seconds: i64,
    /// Where ticket events are posted (`TANDEM_WEBHOOK_URLS`, comma-separated), signed
    /// with `TANDEM_WEBHOOK_SECRET`.
    pub webhook_urls: Vec<String>,
    /// IMAP mailboxes `serve` polls (`TANDEM_IMAP_URL`, several separated by spaces or
    /// commas) and
    /// how often (`TANDEM_IMAP_POLL_SECONDS`, default 30).
    pub imap_urls: Vec<String>,
    pub imap_poll_seconds: i64,
    /// Facebook Messenger (`TANDEM_MESSENGER_*`): the webhook's verify token, the app
    /// secret that signs deliveries, the page token and the Graph API's address.
    pub messenger_verify_token: Option<String>,
    pub messenger_app_secret: Option<String>,
    pub messenger_page_token: Option<String>,
    pub messenger_api_url: String,
    /// X direct messages (`TANDEM_X_*`): the consumer secret that signs the CRC answer and
    /// deliveries, the access token for sending, and the API's address.
    pub x_consumer_secret: Option<String>,
    pub x_access_token: Option<String>,
    pub x_api_url: String,
    pub webhook_secret: Option<String>,
    /// Days raw mail is kept after it was processed (`TANDEM_RETENTION_RAW_DAYS`, default
    /// 30; `off` keeps it for ever).
    pub retention_raw_days: Option<i64>,
    /// Days a settled ticket (closed, resolved, answered automatically or waiting on the
    /// customer) keeps its personal data (`TANDEM_RETENTION_CLOSED_DAYS`,
    /// default 365; `off` keeps it for ever).
    pub retention_closed_days: Option<i64>,
    /// The key that seals credentials stored in the database (`TANDEM_SECRET_KEY`: a long
    /// random string, at least 32 characters); without it none can be stored.
    pub secret_key: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("{path} is not valid TOML: {message}")]
    Toml { path: String, message: String },
    #[error("{key}: {message}")]
    Invalid { key: String, message: String },
}

impl Config {
    /// Loads `tandem.toml` (or the file `TANDEM_CONFIG` names) and the environment.
    pub fn load() -> Result<Config, ConfigError> {
        let mut values = HashMap::new();
        let explicit = std::env::var("TANDEM_CONFIG").ok();
        let path = explicit
            .clone()
            .unwrap_or_else(|| "tandem.toml".to_string());
        match std::fs::read_to_string(&path) {
            Ok(text) => values.extend(parse_toml(&path, &text)?),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && explicit.is_none() => {}
            Err(source) => return Err(ConfigError::Read { path, source }),
        }
        for (k, v) in std::env::vars() {
            if k.starts_with("TANDEM_") {
                values.insert(k, v);
            }
        }
        Config::from_values(&values)
    }

    /// Builds a configuration from `TANDEM_*` keys; missing keys take first-run defaults.
    pub fn from_values(values: &HashMap<String, String>) -> Result<Config, ConfigError> {
        let get = |k: &str| {
            values
                .get(k)
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        let parse_f32 = |k: &str| -> Result<Option<f32>, ConfigError> {
            get(k)
                .map(|v| {
                    v.parse::<f32>()
                        .ok()
                        .filter(|x| (0.0..=1.0).contains(x))
                        .ok_or_else(|| invalid(k, "expected a number between 0 and 1"))
                })
                .transpose()
        };
        let parse_i64 = |k: &str, default: i64| -> Result<i64, ConfigError> {
            get(k)
                .map(|v| {
                    v.parse::<i64>()
                        .map_err(|_| invalid(k, "expected a whole number"))
                })
                .transpose()
                .map(|v| v.unwrap_or(default))
        };
        // A retention period in days; `off` (or `never`) keeps data for ever.
        let parse_days = |k: &str, default: i64| -> Result<Option<i64>, ConfigError> {
            match get(k).map(|v| v.to_ascii_lowercase()) {
                None => Ok(Some(default)),
                Some(v) if v == "off" || v == "never" => Ok(None),
                Some(v) => v
                    .parse::<i64>()
                    .ok()
                    .filter(|d| *d >= 1)
                    .map(Some)
                    .ok_or_else(|| invalid(k, "expected a number of days (1 or more) or off")),
            }
        };
        let bind = get("TANDEM_BIND").unwrap_or_else(|| "127.0.0.1:8080".into());
        let business_hours = match get("TANDEM_BUSINESS_HOURS") {
            Some(v) => {
                BusinessHours::parse(&v).map_err(|m| invalid("TANDEM_BUSINESS_HOURS", &m))?
            }
            None => BusinessHours::default(),
        };
        let auto_threshold = parse_f32("TANDEM_AUTO_THRESHOLD")?;
        let review_threshold = parse_f32("TANDEM_REVIEW_THRESHOLD")?;
        if let (Some(a), Some(r)) = (auto_threshold, review_threshold)
            && r > a
        {
            return Err(invalid(
                "TANDEM_REVIEW_THRESHOLD",
                "must not be above TANDEM_AUTO_THRESHOLD",
            ));
        }
        if let Some(url) = get("TANDEM_SMTP_URL")
            && !(url.starts_with("smtp://") || url.starts_with("smtps://"))
        {
            return Err(invalid(
                "TANDEM_SMTP_URL",
                "expected smtp://host:port or smtps://user:pass@host",
            ));
        }
        // Every acknowledgement is sent from it and every message of the form, the API and
        // the social channels is addressed to it: a typo must stop the start, not fail each
        // of those later.
        if let Some(address) = get("TANDEM_SUPPORT_ADDRESS")
            && let Err(e) = address.parse::<lettre::message::Mailbox>()
        {
            return Err(invalid(
                "TANDEM_SUPPORT_ADDRESS",
                &format!(
                    "not an address ({e}); expected support@example.com or \"Support <support@example.com>\""
                ),
            ));
        }
        Ok(Config {
            database_url: get("TANDEM_DATABASE_URL").unwrap_or_else(|| "sqlite://tandem.db".into()),
            public_url: get("TANDEM_PUBLIC_URL").unwrap_or_else(|| format!("http://{bind}")),
            bind,
            support_address: get("TANDEM_SUPPORT_ADDRESS")
                .unwrap_or_else(|| "support@localhost".into()),
            support_name: get("TANDEM_SUPPORT_NAME").unwrap_or_else(|| "Support".into()),
            mail_dir: PathBuf::from(get("TANDEM_MAIL_DIR").unwrap_or_else(|| "mail-out".into())),
            smtp_url: get("TANDEM_SMTP_URL"),
            inbound_secret: get("TANDEM_INBOUND_SECRET"),
            auto_threshold,
            review_threshold,
            llm_url: get("TANDEM_LLM_URL"),
            llm_model: get("TANDEM_LLM_MODEL"),
            llm_api_key: get("TANDEM_LLM_API_KEY"),
            llm_timeout_ms: parse_i64("TANDEM_LLM_TIMEOUT_MS", 8000)? as u64,
            business_hours,
            minutes_per_ticket: parse_i64("TANDEM_MINUTES_PER_TICKET", 15)?,
            auto_reply_cap_per_hour: parse_i64("TANDEM_AUTO_REPLY_CAP", 5)?,
            max_message_bytes: parse_i64("TANDEM_MAX_MESSAGE_BYTES", 25 * 1024 * 1024)? as usize,
            secure_cookies: get("TANDEM_SECURE_COOKIES").is_some_and(|v| v == "1" || v == "true"),
            outbox_poll_ms: parse_i64("TANDEM_OUTBOX_POLL_MS", 500)? as u64,
            undo_seconds: parse_i64("TANDEM_UNDO_SECONDS", 10)?.max(0),
            form_min_seconds: parse_i64("TANDEM_FORM_MIN_SECONDS", 3)?.max(0),
            webhook_urls: get("TANDEM_WEBHOOK_URLS")
                .map(|v| {
                    v.split(',')
                        .map(str::trim)
                        .filter(|u| !u.is_empty())
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default(),
            webhook_secret: get("TANDEM_WEBHOOK_SECRET").filter(|s| !s.is_empty()),
            imap_urls: get("TANDEM_IMAP_URL")
                .map(|v| {
                    v.split(|c: char| c.is_whitespace() || c == ',')
                        .filter(|u| !u.is_empty())
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default(),
            imap_poll_seconds: parse_i64("TANDEM_IMAP_POLL_SECONDS", 30)?.max(1),
            messenger_verify_token: get("TANDEM_MESSENGER_VERIFY_TOKEN"),
            messenger_app_secret: get("TANDEM_MESSENGER_APP_SECRET"),
            messenger_page_token: get("TANDEM_MESSENGER_PAGE_TOKEN"),
            messenger_api_url: get("TANDEM_MESSENGER_API_URL")
                .unwrap_or_else(|| "https://graph.facebook.com/v19.0".into()),
            x_consumer_secret: get("TANDEM_X_CONSUMER_SECRET"),
            x_access_token: get("TANDEM_X_ACCESS_TOKEN"),
            x_api_url: get("TANDEM_X_API_URL").unwrap_or_else(|| "https://api.twitter.com".into()),
            retention_raw_days: parse_days("TANDEM_RETENTION_RAW_DAYS", 30)?,
            retention_closed_days: parse_days("TANDEM_RETENTION_CLOSED_DAYS", 365)?,
            secret_key: match get("TANDEM_SECRET_KEY") {
                Some(k) if k.chars().count() < 32 => {
                    return Err(invalid(
                        "TANDEM_SECRET_KEY",
                        "too short: use at least 32 random characters (openssl rand -hex 32)",
                    ));
                }
                k => k,
            },
        })
    }
}

fn invalid(key: &str, message: &str) -> ConfigError {
    ConfigError::Invalid {
        key: key.to_string(),
        message: message.to_string(),
    }
}

/// Reads a flat TOML file; keys may be written `database_url` or `TANDEM_DATABASE_URL`.
fn parse_toml(path: &str, text: &str) -> Result<HashMap<String, String>, ConfigError> {
    let table: toml::Table = text
        .parse()
        .map_err(|e: toml::de::Error| ConfigError::Toml {
            path: path.to_string(),
            message: e.to_string(),
        })?;
    Ok(table
        .into_iter()
        .map(|(k, v)| {
            let key = k.to_ascii_uppercase();
            let key = if key.starts_with("TANDEM_") {
                key
            } else {
                format!("TANDEM_{key}")
            };
            let value = match v {
                toml::Value::String(s) => s,
                other => other.to_string(),
            };
            (key, value)
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_serve_a_first_run() {
        let c = Config::from_values(&HashMap::new()).unwrap();
        assert_eq!(c.database_url, "sqlite://tandem.db");
        assert_eq!(c.bind, "127.0.0.1:8080");
        assert_eq!(c.mail_dir, PathBuf::from("mail-out"));
        assert!(c.smtp_url.is_none() && c.inbound_secret.is_none());
    }

    #[test]
    fn retention_defaults_and_off() {
        let c = Config::from_values(&HashMap::new()).unwrap();
        assert_eq!(
            (c.retention_raw_days, c.retention_closed_days),
            (Some(30), Some(365))
        );
        let v = HashMap::from([
            ("TANDEM_RETENTION_RAW_DAYS".to_string(), "off".to_string()),
            ("TANDEM_RETENTION_CLOSED_DAYS".to_string(), "90".to_string()),
        ]);
        let c = Config::from_values(&v).unwrap();
        assert_eq!(
            (c.retention_raw_days, c.retention_closed_days),
            (None, Some(90))
        );
        let v = HashMap::from([("TANDEM_RETENTION_RAW_DAYS".to_string(), "0".to_string())]);
        assert!(Config::from_values(&v).is_err());
    }

    #[test]
    fn bad_values_are_named() {
        let v = HashMap::from([("TANDEM_AUTO_THRESHOLD".to_string(), "1.5".to_string())]);
        let err = Config::from_values(&v).unwrap_err().to_string();
        assert!(err.contains("TANDEM_AUTO_THRESHOLD"), "{err}");
        for bad in ["support", "support@", "a b@example.com"] {
            let v = HashMap::from([("TANDEM_SUPPORT_ADDRESS".to_string(), bad.to_string())]);
            let err = Config::from_values(&v).unwrap_err().to_string();
            assert!(err.contains("TANDEM_SUPPORT_ADDRESS"), "{bad}: {err}");
        }
        let v = HashMap::from([(
            "TANDEM_SUPPORT_ADDRESS".to_string(),
            "Help Desk <help@example.com>".to_string(),
        )]);
        assert!(Config::from_values(&v).is_ok());
    }

    #[test]
    fn toml_keys_map_to_env_names() {
        let v = parse_toml(
            "t",
            "database_url = \"sqlite://x.db\"\nauto_threshold = 0.9",
        )
        .unwrap();
        assert_eq!(v["TANDEM_DATABASE_URL"], "sqlite://x.db");
        assert_eq!(v["TANDEM_AUTO_THRESHOLD"], "0.9");
    }
}
