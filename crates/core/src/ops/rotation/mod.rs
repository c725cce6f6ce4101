//! On-call rotation of a Twilio auth token across every profile and platform,
//! independent of any UI:
//!
//! 1. [`check_token`]: local format checks, then the pair checked with Twilio; a
//!    rejected token stops everything before anything changes. A valid verdict
//!    becomes a [`CheckedToken`], the only thing [`Rotator::apply`] accepts.
//! 2. [`plan`]: every provider using the Account SID on every profile, listed
//!    concurrently; read-only profiles and unreachable profiles are reported, never
//!    dropped.
//! 3. [`Rotator::apply`]: after the caller's confirmation, every target updated
//!    concurrently (bounded), then verified where the platform can; progress as
//!    [`RotationEvent`]s, the result as a [`Report`]. [`Rotator::retry`] re-runs only
//!    the failed targets. Every step goes to the audit journal, every verification to
//!    the history.
//!
//! The zero-downtime variant ([`mint`]) deploys a secondary token minted at Twilio
//! the same way, then promotes it once no target is left on the old token.

mod apply;
mod check;
mod live;
mod mint;
mod plan;
mod report;
mod run;

pub use apply::{DEFAULT_CONCURRENCY, RotationEvent, Rotator};
pub use check::{
    CheckFailure, CheckedToken, CurrentToken, check_current, check_everywhere, check_token,
};
pub use live::{
    Decision, MintSetup, NotOffered, RotationRun, RunContext, RunEvent, RunKind, RunStage,
};
pub use mint::{
    Abort, MintFailure, Minted, NotPromoted, OtherRegion, Pending, UnfinishedMint, mint,
    restore_detail, store_new_token, unfinished_mint,
};
pub use plan::{Disposition, Plan, ProfileFailure, RotationTarget, plan};
pub use report::{Report, Stage, SummaryLine, TargetOutcome, TargetResult};
pub use run::{
    Holds, TargetRecord, UnfinishedRun, UnstoredToken, WEBHOOKS, unfinished_run, unfinished_runs,
    unstored_tokens,
};
