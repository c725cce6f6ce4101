//! Tests of parsing, validation and profile selection.

use std::path::{Path, PathBuf};

use super::*;

const DASHA: &str = r#"
[profiles.dev]
platform = "dasha"
base_url = "https://blackbox.dasha.ai/api/v1/"
token_env = "TELCREDS_DEV"
"#;

fn problems(text: &str) -> Vec<ConfigProblem> {
    match Config::parse(text, Some(Path::new("/cfg/config.toml")), Some(0o600)) {
        Err(ConfigError::Invalid { problems, .. }) => problems,
        other => panic!("expected Invalid, got {other:?}"),
    }
}

fn one_problem(text: &str) -> ConfigProblem {
    let mut all = problems(text);
    assert_eq!(all.len(), 1, "{all:#?}");
    all.remove(0)
}

fn ok(text: &str) -> Config {
    Config::parse(text, Some(Path::new("/cfg/config.toml")), Some(0o600)).unwrap()
}

fn profile_with(extra: &str) -> String {
    format!(
        "[profiles.p]\nplatform = \"dasha\"\nbase_url = \"https://x.io\"\ntoken_env = \"T\"\n{extra}"
    )
}

#[test]
fn minimal_profile_gets_defaults() {
    let c = ok(DASHA);
    let p = c.profile("dev").unwrap();
    assert_eq!(p.platform, Platform::Dasha);
    assert_eq!(p.base_url, "https://blackbox.dasha.ai/api/v1");
    assert_eq!(p.token, TokenSource::Env("TELCREDS_DEV".into()));
    assert_eq!(p.twilio_api_base, DEFAULT_TWILIO_API_BASE);
    assert_eq!(
        p.provider_configurations_path,
        DEFAULT_PROVIDER_CONFIGURATIONS_PATH
    );
    assert!(!p.readonly && !p.protected);
    assert_eq!(
        (p.label.clone(), p.accent.clone(), p.org_handle.clone()),
        (None, None, None)
    );
    assert_eq!(c.path.as_deref(), Some(Path::new("/cfg/config.toml")));
}

