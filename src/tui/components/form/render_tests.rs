//! Form rendering on ratatui's TestBackend: masking, reveal, cursor, snapshots.

use super::tests::{SID, ctrl, focus, key, provider, sip_credential, type_text};
use super::*;
use crate::secret::Secret;
use crate::tui::app::theme::Theme;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn draw(form: &Form, theme: &Theme, w: u16, h: u16) -> Terminal<TestBackend> {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| form.render(f, f.area(), theme)).unwrap();
    t
}

fn screen(form: &Form) -> String {
    draw(form, &Theme::default_theme(), 80, 24)
        .backend()
        .to_string()
}

#[test]
fn masked_secret_never_reaches_the_buffer() {
    let mut form = Form::edit_sip(&sip_credential());
    assert!(!screen(&form).contains("CANARY"));
    assert!(screen(&form).contains(Secret::masked()));
    assert!(
        !screen(&form).contains(&"•".repeat("CANARY-pass-1234".len())),
        "the mask does not tell the length"
    );
    focus(&mut form, keys::AUTH_PASSWORD);
    type_text(&mut form, "-more");
    form.handle_key(key(KeyCode::Enter));
    form.apply_platform_error(
        "password rejected",
        &[FieldError::new("auth_password", "too weak")],
    );
    let text = screen(&form);
    assert!(
        !text.contains("CANARY") && !text.contains("-more"),
        "{text}"
    );
    assert!(text.contains("too weak"));
}

#[test]
fn reveal_toggle_shows_and_hides() {
    let mut form = Form::edit_sip(&sip_credential());
    focus(&mut form, keys::AUTH_PASSWORD);
    form.handle_key(ctrl('x'));
    let text = screen(&form);
    assert!(
        text.contains("CANARY-pass-1234") && text.contains("^x hide"),
        "{text}"
    );
    form.handle_key(ctrl('x'));
    assert!(!screen(&form).contains("CANARY"));
    focus(&mut form, keys::SERVER);
    form.handle_key(ctrl('x'));
    assert!(
        !screen(&form).contains("CANARY"),
        "ctrl-x only acts on the focused secret"
    );
}

#[test]
fn long_secrets_scroll_without_leaking() {
    let mut form = Form::new_provider(&Platform::Dasha);
    focus(&mut form, keys::AUTH_TOKEN);
    let secret = "abcdef".repeat(20);
    type_text(&mut form, &secret);
    let text = screen(&form);
    assert!(!text.contains("abcdef"), "{text}");
    assert!(
        text.contains("at most") || text.contains("must be 32 hex digits (got 120 characters)")
    );
}

#[test]
fn cursor_follows_the_focused_input() {
    let mut form = Form::new_sip();
    type_text(&mut form, "sip");
    let mut t = draw(&form, &Theme::default_theme(), 80, 24);
    let pos = t.get_cursor_position().unwrap();
    let buffer = t.backend().buffer().clone();
    let row: String = (0..80)
        .map(|x| buffer[(x, pos.y)].symbol().to_string())
        .collect();
    assert!(row.contains("› Server*") && row.contains("sip"), "{row}");
    assert_eq!(buffer[(pos.x - 1, pos.y)].symbol(), "p");
    focus(&mut form, keys::AUTH_PASSWORD);
    type_text(&mut form, "pw");
    t.draw(|f| form.render(f, f.area(), &Theme::default_theme()))
        .unwrap();
    let pos = t.get_cursor_position().unwrap();
    assert_eq!(t.backend().buffer()[(pos.x - 1, pos.y)].symbol(), "•");
}

#[test]
fn tiny_areas_do_not_panic() {
    let form = Form::edit_sip(&sip_credential());
    draw(&form, &Theme::default_theme(), 0, 0);
    for (w, h) in [(10, 3), (1, 1), (80, 5), (20, 24)] {
        let text = draw(&form, &Theme::default_theme(), w, h)
            .backend()
            .to_string();
        assert!(!text.contains("CANARY"));
    }
}

