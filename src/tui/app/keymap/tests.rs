//! Tests of key names, the default map and remapping.

use super::*;

const NONE: KeyModifiers = KeyModifiers::NONE;
const CTRL: KeyModifiers = KeyModifiers::CONTROL;
const SHIFT: KeyModifiers = KeyModifiers::SHIFT;

fn press(map: &Keymap, code: KeyCode, mods: KeyModifiers) -> Option<UserAction> {
    map.lookup(&KeyEvent::new(code, mods)).map(|s| s.action)
}

fn remap(line: usize, action: &str, keys: &[&str]) -> KeyRemap {
    KeyRemap {
        action: action.into(),
        keys: keys.iter().map(|k| k.to_string()).collect(),
        line,
    }
}

fn problems(remaps: &[KeyRemap]) -> Vec<KeyProblem> {
    Keymap::remapped(remaps).expect_err("refused")
}

#[test]
fn every_action_has_exactly_one_row_a_name_and_keys_that_do_not_collide() {
    let map = Keymap::default();
    let mut names = std::collections::HashSet::new();
    for s in ACTIONS {
        assert!(names.insert(s.name), "{} twice", s.name);
        assert!(
            s.name.chars().all(|c| c.is_ascii_lowercase() || c == '_'),
            "{}",
            s.name
        );
        for (code, mods) in s.keys {
            assert_eq!(
                press(&map, *code, *mods),
                Some(s.action),
                "{code:?} is taken by another action"
            );
        }
    }
    assert_eq!(Keymap::remapped(&[]), Ok(Keymap::default()));
}

#[test]
fn no_ctrl_d_or_ctrl_u_actions() {
    for c in ['d', 'u'] {
        assert_eq!(press(&Keymap::default(), KeyCode::Char(c), CTRL), None);
    }
}

#[test]
fn shifted_letters_match_with_or_without_the_shift_flag() {
    let map = Keymap::default();
    assert_eq!(
        press(&map, KeyCode::Char('D'), NONE),
        Some(UserAction::Delete)
    );
    assert_eq!(
        press(&map, KeyCode::Char('D'), SHIFT),
        Some(UserAction::Delete)
    );
    assert_eq!(
        press(&map, KeyCode::Char('?'), SHIFT),
        Some(UserAction::Help)
    );
    assert_eq!(
        press(&map, KeyCode::BackTab, SHIFT),
        Some(UserAction::FocusPane)
    );
}

#[test]
fn key_names_are_read_as_written() {
    let cases = [
        ("ctrl-x", (KeyCode::Char('x'), CTRL)),
        ("Ctrl-X", (KeyCode::Char('x'), CTRL)),
        ("D", (KeyCode::Char('D'), NONE)),
        ("shift-d", (KeyCode::Char('D'), NONE)),
        ("?", (KeyCode::Char('?'), NONE)),
        ("-", (KeyCode::Char('-'), NONE)),
        ("ctrl--", (KeyCode::Char('-'), CTRL)),
        ("enter", (KeyCode::Enter, NONE)),
        ("Esc", (KeyCode::Esc, NONE)),
        ("f5", (KeyCode::F(5), NONE)),
        ("alt-f12", (KeyCode::F(12), KeyModifiers::ALT)),
        ("space", (KeyCode::Char(' '), NONE)),
        ("shift-tab", (KeyCode::BackTab, NONE)),
        ("pgdn", (KeyCode::PageDown, NONE)),
        ("del", (KeyCode::Delete, NONE)),
    ];
    for (text, key) in cases {
        assert_eq!(parse_key(text), Ok(key), "{text}");
    }
    for bad in ["", "ctrl-", "f13", "f0", "hyper-x", "enterr", "ctrl-xy"] {
        let e = parse_key(bad).expect_err(bad);
        assert!(e.starts_with(&format!("unknown key `{bad}`")), "{e}");
    }
}