#[test]
fn full_file_is_read_in_file_order() {
    let c = ok(r##"
theme = "solarized"
default_profile = "prod-unpod"

[profiles.zeta]
platform = "dasha"
base_url = "http://127.0.0.1:8080/dasha/"
token_cmd = "pass show x"
twilio_api_base = "http://localhost:8080/twilio/"
readonly = true

[profiles.prod-unpod]
platform = "Unpod"
base_url = "https://unpod.dev/api/v2/platform"
token_file = "~/tokens/unpod"
org_handle = "acme"
product_id = "prod-1"
provider_configurations_path = "telephony/provider-configurations/"
protected = true
label = "production"
accent = "#ff0000"

[profiles.alpha]
platform = "dasha"
base_url = "https://x.io"
token = "inline-secret"
"##);
    assert_eq!(c.theme.as_deref(), Some("solarized"));
    assert_eq!(c.default_profile.as_deref(), Some("prod-unpod"));
    assert_eq!(c.profile_names(), ["zeta", "prod-unpod", "alpha"]);
    let z = &c.profiles[0];
    assert_eq!(z.base_url, "http://127.0.0.1:8080/dasha");
    assert_eq!(z.twilio_api_base, "http://localhost:8080/twilio");
    assert_eq!(z.token, TokenSource::Cmd("pass show x".into()));
    assert!(z.readonly);
    let u = &c.profiles[1];
    assert_eq!(u.platform, Platform::Unpod);
    assert_eq!(u.org_handle.as_deref(), Some("acme"));
    assert_eq!(u.product_id.as_deref(), Some("prod-1"));
    assert_eq!(
        u.provider_configurations_path,
        "telephony/provider-configurations/"
    );
    assert!(u.protected && u.is_production());
    assert_eq!(u.accent.as_deref(), Some("#ff0000"));
    match &u.token {
        TokenSource::File(path) => {
            assert!(path.ends_with("tokens/unpod") && !path.starts_with("~"))
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        c.profiles[2].token,
        TokenSource::Inline(Secret::new("inline-secret"))
    );
    assert_eq!(c.pick(None).unwrap().name, "prod-unpod");
}

#[test]
fn relative_token_file_is_relative_to_the_config_file() {
    let c = ok(&DASHA.replace("token_env = \"TELCREDS_DEV\"", "token_file = \"dev.token\""));
    assert_eq!(
        c.profiles[0].token,
        TokenSource::File(PathBuf::from("/cfg/dev.token"))
    );
}

#[test]
fn syntax_error_has_line_and_column() {
    let p = one_problem("[profiles.x]\nplatform = \n");
    assert!(p.message.contains("line 2, column"), "{}", p.message);
    assert_eq!((p.profile, p.key), (None, None));
}

#[test]
fn syntax_errors_never_quote_an_inline_token() {
    const CANARY: &str = "0123cafe5ca1ab1e0123cafe5ca1ab1e";
    let head = "[profiles.p]\nplatform = \"dasha\"\nbase_url = \"https://x.io\"\n";
    let broken = [
        (format!("{head}token = {CANARY}\n"), 4),
        (format!("{head}token = \"{CANARY}\n"), 4),
        (
            format!("{head}token = \"s3cr3t-{CANARY}\nlabel = \"x\"\n"),
            4,
        ),
        (format!("{head}token = '{CANARY}\n"), 4),
        // An unterminated multi-line string is reported where the file ends.
        (format!("{head}token = \"\"\"{CANARY}\n"), 5),
        (format!("{head}\n\ntoken = {CANARY} x\n"), 6),
    ];
    for (text, line) in broken {
        let err = Config::parse(&text, Some(Path::new("/cfg/config.toml")), Some(0o600))
            .unwrap_err()
            .to_string();
        assert!(!err.contains(CANARY), "leaks the token:\n{err}");
        assert!(!err.contains("0123cafe"), "leaks part of the token:\n{err}");
        assert!(err.contains(&format!("line {line}, column")), "{err}");
    }
}

#[test]
fn syntax_error_positions_count_characters() {
    assert_eq!(parse::line_column("ab\ncdé\nf", 0), (1, 1));
    assert_eq!(parse::line_column("ab\ncdé\nf", 3), (2, 1));
    assert_eq!(parse::line_column("ab\ncdé\nf", 7), (2, 4));
    assert_eq!(parse::line_column("ab\ncdé\nf", 8), (3, 1));
    assert_eq!(parse::line_column("ab", 99), (1, 3));
    assert_eq!(parse::line_column("é", 1), (1, 1));
}

#[test]
fn every_problem_is_reported_with_profile_and_key() {
    let text = r#"
[profiles.prod]
platform = "dasha"
base_url = "http://example.com"
token_env = "T"
readonly = "yes"

[profiles.staging]
platform = "unpod"
base_url = "https://unpod.dev"
token_cmd = "pass show s"
twilio_api_base = "http://twilio.example"
"#;
    let all = problems(text);
    let shown: Vec<String> = all.iter().map(ToString::to_string).collect();
    assert_eq!(
        shown,
        [
            "profile \"prod\", key \"base_url\": http:// is only allowed for loopback hosts (got http://example.com)",
            "profile \"prod\", key \"readonly\": expected true or false, got string",
            "profile \"staging\", key \"twilio_api_base\": http:// is only allowed for loopback hosts (got http://twilio.example)",
            "profile \"staging\", key \"org_handle\": is required for unpod profiles (the Org-Handle header)",
        ]
    );
    let err = Config::parse(text, Some(Path::new("/c.toml")), None)
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("4 problems in /c.toml:\n  - profile \"prod\", key \"base_url\": "),
        "{err}"
    );
}

#[test]
fn http_loopback_is_accepted_for_both_urls() {
    for base in [
        "http://127.0.0.1:9000",
        "http://localhost",
        "http://[::1]:1",
    ] {
        let c =
            ok(&profile_with(&format!("twilio_api_base = \"{base}/\""))
                .replace("https://x.io", base));
        assert_eq!(c.profiles[0].base_url, base);
        assert_eq!(c.profiles[0].twilio_api_base, base);
    }
}

#[test]
fn two_token_sources_are_refused_naming_the_keys() {
    let p = one_problem(&profile_with("token_cmd = \"pass show x\""));
    assert_eq!(p.profile.as_deref(), Some("p"));
    assert_eq!(
        p.message,
        "more than one token source (token_env, token_cmd); keep exactly one"
    );
}

#[test]
fn zero_token_sources_are_refused_naming_the_keys() {
    let p = one_problem("[profiles.p]\nplatform = \"dasha\"\nbase_url = \"https://x.io\"\n");
    assert_eq!(
        p.to_string(),
        "profile \"p\": no token source; set one of token_env, token_cmd, token_file, token"
    );
}

#[test]
fn unknown_keys_get_suggestions() {
    let p = one_problem(&profile_with("readonyl = true"));
    assert_eq!(p.key.as_deref(), Some("readonyl"));
    assert_eq!(
        p.message,
        "unknown key `readonyl`; did you mean `readonly`?"
    );

    let all =
        problems("[profiles.p]\nplatform = \"dasha\"\nbase_url = \"https://x.io\"\ntokn = \"x\"\n");
    assert_eq!(all[0].message, "unknown key `tokn`; did you mean `token`?");
    assert!(all[1].message.starts_with("no token source"));

    let p = one_problem(&format!("colour = \"x\"\n{DASHA}"));
    assert_eq!(
        (p.profile, p.message.as_str()),
        (None, "unknown key `colour`")
    );
    let p = one_problem("[profile.x]\nplatform = \"dasha\"\n");
    assert_eq!(p.message, "unknown key `profile`; did you mean `profiles`?");
}

#[test]
fn wrong_types_are_reported() {
    let all = problems(&profile_with("protected = 1\nlabel = true\naccent = []\n"));
    let msgs: Vec<&str> = all.iter().map(|p| p.message.as_str()).collect();
    assert_eq!(
        msgs,
        [
            "expected true or false, got integer",
            "expected a string, got boolean",
            "expected a string, got array"
        ]
    );
    let p = one_problem(&format!("theme = 3\n{DASHA}"));
    assert_eq!(
        p.to_string(),
        "key \"theme\": expected a string, got integer"
    );
    let p = one_problem("profiles = 3\n");
    assert_eq!(p.key.as_deref(), Some("profiles"));
    let p = one_problem("[profiles]\np = \"x\"\n");
    assert_eq!(
        p.to_string(),
        "profile \"p\": must be a table ([profiles.p]), got string"
    );
}

#[test]
fn missing_required_keys() {
    let all = problems("[profiles.u]\nplatform = \"unpod\"\ntoken_env = \"T\"\n");
    let shown: Vec<String> = all.iter().map(ToString::to_string).collect();
    assert_eq!(
        shown,
        [
            "profile \"u\", key \"base_url\": is required but missing",
            "profile \"u\", key \"org_handle\": is required for unpod profiles (the Org-Handle header)",
        ]
    );
    let p = one_problem("[profiles.d]\nbase_url = \"https://x.io\"\ntoken_env = \"T\"\n");
    assert_eq!(p.key.as_deref(), Some("platform"));
}

#[test]
fn bad_values_are_refused() {
    let p = one_problem(&profile_with("").replace("\"dasha\"", "\"twilio\""));
    assert_eq!(p.message, "must be \"dasha\" or \"unpod\" (got \"twilio\")");
    let p = one_problem(&profile_with(
        "provider_configurations_path = \"telephony/x\"",
    ));
    assert!(
        p.message.starts_with("must end with \"/\""),
        "{}",
        p.message
    );
    let p = one_problem(&profile_with("label = \"  \""));
    assert_eq!(p.message, "must not be empty");
    let p = one_problem(&profile_with("").replace("token_env = \"T\"", "token_env = \"A=B\""));
    assert_eq!(p.key.as_deref(), Some("token_env"));
    let p = one_problem(&profile_with("").replace("token_env = \"T\"", "token_file = \"~bob/t\""));
    assert_eq!(p.key.as_deref(), Some("token_file"));
    let p = one_problem(&profile_with("").replace("https://x.io", "ftp://x.io"));
    assert_eq!(p.message, "must start with https:// (got ftp://x.io)");
    let p = one_problem(&format!("default_profile = \"nope\"\n{DASHA}"));
    assert_eq!(
        p.to_string(),
        "key \"default_profile\": no profile named \"nope\"; known profiles: dev"
    );
    let p = one_problem(
        "[profiles.\"a b\"]\nplatform = \"dasha\"\nbase_url = \"https://x.io\"\ntoken_env = \"T\"\n",
    );
    assert_eq!(p.profile.as_deref(), Some("a b"));
}

/// A config of `n` profiles named `team-0` … `team-{n-1}`, plus `prod-dasha`.
fn many_profiles(n: usize) -> String {
    let mut text = String::new();
    for name in (0..n)
        .map(|i| format!("team-{i}"))
        .chain(["prod-dasha".to_string()])
    {
        text.push_str(&format!(
            "[profiles.{name}]\nplatform = \"dasha\"\nbase_url = \"https://x.io\"\ntoken_env = \"T\"\n"
        ));
    }
    text
}

#[test]
fn an_unknown_profile_in_a_big_config_names_a_few_close_ones_and_the_count() {
    let c = ok(&many_profiles(10_000));
    let e = c.pick(Some("prod-dahsa")).unwrap_err().to_string();
    assert_eq!(
        e,
        "no profile named \"prod-dahsa\"; did you mean \"prod-dasha\"? \
         (10001 profiles: see `telcreds profiles list`)"
    );
    let e = c.pick(Some("team-12345")).unwrap_err().to_string();
    assert!(e.len() < 200, "{e}");
    assert!(e.contains("10001 profiles"), "{e}");
    let e = c.pick(Some("zzzzzzzzzzzzzz")).unwrap_err().to_string();
    assert_eq!(
        e,
        "no profile named \"zzzzzzzzzzzzzz\" (10001 profiles: see `telcreds profiles list`)"
    );

    let p = one_problem(&format!(
        "default_profile = \"prod-dahsa\"\n{}",
        many_profiles(10_000)
    ));
    assert_eq!(
        p.to_string(),
        "key \"default_profile\": no profile named \"prod-dahsa\"; did you mean \"prod-dasha\"? \
         (10001 profiles: see `telcreds profiles list`)"
    );
}

#[test]
fn default_profile_naming_an_invalid_profile_reports_only_the_profile() {
    let p = one_problem(
        "default_profile = \"p\"\n[profiles.p]\nplatform = \"dasha\"\ntoken_env = \"T\"\n",
    );
    assert_eq!(p.key.as_deref(), Some("base_url"));
}

const INLINE: &str = "[profiles.prod]\nplatform = \"dasha\"\nbase_url = \"https://x.io\"\ntoken = \"INLINE-CANARY\"\n";

#[test]
fn inline_token_in_open_file_is_refused_with_chmod_hint() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.toml");
    std::fs::write(&path, INLINE).unwrap();
    set_mode(&path, 0o644);
    let err = Config::load(&path).unwrap_err();
    let shown = path.display();
    let expected = format!(
        "profile \"prod\": inline token in {shown}, which is readable by group and others (mode 0644); \
         run: chmod 600 {shown}, or use token_env / token_cmd / token_file"
    );
    match &err {
        ConfigError::Invalid { problems, .. } => assert_eq!(problems[0].to_string(), expected),
        other => panic!("{other:?}"),
    }
    assert!(!format!("{err} {err:?}").contains("CANARY"));

    set_mode(&path, 0o600);
    let c = Config::load(&path).unwrap();
    assert_eq!(
        c.profiles[0].token.resolve().unwrap().expose(),
        "INLINE-CANARY"
    );
    assert!(!format!("{c:?}").contains("CANARY"));
}

