//! Colour themes: a table of named styles loaded from TOML.
//!
//! Four themes are compiled in from `themes/*.toml`; users add their own as
//! `<themes dir>/<name>.toml`. A theme file looks like
//!
//! ```toml
//! accent = "cyan"
//! [styles]
//! base = { fg = "#c0c5ce", bg = "#1b2b34" }
//! selected = { fg = "black", bg = "light-blue", add_modifier = "BOLD" }
//! ```
//!
//! Colours are anything ratatui's `Color` parses ("#rrggbb", "light-blue", "236").
//! Keys a theme leaves out keep the default theme's style; unknown keys are errors
//! that name the key, so a typo never goes unnoticed.

use crate::domain::{CheckStatus, Tone, VerificationStatus};
use ratatui::style::{Color, Modifier, Style};
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// The themes shipped with the binary, in menu order: each name is the stem of its
/// file in `themes/`, so a name cannot drift from its file.
macro_rules! builtin_themes {
    ($($name:literal),+ $(,)?) => {
        &[$(($name, include_str!(concat!("../../themes/", $name, ".toml")))),+]
    };
}

/// The themes shipped with the binary: name and TOML text. The first is the default.
const BUILTIN: &[(&str, &str)] =
    builtin_themes!["default", "light", "high-contrast", "solarized-dark"];

/// The builtin theme names, derived from [`BUILTIN`].
const BUILTIN_NAMES: [&str; BUILTIN.len()] = {
    let mut names = [""; BUILTIN.len()];
    let mut i = 0;
    while i < BUILTIN.len() {
        names[i] = BUILTIN[i].0;
        i += 1;
    }
    names
};

/// Other names accepted for builtin themes (the config example says `dark`).
const ALIASES: &[(&str, &str)] = &[("dark", "default")];

/// Keys allowed inside one style table.
const STYLE_FIELDS: &[&str] = &[
    "fg",
    "bg",
    "underline_color",
    "add_modifier",
    "sub_modifier",
];

/// Modifier names accepted in `add_modifier` / `sub_modifier` (case-insensitive).
const MODIFIERS: &[(&str, Modifier)] = &[
    ("bold", Modifier::BOLD),
    ("dim", Modifier::DIM),
    ("italic", Modifier::ITALIC),
    ("underlined", Modifier::UNDERLINED),
    ("slow_blink", Modifier::SLOW_BLINK),
    ("rapid_blink", Modifier::RAPID_BLINK),
    ("reversed", Modifier::REVERSED),
    ("hidden", Modifier::HIDDEN),
    ("crossed_out", Modifier::CROSSED_OUT),
];

/// Why a theme could not be parsed or loaded. The display text names the key path
/// (`key "styles.ok.fg": …`) or the file, and is what users see as a warning.
#[derive(Debug, thiserror::Error)]
pub enum ThemeError {
    /// The text is not valid TOML.
    #[error("invalid TOML{}: {message}", line.map(|l| format!(" at line {l}")).unwrap_or_default())]
    Toml {
        /// The TOML parser's message.
        message: String,
        /// 1-based line of the problem, when known.
        line: Option<usize>,
    },
    /// A key the theme format does not have (usually a typo).
    #[error("unknown key \"{path}\" (known: {})", known.join(", "))]
    UnknownKey {
        /// Dotted key path, e.g. `styles.okay`.
        path: String,
        /// The keys allowed at that place.
        known: &'static [&'static str],
    },
    /// A known key with a value that is not allowed there.
    #[error("key \"{path}\": {message}")]
    Value {
        /// Dotted key path, e.g. `styles.ok.fg`.
        path: String,
        /// What is wrong with the value, e.g. `unknown colour "grean" (…)`.
        message: String,
    },
    /// The name could be a path (`../x`, `.hidden`), so no file is looked up.
    #[error("theme \"{name}\" is not a valid theme name (builtin: {})", BUILTIN_NAMES.join(", "))]
    InvalidName {
        /// The name as given.
        name: String,
    },
    /// Not a builtin theme, and there is no themes directory to look in.
    #[error("theme \"{name}\" is not builtin ({}) and there is no themes directory", BUILTIN_NAMES.join(", "))]
    NoThemesDir {
        /// The name as given.
        name: String,
    },
    /// Not a builtin theme, and its file could not be read.
    #[error("theme \"{name}\" is not builtin ({}) and {} could not be read: {error}", BUILTIN_NAMES.join(", "), path.display())]
    Unreadable {
        /// The name as given.
        name: String,
        /// The file looked for.
        path: PathBuf,
        /// Why it could not be read.
        error: std::io::Error,
    },
    /// A user theme file was read but is not a valid theme.
    #[error("theme file {}: {error}", path.display())]
    InFile {
        /// The theme file.
        path: PathBuf,
        /// What is wrong in it.
        error: Box<ThemeError>,
    },
}

