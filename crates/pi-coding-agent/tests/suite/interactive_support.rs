//! What the interactive component tests share: a model to list, and the screen a terminal
//! shows for rendered lines.

use pi_ai::{InputKind, Model, ModelCost};

/// A plain Chat Completions model of `provider` called `id` (`name` shown).
pub fn test_model(provider: &str, id: &str, name: &str) -> Model {
    Model {
        id: id.to_string(),
        name: name.to_string(),
        api: "openai-completions".to_string(),
        provider: provider.to_string(),
        base_url: "http://localhost/v1".to_string(),
        reasoning: false,
        thinking_level_map: None,
        input: vec![InputKind::Text],
        input_limits: None,
        cost: ModelCost::default(),
        prompt_cache: None,
        context_window: 128_000,
        max_tokens: 16_384,
        sampling_params: None,
        headers: None,
        compat: None,
        extra: serde_json::Map::new(),
    }
}

/// The text of the rows a terminal shows for these lines, each between bars.
pub fn on_screen(lines: &[String], width: u16) -> String {
    let rows = u16::try_from(lines.len().max(1)).unwrap();
    let mut terminal = pi_tui::VirtualTerminal::new(width, rows);
    terminal.feed(&lines.join("\r\n"));
    terminal
        .screen_rows()
        .iter()
        .take(lines.len())
        .map(|row| format!("|{row}|\n"))
        .collect()
}