#[test]
fn inline_token_mode_check_is_pure() {
    assert!(
        Config::parse(INLINE, None, None).is_ok(),
        "unknown mode: allowed"
    );
    assert!(Config::parse(INLINE, None, Some(0o100400)).is_ok());
    assert!(Config::parse(INLINE, None, Some(0o100640)).is_err());
    assert!(Config::parse(INLINE, None, Some(0o604)).is_err());
    let p = one_problem(&INLINE.replace("\"INLINE-CANARY\"", "42"));
    assert_eq!(
        p.to_string(),
        "profile \"prod\", key \"token\": expected a string, got integer"
    );
}

#[cfg(unix)]
fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

#[cfg(not(unix))]
fn set_mode(_: &Path, _: u32) {}

#[test]
fn an_inline_token_in_a_file_others_may_write_is_refused_and_the_mode_explained() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.toml");
    std::fs::write(&path, INLINE).unwrap();
    let shown = path.display();
    for (mode, allows) in [
        (0o620, "writable by group"),
        (0o602, "writable by others"),
        (0o640, "readable by group"),
        (0o666, "readable and writable by group and others"),
        (0o610, "executable by group"),
    ] {
        set_mode(&path, mode);
        let err = Config::load(&path).unwrap_err();
        let expected = format!(
            "profile \"prod\": inline token in {shown}, which is {allows} (mode {mode:04o}); \
             run: chmod 600 {shown}, or use token_env / token_cmd / token_file"
        );
        match &err {
            ConfigError::Invalid { problems, .. } => {
                assert_eq!(problems[0].to_string(), expected)
            }
            other => panic!("{mode:o}: {other:?}"),
        }
    }
}