#[test]
fn a_remapped_key_works_and_the_old_ones_do_nothing() {
    let map = Keymap::remapped(&[remap(3, "delete", &["ctrl-x"])]).unwrap();
    assert_eq!(
        press(&map, KeyCode::Char('x'), CTRL),
        Some(UserAction::Delete)
    );
    assert_eq!(press(&map, KeyCode::Char('D'), NONE), None);
    assert_eq!(press(&map, KeyCode::Delete, NONE), None);
    assert_eq!(map.label(UserAction::Delete), "ctrl-x");
    assert_eq!(map.labels(UserAction::Edit), ["e"]);

    // Two actions may swap their keys.
    let swapped =
        Keymap::remapped(&[remap(1, "edit", &["x"]), remap(2, "reveal", &["e"])]).unwrap();
    assert_eq!(
        press(&swapped, KeyCode::Char('x'), NONE),
        Some(UserAction::Edit)
    );
    assert_eq!(
        press(&swapped, KeyCode::Char('e'), NONE),
        Some(UserAction::Reveal)
    );
}

#[test]
fn two_actions_on_one_key_are_refused_with_both_named() {
    let found = problems(&[
        remap(4, "delete", &["ctrl-x"]),
        remap(5, "edit", &["ctrl-x"]),
    ]);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!((found[0].line, found[0].action.as_str()), (5, "edit"));
    assert_eq!(
        found[0].message,
        "`ctrl-x` would trigger both edit (line 5) and delete (line 4): give each its own key"
    );
}

#[test]
fn a_remap_to_a_key_another_action_uses_is_reported() {
    let found = problems(&[remap(7, "delete", &["x"])]);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].line, 7);
    assert_eq!(
        found[0].message,
        "`x` would trigger both reveal (by default) and delete (line 7): \
         pick another key, or remap reveal too"
    );
    let found = problems(&[remap(2, "refresh", &["ctrl-c"])]);
    assert_eq!(
        found[0].message,
        "`ctrl-c` would trigger both refresh (line 2) and force_quit (always ctrl-c): \
         pick another key: ctrl-c always quits"
    );
}

#[test]
fn unknown_actions_and_key_names_are_each_reported_with_their_line() {
    let found = problems(&[
        remap(2, "delet", &["ctrl-x"]),
        remap(3, "edit", &["ctrl-xx", "e"]),
        remap(4, "force_quit", &["ctrl-q"]),
        remap(5, "sort", &[]),
    ]);
    let lines: Vec<usize> = found.iter().map(|p| p.line).collect();
    assert_eq!(lines, [2, 3, 4, 5], "{found:?}");
    assert!(
        found[0]
            .message
            .starts_with("unknown action `delet`: did you mean `delete`?")
    );
    assert!(found[1].message.starts_with("unknown key `ctrl-xx`"));
    assert_eq!(
        found[2].message,
        "force_quit cannot be remapped: ctrl-c always quits"
    );
    assert!(found[3].message.starts_with("no key given"), "{found:?}");
}

/// A one-profile Dasha config (it ends on line 5).
const DASHA: &str = r#"
[profiles.dev]
platform = "dasha"
base_url = "https://blackbox.dasha.ai/api/v1/"
token_env = "T"
"#;

/// The keymap of the config `text`'s `[keys]` table.
fn keymap(text: &str) -> Keymap {
    let config = crate::config::Config::parse(text, None, Some(0o600)).unwrap();
    Keymap::from_config(&config.keys, None).unwrap()
}

/// The problems of the config `text`'s `[keys]` table, as the config reports them.
fn config_problems(text: &str) -> Vec<crate::config::ConfigProblem> {
    let config = crate::config::Config::parse(text, None, Some(0o600)).unwrap();
    match Keymap::from_config(&config.keys, Some(Path::new("/cfg/config.toml"))) {
        Err(ConfigError::Invalid { problems, path }) => {
            assert_eq!(path, "/cfg/config.toml");
            problems
        }
        other => panic!("expected Invalid, got {other:?}"),
    }
}

