//! Turns config text into a [`Config`], collecting every problem instead of stopping
//! at the first. The document is walked as a `DeTable` so that key spans give file
//! order (the plain `toml::Table` is sorted by key).

use std::path::{Path, PathBuf};

use toml::de::{DeTable, DeValue};

mod keys;
mod twilio_accounts;

use super::error::{ConfigError, ConfigProblem, PROFILE};
use super::paths::{expand_path, home_dir};
use super::suggest::closest;
use super::token::{CONTROL_HINT, TokenSource, has_control};
use super::url::check_base_url;
use super::{
    Config, DEFAULT_PROVIDER_CONFIGURATIONS_PATH, DEFAULT_TWILIO_ACCOUNTS_BASE,
    DEFAULT_TWILIO_API_BASE, Profile,
};
use crate::domain::Platform;
use crate::secret::Secret;

const TOP_KEYS: &[&str] = &[
    "theme",
    "default_profile",
    "profiles",
    "twilio_accounts",
    "keys",
];
pub(super) const TOKEN_KEYS: &[&str] = &["token_env", "token_cmd", "token_file", "token"];
const PROFILE_KEYS: &[&str] = &[
    "platform",
    "base_url",
    "token_env",
    "token_cmd",
    "token_file",
    "token",
    "org_handle",
    "product_id",
    "provider_configurations_path",
    "twilio_api_base",
    "twilio_accounts_base",
    "readonly",
    "protected",
    "label",
    "accent",
];

/// Facts about the file that some checks need.
pub(super) struct Context {
    /// The path as shown in messages.
    shown: String,
    /// Relative `token_file` paths are taken from here.
    base_dir: Option<PathBuf>,
    home: Option<PathBuf>,
    file_mode: Option<u32>,
    /// Where each line break is (byte offsets), to tell a span's line.
    line_breaks: Vec<usize>,
}

impl Context {
    /// The 1-based line of byte `offset`.
    fn line_of(&self, offset: usize) -> usize {
        self.line_breaks.partition_point(|&b| b < offset) + 1
    }
}

/// Parses and validates config text; see [`Config::parse`].
pub(super) fn parse(
    text: &str,
    path: Option<&Path>,
    file_mode: Option<u32>,
) -> Result<Config, ConfigError> {
    let ctx = Context {
        shown: path.map_or_else(|| "config".to_string(), |p| p.display().to_string()),
        base_dir: path.and_then(Path::parent).map(Path::to_path_buf),
        home: home_dir(),
        file_mode,
        line_breaks: memchr::memchr_iter(b'\n', text.as_bytes()).collect(),
    };
    let invalid = |problems| ConfigError::Invalid {
        path: ctx.shown.clone(),
        problems,
    };
    let doc = DeTable::parse(text).map_err(|e| invalid(vec![syntax_problem(text, &e)]))?;
    let mut problems = Vec::new();
    let mut config = read_document(doc.get_ref(), &ctx, &mut problems);
    if !problems.is_empty() {
        return Err(invalid(problems));
    }
    config.path = path.map(Path::to_path_buf);
    Ok(config)
}

/// A TOML syntax error as the parser's message and a line and column, never the
/// source text: the toml crate's own Display quotes the offending line, which may
/// hold an inline token.
fn syntax_problem(text: &str, e: &toml::de::Error) -> ConfigProblem {
    let message = e.message().trim_end();
    ConfigProblem::general(match e.span() {
        Some(span) => {
            let (line, column) = line_column(text, span.start);
            format!("TOML syntax error at line {line}, column {column}: {message}")
        }
        None => format!("TOML syntax error: {message}"),
    })
}

/// The 1-based line and column (in characters) of byte `offset` in `text`.
pub(super) fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

/// A table's entries in the order they appear in the file.
pub(super) fn in_file_order<'t, 'i>(table: &'t DeTable<'i>) -> Vec<(&'t str, &'t DeValue<'i>)> {
    let mut entries: Vec<_> = table.iter().collect();
    entries.sort_by_key(|(k, _)| k.span().start);
    entries
        .into_iter()
        .map(|(k, v)| (k.get_ref().as_ref(), v.get_ref()))
        .collect()
}