#[test]
fn load_reports_unreadable_files() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope.toml");
    let err = Config::load(&missing).unwrap_err();
    assert!(matches!(err, ConfigError::Read { .. }), "{err:?}");
    assert!(
        err.to_string().starts_with("cannot read config file "),
        "{err}"
    );
}

#[test]
fn profile_resolve_token_names_the_profile() {
    let c = ok(&DASHA.replace("TELCREDS_DEV", "TELCREDS_TEST_UNSET_F00D"));
    let err = c.profiles[0].resolve_token().unwrap_err();
    assert_eq!(
        err.to_string(),
        "profile \"dev\", key \"token_env\": environment variable TELCREDS_TEST_UNSET_F00D is not set"
    );
}

#[test]
fn token_cmd_from_config_resolves() {
    let c = ok(&DASHA.replace("token_env = \"TELCREDS_DEV\"", "token_cmd = \"printf abc\""));
    assert_eq!(c.profiles[0].resolve_token().unwrap().expose(), "abc");
}

#[test]
fn pick_and_profile() {
    let dasha = || TokenSource::Env("T".into());
    let c = Config::from_profiles(vec![
        Profile::new("a", Platform::Dasha, "http://127.0.0.1:1/", dasha()),
        Profile::new("b", Platform::Unpod, "http://127.0.0.1:2", dasha()),
    ]);
    assert_eq!(c.profiles[0].base_url, "http://127.0.0.1:1");
    assert_eq!(c.pick(None).unwrap().name, "a");
    assert_eq!(c.pick(Some("b")).unwrap().name, "b");
    let err = c.pick(Some("c")).unwrap_err();
    assert!(matches!(&err, ConfigError::UnknownProfile { known, .. } if known == &["a", "b"]));
    assert_eq!(
        err.to_string(),
        "no profile named \"c\"; known profiles: a, b"
    );

    let empty = Config::from_profiles(vec![]);
    assert!(
        empty
            .pick(None)
            .unwrap_err()
            .to_string()
            .contains("no profiles defined")
    );
    assert!(
        empty
            .profile("x")
            .unwrap_err()
            .to_string()
            .contains("no profiles")
    );
    assert!(ok("theme = \"x\"\n").profiles.is_empty());
}