/// Declares the theme struct with one `Style` per name, plus name-based access,
/// so the list of style names exists exactly once.
macro_rules! theme_styles {
    ($($(#[$doc:meta])* $field:ident),+ $(,)?) => {
        /// A colour theme: one style per UI role, plus the accent colour.
        #[derive(Clone, Debug, PartialEq)]
        pub struct Theme {
            /// Theme name as selected (builtin or user file stem).
            pub name: String,
            /// Accent colour (profile colour in the header, focused borders).
            pub accent: Color,
            /// True when colours were stripped for `NO_COLOR`; accents stay stripped.
            pub no_color: bool,
            $($(#[$doc])* pub $field: Style,)+
        }

        impl Theme {
            /// Every style name a theme file may set under `[styles]`.
            pub const STYLE_NAMES: &'static [&'static str] = &[$(stringify!($field)),+];

            fn style_mut(&mut self, key: &str) -> Option<&mut Style> {
                match key {
                    $(stringify!($field) => Some(&mut self.$field),)+
                    _ => None,
                }
            }

            fn styles_mut(&mut self) -> Vec<&mut Style> {
                vec![$(&mut self.$field),+]
            }

            fn blank(name: &str) -> Theme {
                Theme {
                    name: name.to_string(),
                    accent: Color::Reset,
                    no_color: false,
                    $($field: Style::new(),)+
                }
            }
        }
    };
}

theme_styles! {
    /// Everything without a more specific role (also the screen background).
    base,
    /// The selected table row or list item.
    selected,
    /// Borders of unfocused panes.
    border,
    /// Border of the focused pane or modal.
    border_focus,
    /// Pane and dialog titles.
    title,
    /// The top header line (profile, platform, jobs).
    header,
    /// Secondary text: hints, timestamps, placeholders.
    muted,
    /// Passed / verified.
    ok,
    /// Warnings.
    warn,
    /// Failures.
    error,
    /// Pending / in progress.
    pending,
    /// The `[PROD]` badge.
    badge_prod,
    /// The `[RO]` (read-only) badge.
    badge_ro,
    /// Key names in the hint bar.
    hint_key,
    /// Action names in the hint bar.
    hint_label,
    /// Flash line after a success.
    flash_ok,
    /// Flash line after a failure.
    flash_error,
    /// A form input.
    input,
    /// The focused form input.
    input_focus,
    /// A field's validation message.
    field_error,
    /// A dialog button.
    button,
    /// The focused dialog button.
    button_focus,
    /// Destructive actions and their dialogs.
    danger,
}

impl Default for Theme {
    fn default() -> Self {
        Theme::default_theme()
    }
}

impl Theme {
    /// The dark default theme (`themes/default.toml`).
    pub fn default_theme() -> Theme {
        parse_onto(Theme::blank("default"), BUILTIN[0].1)
            .unwrap_or_else(|_| Theme::blank("default"))
    }

    /// Names of the themes compiled into the binary, in menu order.
    pub fn builtin_names() -> &'static [&'static str] {
        &BUILTIN_NAMES
    }

    /// A builtin theme by name (or alias such as `dark`), if there is one.
    pub fn builtin(name: &str) -> Option<Theme> {
        let name = ALIASES
            .iter()
            .find(|(a, _)| *a == name)
            .map_or(name, |(_, n)| *n);
        let (name, text) = BUILTIN.iter().find(|(n, _)| *n == name)?;
        Theme::parse(name, text).ok()
    }

    /// Parses a theme file on top of the default theme. Errors name the key, e.g.
    /// `key "styles.ok.fg": unknown colour "grean"`.
    pub fn parse(name: &str, toml_text: &str) -> Result<Theme, ThemeError> {
        let mut base = Theme::default_theme();
        base.name = name.to_string();
        parse_onto(base, toml_text)
    }

    /// Loads a theme by name: a builtin one, else `<user_dir>/<name>.toml`. On any
    /// problem returns the default theme and a warning naming the file and key.
    /// `no_color` strips colours but keeps modifiers (see [`Theme::without_colour`]).
    pub fn load(
        name: Option<&str>,
        user_dir: Option<&Path>,
        no_color: bool,
    ) -> (Theme, Option<String>) {
        let (theme, warning) = match name.map(str::trim).filter(|n| !n.is_empty()) {
            None => (Theme::default_theme(), None),
            Some(name) => match Theme::builtin(name) {
                Some(t) => (t, None),
                None => match load_user(name, user_dir) {
                    Ok(t) => (t, None),
                    Err(w) => (
                        Theme::default_theme(),
                        Some(format!("{w}; using the default theme")),
                    ),
                },
            },
        };
        let theme = if no_color {
            theme.without_colour()
        } else {
            theme
        };
        (theme, warning)
    }

    /// Sets a per-profile accent colour (e.g. `red` for production): the accent and
    /// the accent-coloured parts of `header` and `border_focus`.
    pub fn with_accent(mut self, accent: &str) -> Result<Theme, ThemeError> {
        let new = parse_colour("accent", accent)?;
        if self.no_color {
            return Ok(self);
        }
        let old = self.accent;
        for style in [&mut self.header, &mut self.border_focus] {
            let mut replaced = false;
            for slot in [&mut style.fg, &mut style.bg] {
                if *slot == Some(old) {
                    *slot = Some(new);
                    replaced = true;
                }
            }
            if !replaced {
                style.fg = Some(new);
            }
        }
        self.accent = new;
        Ok(self)
    }

    /// This theme with every colour removed and only modifiers left (`NO_COLOR`).
    /// Selection and focus get `REVERSED`, inputs `UNDERLINED`, so they stay visible.
    pub fn without_colour(mut self) -> Theme {
        for style in self.styles_mut() {
            style.fg = None;
            style.bg = None;
            style.underline_color = None;
        }
        for style in [
            &mut self.selected,
            &mut self.button_focus,
            &mut self.badge_prod,
            &mut self.badge_ro,
        ] {
            *style = style.add_modifier(Modifier::REVERSED);
        }
        for style in [&mut self.input, &mut self.input_focus] {
            *style = style.add_modifier(Modifier::UNDERLINED);
        }
        self.input_focus = self.input_focus.add_modifier(Modifier::BOLD);
        self.accent = Color::Reset;
        self.no_color = true;
        self
    }

    /// The style of a tone: the one mapping from outcome to colour.
    pub fn tone(&self, tone: Tone) -> Style {
        match tone {
            Tone::Ok => self.ok,
            Tone::Warn => self.warn,
            Tone::Error => self.error,
            Tone::Pending => self.pending,
            Tone::Muted | Tone::Unknown => self.muted,
        }
    }

    /// The style for an overall verification status.
    pub fn status(&self, s: &VerificationStatus) -> Style {
        self.tone(s.tone())
    }

    /// The style for one check's status.
    pub fn check(&self, s: &CheckStatus) -> Style {
        self.tone(s.tone())
    }
}

/// Reads and parses `<dir>/<name>.toml`; the error names the file.
fn load_user(name: &str, user_dir: Option<&Path>) -> Result<Theme, ThemeError> {
    let name_owned = || name.to_string();
    if name.contains(['/', '\\']) || name.starts_with('.') {
        return Err(ThemeError::InvalidName { name: name_owned() });
    }
    let Some(dir) = user_dir else {
        return Err(ThemeError::NoThemesDir { name: name_owned() });
    };
    let path = dir.join(format!("{name}.toml"));
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(error) => {
            return Err(ThemeError::Unreadable {
                name: name_owned(),
                path,
                error,
            });
        }
    };
    Theme::parse(name, &text).map_err(|error| ThemeError::InFile {
        path,
        error: Box::new(error),
    })
}

/// Applies the keys of `text` to `theme`.
fn parse_onto(mut theme: Theme, text: &str) -> Result<Theme, ThemeError> {
    let table: toml::Table = toml::from_str(text).map_err(|e| ThemeError::Toml {
        message: e.message().trim().to_string(),
        line: None,
    })?;
    for (key, value) in &table {
        match key.as_str() {
            "accent" => theme.accent = parse_colour("accent", expect_str("accent", value)?)?,
            "styles" => {
                let styles = value
                    .as_table()
                    .ok_or_else(|| value_error("styles", "expected a table of styles"))?;
                for (name, value) in styles {
                    let path = format!("styles.{name}");
                    let slot = theme
                        .style_mut(name)
                        .ok_or_else(|| unknown_key(&path, Theme::STYLE_NAMES))?;
                    *slot = parse_style(&path, value)?;
                }
            }
            other => return Err(unknown_key(other, &["accent", "styles"])),
        }
    }
    Ok(theme)
}

/// One style table, e.g. `{ fg = "red", add_modifier = "BOLD | REVERSED" }`.
fn parse_style(path: &str, value: &toml::Value) -> Result<Style, ThemeError> {
    let table = value
        .as_table()
        .ok_or_else(|| value_error(path, "expected a table such as { fg = \"red\" }"))?;
    let mut style = Style::new();
    for (key, value) in table {
        let path = format!("{path}.{key}");
        match key.as_str() {
            "fg" => style.fg = Some(parse_colour(&path, expect_str(&path, value)?)?),
            "bg" => style.bg = Some(parse_colour(&path, expect_str(&path, value)?)?),
            "underline_color" => {
                style.underline_color = Some(parse_colour(&path, expect_str(&path, value)?)?)
            }
            "add_modifier" => style.add_modifier = parse_modifiers(&path, value)?,
            "sub_modifier" => style.sub_modifier = parse_modifiers(&path, value)?,
            _ => return Err(unknown_key(&path, STYLE_FIELDS)),
        }
    }
    Ok(style)
}

/// `"BOLD | REVERSED"` or `["bold", "reversed"]`.
fn parse_modifiers(path: &str, value: &toml::Value) -> Result<Modifier, ThemeError> {
    let names: Vec<&str> = match value {
        toml::Value::String(s) => s.split('|').collect(),
        toml::Value::Array(items) => items
            .iter()
            .map(|v| {
                v.as_str()
                    .ok_or_else(|| value_error(path, "expected modifier names"))
            })
            .collect::<Result<_, _>>()?,
        _ => {
            return Err(value_error(
                path,
                "expected a string such as \"BOLD | ITALIC\"",
            ));
        }
    };
    let mut out = Modifier::empty();
    for name in names.iter().map(|n| n.trim()).filter(|n| !n.is_empty()) {
        let wanted = name.to_ascii_lowercase().replace('-', "_");
        let (_, m) = MODIFIERS
            .iter()
            .find(|(n, _)| *n == wanted)
            .ok_or_else(|| {
                let known: Vec<&str> = MODIFIERS.iter().map(|(n, _)| *n).collect();
                value_error(
                    path,
                    format!("unknown modifier \"{name}\" (known: {})", known.join(", ")),
                )
            })?;
        out |= *m;
    }
    Ok(out)
}

fn parse_colour(path: &str, text: &str) -> Result<Color, ThemeError> {
    Color::from_str(text.trim()).map_err(|_| {
        value_error(
            path,
            format!(
                "unknown colour \"{text}\" (use \"#rrggbb\", a name like \"light-blue\", or 0-255)"
            ),
        )
    })
}

fn expect_str<'a>(path: &str, value: &'a toml::Value) -> Result<&'a str, ThemeError> {
    value.as_str().ok_or_else(|| {
        value_error(
            path,
            format!("expected a string, found {}", value.type_str()),
        )
    })
}

