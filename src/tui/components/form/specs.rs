//! What each form holds: its fields (with the domain's validation rules) and how
//! the typed values become a [`FormSubmission`].

use super::FormSubmission;
use super::field::Field;
use crate::domain::validate::{self, REGIONS, field};
use crate::domain::{
    NewProvider, Platform, Provider, ProviderUpdate, SipCredential, SipCredentialInput, Transport,
};
use crate::ops::{PasswordChange, SipEdit};
use crate::secret::Secret;

/// Values of a yes/no choice, "no" first.
const YES_NO: &[&str] = &["no", "yes"];

/// Which form this is, with what the title and submission need.
pub(super) enum Spec {
    NewSip,
    EditSip {
        id: String,
        name: String,
        /// The password as the platform returned it, resent unchanged when the
        /// password field is not edited.
        password: Option<Secret>,
    },
    NewProvider {
        unpod: bool,
    },
    EditProvider {
        id: String,
        name: String,
        unpod: bool,
    },
}

impl Spec {
    /// The modal's title.
    pub fn title(&self) -> String {
        match self {
            Spec::NewSip => "New SIP credential".into(),
            Spec::EditSip { name, .. } => format!("Edit SIP credential {name}"),
            Spec::NewProvider { unpod: false } => "New Twilio provider".into(),
            Spec::NewProvider { unpod: true } => "New provider configuration".into(),
            Spec::EditProvider {
                name, unpod: false, ..
            } => format!("Edit Twilio provider {name}"),
            Spec::EditProvider {
                name, unpod: true, ..
            } => format!("Edit provider configuration {name}"),
        }
    }

    /// True when editing a SIP credential that has a password.
    pub fn had_password(&self) -> bool {
        matches!(self, Spec::EditSip { password: Some(p), .. } if !p.is_empty())
    }

    /// True for forms that change an existing item.
    pub fn is_edit(&self) -> bool {
        matches!(self, Spec::EditSip { .. } | Spec::EditProvider { .. })
    }

    /// Builds the submission from validated fields (text trimmed, empty → `None`;
    /// secrets are never trimmed).
    pub fn submission(&self, fields: &[Field]) -> FormSubmission {
        let v = Values(fields);
        match self {
            Spec::NewSip => FormSubmission::CreateSip(v.sip_input()),
            Spec::EditSip { id, .. } => FormSubmission::UpdateSip {
                id: id.clone(),
                edit: v.sip_edit(),
            },
            Spec::NewProvider { unpod } => FormSubmission::CreateProvider(NewProvider {
                name: v.opt(field::NAME),
                provider: if *unpod {
                    v.text(field::PROVIDER)
                } else {
                    "twilio".into()
                },
                account_sid: v.text(field::ACCOUNT_SID),
                auth_token: Secret::new(v.text(field::AUTH_TOKEN)),
                region: v.opt(field::REGION),
                supports_call_transfer: v.opt(CALL_TRANSFER).map(|s| s == "yes"),
            }),
            Spec::EditProvider { id, .. } => FormSubmission::UpdateProvider {
                id: id.clone(),
                update: ProviderUpdate {
                    name: v.changed(field::NAME),
                    region: v.changed(field::REGION),
                    supports_call_transfer: v.changed(CALL_TRANSFER).map(|s| s == "yes"),
                    account_sid: v.changed(field::ACCOUNT_SID),
                    auth_token: v.secret(field::AUTH_TOKEN),
                },
            },
        }
    }
}

/// Key of the call-transfer choice (no platform field key exists for it).
pub(super) const CALL_TRANSFER: &str = "supports_call_transfer";

