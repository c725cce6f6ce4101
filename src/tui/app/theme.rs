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
//! Modifiers are ratatui's `Modifier` names, case-insensitive, as `"BOLD | ITALIC"`
//! or `["bold", "italic"]`. Keys a theme leaves out keep the default theme's style;
//! unknown keys are errors that name the key, so a typo never goes unnoticed.
//!
//! Files are read with serde (`ThemeFile`); `serde_path_to_error` supplies the key
//! path (`styles.ok.fg`) that a [`ThemeError`] names.

use crate::domain::{CheckStatus, Tone, VerificationStatus};
use ratatui::style::{Color, Modifier, Style};
use serde::Deserialize;
use serde::de::{self, Deserializer, SeqAccess, Visitor};
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// The themes shipped with the binary, in menu order: each name is the stem of its
/// file in `themes/`, so a name cannot drift from its file.
macro_rules! builtin_themes {
    ($($name:literal),+ $(,)?) => {
        &[$(($name, include_str!(concat!("../../../themes/", $name, ".toml")))),+]
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

/// Declares the theme struct with one `Style` per name, the matching serde struct of
/// a theme file's `[styles]` table, and name-based access, so the list of style names
/// exists exactly once.
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

            fn styles_mut(&mut self) -> Vec<&mut Style> {
                vec![$(&mut self.$field),+]
            }

            /// Every style with its name, in declaration order.
            #[cfg(test)]
            fn named_styles(&self) -> Vec<(&'static str, Style)> {
                vec![$((stringify!($field), self.$field)),+]
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

        /// The `[styles]` table of a theme file: the styles it sets.
        #[derive(Debug, Default, Deserialize)]
        #[serde(deny_unknown_fields, expecting = "a table of styles")]
        struct StylesFile {
            $($field: Option<StyleFile>,)+
        }

        impl StylesFile {
            /// Replaces each style of `theme` that this table sets.
            fn apply(self, theme: &mut Theme) {
                $(if let Some(style) = self.$field {
                    theme.$field = style.into();
                })+
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
        let (name, text) = BUILTIN[0];
        let mut theme = Theme::blank(name);
        if let Ok(file) = ThemeFile::from_toml(text) {
            file.apply(&mut theme);
        }
        theme
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
        let file = ThemeFile::from_toml(toml_text)?;
        let mut theme = Theme::default_theme();
        theme.name = name.to_string();
        file.apply(&mut theme);
        Ok(theme)
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
        let new = parse_colour(accent).map_err(|e| ThemeError::Value {
            path: "accent".to_string(),
            message: e.to_string(),
        })?;
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
        // Without colour, the focused pane's border is drawn reversed: something
        // must still say which pane has the keyboard.
        for style in [
            &mut self.selected,
            &mut self.button_focus,
            &mut self.badge_prod,
            &mut self.badge_ro,
            &mut self.border_focus,
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

/// Reads and parses `<dir>/<name>.toml`, a regular file of at most
/// [`THEME_LIMIT`](crate::local_file::THEME_LIMIT) (a FIFO or a device is refused, as
/// for the config); the error names the file.
fn load_user(name: &str, user_dir: Option<&Path>) -> Result<Theme, ThemeError> {
    let name_owned = || name.to_string();
    if name.contains(['/', '\\']) || name.starts_with('.') {
        return Err(ThemeError::InvalidName { name: name_owned() });
    }
    let Some(dir) = user_dir else {
        return Err(ThemeError::NoThemesDir { name: name_owned() });
    };
    let path = dir.join(format!("{name}.toml"));
    let text = match crate::local_file::read_to_string(&path, crate::local_file::THEME_LIMIT) {
        Ok((text, _)) => text,
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

/// A theme file as written: every key optional, unknown keys rejected.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, expecting = "a theme table")]
struct ThemeFile {
    /// Accent colour; when absent the base theme's stays.
    accent: Option<Colour>,
    /// The styles this file sets; the others stay as in the base theme.
    #[serde(default)]
    styles: StylesFile,
}

/// One style, e.g. `{ fg = "red", add_modifier = "BOLD | REVERSED" }`. Ratatui's own
/// `Style` serde form ignores unknown keys and wants modifiers in exact upper case,
/// hence this struct.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, expecting = "a table such as { fg = \"red\" }")]
struct StyleFile {
    fg: Option<Colour>,
    bg: Option<Colour>,
    underline_color: Option<Colour>,
    #[serde(default)]
    add_modifier: Modifiers,
    #[serde(default)]
    sub_modifier: Modifiers,
}

impl From<StyleFile> for Style {
    fn from(file: StyleFile) -> Style {
        let mut style = Style::new();
        style.fg = file.fg.map(|c| c.0);
        style.bg = file.bg.map(|c| c.0);
        style.underline_color = file.underline_color.map(|c| c.0);
        style.add_modifier = file.add_modifier.0;
        style.sub_modifier = file.sub_modifier.0;
        style
    }
}

impl ThemeFile {
    /// Deserializes a theme file; errors carry the key path.
    fn from_toml(text: &str) -> Result<ThemeFile, ThemeError> {
        let deserializer = toml::Deserializer::parse(text).map_err(|e| ThemeError::Toml {
            message: e.message().trim().to_string(),
            line: line_of(text, e.span()),
        })?;
        serde_path_to_error::deserialize(deserializer).map_err(|e| keyed_error(text, e))
    }

    fn apply(self, theme: &mut Theme) {
        if let Some(accent) = self.accent {
            theme.accent = accent.0;
        }
        self.styles.apply(theme);
    }
}

/// Turns a deserialization error into a [`ThemeError`] naming its key path. A key
/// that is not among the keys allowed at its place is an unknown key, whatever
/// serde's wording.
fn keyed_error(text: &str, e: serde_path_to_error::Error<toml::de::Error>) -> ThemeError {
    use serde_path_to_error::Segment;
    let mut path = String::new();
    let mut keys = Vec::new();
    for segment in e.path().iter() {
        match segment {
            Segment::Map { key } | Segment::Enum { variant: key } => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
                keys.push(Some(key.as_str()));
            }
            Segment::Seq { index } => {
                path.push_str(&format!("[{index}]"));
                keys.push(None);
            }
            Segment::Unknown => {
                path.push_str(if path.is_empty() { "?" } else { ".?" });
                keys.push(None);
            }
        }
    }
    let error = e.inner();
    if let Some((Some(key), parents)) = keys.split_last()
        && let Some(known) = known_keys(parents)
        && !known.contains(key)
    {
        return ThemeError::UnknownKey { path, known };
    }
    if path.is_empty() {
        return ThemeError::Toml {
            message: error.message().trim().to_string(),
            line: line_of(text, error.span()),
        };
    }
    ThemeError::Value {
        path,
        message: error.message().trim().to_string(),
    }
}

/// The keys a theme file allows inside the table at `parents`.
fn known_keys(parents: &[Option<&str>]) -> Option<&'static [&'static str]> {
    match parents {
        [] => Some(fields_of::<ThemeFile>()),
        [Some("styles")] => Some(Theme::STYLE_NAMES),
        [Some("styles"), Some(_)] => Some(fields_of::<StyleFile>()),
        _ => None,
    }
}

/// The field names serde derived for the struct `T`, read from the `fields` it passes
/// to `deserialize_struct`, so the allowed keys are never written out a second time.
fn fields_of<'de, T: Deserialize<'de>>() -> &'static [&'static str] {
    struct Probe<'a>(&'a mut &'static [&'static str]);

    impl<'de> Deserializer<'de> for Probe<'_> {
        type Error = de::value::Error;

        fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
            Err(de::Error::custom("not a struct"))
        }

        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _name: &'static str,
            fields: &'static [&'static str],
            _visitor: V,
        ) -> Result<V::Value, Self::Error> {
            *self.0 = fields;
            Err(de::Error::custom("probed"))
        }

        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes
            byte_buf option unit unit_struct newtype_struct seq tuple tuple_struct map
            enum identifier ignored_any
        }
    }

    let mut fields: &'static [&'static str] = &[];
    let _ = T::deserialize(Probe(&mut fields));
    fields
}

