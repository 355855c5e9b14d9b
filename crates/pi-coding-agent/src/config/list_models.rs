//! `pi --list-models [search]`: the available models as a padded table.

use std::path::Path;

use pi_ai::Model;

use super::guidance;
use super::model_registry::ModelRegistry;
use super::model_resolver::LocaleOrder;

/// What `--list-models` prints on standard error before the table when `models.json` has
/// problems (`Warning: errors loading models.json:\n<errors>`).
pub fn models_json_warning(registry: &ModelRegistry) -> Option<String> {
    registry
        .error()
        .map(|error| format!("Warning: errors loading models.json:\n{error}"))
}

/// The `--list-models` output for `models` (the available ones), each line ending in a
/// newline: a table sorted by provider then id, columns padded with two spaces between them;
/// `search` keeps the models whose `"<provider> <id>"` fuzzily matches it.
pub fn format_model_list(models: &[&Model], search: Option<&str>, docs_dir: &Path) -> String {
    if models.is_empty() {
        return format!("{}\n", guidance::no_models_available(docs_dir));
    }
    let mut shown: Vec<&Model> = match search.filter(|s| !s.is_empty()) {
        Some(query) => {
            pi_tui::fuzzy::fuzzy_filter(models, query, |m| format!("{} {}", m.provider, m.id))
        }
        None => models.to_vec(),
    };
    if shown.is_empty() {
        return format!("No models matching \"{}\"\n", search.unwrap_or_default());
    }
    let mut order = LocaleOrder::new();
    shown.sort_by(|a, b| {
        order
            .cmp(&a.provider, &b.provider)
            .then_with(|| order.cmp(&a.id, &b.id))
    });

    let header = [
        "provider", "model", "context", "max-out", "thinking", "images",
    ]
    .map(String::from);
    let rows: Vec<[String; 6]> = shown
        .iter()
        .map(|m| {
            [
                m.provider.clone(),
                m.id.clone(),
                format_token_count(m.context_window),
                format_token_count(m.max_tokens),
                yes_no(m.reasoning),
                yes_no(m.accepts_images()),
            ]
        })
        .collect();
    let mut widths = header.clone().map(|h| h.chars().count());
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for row in std::iter::once(&header).chain(&rows) {
        let cells: Vec<String> = row
            .iter()
            .zip(widths)
            .map(|(cell, width)| format!("{cell:<width$}"))
            .collect();
        out.push_str(&cells.join("  "));
        out.push('\n');
    }
    out
}

fn yes_no(flag: bool) -> String {
    if flag { "yes" } else { "no" }.to_string()
}

/// `200K`, `1M`, `1.5M`, `16.4K` or the plain count, as pi writes token counts.
pub fn format_token_count(count: u64) -> String {
    let scaled = |divisor: f64, unit: &str| {
        let value = count as f64 / divisor;
        if value.fract() == 0.0 {
            format!("{}{unit}", pi_ai::js_number::format(value))
        } else {
            format!("{}{unit}", to_fixed_1(value))
        }
    };
    if count >= 1_000_000 {
        scaled(1_000_000.0, "M")
    } else if count >= 1_000 {
        scaled(1_000.0, "K")
    } else {
        count.to_string()
    }
}

