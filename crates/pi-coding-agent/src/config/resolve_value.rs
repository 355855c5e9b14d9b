//! Values in `models.json` and `auth.json` that name where a secret comes from.
//!
//! - `!command` runs `command` through `sh -c` (10 s limit, stdin closed, stderr ignored) and
//!   takes its trimmed standard output; empty output, a failure or a timeout leave the value
//!   unresolved.
//! - Anything else is a template: `$NAME` and `${NAME}` interpolate environment variables
//!   (a missing or empty one leaves the whole value unresolved), `$$` is a literal `$`, `$!`
//!   a literal `!`, and every other character is literal.
//!
//! `auth.json` keys are resolved with [`ValueResolver::resolve`], whose commands run once per
//! process; `models.json` values with the uncached variants, so a command runs at every
//! request, as pi does.

use std::collections::{BTreeMap, HashMap};
use std::io::Read;
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::env::Env;

/// How long a `!command` may run.
const COMMAND_TIMEOUT: Duration = Duration::from_secs(10);
/// How often a running command is checked for completion.
const POLL_INTERVAL: Duration = Duration::from_millis(5);

/// A value that could not be resolved; the text is pi's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ResolveError(pub String);

/// One piece of a template value.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Literal(String),
    Env(String),
}

/// A parsed configuration value.
#[derive(Debug, Clone, PartialEq, Eq)]
enum ConfigValue<'a> {
    /// `!command`: the command without the `!`.
    Command(&'a str),
    Template(Vec<Part>),
}

fn is_name_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_'
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

fn is_env_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(is_name_start) && chars.all(is_name_char)
}

fn push_literal(parts: &mut Vec<Part>, text: &str) {
    if text.is_empty() {
        return;
    }
    if let Some(Part::Literal(last)) = parts.last_mut() {
        last.push_str(text);
    } else {
        parts.push(Part::Literal(text.to_string()));
    }
}

fn parse(config: &str) -> ConfigValue<'_> {
    if let Some(command) = config.strip_prefix('!') {
        return ConfigValue::Command(command);
    }
    let mut parts = Vec::new();
    let mut rest = config;
    while let Some(dollar) = rest.find('$') {
        push_literal(&mut parts, &rest[..dollar]);
        let after = &rest[dollar + 1..];
        match after.chars().next() {
            Some(c @ ('$' | '!')) => {
                push_literal(&mut parts, if c == '$' { "$" } else { "!" });
                rest = &after[1..];
            }
            Some('{') => match after.find('}') {
                None => {
                    push_literal(&mut parts, "$");
                    rest = after;
                }
                Some(end) => {
                    let name = &after[1..end];
                    if is_env_name(name) {
                        parts.push(Part::Env(name.to_string()));
                    } else {
                        push_literal(&mut parts, &rest[dollar..dollar + 1 + end + 1]);
                    }
                    rest = &after[end + 1..];
                }
            },
            Some(c) if is_name_start(c) => {
                let len = after
                    .char_indices()
                    .find(|(_, c)| !is_name_char(*c))
                    .map_or(after.len(), |(i, _)| i);
                parts.push(Part::Env(after[..len].to_string()));
                rest = &after[len..];
            }
            _ => {
                push_literal(&mut parts, "$");
                rest = after;
            }
        }
    }
    push_literal(&mut parts, rest);
    ConfigValue::Template(parts)
}

/// Whether `config` is a `!command`.
pub fn is_command(config: &str) -> bool {
    config.starts_with('!')
}

/// The environment variables a template value reads, each once, in order.
pub fn env_var_names(config: &str) -> Vec<String> {
    let ConfigValue::Template(parts) = parse(config) else {
        return Vec::new();
    };
    let mut names: Vec<String> = Vec::new();
    for part in parts {
        if let Part::Env(name) = part
            && !names.contains(&name)
        {
            names.push(name);
        }
    }
    names
}

/// The variable a value is made of when it is exactly `$NAME` or `${NAME}`.
pub fn sole_env_var_name(config: &str) -> Option<String> {
    match parse(config) {
        ConfigValue::Template(parts) => match parts.as_slice() {
            [Part::Env(name)] => Some(name.clone()),
            _ => None,
        },
        ConfigValue::Command(_) => None,
    }
}

/// Resolves configuration values against an environment, caching `auth.json` commands.
#[derive(Debug)]
pub struct ValueResolver {
    env: Env,
    commands: Mutex<HashMap<String, Option<String>>>,
}

impl ValueResolver {
    /// A resolver reading `env`.
    pub fn new(env: Env) -> Self {
        ValueResolver {
            env,
            commands: Mutex::new(HashMap::new()),
        }
    }

    /// The environment values are resolved against.
    pub fn env(&self) -> &Env {
        &self.env
    }