#[test]
fn is_production() {
    let mut p = Profile::new(
        "a",
        Platform::Dasha,
        "https://x.io",
        TokenSource::Env("T".into()),
    );
    assert!(!p.is_production());
    for label in ["prod", "Production", " PROD "] {
        p.label = Some(label.into());
        assert!(p.is_production(), "{label}");
    }
    p.label = Some("staging".into());
    assert!(!p.is_production());
    p.protected = true;
    assert!(p.is_production());
}

#[test]
fn not_found_tells_how_to_create_a_config() {
    let err = ConfigError::NotFound {
        searched: vec![PathBuf::from("/x/telcreds/config.toml")],
    };
    let msg = err.to_string();
    assert!(msg.contains("searched /x/telcreds/config.toml"), "{msg}");
    assert!(
        msg.contains(
            "mkdir -p /x/telcreds && telcreds sandbox --print-config > /x/telcreds/config.toml"
        ),
        "{msg}"
    );
    let msg = ConfigError::NotFound { searched: vec![] }.to_string();
    assert!(
        msg.contains("telcreds sandbox --print-config > ~/.config/telcreds/config.toml"),
        "{msg}"
    );
}

#[test]
fn invalid_display_indents_multiline_messages() {
    let err = ConfigError::Invalid {
        path: "/c".into(),
        problems: vec![ConfigProblem::general(
            "TOML parse error at line 1, column 2\n  |\n1 | x",
        )],
    };
    assert_eq!(
        err.to_string(),
        "1 problem in /c:\n  - TOML parse error at line 1, column 2\n      |\n    1 | x"
    );
}