/// JavaScript's `value.toFixed(1)` for a positive double: rounded from the double's exact
/// decimal value, halves away from zero.
fn to_fixed_1(value: f64) -> String {
    // Sixty digits hold the exact expansion of any double of this size.
    let exact = format!("{value:.60}");
    let (whole, fraction) = exact.split_once('.').unwrap_or((&exact, "0"));
    let mut tenths: u64 = whole.parse::<u64>().unwrap_or(0) * 10;
    let digits: Vec<u8> = fraction.bytes().map(|b| b - b'0').collect();
    tenths += u64::from(digits.first().copied().unwrap_or(0));
    if digits.get(1).copied().unwrap_or(0) >= 5 {
        tenths += 1;
    }
    format!("{}.{}", tenths / 10, tenths % 10)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn model(provider: &str, id: &str, reasoning: bool, window: u64) -> Model {
        serde_json::from_value(json!({
            "id": id, "name": id, "api": "openai-completions", "provider": provider,
            "baseUrl": "http://x", "reasoning": reasoning, "input": ["text"],
            "cost": {"input": 0, "output": 0, "cacheRead": 0, "cacheWrite": 0},
            "contextWindow": window, "maxTokens": 16384
        }))
        .unwrap()
    }

    #[test]
    fn token_counts() {
        assert_eq!(format_token_count(999), "999");
        assert_eq!(format_token_count(128_000), "128K");
        assert_eq!(format_token_count(16_384), "16.4K");
        assert_eq!(format_token_count(200_000), "200K");
        assert_eq!(format_token_count(1_000_000), "1M");
        assert_eq!(format_token_count(1_048_576), "1.0M");
        assert_eq!(format_token_count(1_500_000), "1.5M");
        // 1.15 is a little below 1.15 as a double, so JavaScript rounds it down; 12.25 is
        // exact and rounds up.
        assert_eq!(format_token_count(1_150), "1.1K");
        assert_eq!(format_token_count(12_250), "12.3K");
    }

    /// The reference's output for the four mock providers of `tools/pi-ref.sh`.
    #[test]
    fn table_matches_pi() {
        let ids = [
            ("hello", false),
            ("tools-pi", false),
            ("multi-pi", true),
            ("faults", false),
            ("thinking-pi", true),
        ];
        let mut models = Vec::new();
        for provider in ["mock-chat", "mock-resp", "mock-anth", "mock-gem"] {
            for (id, reasoning) in ids {
                models.push(model(provider, id, reasoning, 128_000));
            }
        }
        let refs: Vec<&Model> = models.iter().collect();
        let docs = Path::new("/docs");
        assert_eq!(
            format_model_list(&refs, None, docs),
            "provider   model        context  max-out  thinking  images\n\
             mock-anth  faults       128K     16.4K    no        no    \n\
             mock-anth  hello        128K     16.4K    no        no    \n\
             mock-anth  multi-pi     128K     16.4K    yes       no    \n\
             mock-anth  thinking-pi  128K     16.4K    yes       no    \n\
             mock-anth  tools-pi     128K     16.4K    no        no    \n\
             mock-chat  faults       128K     16.4K    no        no    \n\
             mock-chat  hello        128K     16.4K    no        no    \n\
             mock-chat  multi-pi     128K     16.4K    yes       no    \n\
             mock-chat  thinking-pi  128K     16.4K    yes       no    \n\
             mock-chat  tools-pi     128K     16.4K    no        no    \n\
             mock-gem   faults       128K     16.4K    no        no    \n\
             mock-gem   hello        128K     16.4K    no        no    \n\
             mock-gem   multi-pi     128K     16.4K    yes       no    \n\
             mock-gem   thinking-pi  128K     16.4K    yes       no    \n\
             mock-gem   tools-pi     128K     16.4K    no        no    \n\
             mock-resp  faults       128K     16.4K    no        no    \n\
             mock-resp  hello        128K     16.4K    no        no    \n\
             mock-resp  multi-pi     128K     16.4K    yes       no    \n\
             mock-resp  thinking-pi  128K     16.4K    yes       no    \n\
             mock-resp  tools-pi     128K     16.4K    no        no    \n"
        );
        assert_eq!(
            format_model_list(&refs, Some("hel"), docs),
            "provider   model  context  max-out  thinking  images\n\
             mock-anth  hello  128K     16.4K    no        no    \n\
             mock-chat  hello  128K     16.4K    no        no    \n\
             mock-gem   hello  128K     16.4K    no        no    \n\
             mock-resp  hello  128K     16.4K    no        no    \n"
        );
        assert_eq!(
            format_model_list(&refs, Some("zzzq"), docs),
            "No models matching \"zzzq\"\n"
        );
        assert_eq!(
            format_model_list(&[], None, docs),
            "No models available. Use /login to log into a provider via OAuth or API key. See:\n  /docs/providers.md\n  /docs/models.md\n"
        );
    }
}