/// 1-based line of a byte offset into `text`.
fn line_of(text: &str, span: Option<std::ops::Range<usize>>) -> Option<usize> {
    let start = span?.start.min(text.len());
    Some(
        text.as_bytes()[..start]
            .iter()
            .filter(|b| **b == b'\n')
            .count()
            + 1,
    )
}

/// A colour as written in a theme file, parsed by ratatui's `Color::from_str`.
/// (Ratatui's own `Color` serde form reports only "Failed to parse Colors".)
#[derive(Debug)]
struct Colour(Color);

impl<'de> Deserialize<'de> for Colour {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ColourVisitor;
        impl Visitor<'_> for ColourVisitor {
            type Value = Colour;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a colour such as \"#rrggbb\", \"light-blue\" or \"236\"")
            }
            fn visit_str<E: de::Error>(self, text: &str) -> Result<Colour, E> {
                parse_colour(text).map(Colour).map_err(E::custom)
            }
        }
        deserializer.deserialize_str(ColourVisitor)
    }
}

/// A colour the theme format does not know.
#[derive(Debug, thiserror::Error)]
#[error("unknown colour \"{0}\" (use \"#rrggbb\", a name like \"light-blue\", or 0-255)")]
struct UnknownColour(String);

fn parse_colour(text: &str) -> Result<Color, UnknownColour> {
    Color::from_str(text.trim()).map_err(|_| UnknownColour(text.to_string()))
}