fn read_document(doc: &DeTable<'_>, ctx: &Context, out: &mut Vec<ConfigProblem>) -> Config {
    let mut config = Config::default();
    let mut names = Vec::new();
    for (key, value) in in_file_order(doc) {
        match key {
            "theme" => config.theme = Scope::top(ctx, out).string(key, value),
            "default_profile" => config.default_profile = Scope::top(ctx, out).string(key, value),
            "profiles" => (config.profiles, names) = read_profiles(value, ctx, out),
            "twilio_accounts" => config.twilio_accounts = twilio_accounts::read(value, ctx, out),
            "keys" => config.keys = keys::read(value, ctx),
            other => Scope::top(ctx, out).unknown(other, TOP_KEYS),
        }
    }
    check_default_profile(
        config.default_profile.as_deref(),
        &names,
        Scope::top(ctx, out),
    );
    config
}

/// `default_profile` must name a profile in the file (valid or not).
fn check_default_profile(default: Option<&str>, names: &[String], mut scope: Scope<'_>) {
    let Some(name) = default.filter(|d| !names.iter().any(|n| n == d)) else {
        return;
    };
    scope.key(
        "default_profile",
        super::suggest::unknown_profile(name, names),
    );
}

/// The valid profiles, and the names of all profiles (valid or not), in file order.
fn read_profiles(
    value: &DeValue<'_>,
    ctx: &Context,
    out: &mut Vec<ConfigProblem>,
) -> (Vec<Profile>, Vec<String>) {
    let DeValue::Table(table) = value else {
        let msg = format!(
            "must be a table of profiles ([profiles.<name>]), got {}",
            value.type_str()
        );
        Scope::top(ctx, out).key("profiles", msg);
        return (Vec::new(), Vec::new());
    };
    let mut profiles = Vec::new();
    let mut names = Vec::new();
    for (name, value) in in_file_order(table) {
        names.push(name.to_string());
        let mut scope = Scope {
            ctx,
            profile: Some(name),
            section: PROFILE,
            out,
        };
        if let Some(p) = read_profile(name, value, &mut scope) {
            profiles.push(p);
        }
    }
    (profiles, names)
}

/// Where problems go, labelled with the profile being read.
pub(super) struct Scope<'a> {
    ctx: &'a Context,
    profile: Option<&'a str>,
    /// What kind of table `profile` names.
    section: &'static str,
    out: &'a mut Vec<ConfigProblem>,
}

impl<'a> Scope<'a> {
    /// A scope outside any profile.
    fn top(ctx: &'a Context, out: &'a mut Vec<ConfigProblem>) -> Self {
        Scope {
            ctx,
            profile: None,
            section: PROFILE,
            out,
        }
    }

    fn key(&mut self, key: &str, message: impl Into<String>) {
        let profile = self.profile.map(str::to_string);
        self.out.push(ConfigProblem {
            profile,
            section: self.section,
            key: Some(key.to_string()),
            message: message.into(),
        });
    }

    fn whole(&mut self, message: impl Into<String>) {
        let profile = self.profile.map(str::to_string);
        self.out.push(ConfigProblem {
            profile,
            section: self.section,
            key: None,
            message: message.into(),
        });
    }

    /// Exactly one of [`TOKEN_KEYS`] must be present; `none` starts the message
    /// when there is none.
    fn exactly_one_source(&mut self, present: &[&str], none: &str) {
        match present.len() {
            0 => self.whole(format!("{none}; set one of {}", TOKEN_KEYS.join(", "))),
            1 => {}
            _ => self.whole(format!(
                "more than one token source ({}); keep exactly one",
                present.join(", ")
            )),
        }
    }

    fn unknown(&mut self, key: &str, known: &[&str]) {
        let hint = closest(key, known)
            .map(|k| format!("; did you mean `{k}`?"))
            .unwrap_or_default();
        self.key(key, format!("unknown key `{key}`{hint}"));
    }

    /// A non-blank string.
    fn string(&mut self, key: &str, value: &DeValue<'_>) -> Option<String> {
        match value {
            DeValue::String(s) if s.trim().is_empty() => self.key(key, "must not be empty"),
            DeValue::String(s) => return Some(s.to_string()),
            other => self.key(key, format!("expected a string, got {}", other.type_str())),
        }
        None
    }

    fn boolean(&mut self, key: &str, value: &DeValue<'_>) -> Option<bool> {
        match value {
            DeValue::Boolean(b) => Some(*b),
            other => {
                self.key(
                    key,
                    format!("expected true or false, got {}", other.type_str()),
                );
                None
            }
        }
    }

