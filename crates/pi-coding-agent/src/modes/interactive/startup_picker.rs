//! `pi --resume`: the session picker on its own screen, before any session is opened.

use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::time::Duration;

use pi_tui::{ProcessTerminal, TerminalEvent, Tui, shared};

use crate::config::{Env, Settings};
use crate::interactive::keybindings::{AppKeybindings, KeyPlatform};
use crate::interactive::session_selector::{SessionSelector, SessionSelectorOptions};
use crate::interactive::theme::{ColorMode, ThemeCatalog};
use crate::session::{SessionLocation, list_all_sessions, list_sessions};

/// Shows the picker over `cwd`'s sessions (and all); the chosen file, or `None` when the
/// user cancelled.
pub fn pick_session(
    location: &SessionLocation,
    cwd: &Path,
    settings: &Settings,
    env: &Env,
) -> Option<PathBuf> {
    let owned = |name: &str| env.var(name).map(str::to_owned);
    let keys = Rc::new(AppKeybindings::load(
        &location.agent_dir,
        KeyPlatform::detect(owned),
    ));
    let mode = ColorMode::detect(owned, settings.terminal_overrides().true_color);
    let name = super::initial_theme_name(settings, env);
    let (theme, _) = ThemeCatalog::new(&location.agent_dir).theme_or_dark(&name, mode);
    let (current, all) = (location.clone(), location.clone());
    let cwd = cwd.to_path_buf();
    let options = SessionSelectorOptions {
        show_rename_hint: Some(false),
        home: env.home().map(Path::to_path_buf),
        ..SessionSelectorOptions::default()
    };
    let mut selector = SessionSelector::new(
        Box::new(move || list_sessions(&current, &cwd, None)),
        Box::new(move || list_all_sessions(&all, None)),
        options,
        theme,
        keys,
    );
    let chosen: Rc<RefCell<Option<Option<PathBuf>>>> = Rc::default();
    {
        let chosen = chosen.clone();
        selector.on_select(move |path| *chosen.borrow_mut() = Some(Some(path.to_path_buf())));
    }
    {
        let chosen = chosen.clone();
        selector.on_cancel(move || *chosen.borrow_mut() = Some(None));
    }
    let selector = shared(selector);
    let mut tui = Tui::new(ProcessTerminal::new());
    tui.add_child(selector.clone());
    tui.set_focus(Some(selector));
    if tui.start().is_err() {
        return None;
    }
    loop {
        if tui.render_if_requested().is_err() {
            break;
        }
        match tui.poll(Duration::from_millis(500)) {
            Ok(Some(TerminalEvent::Terminate)) | Err(_) => break,
            _ => {}
        }
        if chosen.borrow().is_some() {
            break;
        }
    }
    let _ = tui.stop();
    chosen.borrow_mut().take().flatten()
}