    /// A variable from `scoped` first (a credential's own `env`), then the environment.
    pub fn env_var<'a>(
        &'a self,
        name: &str,
        scoped: Option<&'a BTreeMap<String, String>>,
    ) -> Option<&'a str> {
        scoped
            .and_then(|env| env.get(name))
            .map(String::as_str)
            .filter(|v| !v.is_empty())
            .or_else(|| self.env.var(name))
    }

    /// The variables of a template value that are missing.
    pub fn missing_env_vars(
        &self,
        config: &str,
        scoped: Option<&BTreeMap<String, String>>,
    ) -> Vec<String> {
        env_var_names(config)
            .into_iter()
            .filter(|name| self.env_var(name, scoped).is_none())
            .collect()
    }

    /// Resolves `config`; a command runs once per process and its result is remembered.
    pub fn resolve(
        &self,
        config: &str,
        scoped: Option<&BTreeMap<String, String>>,
    ) -> Option<String> {
        match parse(config) {
            ConfigValue::Command(command) => {
                if let Ok(cache) = self.commands.lock()
                    && let Some(result) = cache.get(config)
                {
                    return result.clone();
                }
                let result = run_command(command, &self.env);
                if let Ok(mut cache) = self.commands.lock() {
                    cache.insert(config.to_string(), result.clone());
                }
                result
            }
            ConfigValue::Template(parts) => self.render(&parts, scoped),
        }
    }

    /// Resolves `config`, running a command every time.
    pub fn resolve_uncached(
        &self,
        config: &str,
        scoped: Option<&BTreeMap<String, String>>,
    ) -> Option<String> {
        match parse(config) {
            ConfigValue::Command(command) => run_command(command, &self.env),
            ConfigValue::Template(parts) => self.render(&parts, scoped),
        }
    }

    /// Resolves `config` (uncached) or says why not, naming `description`
    /// (`API key for provider "x"`).
    pub fn resolve_or_error(
        &self,
        config: &str,
        description: &str,
        scoped: Option<&BTreeMap<String, String>>,
    ) -> Result<String, ResolveError> {
        if let Some(value) = self.resolve_uncached(config, scoped) {
            return Ok(value);
        }
        if let ConfigValue::Command(command) = parse(config) {
            return Err(ResolveError(format!(
                "Failed to resolve {description} from shell command: {command}"
            )));
        }
        let missing = self.missing_env_vars(config, scoped);
        Err(ResolveError(match missing.as_slice() {
            [] => format!("Failed to resolve {description}"),
            [one] => format!("Failed to resolve {description} from environment variable: {one}"),
            many => format!(
                "Failed to resolve {description} from environment variables: {}",
                many.join(", ")
            ),
        }))
    }

    /// Resolves header values (uncached); a header that does not resolve is left out.
    pub fn resolve_headers(
        &self,
        headers: &BTreeMap<String, String>,
        scoped: Option<&BTreeMap<String, String>>,
    ) -> BTreeMap<String, String> {
        headers
            .iter()
            .filter_map(|(name, value)| {
                let resolved = self.resolve_uncached(value, scoped)?;
                (!resolved.is_empty()).then(|| (name.clone(), resolved))
            })
            .collect()
    }

    /// Resolves every header value (uncached) or fails on the first that does not resolve,
    /// naming it (`<description> header "X-Key"`).
    pub fn resolve_headers_or_error(
        &self,
        headers: &BTreeMap<String, String>,
        description: &str,
        scoped: Option<&BTreeMap<String, String>>,
    ) -> Result<BTreeMap<String, String>, ResolveError> {
        headers
            .iter()
            .map(|(name, value)| {
                let what = format!("{description} header \"{name}\"");
                Ok((name.clone(), self.resolve_or_error(value, &what, scoped)?))
            })
            .collect()
    }

    fn render(&self, parts: &[Part], scoped: Option<&BTreeMap<String, String>>) -> Option<String> {
        let mut out = String::new();
        for part in parts {
            match part {
                Part::Literal(text) => out.push_str(text),
                Part::Env(name) => out.push_str(self.env_var(name, scoped)?),
            }
        }
        Some(out)
    }
}