/// `--config` wins and is read; a missing one is a read error. `TELCREDS_CONFIG`
/// is covered purely by `locate_in`'s tests, and through the real binary by the
/// integration tests (setting it here would race the other tests' threads).
#[test]
fn load_default_reads_the_cli_path() {
    let dir = tempfile::tempdir().unwrap();
    let from_cli = dir.path().join("cli.toml");
    std::fs::write(&from_cli, DASHA.replace("dev", "cli")).unwrap();
    assert_eq!(Config::locate(Some(&from_cli)), Some(from_cli.clone()));
    assert_eq!(
        Config::load_default(Some(&from_cli))
            .unwrap()
            .profile_names(),
        ["cli"]
    );
    let missing = dir.path().join("missing.toml");
    assert!(matches!(
        Config::load_default(Some(&missing)),
        Err(ConfigError::Read { .. })
    ));
}

#[test]
fn garbage_never_panics() {
    for text in [
        "",
        "\0",
        "[[profiles]]\n",
        "profiles = []\n",
        "[profiles.x.y.z]\n",
        "a.b.c = 1",
        "[profiles.\"\"]\n",
        "💥 = 1",
    ] {
        let _ = Config::parse(text, None, Some(0o777));
    }
}

const SID: &str = "AC0123456789abcdef0123456789abcdef";

#[test]
fn twilio_accounts_are_read_with_their_defaults() {
    let c = ok(&format!(
        "{DASHA}\n[twilio_accounts.acme]\naccount_sid = \"{SID}\"\ntoken_cmd = \"pass show twilio/acme\"\n\
         label = \"Acme main\"\nstore_cmd = \"pass insert -m -f twilio/acme\"\n\
         \n[twilio_accounts.lab]\naccount_sid = \"AC{}\"\ntoken_env = \"LAB\"\ntwilio_accounts_base = \"http://127.0.0.1:9/\"\n",
        "f".repeat(32)
    ));
    let acme = c.twilio_account(SID).unwrap();
    assert_eq!(acme.name, "acme");
    assert_eq!(acme.token, TokenSource::Cmd("pass show twilio/acme".into()));
    assert_eq!(acme.label.as_deref(), Some("Acme main"));
    assert_eq!(
        acme.store_cmd.as_deref(),
        Some("pass insert -m -f twilio/acme")
    );
    assert_eq!(acme.twilio_accounts_base, DEFAULT_TWILIO_ACCOUNTS_BASE);
    assert_eq!(
        c.twilio_accounts[1].twilio_accounts_base,
        "http://127.0.0.1:9"
    );
    assert_eq!(
        c.profiles[0].twilio_accounts_base,
        DEFAULT_TWILIO_ACCOUNTS_BASE
    );
}

#[test]
fn twilio_account_problems_name_the_account_and_key() {
    let all = problems(&format!(
        "{DASHA}\n[twilio_accounts.a]\naccount_sid = \"AC12\"\ntoken_env = \"A\"\ncolour = 1\n\
         \n[twilio_accounts.b]\naccount_sid = \"{SID}\"\n\
         \n[twilio_accounts.c]\naccount_sid = \"{SID}\"\ntoken_env = \"C\"\n\
         \n[twilio_accounts.d]\naccount_sid = \"{SID}\"\ntoken_env = \"D\"\n"
    ));
    let shown: Vec<String> = all.iter().map(ToString::to_string).collect();
    assert_eq!(shown.len(), 4, "{shown:#?}");
    assert!(shown[0].starts_with("twilio account \"a\", key \"account_sid\": must be AC + 32"));
    assert!(shown[1].starts_with("twilio account \"a\", key \"colour\": unknown key"));
    assert!(shown[2].starts_with("twilio account \"b\": no token source"));
    assert!(
        shown[3].contains("twilio account \"d\", key \"account_sid\": the same Account SID as twilio account \"c\""),
        "{shown:#?}"
    );
}