#[test]
fn a_small_form_shows_its_note_and_hints() {
    let mut form = Form::edit_provider(&provider(), &Platform::Unpod);
    assert_eq!(form.fields.len(), 2, "Account SID and its token");
    let text = screen(&form);
    assert!(
        text.contains("⏎ save") && text.contains("Esc cancel"),
        "{text}"
    );
    form.handle_key(key(KeyCode::Enter));
    let text = screen(&form);
    assert!(text.contains("nothing changed"), "{text}");
    snapshot("unpod_edit_default_80x24", &form, "default", (80, 24));
}

fn snapshot(name: &str, form: &Form, theme: &str, (w, h): (u16, u16)) {
    let t = draw(form, &Theme::builtin(theme).unwrap(), w, h);
    insta::assert_snapshot!(name, format!("{:?}", t.backend().buffer()));
}

/// A SIP form with a value in every kind of field and one error showing.
fn sip_form() -> Form {
    let mut form = Form::edit_sip(&sip_credential());
    focus(&mut form, keys::AUTH_USER);
    type_text(&mut form, "@x");
    focus(&mut form, keys::TRANSPORT);
    form
}

/// A Dasha provider form with a short token (error shown) and focus on the region.
fn provider_form() -> Form {
    let mut form = Form::new_provider(&Platform::Dasha);
    type_text(&mut form, "prod-main");
    focus(&mut form, keys::ACCOUNT_SID);
    type_text(&mut form, SID);
    focus(&mut form, keys::AUTH_TOKEN);
    type_text(&mut form, "0123456789abcdef0123456789abcde");
    focus(&mut form, keys::REGION);
    form
}

#[test]
fn snapshots() {
    let mut failed = Form::edit_provider(&provider(), &Platform::Dasha);
    focus(&mut failed, specs::CALL_TRANSFER);
    failed.handle_key(key(KeyCode::Right));
    failed.handle_key(key(KeyCode::Enter));
    failed.apply_platform_error(
        "provider name already exists",
        &[FieldError::new("name", "already taken")],
    );
    for theme in ["default", "high-contrast"] {
        for size in [(80, 24), (120, 40)] {
            let suffix = format!("{theme}_{}x{}", size.0, size.1);
            snapshot(&format!("sip_{suffix}"), &sip_form(), theme, size);
            snapshot(&format!("provider_{suffix}"), &provider_form(), theme, size);
        }
        snapshot(
            &format!("provider_failed_{theme}_80x24"),
            &failed,
            theme,
            (80, 24),
        );
    }
}

#[test]
fn a_field_error_starts_under_its_value() {
    let mut form = Form::new_provider(&crate::domain::Platform::Dasha);
    focus(&mut form, keys::ACCOUNT_SID);
    type_text(&mut form, "ACnot-hex");
    let screen = screen(&form);
    let rows: Vec<&str> = screen.lines().collect();
    let at = rows
        .iter()
        .position(|l| l.contains("ACnot-hex"))
        .expect("the value shows");
    let value_col = rows[at].find("ACnot-hex").unwrap();
    let error_col = rows[at + 1].find('✗').expect("the error is under it");
    assert_eq!(
        rows[at + 1][..error_col].chars().count(),
        rows[at][..value_col].chars().count(),
        "{screen}"
    );
}

#[test]
fn the_hint_line_shows_every_key_of_the_focused_field_at_any_width() {
    let mut form = Form::edit_sip(&sip_credential());
    for width in [40, 48, 60, 80] {
        let hints = |form: &Form| {
            let text = draw(form, &Theme::default_theme(), width, 24)
                .backend()
                .to_string();
            text.lines()
                .find(|l| l.contains("⏎ save") || l.contains("^x") || l.contains("←/→"))
                .unwrap_or_default()
                .to_string()
        };
        focus(&mut form, keys::TRANSPORT);
        assert!(
            hints(&form).contains("←/→ choose"),
            "{width}: {}",
            hints(&form)
        );
        focus(&mut form, keys::AUTH_PASSWORD);
        let line = hints(&form);
        assert!(
            line.contains("^x reveal") && line.contains("^g generate"),
            "{width}: {line}"
        );
    }
}