    fn url(&mut self, key: &str, value: &DeValue<'_>) -> Option<String> {
        let raw = self.string(key, value)?;
        check_base_url(&raw).map_err(|m| self.key(key, m)).ok()
    }

    fn platform(&mut self, key: &str, value: &DeValue<'_>) -> Option<Platform> {
        let raw = self.string(key, value)?;
        match Platform::parse(raw.trim()) {
            Platform::Unknown(_) => {
                self.key(
                    key,
                    format!("must be \"dasha\" or \"unpod\" (got \"{raw}\")"),
                );
                None
            }
            known => Some(known),
        }
    }

    /// A header value: a non-blank string, trimmed, with no control character inside.
    fn header(&mut self, key: &str, value: &DeValue<'_>) -> Option<String> {
        let raw = self.string(key, value)?;
        let trimmed = raw.trim();
        if has_control(trimmed) {
            self.key(key, control_message());
            return None;
        }
        Some(trimmed.to_string())
    }

    fn provider_path(&mut self, key: &str, value: &DeValue<'_>) -> Option<String> {
        let raw = self.string(key, value)?;
        if raw.ends_with('/') && !raw.contains(char::is_whitespace) {
            Some(raw)
        } else {
            self.key(
                key,
                format!("must end with \"/\" and contain no spaces (got \"{raw}\")"),
            );
            None
        }
    }

    fn token_source(&mut self, key: &str, value: &DeValue<'_>) -> Option<TokenSource> {
        if key == "token" {
            return self.inline_token(value);
        }
        let raw = self.string(key, value)?;
        let source = match key {
            "token_env" if raw.contains(['=', '\0']) || raw != raw.trim() => {
                Err("is not a valid environment variable name".to_string())
            }
            "token_env" => Ok(TokenSource::Env(raw)),
            "token_cmd" => Ok(TokenSource::Cmd(raw)),
            _ => expand_path(
                raw.trim(),
                self.ctx.base_dir.as_deref(),
                self.ctx.home.as_deref(),
            )
            .map(TokenSource::File),
        };
        source.map_err(|m| self.key(key, m)).ok()
    }

    fn inline_token(&mut self, value: &DeValue<'_>) -> Option<TokenSource> {
        let DeValue::String(text) = value else {
            self.key(
                "token",
                format!("expected a string, got {}", value.type_str()),
            );
            return None;
        };
        if text.trim().is_empty() {
            self.key("token", "must not be empty");
            return None;
        }
        if has_control(text.trim()) {
            self.key("token", control_message());
            return None;
        }
        let token = Secret::new(text.trim());
        match self.ctx.file_mode.filter(|m| m & 0o077 != 0) {
            Some(mode) => {
                let msg = open_file_message(&self.ctx.shown, mode);
                self.whole(msg);
                None
            }
            None => Some(TokenSource::Inline(token)),
        }
    }
}

/// What the group and other bits of `mode` allow: "readable by group", "readable
/// and writable by group and others", …
pub(crate) fn open_to(mode: u32) -> String {
    let allows = |bits: u32| {
        let words: Vec<&str> = [(0o4, "readable"), (0o2, "writable"), (0o1, "executable")]
            .into_iter()
            .filter(|(b, _)| bits & b != 0)
            .map(|(_, w)| w)
            .collect();
        match words.as_slice() {
            [] => String::new(),
            [one] => one.to_string(),
            [init @ .., last] => format!("{} and {last}", init.join(", ")),
        }
    };
    let (group, others) = (allows((mode >> 3) & 0o7), allows(mode & 0o7));
    match (group.is_empty(), others.is_empty()) {
        (false, true) => format!("{group} by group"),
        (true, false) => format!("{others} by others"),
        _ if group == others => format!("{group} by group and others"),
        _ => format!("{group} by group and {others} by others"),
    }
}

/// Never quotes the value: it may be a token.
fn control_message() -> String {
    format!("contains a control character inside ({CONTROL_HINT})")
}

fn open_file_message(shown: &str, mode: u32) -> String {
    format!(
        "inline token in {shown}, which is {} (mode {:04o}); \
         run: {}, or use token_env / token_cmd / token_file",
        open_to(mode),
        mode & 0o7777,
        chmod_600(shown)
    )
}

/// `chmod 600 PATH`, the path quoted for a shell when it needs it.
pub(crate) fn chmod_600(shown: &str) -> String {
    let quoted = if shown.contains(|c: char| c.is_whitespace() || c == '\'') {
        format!("'{}'", shown.replace('\'', r"'\''"))
    } else {
        shown.to_string()
    };
    format!("chmod 600 {quoted}")
}