#[test]
fn an_inline_twilio_token_follows_the_file_permission_rule() {
    let text = format!("[twilio_accounts.a]\naccount_sid = \"{SID}\"\ntoken = \"CANARY-TW\"\n");
    let e = Config::parse(&text, Some(Path::new("/cfg/config.toml")), Some(0o644)).unwrap_err();
    let shown = e.to_string();
    assert!(shown.contains("chmod 600"), "{shown}");
    assert!(!shown.contains("CANARY-TW"));
    assert!(ok(&text).twilio_account(SID).is_some());
}

#[test]
fn keys_are_kept_as_written_and_never_stop_the_config() {
    // A misspelt action, a bad key and a wrong shape: the UI reports them
    // (`Keymap::from_config`); the command line never reads the table.
    let c = ok(&format!(
        "{DASHA}[keys]\ndelet = \"ctrl-x\"\nedit = \"ctrl-xx\"\nsort = 5\n"
    ));
    assert_eq!(c.profiles.len(), 1);
    assert_eq!(c.keys.remaps.len(), 2);
    assert_eq!(c.keys.remaps[0].action, "delet");
    assert_eq!(c.keys.remaps[0].line, 7);
    assert_eq!(c.keys.problems.len(), 1);
    assert_eq!(c.keys.problems[0].action, "sort");
    let c = ok(&format!("keys = \"ctrl-x\"\n{DASHA}"));
    assert_eq!(c.keys.problems.len(), 1);
}

#[test]
fn twilio_accounts_name_their_api_and_trunking_bases() {
    let c = ok(&format!(
        "{DASHA}\n[twilio_accounts.acme]\naccount_sid = \"{SID}\"\ntoken_env = \"A\"\n\
         \n[twilio_accounts.lab]\naccount_sid = \"AC{}\"\ntoken_env = \"LAB\"\n\
         twilio_api_base = \"http://127.0.0.1:9/\"\ntwilio_trunking_base = \"http://127.0.0.1:9/trunking/\"\n",
        "f".repeat(32)
    ));
    let acme = c.twilio_account(SID).unwrap();
    assert_eq!(acme.twilio_api_base, DEFAULT_TWILIO_API_BASE);
    assert_eq!(acme.twilio_trunking_base, DEFAULT_TWILIO_TRUNKING_BASE);
    assert_eq!(DEFAULT_TWILIO_TRUNKING_BASE, "https://trunking.twilio.com");
    let lab = &c.twilio_accounts[1];
    assert_eq!(lab.twilio_api_base, "http://127.0.0.1:9");
    assert_eq!(lab.twilio_trunking_base, "http://127.0.0.1:9/trunking");
}

#[test]
fn twilio_account_bases_are_checked_like_the_others() {
    let shown: Vec<String> = problems(&format!(
        "{DASHA}\n[twilio_accounts.a]\naccount_sid = \"{SID}\"\ntoken_env = \"A\"\n\
         twilio_api_base = \"http://twilio.example\"\ntwilio_trunking_base = 5\n\
         twilio_trunkng_base = \"https://trunking.twilio.com\"\n"
    ))
    .iter()
    .map(ToString::to_string)
    .collect();
    assert_eq!(shown.len(), 3, "{shown:#?}");
    assert_eq!(
        shown[0],
        "twilio account \"a\", key \"twilio_api_base\": http:// is only allowed for loopback hosts (got http://twilio.example)"
    );
    assert!(
        shown[1]
            .starts_with("twilio account \"a\", key \"twilio_trunking_base\": expected a string"),
        "{shown:#?}"
    );
    assert!(
        shown[2].starts_with("twilio account \"a\", key \"twilio_trunkng_base\": unknown key")
            && shown[2].contains("twilio_trunking_base"),
        "{shown:#?}"
    );
}