/// Fields of a SIP credential form, prefilled from `c` when editing.
pub(super) fn sip_fields(c: Option<&SipCredential>) -> Vec<Field> {
    let text = |o: Option<&Option<String>>| o.and_then(|v| v.as_deref()).unwrap_or("").to_string();
    let password = c
        .and_then(|c| c.auth_password.as_ref())
        .map(Secret::expose)
        .unwrap_or("");
    let transport = c.map_or(Transport::Udp.as_str(), |c| c.transport.as_str());
    let cps = c
        .and_then(|c| c.cps_limit)
        .map(|n| n.to_string())
        .unwrap_or_default();
    let names: Vec<&str> = Transport::KNOWN.iter().map(|t| t.as_str()).collect();
    vec![
        Field::text(field::SERVER, "Server", rules::server)
            .required()
            .with_value(c.map_or("", |c| &c.server)),
        Field::text(field::DOMAIN, "Domain", rules::domain).with_value(&text(c.map(|c| &c.domain))),
        Field::text(field::AUTH_USER, "Auth user", rules::auth_user)
            .with_value(&text(c.map(|c| &c.auth_user))),
        Field::text(field::AUTH_PASSWORD, "Password", rules::sip_password)
            .secret()
            .with_value(password),
        Field::choice(
            field::TRANSPORT,
            "Transport",
            &names,
            transport,
            rules::transport,
        ),
        Field::text(field::DESCRIPTION, "Description", rules::sip_text)
            .with_value(&text(c.map(|c| &c.description))),
        Field::text(field::CPS_LIMIT, "CPS limit", rules::cps_limit)
            .numeric()
            .with_value(&cps),
        Field::text(field::CPS_KEY, "CPS key", rules::cps_key)
            .with_value(&text(c.map(|c| &c.cps_key))),
    ]
}

/// Fields of a new provider on `platform`.
pub(super) fn new_provider_fields(platform: &Platform) -> Vec<Field> {
    let sid = Field::text(field::ACCOUNT_SID, "Account SID", rules::account_sid).required();
    let token = Field::text(field::AUTH_TOKEN, "Auth token", rules::auth_token)
        .required()
        .secret();
    if is_unpod(platform) {
        let provider = Field::text(field::PROVIDER, "Provider", rules::none)
            .required()
            .with_value("twilio");
        return vec![provider, sid, token];
    }
    vec![
        Field::text(field::NAME, "Name", rules::provider_name),
        sid,
        token,
        Field::choice(field::REGION, "Region", REGIONS, REGIONS[0], rules::none),
        Field::choice(CALL_TRANSFER, "Call transfer", YES_NO, "no", rules::none),
    ]
}

/// Editable fields of provider `p` (tokens are rotated elsewhere).
pub(super) fn edit_provider_fields(p: &Provider, platform: &Platform) -> Vec<Field> {
    if is_unpod(platform) {
        let sid = Field::text(field::ACCOUNT_SID, "Account SID", rules::account_sid).required();
        // A new Account SID needs its auth token: the pair is checked with Twilio.
        let token =
            Field::text(field::AUTH_TOKEN, "Its token", rules::optional_auth_token).secret();
        return vec![sid.with_value(&p.account_sid), token];
    }
    let transfer = if p.supports_call_transfer.unwrap_or(false) {
        "yes"
    } else {
        "no"
    };
    vec![
        Field::text(field::NAME, "Name", rules::provider_name)
            .required()
            .with_value(p.name.as_deref().unwrap_or("")),
        Field::choice(
            field::REGION,
            "Region",
            REGIONS,
            p.region.as_deref().unwrap_or(""),
            rules::none,
        ),
        Field::choice(
            CALL_TRANSFER,
            "Call transfer",
            YES_NO,
            transfer,
            rules::none,
        ),
    ]
}

/// Unpod forms differ; every other platform gets the Dasha shape.
pub(super) fn is_unpod(platform: &Platform) -> bool {
    *platform == Platform::Unpod
}

/// Typed values looked up by field key.
struct Values<'a>(&'a [Field]);