fn one_config_problem(text: &str) -> crate::config::ConfigProblem {
    let mut all = config_problems(text);
    assert_eq!(all.len(), 1, "{all:#?}");
    all.remove(0)
}

#[test]
fn keys_remap_actions_by_name() {
    let c = keymap(&format!(
        "{DASHA}\n[keys]\ndelete = \"ctrl-x\"\nverify_all = [\"f5\", \"V\"]\n"
    ));
    assert_eq!(c.labels(UserAction::Delete), ["ctrl-x"]);
    assert_eq!(c.labels(UserAction::VerifyAll), ["f5", "V"]);
    assert_eq!(keymap(DASHA), Keymap::default());
}

#[test]
fn every_keys_problem_is_reported_with_its_line_in_file_order() {
    // DASHA ends on line 5, so [keys] is line 6.
    let text = format!(
        "{DASHA}[keys]\ndelet = \"ctrl-x\"\nedit = \"ctrl-xx\"\nrotate = \"x\"\nsort = 5\n"
    );
    let shown: Vec<String> = config_problems(&text)
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(shown.len(), 4, "{shown:#?}");
    assert!(
        shown[0].starts_with(
            "key \"keys.delet\": line 7: unknown action `delet`: did you mean `delete`?"
        ),
        "{shown:#?}"
    );
    assert!(
        shown[1].starts_with("key \"keys.edit\": line 8: unknown key `ctrl-xx`"),
        "{shown:#?}"
    );
    assert_eq!(
        shown[2],
        "key \"keys.rotate\": line 9: `x` would trigger both rotate (line 9) and reveal \
         (by default): pick another key, or remap reveal too"
    );
    assert_eq!(
        shown[3],
        "key \"keys.sort\": line 10: expected a key name (\"ctrl-x\") or a list of them, \
         got integer"
    );
}

#[test]
fn two_actions_on_one_key_are_refused_naming_both() {
    let p = one_config_problem(&format!(
        "{DASHA}[keys]\ndelete = \"ctrl-x\"\nedit = [\"ctrl-x\", \"e\"]\n"
    ));
    assert_eq!(
        p.to_string(),
        "key \"keys.edit\": line 8: `ctrl-x` would trigger both edit (line 8) and delete \
         (line 7): give each its own key"
    );
    let p = one_config_problem(&format!("keys = \"ctrl-x\"\n{DASHA}"));
    assert!(
        p.to_string().starts_with("key \"keys\": must be a table"),
        "{p}"
    );
}

#[test]
fn ctrl_shift_with_a_letter_is_refused_as_written() {
    // Terminals send ctrl-shift-f as ctrl-f: it would silently become ctrl-f.
    for text in ["ctrl-shift-f", "Shift-Ctrl-F", "ctrl-shift-F"] {
        let e = parse_key(text).expect_err(text);
        assert!(e.starts_with(&format!("`{text}`: ")), "{e}");
        assert!(e.contains("ctrl-f"), "{e}");
    }
    // Other shifted keys stay as they were.
    assert_eq!(
        parse_key("alt-shift-f"),
        Ok((KeyCode::Char('F'), KeyModifiers::ALT))
    );
    assert_eq!(parse_key("ctrl-X"), Ok((KeyCode::Char('x'), CTRL)));
}

#[test]
fn conflicts_quote_the_key_as_written() {
    let found = problems(&[remap(2, "refresh", &["Ctrl-C"])]);
    assert!(
        found[0]
            .message
            .starts_with("`Ctrl-C` would trigger both refresh (line 2)"),
        "{found:?}"
    );
    let found = problems(&[
        remap(4, "delete", &["ctrl-x"]),
        remap(5, "edit", &["Control-X"]),
    ]);
    assert!(
        found[0]
            .message
            .starts_with("`Control-X` would trigger both"),
        "{found:?}"
    );
}

