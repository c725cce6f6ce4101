//! What every operation shares, built once by a frontend: the HTTP layer, the
//! stores, and the config's profiles and Twilio accounts (for what spans profiles: a
//! rotation, a carrier end).

use super::carrier_rotation::{
    CarrierPlan, CarrierReport, CarrierRotation, PlannedCarrierRotation, plan_carrier_rotation,
};
use super::rotation::RunContext;
use super::{Error, Ops, Prober, Stores};
use crate::api::Http;
use crate::config::{ConfigError, Profile, TwilioAccount};
use crate::secret::Secret;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

/// The operations' shared context.
#[derive(Debug, Clone)]
pub struct Context {
    /// The HTTP layer.
    pub http: Http,
    /// Where operations record.
    pub stores: Stores,
    /// Every profile of the config.
    pub profiles: Vec<Profile>,
    /// The config's `[twilio_accounts]`.
    pub twilio_accounts: Vec<TwilioAccount>,
}

impl Context {
    /// One profile's operations: resolves its token (may run `token_cmd`, so call it
    /// off the UI thread).
    pub fn connect(&self, profile: &Profile) -> Result<Ops, ConfigError> {
        Ops::connect(profile, self.http.clone(), self.stores.clone())
    }

    /// [`Context::connect`] off the async threads, or with `token` already fetched;
    /// a task that stopped before it ended is a token source error.
    pub async fn connect_in_background(
        &self,
        profile: &Profile,
        token: Option<Secret>,
    ) -> Result<Ops, ConfigError> {
        let (core, owned) = (self.clone(), profile.clone());
        tokio::task::spawn_blocking(move || match token {
            Some(token) => Ok(Ops::with_token(&owned, core.http, core.stores, token)),
            None => core.connect(&owned),
        })
        .await
        .unwrap_or_else(|e| {
            Err(ConfigError::TokenSource {
                profile: profile.name.clone(),
                section: crate::config::PROFILE,
                key: profile.token.key().to_string(),
                reason: crate::config::SourceError::Stopped(e.to_string()),
            })
        })
    }

    /// What a rotation run needs: every profile, `concurrency` targets at once, and
    /// `halt` for the frontend to stop it between steps.
    pub fn run_context(&self, concurrency: usize, halt: Arc<AtomicBool>) -> RunContext {
        RunContext {
            http: self.http.clone(),
            journal: self.stores.journal.clone(),
            history: self.stores.history.clone(),
            profiles: self.profiles.clone(),
            concurrency,
            halt,
        }
    }

    /// Plans the rotation of SIP credential `id` of `ops`'s profile at both ends,
    /// with the config's Twilio accounts.
    pub async fn plan_carrier_rotation(
        &self,
        ops: &Ops,
        id: &str,
        in_place: bool,
    ) -> Result<PlannedCarrierRotation, Error> {
        plan_carrier_rotation(ops, &self.twilio_accounts, &self.http, id, in_place).await
    }

    /// Runs the rotation at both ends the user confirmed: planned again (nothing is
    /// kept between the question and the answer), and refused, nothing sent, when
    /// the plan is no longer the one shown.
    pub async fn rotate_confirmed(
        &self,
        ops: &Ops,
        confirmed: &CarrierPlan,
        password: Secret,
        prober: &Prober,
    ) -> Result<CarrierReport, Error> {
        let id = &confirmed.credential_id;
        let planned = self
            .plan_carrier_rotation(ops, id, confirmed.in_place)
            .await?;
        if planned.plan != *confirmed {
            return Err(Error::Refused(format!(
                "what the rotation of SIP credential {id} at both ends would do changed \
                 since it was shown (now: {}): nothing was changed; ask again",
                planned.plan.lines().join("; ")
            )));
        }
        Ok(CarrierRotation::new(ops, planned, password, prober)
            .run()
            .await)
    }
}