/// What one profile table held, before the cross-key checks.
#[derive(Default)]
struct RawProfile {
    present: Vec<String>,
    platform: Option<Platform>,
    base_url: Option<String>,
    token: Option<TokenSource>,
    org_handle: Option<String>,
    product_id: Option<String>,
    provider_configurations_path: Option<String>,
    twilio_api_base: Option<String>,
    twilio_accounts_base: Option<String>,
    readonly: Option<bool>,
    protected: Option<bool>,
    label: Option<String>,
    accent: Option<String>,
}

impl RawProfile {
    fn has(&self, key: &str) -> bool {
        self.present.iter().any(|k| k == key)
    }

    fn read(&mut self, key: &str, value: &DeValue<'_>, scope: &mut Scope<'_>) {
        self.present.push(key.to_string());
        match key {
            "platform" => self.platform = scope.platform(key, value),
            "base_url" => self.base_url = scope.url(key, value),
            "token_env" | "token_cmd" | "token_file" | "token" => {
                self.token = scope.token_source(key, value)
            }
            "org_handle" => self.org_handle = scope.header(key, value),
            "product_id" => self.product_id = scope.header(key, value),
            "provider_configurations_path" => {
                self.provider_configurations_path = scope.provider_path(key, value)
            }
            "twilio_api_base" => self.twilio_api_base = scope.url(key, value),
            "twilio_accounts_base" => self.twilio_accounts_base = scope.url(key, value),
            "readonly" => self.readonly = scope.boolean(key, value),
            "protected" => self.protected = scope.boolean(key, value),
            "label" => self.label = scope.string(key, value),
            "accent" => self.accent = scope.string(key, value),
            other => scope.unknown(other, PROFILE_KEYS),
        }
    }

    /// Checks that need several keys: required keys, exactly one token source.
    fn check(&self, scope: &mut Scope<'_>) {
        for key in ["platform", "base_url"] {
            if !self.has(key) {
                scope.key(key, "is required but missing");
            }
        }
        if self.platform == Some(Platform::Unpod) && !self.has("org_handle") {
            scope.key(
                "org_handle",
                "is required for unpod profiles (the Org-Handle header)",
            );
        }
        let sources: Vec<&str> = TOKEN_KEYS.iter().copied().filter(|k| self.has(k)).collect();
        scope.exactly_one_source(&sources, "no token source");
    }

    fn into_profile(self, name: &str) -> Option<Profile> {
        let (Some(platform), Some(base_url), Some(token)) =
            (self.platform, self.base_url, self.token)
        else {
            return None;
        };
        Some(Profile {
            name: name.to_string(),
            platform,
            base_url,
            token,
            org_handle: self.org_handle,
            product_id: self.product_id,
            provider_configurations_path: self
                .provider_configurations_path
                .unwrap_or_else(|| DEFAULT_PROVIDER_CONFIGURATIONS_PATH.to_string()),
            twilio_api_base: self
                .twilio_api_base
                .unwrap_or_else(|| DEFAULT_TWILIO_API_BASE.to_string()),
            twilio_accounts_base: self
                .twilio_accounts_base
                .unwrap_or_else(|| DEFAULT_TWILIO_ACCOUNTS_BASE.to_string()),
            readonly: self.readonly.unwrap_or(false),
            protected: self.protected.unwrap_or(false),
            label: self.label,
            accent: self.accent,
        })
    }
}

/// Reads one `[profiles.<name>]` table; `None` if it had any problem (all reported).
fn read_profile(name: &str, value: &DeValue<'_>, scope: &mut Scope<'_>) -> Option<Profile> {
    let before = scope.out.len();
    if name.trim().is_empty() || name.contains(|c: char| c.is_whitespace() || c.is_control()) {
        scope.whole("profile names must not be empty or contain spaces");
    }
    let DeValue::Table(table) = value else {
        scope.whole(format!(
            "must be a table ([profiles.{name}]), got {}",
            value.type_str()
        ));
        return None;
    };
    let mut raw = RawProfile::default();
    for (key, value) in in_file_order(table) {
        raw.read(key, value, scope);
    }
    raw.check(scope);
    if scope.out.len() > before {
        return None;
    }
    raw.into_profile(name)
}