/// Modifiers as written in a theme file: `"BOLD | REVERSED"` or `["bold", "reversed"]`,
/// names case-insensitive, `-` accepted for `_`.
#[derive(Debug, Default)]
struct Modifiers(Modifier);

impl<'de> Deserialize<'de> for Modifiers {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ModifiersVisitor;
        impl<'de> Visitor<'de> for ModifiersVisitor {
            type Value = Modifiers;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("modifier names such as \"BOLD | ITALIC\" or [\"bold\", \"italic\"]")
            }
            fn visit_str<E: de::Error>(self, text: &str) -> Result<Modifiers, E> {
                text.split('|')
                    .try_fold(Modifier::empty(), |all, name| {
                        Ok::<_, UnknownModifier>(all | parse_modifier(name)?)
                    })
                    .map(Modifiers)
                    .map_err(E::custom)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Modifiers, A::Error> {
                let mut all = Modifier::empty();
                while let Some(name) = seq.next_element::<String>()? {
                    all |= parse_modifier(&name).map_err(de::Error::custom)?;
                }
                Ok(Modifiers(all))
            }
        }
        deserializer.deserialize_any(ModifiersVisitor)
    }
}

/// A modifier name the theme format does not know.
#[derive(Debug, thiserror::Error)]
#[error("unknown modifier \"{0}\" (known: {known})", known = modifier_names())]
struct UnknownModifier(String);

/// Every modifier name, as ratatui spells them: `BOLD, DIM, …`.
fn modifier_names() -> String {
    let names: Vec<&str> = Modifier::all().iter_names().map(|(n, _)| n).collect();
    names.join(", ")
}