/// Runs `command` through `sh -c`; its trimmed output, or `None` on failure, timeout or
/// empty output.
fn run_command(command: &str, env: &Env) -> Option<String> {
    let mut child = Command::new("/bin/sh")
        .arg("-c")
        .arg(command)
        .env_clear()
        .envs(env.vars())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    let mut stdout = child.stdout.take()?;
    // The pipe is drained on its own thread so a chatty command cannot block on a full pipe
    // while we wait for it to exit.
    let (sender, output) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut out = Vec::new();
        let _ = sender.send(stdout.read_to_end(&mut out).map(|_| out));
    });
    let deadline = Instant::now() + COMMAND_TIMEOUT;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() < deadline => std::thread::sleep(POLL_INTERVAL),
            _ => {
                // Timed out (or cannot be waited for): stop it; its output is not used.
                let _ = child.kill();
                let _ = child.wait();
                return None;
            }
        }
    };
    if !status.success() {
        return None;
    }
    // A background process the command left behind may hold the pipe open; its output is
    // waited for only until the deadline.
    let remaining = deadline.saturating_duration_since(Instant::now());
    let out = output.recv_timeout(remaining).ok()?.ok()?;
    let text = String::from_utf8_lossy(&out).trim().to_string();
    (!text.is_empty()).then_some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolver() -> ValueResolver {
        ValueResolver::new(
            Env::default()
                .set("KEY", "secret")
                .set("OTHER", "x")
                .set("EMPTY", "")
                .set("PATH", "/usr/bin:/bin"),
        )
    }

    #[test]
    fn literals_and_interpolation() {
        let r = resolver();
        assert_eq!(r.resolve("sk-plain", None).as_deref(), Some("sk-plain"));
        // A bare variable name is a literal since 0.87.
        assert_eq!(r.resolve("KEY", None).as_deref(), Some("KEY"));
        assert_eq!(r.resolve("$KEY", None).as_deref(), Some("secret"));
        assert_eq!(r.resolve("${KEY}", None).as_deref(), Some("secret"));
        assert_eq!(
            r.resolve("Bearer $KEY-$OTHER!", None).as_deref(),
            Some("Bearer secret-x!")
        );
        assert_eq!(r.resolve("a$$b$!c", None).as_deref(), Some("a$b!c"));
        assert_eq!(
            r.resolve("cost $5 ${not-a-name} ${open", None).as_deref(),
            Some("cost $5 ${not-a-name} ${open")
        );
        assert_eq!(r.resolve("trailing $", None).as_deref(), Some("trailing $"));
        assert_eq!(r.resolve("$MISSING", None), None);
        assert_eq!(r.resolve("$EMPTY", None), None);
        assert_eq!(r.resolve("", None).as_deref(), Some(""));
    }

    #[test]
    fn scoped_environment_wins() {
        let r = resolver();
        let scoped = BTreeMap::from([("KEY".to_string(), "mine".to_string())]);
        assert_eq!(r.resolve("$KEY", Some(&scoped)).as_deref(), Some("mine"));
        let empty = BTreeMap::from([("KEY".to_string(), String::new())]);
        assert_eq!(r.resolve("$KEY", Some(&empty)).as_deref(), Some("secret"));
    }

    #[test]
    fn variable_names() {
        assert_eq!(env_var_names("$A ${B} $A $$C $!D"), ["A", "B"]);
        assert_eq!(env_var_names("!echo $A"), Vec::<String>::new());
        assert_eq!(sole_env_var_name("${A}").as_deref(), Some("A"));
        assert_eq!(sole_env_var_name("x$A"), None);
        assert!(is_command("!pass show x"));
        assert!(!is_command("$!literal"));
    }

    #[test]
    fn commands_run_through_the_shell() {
        let r = resolver();
        assert_eq!(r.resolve("!echo '  hi  '", None).as_deref(), Some("hi"));
        assert_eq!(r.resolve("!echo $KEY", None).as_deref(), Some("secret"));
        assert_eq!(r.resolve("!exit 3", None), None);
        assert_eq!(r.resolve("!true", None), None);
        assert_eq!(
            r.resolve("!echo oops >&2; echo ok", None).as_deref(),
            Some("ok")
        );
    }

    #[test]
    fn auth_commands_are_cached_and_models_commands_are_not() {
        let tmp = tempfile::tempdir().unwrap();
        let counter = tmp.path().join("n");
        let command = format!("!echo x >> {0}; wc -l < {0}", counter.display());
        let r = resolver();
        assert_eq!(r.resolve(&command, None).as_deref(), Some("1"));
        assert_eq!(r.resolve(&command, None).as_deref(), Some("1"));
        assert_eq!(r.resolve_uncached(&command, None).as_deref(), Some("2"));
        assert_eq!(r.resolve_uncached(&command, None).as_deref(), Some("3"));
    }

    #[test]
    fn errors_name_what_failed() {
        let r = resolver();
        let what = "API key for provider \"p\"";
        assert_eq!(
            r.resolve_or_error("!exit 1", what, None)
                .unwrap_err()
                .to_string(),
            "Failed to resolve API key for provider \"p\" from shell command: exit 1"
        );
        assert_eq!(
            r.resolve_or_error("$NOPE", what, None)
                .unwrap_err()
                .to_string(),
            "Failed to resolve API key for provider \"p\" from environment variable: NOPE"
        );
        assert_eq!(
            r.resolve_or_error("$A-$KEY-$B", what, None)
                .unwrap_err()
                .to_string(),
            "Failed to resolve API key for provider \"p\" from environment variables: A, B"
        );
        let headers = BTreeMap::from([
            ("X-Ok".to_string(), "$KEY".to_string()),
            ("X-Bad".to_string(), "$NOPE".to_string()),
        ]);
        assert_eq!(
            r.resolve_headers_or_error(&headers, "provider \"p\"", None)
                .unwrap_err()
                .to_string(),
            "Failed to resolve provider \"p\" header \"X-Bad\" from environment variable: NOPE"
        );
        let lenient = r.resolve_headers(&headers, None);
        assert_eq!(lenient.len(), 1);
        assert_eq!(lenient["X-Ok"], "secret");
    }
}
