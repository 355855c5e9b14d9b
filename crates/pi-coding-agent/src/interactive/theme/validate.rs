//! Checking a theme document against pi's theme schema, with pi's error report: the missing
//! required colour tokens listed apart, then the other problems as `  - <path>: <message>`.
//!
//! pi checks with a compiled schema that stops after eight errors and words them its own
//! way; this walks the document in the schema's order and words and counts them the same.

use serde_json::{Map, Value};

use super::token::Token;

/// pi's schema checker reports at most this many errors (the missing tokens count as one).
const MAX_ERRORS: usize = 8;

/// The problems found in a theme document.
#[derive(Debug, Default, PartialEq, Eq)]
pub(super) struct SchemaErrors {
    /// Required colour tokens the `colors` object lacks, in schema order.
    pub missing_colors: Vec<&'static str>,
    /// Every other problem as pi lists it: `  - /colors/accent: must be string`.
    pub other: Vec<String>,
}

impl SchemaErrors {
    pub fn is_empty(&self) -> bool {
        self.missing_colors.is_empty() && self.other.is_empty()
    }

    /// pi's message for an invalid theme named `label`.
    pub fn message(&self, label: &str) -> String {
        let mut message = format!("Invalid theme \"{label}\":\n");
        if !self.missing_colors.is_empty() {
            let mut missing = self.missing_colors.clone();
            missing.sort_unstable();
            message.push_str("\nMissing required color tokens:\n");
            let listed: Vec<String> = missing.iter().map(|name| format!("  - {name}")).collect();
            message.push_str(&listed.join("\n"));
            message.push_str("\n\nPlease add these colors to your theme's \"colors\" object.");
            message.push_str(
                "\nSee the built-in themes (dark.json, light.json) for reference values.",
            );
        }
        if !self.other.is_empty() {
            message.push_str("\n\nOther errors:\n");
            message.push_str(&self.other.join("\n"));
        }
        message
    }
}

/// Collects errors up to pi's limit.
struct Report {
    errors: SchemaErrors,
    count: usize,
}

impl Report {
    fn full(&self) -> bool {
        self.count >= MAX_ERRORS
    }

    fn other(&mut self, path: &str, message: &str) {
        if self.full() {
            return;
        }
        self.count += 1;
        let path = if path.is_empty() { "/" } else { path };
        self.errors.other.push(format!("  - {path}: {message}"));
    }

    fn missing_colors(&mut self, missing: Vec<&'static str>) {
        if self.full() {
            return;
        }
        self.count += 1;
        self.errors.missing_colors = missing;
    }
}

/// Checks `doc` as pi's theme schema does.
pub(super) fn check(doc: &Value) -> SchemaErrors {
    let mut report = Report {
        errors: SchemaErrors::default(),
        count: 0,
    };
    let Value::Object(root) = doc else {
        report.other("", "must be object");
        return report.errors;
    };
    let missing: Vec<&str> = ["name", "colors"]
        .into_iter()
        .filter(|key| !root.contains_key(*key))
        .collect();
    if !missing.is_empty() {
        let message = format!("must have required properties {}", missing.join(", "));
        report.other("", &message);
    }
    for key in ["$schema", "name"] {
        if root.get(key).is_some_and(|value| !value.is_string()) {
            report.other(&format!("/{key}"), "must be string");
        }
    }
    if let Some(vars) = root.get("vars") {
        match vars {
            Value::Object(vars) => {
                for (name, value) in vars {
                    check_color(
                        &format!("/vars/{}", pointer_escape(name)),
                        value,
                        &mut report,
                    );
                }
            }
            _ => report.other("/vars", "must be object"),
        }
    }
    if let Some(colors) = root.get("colors") {
        match colors {
            Value::Object(colors) => check_colors(colors, &mut report),
            _ => report.other("/colors", "must be object"),
        }
    }
    if let Some(export) = root.get("export") {
        match export {
            Value::Object(export) => {
                for key in ["pageBg", "cardBg", "infoBg"] {
                    if let Some(value) = export.get(key) {
                        check_color(&format!("/export/{key}"), value, &mut report);
                    }
                }
            }
            _ => report.other("/export", "must be object"),
        }
    }
    report.errors
}

fn check_colors(colors: &Map<String, Value>, report: &mut Report) {
    let missing: Vec<&'static str> = Token::SCHEMA_ORDER
        .into_iter()
        .filter(|token| token.is_required() && !colors.contains_key(token.name()))
        .map(Token::name)
        .collect();
    if !missing.is_empty() {
        report.missing_colors(missing);
    }
    for token in Token::SCHEMA_ORDER {
        if let Some(value) = colors.get(token.name()) {
            check_color(&format!("/colors/{}", token.name()), value, report);
        }
    }
}

/// A colour is a string (hex, variable or empty) or an integer from 0 to 255; pi's checker
/// reports a failed alternative branch by branch, then the alternative as a whole.
fn check_color(path: &str, value: &Value, report: &mut Report) {
    if value.is_string() {
        return;
    }
    let number = value.as_f64().filter(|n| n.is_finite());
    let integer = number.is_some_and(|n| n.fract() == 0.0);
    if integer && number.is_some_and(|n| (0.0..=255.0).contains(&n)) {
        return;
    }
    report.other(path, "must be string");
    if !integer {
        report.other(path, "must be integer");
    }
    match number {
        Some(n) if n < 0.0 => report.other(path, "must be >= 0"),
        Some(n) if n > 255.0 => report.other(path, "must be <= 255"),
        _ => {}
    }
    report.other(path, "must match a schema in anyOf");
}

/// A key as a JSON pointer segment (`~` and `/` escaped).
fn pointer_escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}