/// One modifier name, e.g. `bold` or `SLOW-BLINK`; blank names are no modifier.
fn parse_modifier(name: &str) -> Result<Modifier, UnknownModifier> {
    let name = name.trim();
    if name.is_empty() {
        return Ok(Modifier::empty());
    }
    Modifier::from_name(&name.to_ascii_uppercase().replace('-', "_"))
        .ok_or_else(|| UnknownModifier(name.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The error text for a theme file, which must fail.
    fn err(text: &str) -> String {
        Theme::parse("mine", text).unwrap_err().to_string()
    }

    #[test]
    fn every_builtin_parses_and_sets_every_style() {
        assert_eq!(
            Theme::builtin_names(),
            BUILTIN.iter().map(|(n, _)| *n).collect::<Vec<_>>()
        );
        for (name, text) in BUILTIN {
            let file = ThemeFile::from_toml(text).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(file.accent.is_some(), "{name} lacks accent");
            let mut theme = Theme::blank(name);
            file.apply(&mut theme);
            let table: toml::Table = toml::from_str(text).unwrap();
            let styles = table["styles"].as_table().unwrap();
            for key in Theme::STYLE_NAMES {
                assert!(styles.contains_key(*key), "{name} lacks styles.{key}");
            }
            assert_eq!(Theme::builtin(name).unwrap(), theme);
        }
        assert_eq!(Theme::builtin("dark").unwrap(), Theme::default_theme());
        assert_eq!(Theme::builtin("nope"), None);
        assert_eq!(Theme::default_theme().accent, Color::Cyan);
    }

    #[test]
    fn builtin_styles_read_as_written() {
        let t = Theme::builtin("high-contrast").unwrap();
        assert_eq!(t.accent, Color::LightYellow);
        assert_eq!(
            t.title,
            Style::new()
                .fg(Color::White)
                .add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
        );
        assert_eq!(
            Theme::default_theme().base,
            Style::new()
                .fg(Color::Rgb(0xc0, 0xc5, 0xce))
                .bg(Color::Rgb(0x1b, 0x2b, 0x34))
        );
    }

    #[test]
    fn bad_colour_names_the_key() {
        let e = err("[styles]\nok = { fg = \"grean\" }");
        assert_eq!(
            e,
            "key \"styles.ok.fg\": unknown colour \"grean\" \
             (use \"#rrggbb\", a name like \"light-blue\", or 0-255)"
        );
        assert!(err("accent = \"nope\"").starts_with("key \"accent\": unknown colour"));
        let e = err("[styles]\nok = { underline_color = \"#12345\" }");
        assert!(
            e.starts_with("key \"styles.ok.underline_color\": unknown colour \"#12345\""),
            "{e}"
        );
    }

    #[test]
    fn bad_modifier_names_the_key_and_the_known_modifiers() {
        let e = err("[styles]\nok = { add_modifier = \"BOLD | BLINKY\" }");
        assert_eq!(
            e,
            "key \"styles.ok.add_modifier\": unknown modifier \"BLINKY\" (known: BOLD, DIM, \
             ITALIC, UNDERLINED, SLOW_BLINK, RAPID_BLINK, REVERSED, HIDDEN, CROSSED_OUT)"
        );
        let e = err("[styles]\nwarn = { sub_modifier = [\"bold\", \"shiny\"] }");
        assert!(
            e.starts_with("key \"styles.warn.sub_modifier\": unknown modifier \"shiny\""),
            "{e}"
        );
        let e = err("[styles]\nwarn = { sub_modifier = [\"bold\", 3] }");
        assert!(
            e.starts_with("key \"styles.warn.sub_modifier[1]\": invalid type: integer `3`"),
            "{e}"
        );
    }

    #[test]
    fn modifiers_are_case_insensitive_strings_or_lists() {
        let t = Theme::parse(
            "mine",
            "[styles]\nok = { add_modifier = \"bold | Reversed|\" }\n\
             warn = { add_modifier = [\"slow-blink\", \"ITALIC\"], sub_modifier = \"dim\" }",
        )
        .unwrap();
        assert_eq!(t.ok.add_modifier, Modifier::BOLD | Modifier::REVERSED);
        assert_eq!(t.warn.add_modifier, Modifier::SLOW_BLINK | Modifier::ITALIC);
        assert_eq!(t.warn.sub_modifier, Modifier::DIM);
    }

    #[test]
    fn unknown_keys_are_errors() {
        let e = err("[styles]\nokay = { fg = \"green\" }");
        assert_eq!(
            e,
            format!(
                "unknown key \"styles.okay\" (known: {})",
                Theme::STYLE_NAMES.join(", ")
            )
        );
        assert_eq!(
            err("[styles]\nok = { colour = \"green\" }"),
            "unknown key \"styles.ok.colour\" \
             (known: fg, bg, underline_color, add_modifier, sub_modifier)"
        );
        assert_eq!(
            err("acent = \"red\""),
            "unknown key \"acent\" (known: accent, styles)"
        );
        assert!(matches!(
            Theme::parse("mine", "[styles]\nok.fg.x = \"red\""),
            Err(ThemeError::Value { path, .. }) if path == "styles.ok.fg"
        ));
    }

    #[test]
    fn wrong_value_types_name_the_key() {
        assert_eq!(
            err("styles = 3"),
            "key \"styles\": invalid type: integer `3`, expected a table of styles"
        );
        assert_eq!(
            err("[styles]\nok = \"green\""),
            "key \"styles.ok\": invalid type: string \"green\", \
             expected a table such as { fg = \"red\" }"
        );
        let e = err("[styles]\nok = { fg = 3 }");
        assert!(
            e.starts_with("key \"styles.ok.fg\": invalid type: integer `3`, expected a colour"),
            "{e}"
        );
        let e = err("[styles]\nok = { add_modifier = true }");
        assert!(
            e.starts_with("key \"styles.ok.add_modifier\": invalid type: boolean `true`"),
            "{e}"
        );
    }

    #[test]
    fn invalid_toml_names_the_line() {
        let e = err("accent = \"red\"\n[styles");
        assert!(e.starts_with("invalid TOML at line 2: "), "{e}");
        assert!(matches!(
            Theme::parse("mine", "[styles"),
            Err(ThemeError::Toml { line: Some(1), .. })
        ));
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
        assert_eq!(t.name, "mine");
        let default = Theme::default_theme();
        assert_eq!(t.accent, default.accent);
        let expected = Theme {
            name: "mine".to_string(),
            ok: t.ok,
            ..default.clone()
        };
        assert_eq!(t, expected);

        let t = Theme::parse("mine", "accent = \"magenta\"").unwrap();
        assert_eq!(
            t,
            Theme {
                name: "mine".to_string(),
                accent: Color::Magenta,
                ..default.clone()
            }
        );
        assert_eq!(
            Theme::parse("default", "").unwrap(),
            default,
            "an empty file is the default theme"
        );
    }

    #[test]
    fn known_keys_come_from_the_serde_structs() {
        assert_eq!(fields_of::<ThemeFile>(), ["accent", "styles"]);
        assert_eq!(fields_of::<StylesFile>(), Theme::STYLE_NAMES);
        assert_eq!(
            fields_of::<StyleFile>(),
            [
                "fg",
                "bg",
                "underline_color",
                "add_modifier",
                "sub_modifier"
            ]
        );
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
        let path = dir.path().join("bad.toml");
        assert_eq!(
            warning.unwrap(),
            format!(
                "theme file {}: key \"styles.ok.fg\": unknown colour \"grean\" \
                 (use \"#rrggbb\", a name like \"light-blue\", or 0-255); \
                 using the default theme",
                path.display()
            )
        );

        let (_, warning) = Theme::load(Some("../etc/passwd"), Some(dir.path()), false);
        assert!(warning.unwrap().contains("not a valid theme name"));
        let (_, warning) = Theme::load(Some("ocean"), None, false);
        assert_eq!(
            warning.unwrap(),
            "theme \"ocean\" is not builtin (default, light, high-contrast, solarized-dark) \
             and there is no themes directory; using the default theme"
        );
        assert_eq!(
            Theme::load(None, None, false),
            (Theme::default_theme(), None)
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_theme_that_is_not_a_small_regular_file_is_refused_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let big = dir.path().join("big.toml");
        std::fs::write(&big, "# padding\n".repeat(200_000)).unwrap();
        let zero = dir.path().join("zero.toml");
        std::os::unix::fs::symlink("/dev/zero", &zero).unwrap();
        let fifo = dir.path().join("fifo.toml");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        assert!(made.unwrap().success());
        for (name, path, what) in [
            ("big", &big, "larger than the 1 MiB limit"),
            (
                "zero",
                &zero,
                "not a regular file (it is a character device)",
            ),
            ("fifo", &fifo, "not a regular file (it is a named pipe)"),
        ] {
            let (t, warning) = Theme::load(Some(name), Some(dir.path()), false);
            assert_eq!(t, Theme::default_theme());
            let w = warning.unwrap();
            let shown = path.display().to_string();
            assert!(
                w.contains(&shown) && w.contains(what) && w.ends_with("using the default theme"),
                "{w}"
            );
        }
    }

    #[test]
    fn accent_recolours_header_and_focus_border() {
        let t = Theme::default_theme().with_accent("red").unwrap();
        assert_eq!(
            (t.accent, t.header.fg, t.border_focus.fg),
            (Color::Red, Some(Color::Red), Some(Color::Red))
        );
        assert_eq!(t.hint_key, Theme::default_theme().hint_key);
        let e = Theme::default_theme().with_accent("rojo").unwrap_err();
        assert!(
            e.to_string()
                .starts_with("key \"accent\": unknown colour \"rojo\""),
            "{e}"
        );
    }

    /// The RGB value a terminal shows for `colour`, `None` for the terminal default
    /// (`Reset`). The 16 named colours use xterm's default palette (black 000000,
    /// red cd0000, green 00cd00, yellow cdcd00, blue 0000ee, magenta cd00cd, cyan
    /// 00cdcd, gray e5e5e5, dark-gray 7f7f7f, light-red ff0000, light-green 00ff00,
    /// light-yellow ffff00, light-blue 5c5cff, light-magenta ff00ff, light-cyan
    /// 00ffff, white ffffff); other terminals' palettes differ, which is a reason to
    /// prefer "#rrggbb" in themes. Indexed 16-231 are xterm's 6x6x6 cube (levels 0,
    /// 95, 135, ..., 255), 232-255 its grey ramp (8, 18, ..., 238).
    fn rgb(colour: Color) -> Option<[u8; 3]> {
        const ANSI: [[u8; 3]; 16] = [
            [0x00, 0x00, 0x00],
            [0xcd, 0x00, 0x00],
            [0x00, 0xcd, 0x00],
            [0xcd, 0xcd, 0x00],
            [0x00, 0x00, 0xee],
            [0xcd, 0x00, 0xcd],
            [0x00, 0xcd, 0xcd],
            [0xe5, 0xe5, 0xe5],
            [0x7f, 0x7f, 0x7f],
            [0xff, 0x00, 0x00],
            [0x00, 0xff, 0x00],
            [0xff, 0xff, 0x00],
            [0x5c, 0x5c, 0xff],
            [0xff, 0x00, 0xff],
            [0x00, 0xff, 0xff],
            [0xff, 0xff, 0xff],
        ];
        let index = match colour {
            Color::Reset => return None,
            Color::Rgb(r, g, b) => return Some([r, g, b]),
            Color::Indexed(i) => i,
            Color::Black => 0,
            Color::Red => 1,
            Color::Green => 2,
            Color::Yellow => 3,
            Color::Blue => 4,
            Color::Magenta => 5,
            Color::Cyan => 6,
            Color::Gray => 7,
            Color::DarkGray => 8,
            Color::LightRed => 9,
            Color::LightGreen => 10,
            Color::LightYellow => 11,
            Color::LightBlue => 12,
            Color::LightMagenta => 13,
            Color::LightCyan => 14,
            Color::White => 15,
        };
        Some(match index {
            0..=15 => ANSI[usize::from(index)],
            16..=231 => {
                let level = |n: u8| if n == 0 { 0 } else { 55 + 40 * n };
                let n = index - 16;
                [level(n / 36), level(n / 6 % 6), level(n % 6)]
            }
            _ => [8 + 10 * (index - 232); 3],
        })
    }

    /// WCAG 2 relative luminance of an sRGB colour.
    fn luminance([r, g, b]: [u8; 3]) -> f64 {
        let channel = |c: u8| {
            let c = f64::from(c) / 255.0;
            if c <= 0.039_28 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
    }

    /// WCAG 2 contrast ratio, 1 to 21.
    fn contrast(a: [u8; 3], b: [u8; 3]) -> f64 {
        let (a, b) = (luminance(a), luminance(b));
        (a.max(b) + 0.05) / (a.min(b) + 0.05)
    }

    #[test]
    fn contrast_helpers_match_known_values() {
        assert_eq!(rgb(Color::Indexed(16)), Some([0, 0, 0]));
        assert_eq!(rgb(Color::Indexed(67)), Some([95, 135, 175]));
        assert_eq!(rgb(Color::Indexed(231)), Some([255, 255, 255]));
        assert_eq!(rgb(Color::Indexed(244)), Some([128, 128, 128]));
        assert_eq!(rgb(Color::Indexed(9)), rgb(Color::LightRed));
        assert_eq!(rgb(Color::Reset), None);
        assert!((contrast([0; 3], [255; 3]) - 21.0).abs() < 1e-9);
        assert!((contrast([0x77; 3], [255; 3]) - 4.48).abs() < 0.01);
    }

    /// Text styles drawn over another style's background rather than their own or
    /// `base`'s: (text style, background style, where).
    const LAYERED: &[(&str, &str, &str)] = &[
        ("muted", "input", "unselected choice options in a form"),
        ("title", "input", "the chosen option of an unfocused choice"),
        ("ok", "input_focus", "a confirmation name that matches"),
    ];

    /// Styles that only colour borders, never text (WCAG asks 3:1 of those, not 4.5).
    const BORDER_ONLY: &[&str] = &["border", "border_focus"];

    /// WCAG 2 AA for text (1.4.3): every text style of every builtin theme has a
    /// contrast ratio of at least 4.5:1 against the background it is drawn on: its
    /// own bg, else `base`'s, plus the accent (the profile name in the header) and
    /// the [`LAYERED`] pairs. A theme without a base bg
    /// is drawn on the terminal's own background, assumed black when base's fg is
    /// light (a dark theme) and white otherwise.
    #[test]
    fn builtin_text_contrast_is_at_least_4_5() {
        const MIN: f64 = 4.5;
        let mut failures = Vec::new();
        for name in Theme::builtin_names() {
            let theme = Theme::builtin(name).unwrap();
            let styles = theme.named_styles();
            let style = |n: &str| styles.iter().find(|(s, _)| *s == n).unwrap().1;
            let base_fg = theme.base.fg.and_then(rgb).unwrap_or([0xff; 3]);
            let terminal_bg = if luminance(base_fg) > 0.18 {
                Color::Black
            } else {
                Color::White
            };
            let base_bg = theme.base.bg.filter(|c| *c != Color::Reset);
            let base_bg = base_bg.unwrap_or(terminal_bg);
            let mut pairs: Vec<(String, Style, Color)> = styles
                .iter()
                .filter(|(n, s)| s.fg.is_some() && !BORDER_ONLY.contains(n))
                .map(|(n, s)| (n.to_string(), *s, s.bg.unwrap_or(base_bg)))
                .collect();
            let accent = Style::new().fg(theme.accent);
            pairs.push(("accent".to_string(), accent, base_bg));
            for (text, under, place) in LAYERED {
                let bg = style(under).bg.unwrap_or(base_bg);
                pairs.push((format!("{text} on {under} ({place})"), style(text), bg));
            }
            for (label, s, bg) in pairs {
                let fg = s.fg.unwrap();
                let (Some(fg_rgb), Some(bg_rgb)) = (rgb(fg), rgb(bg)) else {
                    continue;
                };
                let ratio = contrast(fg_rgb, bg_rgb);
                if ratio < MIN {
                    failures.push(format!(
                        "{name}: {label}: fg {fg} on bg {bg} is {ratio:.2}:1"
                    ));
                }
            }
        }
        assert!(
            failures.is_empty(),
            "text contrast below {MIN}:1:\n{}",
            failures.join("\n")
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