#[test]
fn control_and_invisible_characters_are_not_key_names() {
    for (text, code) in [
        ("\u{0}", "U+0000"),
        ("\u{7}", "U+0007"),
        ("\u{1b}", "U+001B"),
        ("ctrl-\u{ad}", "U+00AD"),
        ("\u{200b}", "U+200B"),
        ("alt-\u{202e}", "U+202E"),
    ] {
        let e = parse_key(text).expect_err(code);
        assert!(
            e.contains(code) && e.contains("control or invisible"),
            "{code}: {e}"
        );
        assert!(
            !e.chars()
                .any(|c| c.is_control() || c == '\u{200b}' || c == '\u{202e}' || c == '\u{ad}'),
            "{e:?}"
        );
    }
    assert!(parse_key("é").is_ok() && parse_key("ß").is_ok());
}

#[test]
fn a_huge_key_name_is_quoted_short() {
    let huge = "x".repeat(1 << 20);
    let e = parse_key(&huge).expect_err("unknown");
    assert!(e.len() < 400, "{} bytes", e.len());
    assert!(
        e.starts_with("unknown key `xxxxxxxx") && e.contains('…'),
        "{e}"
    );
    let found = problems(&[remap(3, &huge, &["x"])]);
    assert!(
        found[0].message.len() < 400,
        "{} bytes",
        found[0].message.len()
    );
}

/// A `[keys]` table of about 1 MB: its checks take no longer than a small one's.
#[test]
fn big_keys_tables_are_refused_at_once() {
    // 150,000 keys for one action.
    let many: Vec<String> = (0..150_000u32)
        .map(|i| char::from_u32(0x4E00 + i % 20_000).unwrap().to_string())
        .collect();
    let keys: Vec<&str> = many.iter().map(String::as_str).collect();
    let found = problems(&[remap(2, "delete", &keys)]);
    assert_eq!(found.len(), 1, "{:?}", &found[..3.min(found.len())]);
    assert!(
        found[0].message.contains("150000 keys"),
        "{}",
        found[0].message
    );
    // 150,000 entries.
    let entries: Vec<KeyRemap> = (0..150_000)
        .map(|i| remap(i + 2, &format!("a{i}"), &["x"]))
        .collect();
    let found = problems(&entries);
    assert_eq!(found.len(), 1, "{:?}", &found[..3.min(found.len())]);
    assert!(
        found[0].message.contains("150000 entries"),
        "{}",
        found[0].message
    );
    // The same as written in a config of about 1 MB.
    let quoted: Vec<String> = many.iter().map(|k| format!("\"{k}\"")).collect();
    let text = format!("{DASHA}[keys]\ndelete = [{}]\n", quoted.join(", "));
    assert!(text.len() > 900_000, "{}", text.len());
    let p = one_config_problem(&text);
    assert!(
        p.to_string()
            .contains("150000 keys given for delete: at most 16"),
        "{p}"
    );
    let entries: Vec<String> = (0..150_000).map(|i| format!("a{i} = \"x\"\n")).collect();
    let p = one_config_problem(&format!("{DASHA}[keys]\n{}", entries.concat()));
    assert!(
        p.to_string()
            .starts_with("key \"keys\": has 150000 entries"),
        "{p}"
    );
    // The most a table may hold: every action, each with the most keys.
    let remaps: Vec<KeyRemap> = ACTIONS
        .iter()
        .enumerate()
        .filter(|(_, s)| s.action != FIXED)
        .map(|(i, s)| {
            let keys: Vec<String> = (0..MAX_KEYS)
                .map(|k| {
                    char::from_u32(0x4E00 + (i * MAX_KEYS + k) as u32)
                        .unwrap()
                        .to_string()
                })
                .collect();
            let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
            remap(i + 2, s.name, &keys)
        })
        .collect();
    assert!(Keymap::remapped(&remaps).is_ok());
}