fn value_error(path: &str, message: impl Into<String>) -> ThemeError {
    ThemeError::Value {
        path: path.to_string(),
        message: message.into(),
    }
}

fn unknown_key(path: &str, known: &'static [&'static str]) -> ThemeError {
    ThemeError::UnknownKey {
        path: path.to_string(),
        known,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_parses_and_sets_every_style() {
        assert_eq!(
            Theme::builtin_names(),
            BUILTIN.iter().map(|(n, _)| *n).collect::<Vec<_>>()
        );
        for name in Theme::builtin_names() {
            let text = BUILTIN.iter().find(|(n, _)| n == name).expect("listed").1;
            let theme =
                parse_onto(Theme::blank(name), text).unwrap_or_else(|e| panic!("{name}: {e}"));
            let table: toml::Table = toml::from_str(text).unwrap();
            let styles = table["styles"].as_table().unwrap();
            for key in Theme::STYLE_NAMES {
                assert!(styles.contains_key(*key), "{name} lacks styles.{key}");
            }
            assert_eq!(Theme::builtin(name).unwrap(), theme);
        }
        assert_eq!(Theme::builtin("dark").unwrap(), Theme::default_theme());
        assert_eq!(Theme::default_theme().accent, Color::Cyan);
    }

    #[test]
    fn bad_colour_names_the_key() {
        let err = Theme::parse("mine", "[styles]\nok = { fg = \"grean\" }")
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("key \"styles.ok.fg\": unknown colour \"grean\""),
            "{err}"
        );
        let err = Theme::parse("mine", "accent = \"nope\"")
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("key \"accent\": unknown colour"), "{err}");
        let err = Theme::parse("mine", "[styles]\nok = { add_modifier = \"BLINKY\" }")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("styles.ok.add_modifier") && err.contains("BLINKY"),
            "{err}"
        );
    }

    #[test]
    fn unknown_keys_are_errors() {
        let err = Theme::parse("mine", "[styles]\nokay = { fg = \"green\" }")
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("unknown key \"styles.okay\""), "{err}");
        let err = Theme::parse("mine", "[styles]\nok = { colour = \"green\" }")
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("unknown key \"styles.ok.colour\""), "{err}");
        let err = Theme::parse("mine", "acent = \"red\"")
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("unknown key \"acent\""), "{err}");
        assert!(
            Theme::parse("mine", "[styles")
                .unwrap_err()
                .to_string()
                .starts_with("invalid TOML")
        );
    }

    #[test]
    fn partial_theme_keeps_default_styles() {
        let t = Theme::parse(
            "mine",
            "[styles]\nok = { fg = \"#00ff00\", add_modifier = [\"bold\"] }",
        )
        .unwrap();
        assert_eq!(
            t.ok,
            Style::new()
                .fg(Color::Rgb(0, 255, 0))
                .add_modifier(Modifier::BOLD)
        );
        assert_eq!(t.error, Theme::default_theme().error);
        assert_eq!(t.name, "mine");
    }

    #[test]
    fn no_color_strips_colours_but_keeps_selection_visible() {
        let (t, warning) = Theme::load(Some("high-contrast"), None, true);
        assert!(warning.is_none());
        let mut t2 = t.clone();
        for s in t2.styles_mut() {
            assert_eq!((s.fg, s.bg, s.underline_color), (None, None, None));
        }
        assert!(t.selected.add_modifier.contains(Modifier::REVERSED));
        assert!(t.error.add_modifier.contains(Modifier::BOLD));
        let t = t.with_accent("red").unwrap();
        assert_eq!(t.header.fg, None);
    }

    #[test]
    fn user_theme_loads_from_dir() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("ocean.toml"),
            "accent = \"blue\"\n[styles]\nok = { fg = \"236\" }",
        )
        .unwrap();
        let (t, warning) = Theme::load(Some("ocean"), Some(dir.path()), false);
        assert_eq!(warning, None);
        assert_eq!(
            (t.name.as_str(), t.accent, t.ok.fg),
            ("ocean", Color::Blue, Some(Color::Indexed(236)))
        );
    }

    #[test]
    fn broken_or_missing_user_theme_falls_back_with_warning() {
        let dir = tempfile::tempdir().unwrap();
        let (t, warning) = Theme::load(Some("nowhere"), Some(dir.path()), false);
        assert_eq!(t, Theme::default_theme());
        let w = warning.unwrap();
        assert!(
            w.contains("nowhere.toml") && w.contains("default theme"),
            "{w}"
        );

        std::fs::write(
            dir.path().join("bad.toml"),
            "[styles]\nok = { fg = \"grean\" }",
        )
        .unwrap();
        let (t, warning) = Theme::load(Some("bad"), Some(dir.path()), false);
        assert_eq!(t, Theme::default_theme());
        let w = warning.unwrap();
        assert!(w.contains("bad.toml") && w.contains("styles.ok.fg"), "{w}");

        let (_, warning) = Theme::load(Some("../etc/passwd"), Some(dir.path()), false);
        assert!(warning.unwrap().contains("not a valid theme name"));
        assert_eq!(
            Theme::load(None, None, false),
            (Theme::default_theme(), None)
        );
    }

    #[test]
    fn accent_recolours_header_and_focus_border() {
        let t = Theme::default_theme().with_accent("red").unwrap();
        assert_eq!(
            (t.accent, t.header.fg, t.border_focus.fg),
            (Color::Red, Some(Color::Red), Some(Color::Red))
        );
        assert_eq!(t.hint_key, Theme::default_theme().hint_key);
        assert!(
            Theme::default_theme()
                .with_accent("rojo")
                .unwrap_err()
                .to_string()
                .contains("\"accent\"")
        );
    }

    #[test]
    fn statuses_map_to_roles() {
        let t = Theme::default_theme();
        assert_eq!(t.status(&VerificationStatus::Failed), t.error);
        assert_eq!(t.status(&VerificationStatus::Verified), t.ok);
        assert_eq!(t.check(&CheckStatus::Warning), t.warn);
        assert_eq!(t.check(&CheckStatus::Skipped), t.muted);
    }
}
