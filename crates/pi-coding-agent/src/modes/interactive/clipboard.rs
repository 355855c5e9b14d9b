//! The system clipboard as pi reaches it: the platform's tools first (`pbcopy`, `wl-copy`,
//! `xclip`, `xsel`, `termux-clipboard-set`), then OSC 52 through the terminal where no tool
//! can be (remote sessions, a Linux without a display).

use std::io::Write as _;
use std::process::{Command, Stdio};
use std::time::Duration;

use base64::Engine as _;

use crate::config::Env;

/// OSC 52 payloads longer than this are refused by many terminals.
const MAX_OSC52_ENCODED: usize = 100_000;
const TOOL_TIMEOUT: Duration = Duration::from_secs(5);

/// How a copy reached the clipboard.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Copied {
    /// A platform tool took it.
    Tool,
    /// The terminal is to be sent this OSC 52 sequence.
    Osc52(String),
}

/// Copies `text`, or says why it cannot (pi's messages).
pub(crate) fn copy(text: &str, env: &Env) -> Result<Copied, String> {
    let linux = cfg!(target_os = "linux");
    let mut tools: Vec<(&str, &[&str])> = Vec::new();
    if cfg!(target_os = "macos") {
        tools.push(("pbcopy", &[]));
    } else {
        if env.var("TERMUX_VERSION").is_some() {
            tools.push(("termux-clipboard-set", &[]));
        }
        if env.var("WAYLAND_DISPLAY").is_some() {
            tools.push(("wl-copy", &[]));
        }
        if env.var("DISPLAY").is_some() {
            tools.push(("xclip", &["-selection", "clipboard"]));
            tools.push(("xsel", &["--clipboard", "--input"]));
        }
    }
    let copied = tools
        .iter()
        .any(|(tool, args)| run(tool, args, Some(text)).is_some());
    let remote = ["SSH_CONNECTION", "SSH_CLIENT", "MOSH_CONNECTION"]
        .iter()
        .any(|name| env.var(name).is_some());
    let headless = linux
        && env.var("DISPLAY").is_none()
        && env.var("WAYLAND_DISPLAY").is_none()
        && env.var("TERMUX_VERSION").is_none();
    if remote || (!copied && headless) {
        let encoded = base64::engine::general_purpose::STANDARD.encode(text);
        if encoded.len() <= MAX_OSC52_ENCODED {
            return Ok(Copied::Osc52(format!("\x1b]52;c;{encoded}\x07")));
        }
        if !copied {
            return Err("Clipboard unavailable: text exceeds the OSC 52 size limit".to_owned());
        }
    }
    if copied {
        return Ok(Copied::Tool);
    }
    Err(if linux && env.var("TERMUX_VERSION").is_some() {
        "Clipboard unavailable: install the Termux:API app and `termux-api` package"
    } else if linux && env.var("WAYLAND_DISPLAY").is_some() {
        "Clipboard unavailable: install `wl-clipboard` (`wl-copy`) or check Wayland access"
    } else if linux && env.var("DISPLAY").is_some() {
        "Clipboard unavailable: install `xclip` or `xsel`, or check X11 access"
    } else {
        "Clipboard unavailable"
    }
    .to_owned())
}

/// The clipboard's text, if a tool can read it.
pub(crate) fn read_text(env: &Env) -> Option<String> {
    let mut tools: Vec<(&str, &[&str])> = Vec::new();
    if cfg!(target_os = "macos") {
        tools.push(("pbpaste", &[]));
    }
    if env.var("TERMUX_VERSION").is_some() {
        tools.push(("termux-clipboard-get", &[]));
    }
    if env.var("WAYLAND_DISPLAY").is_some() {
        tools.push(("wl-paste", &["--no-newline", "--type", "text"]));
    }
    if env.var("DISPLAY").is_some() {
        tools.push(("xclip", &["-selection", "clipboard", "-out"]));
        tools.push(("xsel", &["--clipboard", "--output"]));
    }
    tools.iter().find_map(|(tool, args)| {
        run(tool, args, None)
            .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
            .filter(|text| !text.is_empty())
    })
}

/// An image on the clipboard (PNG, JPEG, WebP or GIF) with its file extension.
pub(crate) fn read_image(env: &Env) -> Option<(Vec<u8>, &'static str)> {
    let wayland = env.var("WAYLAND_DISPLAY").is_some();
    if !wayland && env.var("DISPLAY").is_none() {
        return None;
    }
    let types = if wayland {
        run("wl-paste", &["--list-types"], None)?
    } else {
        run(
            "xclip",
            &["-selection", "clipboard", "-t", "TARGETS", "-o"],
            None,
        )?
    };
    let types = String::from_utf8_lossy(&types);
    let (mime, extension) = ["image/png", "image/jpeg", "image/webp", "image/gif"]
        .into_iter()
        .zip(["png", "jpg", "webp", "gif"])
        .find(|(mime, _)| types.lines().any(|line| line.trim() == *mime))?;
    let bytes = if wayland {
        run("wl-paste", &["--type", mime, "--no-newline"], None)?
    } else {
        run(
            "xclip",
            &["-selection", "clipboard", "-t", mime, "-o"],
            None,
        )?
    };
    (!bytes.is_empty()).then_some((bytes, extension))
}

/// Runs a clipboard tool, feeding it `input`; its output when it succeeded in time.
fn run(tool: &str, args: &[&str], input: Option<&str>) -> Option<Vec<u8>> {
    let mut child = Command::new(tool)
        .args(args)
        .stdin(if input.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        // A copying tool may leave a daemon holding the clipboard (and its stdout) open.
        .stdout(if input.is_some() {
            Stdio::null()
        } else {
            Stdio::piped()
        })
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    if let (Some(input), Some(mut stdin)) = (input, child.stdin.take()) {
        stdin.write_all(input.as_bytes()).ok()?;
    }
    let (tx, rx) = std::sync::mpsc::channel();
    let pid = child.id();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    match rx.recv_timeout(TOOL_TIMEOUT) {
        Ok(Ok(output)) => output.status.success().then_some(output.stdout),
        Ok(Err(_)) => None,
        Err(_) => {
            if let Some(pid) = i32::try_from(pid)
                .ok()
                .and_then(rustix::process::Pid::from_raw)
            {
                let _ = rustix::process::kill_process(pid, rustix::process::Signal::KILL);
            }
            None
        }
    }
}
