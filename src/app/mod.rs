//! Use cases: ingest, triage, review, send, metrics. Web handlers and CLI commands call
//! these; these call the domain, the triage engine, the store and the mail layer.

pub mod accounts;
pub mod actions;
pub mod api;
pub mod audit;
pub mod auth;
pub mod contact;
pub mod customers;
pub mod demo;
pub mod escalation;
pub mod failed_mail;
pub mod handoff;
pub mod health;
pub mod imap;
pub mod ingest;
pub mod ingest_batch;
pub mod kb;
pub mod messenger;
pub mod metrics;
pub mod organize;
pub mod outbox;
pub mod participants;
pub mod privacy;
pub mod queue;
pub mod replies;
pub mod review;
pub mod secrets;
pub mod social;
pub mod tickets;
pub mod triage;
pub mod two_factor;
pub mod users;
pub mod webhooks;
pub mod x;
pub mod wording;

use crate::config::Config;
use crate::store::{self, Pool, PooledConn, StoreError};

/// Everything a use case needs, built once per process.
pub struct App {
    pub config: Config,
    pub pool: Pool,
    pub triage: triage::TriageHandle,
    /// The optional LLM endpoint for drafts (`TANDEM_LLM_URL` and `TANDEM_LLM_MODEL`).
    pub llm: Option<crate::llm::LlmClient>,
    /// Set when people's reviews changed what the engine should learn; a background
    /// worker in `serve` retrains and clears it.
    pub retrain_requested: std::sync::atomic::AtomicBool,
    /// The group-commit writer of inbound mail (started on the first message).
    pub ingest_writer: ingest_batch::Writer,
    /// The key that signs status links, once read as stored (it never changes; reading
    /// it for every acknowledgement was a settings query inside the ingest writer).
    pub(crate) status_link_key: std::sync::OnceLock<Vec<u8>>,
    /// Sign-in checks take turns per account and per client address (`auth`).
    pub(crate) sign_in_turns: auth::SignInTurns,
}

impl App {
    /// Connects to the configured database. Does not migrate.
    pub fn open(config: Config) -> Result<App, StoreError> {
        Self::open_with_pool_size(config, 8)
    }

    pub fn open_with_pool_size(config: Config, size: u32) -> Result<App, StoreError> {
        let pool = store::connect(&config.database_url, size)?;
        let llm = match (&config.llm_url, &config.llm_model) {
            (Some(url), Some(model)) => Some(crate::llm::LlmClient::new(
                url,
                model,
                config.llm_api_key.clone(),
                std::time::Duration::from_millis(config.llm_timeout_ms),
            )),
            _ => None,
        };
        Ok(App {
            llm,
            config,
            pool,
            triage: triage::TriageHandle::default(),
            retrain_requested: Default::default(),
            ingest_writer: Default::default(),
            status_link_key: Default::default(),
            sign_in_turns: Default::default(),
        })
    }

    pub fn conn(&self) -> Result<PooledConn, StoreError> {
        Ok(self.pool.get()?)
    }

    /// Asks the background worker to retrain the triage engine soon.
    pub fn request_retrain(&self) {
        self.retrain_requested
            .store(true, std::sync::atomic::Ordering::SeqCst);
    }

    /// Retrains now if a retrain was requested; returns whether it did.
    pub fn retrain_if_requested(&self) -> Result<bool, StoreError> {
        if !self
            .retrain_requested
            .swap(false, std::sync::atomic::Ordering::SeqCst)
        {
            return Ok(false);
        }
        let mut conn = self.conn()?;
        triage::retrain(&mut conn)?;
        self.triage.invalidate();
        Ok(true)
    }

    /// Applies pending migrations; returns how many ran.
    pub fn migrate(&self) -> Result<usize, StoreError> {
        let mut conn = self.conn()?;
        store::migrate(&mut conn)
    }
}

/// Errors of the use cases, mapped once to HTTP statuses (web) and exit codes (cli).
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("malformed message: {0}")]
    Malformed(#[from] crate::mail::parse::MalformedMail),
    #[error(transparent)]
    Illegal(#[from] crate::domain::ticket::IllegalTransition),
    #[error("cannot compose mail: {0}")]
    Compose(#[from] crate::mail::compose::ComposeError),
    #[error("{0}")]
    Invalid(String),
    /// A stored message that can never be processed; it is parked as failed for an admin.
    #[error("the message cannot be processed ({0}); it is kept for an administrator")]
    Unprocessable(String),
    /// Retrying later may succeed.
    #[error("temporary failure: {0}")]
    Temporary(String),
    #[error("{0} not found")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    #[error("not allowed")]
    Forbidden,
    /// Understood, but a rule refuses it (an escalated draft approved with one click, an
    /// undo after the window); the message says what to do instead.
    #[error("{0}")]
    Refused(String),
}

/// The number of rows before page `page` (counted from 1) of `size` rows. Pages come from
/// links and query strings, so any number may arrive: below 1 is the first page, and a
/// huge one lands past the end (an empty page) instead of overflowing.
pub fn page_offset(page: i64, size: i64) -> i64 {
    (page.max(1) - 1).saturating_mul(size)
}

impl From<diesel::result::Error> for AppError {
    fn from(e: diesel::result::Error) -> Self {
        AppError::Store(e.into())
    }
}

impl AppError {
    /// Whether retrying later may succeed (database locked or down).
    pub fn is_temporary(&self) -> bool {
        match self {
            AppError::Store(e) => e.is_temporary(),
            AppError::Temporary(_) => true,
            _ => false,
        }
    }
}