impl Values<'_> {
    fn field(&self, key: &str) -> Option<&Field> {
        self.0.iter().find(|f| f.key == key)
    }

    fn text(&self, key: &str) -> String {
        self.field(key).map_or("", |f| f.value().trim()).to_string()
    }

    fn opt(&self, key: &str) -> Option<String> {
        Some(self.text(key)).filter(|t| !t.is_empty())
    }

    /// The trimmed value, only when the user changed it (and it is not empty).
    fn changed(&self, key: &str) -> Option<String> {
        self.field(key)
            .filter(|f| f.is_dirty())
            .and_then(|_| self.opt(key))
    }

    /// A secret exactly as typed (never trimmed); an empty field means `None`.
    fn secret(&self, key: &str) -> Option<Secret> {
        self.field(key)
            .map(Field::value)
            .filter(|v| !v.is_empty())
            .map(Secret::new)
    }

    /// A new SIP credential's body.
    fn sip_input(&self) -> SipCredentialInput {
        let mut input = SipCredentialInput::default();
        self.sip_edit().apply(&mut input);
        input
    }

    /// The fields the user changed (an emptied optional field is cleared; an emptied
    /// password is removed, which the form confirmed first).
    fn sip_edit(&self) -> SipEdit {
        let dirty = |key: &str| self.field(key).is_some_and(Field::is_dirty);
        let opt = |key: &str| dirty(key).then(|| self.opt(key));
        let password = match self.secret(field::AUTH_PASSWORD) {
            _ if !dirty(field::AUTH_PASSWORD) => PasswordChange::Keep,
            Some(p) => PasswordChange::Set(p),
            None => PasswordChange::Remove,
        };
        SipEdit {
            server: dirty(field::SERVER).then(|| self.text(field::SERVER)),
            domain: opt(field::DOMAIN),
            auth_user: opt(field::AUTH_USER),
            password,
            transport: dirty(field::TRANSPORT)
                .then(|| Transport::parse(&self.text(field::TRANSPORT)))
                .flatten(),
            description: opt(field::DESCRIPTION),
            cps_limit: dirty(field::CPS_LIMIT).then(|| {
                validate::parse_cps_limit(&self.text(field::CPS_LIMIT))
                    .ok()
                    .flatten()
            }),
            cps_key: opt(field::CPS_KEY),
        }
    }
}

/// Field rules over typed text, delegating to `domain::validate`.
mod rules {
    use crate::domain::TransportField;
    use crate::domain::validate;
    use crate::secret::Secret;

    type Checked = Result<(), validate::Invalid>;

    fn opt(v: &str) -> Option<String> {
        Some(v.trim().to_string()).filter(|t| !t.is_empty())
    }

    pub fn none(_: &str) -> Checked {
        Ok(())
    }
    pub fn server(v: &str) -> Checked {
        validate::sip_server(v)
    }
    pub fn sip_text(v: &str) -> Checked {
        validate::sip_text(&opt(v))
    }
    pub fn domain(v: &str) -> Checked {
        validate::sip_domain(&opt(v))
    }
    pub fn cps_key(v: &str) -> Checked {
        validate::sip_cps_key(&opt(v))
    }
    pub fn auth_user(v: &str) -> Checked {
        validate::sip_auth_user(&opt(v))
    }
    pub fn sip_password(v: &str) -> Checked {
        // Secrets are checked as typed: spaces count.
        validate::sip_password(&Some(Secret::new(v)))
    }
    pub fn transport(v: &str) -> Checked {
        validate::transport(&TransportField::parse(v))
    }
    pub fn cps_limit(v: &str) -> Checked {
        validate::parse_cps_limit(v).map(drop)
    }
    pub fn provider_name(v: &str) -> Checked {
        validate::provider_name(&opt(v))
    }
    pub fn account_sid(v: &str) -> Checked {
        validate::account_sid(v)
    }
    pub fn optional_auth_token(v: &str) -> Checked {
        if v.is_empty() {
            return Ok(());
        }
        auth_token(v)
    }
    pub fn auth_token(v: &str) -> Checked {
        validate::auth_token(&Secret::new(v))
    }
}
