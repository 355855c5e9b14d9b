//! Cross-provider handoff: one coding session whose turns were written by six providers
//! (`fixtures/request-bodies/handoff-context.json`: Anthropic thinking with signatures and
//! redacted thinking, Responses reasoning items and text signatures with `call_x|fc_y` ids,
//! Gemini thought signatures and generated ids, Mistral's 9-character ids, DeepSeek's
//! `reasoning_content`, an orphaned call, an errored and an aborted turn, images from the
//! user and from a tool) continued by each adapter's models (`handoff-cases.json`).
//!
//! Each request must equal what the reference pi-ai 0.87.1 sent for the same case
//! (`handoff-reference.json`, recorded by `scripts/reference/handoff-bodies.mjs`); the other
//! tests state the handoff rules on those requests one by one. A second transcript of awkward
//! corners (`handoff-edge-context.json`: colliding Mistral ids, 450-character item ids, results
//! that are only an image or nothing, a result for an aborted turn's call, signatures that never
//! arrived) is held to the reference only.

use pi_ai::testing::{RecordedRequest, TestServer, Turn};
use pi_ai::{
    AssistantContent, Context, InputKind, Message, Model, SimpleStreamOptions, StopReason,
    StreamOptions,
};
use serde_json::Value;

use super::support::{diff, fixture};

fn read(name: &str) -> Value {
    let path = fixture(&format!("request-bodies/{name}"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The realistic transcript.
const TRANSCRIPT: &str = "handoff";
/// The awkward corners.
const EDGES: &str = "handoff-edge";

fn transcript() -> Context {
    load(TRANSCRIPT)
}

fn load(name: &str) -> Context {
    serde_json::from_value(read(&format!("{name}-context.json"))).unwrap()
}

struct Case {
    name: String,
    model: Model,
    options: Value,
}

fn cases() -> Vec<Case> {
    read("handoff-cases.json")
        .as_array()
        .unwrap()
        .iter()
        .map(|case| Case {
            name: case["name"].as_str().unwrap().to_string(),
            model: serde_json::from_value(case["model"].clone()).unwrap(),
            options: case["options"].clone(),
        })
        .collect()
}

/// What each case's model sent when asked to continue the realistic transcript.
async fn requests() -> Vec<(Case, RecordedRequest)> {
    requests_for(TRANSCRIPT).await
}

/// What each case's model sent when asked to continue the transcript `name`.
async fn requests_for(name: &str) -> Vec<(Case, RecordedRequest)> {
    let context = load(name);
    let mut sent = Vec::new();
    for mut case in cases() {
        let server = TestServer::start().await.unwrap();
        case.model.base_url = server.model(&case.model.api, &case.model.id).base_url;
        server.push(Turn::text("ok"));
        let options = SimpleStreamOptions {
            base: StreamOptions {
                api_key: case.options["apiKey"].as_str().map(str::to_string),
                ..StreamOptions::default()
            },
            reasoning: serde_json::from_value(case.options["reasoning"].clone()).ok(),
            ..SimpleStreamOptions::default()
        };
        let reply = pi_ai::complete_simple(&case.model, &context, &options)
            .await
            .unwrap();
        assert_eq!(reply.error_message, None, "{name}, {}", case.name);
        let mut requests = server.requests();
        assert_eq!(requests.len(), 1, "{name}, {}: one request", case.name);
        sent.push((case, requests.remove(0)));
    }
    let apis: std::collections::BTreeSet<&str> = sent
        .iter()
        .map(|(case, _)| case.model.api.as_str())
        .collect();
    let registry = pi_ai::ApiRegistry::builtin();
    assert_eq!(
        apis,
        registry.apis().into_iter().collect(),
        "the cases cover every built-in adapter"
    );
    sent
}

#[tokio::test]
async fn every_adapter_sends_what_the_reference_sent() {
    for name in [TRANSCRIPT, EDGES] {
        let reference = read(&format!("{name}-reference.json"));
        for (case, request) in requests_for(name).await {
            let expected = &reference[&case.name];
            assert_eq!(
                request.path, expected["path"],
                "{name}, {}: path",
                case.name
            );
            assert!(
                request.body == expected["body"],
                "{name}, {} differs from the reference:\n{}",
                case.name,
                diff(&expected["body"], &request.body, "")
            );
        }
    }
}

/// Whether the transcript's `message` was written by `model`.
fn written_by(message: &pi_ai::AssistantMessage, model: &Model) -> bool {
    message.provider == model.provider && message.api == model.api && message.model == model.id
}

fn assistant_turns(context: &Context) -> impl Iterator<Item = &pi_ai::AssistantMessage> {
    context.messages.iter().filter_map(|message| match message {
        Message::Assistant(assistant) => Some(assistant),
        _ => None,
    })
}

/// The secret a signature puts on the wire: a Responses reasoning item's encrypted content,
/// a Responses text signature's message id, or the signature itself. DeepSeek's "signature"
/// only names the field its reasoning goes back in.
fn wire_secret(signature: &str) -> Option<String> {
    if signature == "reasoning_content" {
        return None;
    }
    match serde_json::from_str::<Value>(signature) {
        Ok(Value::Object(object)) => object
            .get("encrypted_content")
            .or_else(|| object.get("id"))
            .and_then(Value::as_str)
            .map(str::to_string),
        _ => Some(signature.to_string()),
    }
}

#[tokio::test]
async fn signatures_replay_only_to_the_model_that_made_them() {
    let context = transcript();
    let mut replayed = 0;
    for (case, request) in requests().await {
        let body = request.body.to_string();
        for turn in assistant_turns(&context) {
            let signatures = turn.content.iter().filter_map(|block| match block {
                AssistantContent::Thinking(thinking) => thinking.thinking_signature.as_deref(),
                AssistantContent::Text(text) => text.text_signature.as_deref(),
                AssistantContent::ToolCall(call) => call.thought_signature.as_deref(),
            });
            let expected = written_by(turn, &case.model) && !turn.stop_reason.is_failure();
            for secret in signatures.filter_map(wire_secret) {
                assert_eq!(
                    body.contains(&secret),
                    expected,
                    "{}: signature of a {} turn: {secret}",
                    case.name,
                    turn.model
                );
                replayed += usize::from(expected);
            }
        }
        // Redacted reasoning is opaque: never replayed as text, to anyone.
        assert!(!body.contains("[Reasoning redacted]"), "{}", case.name);
    }
    // Claude's two, GPT's reasoning and message id, Gemini's three, Azure's reasoning and two
    // message ids.
    assert_eq!(replayed, 10);
}

/// Where a string sits in a request body, as the keys leading to it.
fn paths_to<'v>(value: &'v Value, needle: &str, path: &mut Vec<&'v str>, out: &mut Vec<String>) {
    match value {
        Value::String(text) if text.contains(needle) => out.push(path.join("/")),
        Value::Array(items) => {
            for item in items {
                paths_to(item, needle, path, out);
            }
        }
        Value::Object(object) => {
            // Gemini marks a thought part with a flag beside its text.
            let thought = object.get("thought") == Some(&Value::Bool(true));
            for (key, item) in object {
                path.push(if thought && key == "text" {
                    "thought"
                } else {
                    key
                });
                paths_to(item, needle, path, out);
                path.pop();
            }
        }
        _ => {}
    }
}

/// Whether a path leads into a reasoning field of any wire format: Anthropic and Mistral
/// `thinking`, Gemini thought parts, Chat Completions `reasoning_content`, Responses
/// reasoning summaries.
fn is_reasoning_path(path: &str) -> bool {
    path.split('/').any(|key| {
        matches!(
            key,
            "thinking" | "thought" | "reasoning_content" | "summary"
        )
    })
}

#[tokio::test]
async fn other_models_reasoning_arrives_as_plain_text() {
    let context = transcript();
    for (case, request) in requests().await {
        for turn in assistant_turns(&context).filter(|turn| !turn.stop_reason.is_failure()) {
            let same_model = written_by(turn, &case.model);
            for block in &turn.content {
                let AssistantContent::Thinking(thinking) = block else {
                    continue;
                };
                // Redacted and empty reasoning (an encrypted item without a summary) has no
                // text to carry over.
                if thinking.is_redacted() || thinking.thinking.trim().is_empty() {
                    continue;
                }
                let mut paths = Vec::new();
                paths_to(
                    &request.body,
                    &thinking.thinking,
                    &mut Vec::new(),
                    &mut paths,
                );
                assert!(
                    !paths.is_empty(),
                    "{}: reasoning of {} is lost",
                    case.name,
                    turn.model
                );
                for path in paths {
                    assert_eq!(
                        is_reasoning_path(&path),
                        same_model,
                        "{}: reasoning of {} at {path}",
                        case.name,
                        turn.model
                    );
                }
            }
        }
    }
}

#[tokio::test]
async fn failed_turns_are_dropped_and_orphaned_calls_answered() {
    let context = transcript();
    let failed: Vec<String> = assistant_turns(&context)
        .filter(|turn| turn.stop_reason.is_failure())
        .flat_map(|turn| turn.content.iter())
        .filter_map(|block| match block {
            AssistantContent::Thinking(thinking) => Some(thinking.thinking.clone()),
            AssistantContent::Text(text) => Some(text.text.clone()),
            AssistantContent::ToolCall(_) => None,
        })
        .collect();
    assert_eq!(failed.len(), 3, "an errored and an aborted turn");
    for (case, request) in requests().await {
        let body = request.body.to_string();
        for text in &failed {
            assert!(!body.contains(text.as_str()), "{}: {text}", case.name);
        }
        assert_eq!(
            body.matches("No result provided").count(),
            1,
            "{}: one synthetic result, for DeepSeek's unanswered screenshot call",
            case.name
        );
    }
}

/// The tool-call ids and tool-result ids of a request, in order, as its wire format writes
/// them (`None` where the format sends no id), and the tool names of the calls.
fn calls_and_results(api: &str, body: &Value) -> (Vec<Option<String>>, Vec<Option<String>>) {
    let text = |value: &Value| value.as_str().map(str::to_string);
    let (mut calls, mut results) = (Vec::new(), Vec::new());
    let each = |key: &str| body[key].as_array().cloned().unwrap_or_default();
    match api {
        "anthropic-messages" => {
            for message in each("messages") {
                for block in message["content"].as_array().into_iter().flatten() {
                    match block["type"].as_str() {
                        Some("tool_use") => calls.push(text(&block["id"])),
                        Some("tool_result") => results.push(text(&block["tool_use_id"])),
                        _ => {}
                    }
                }
            }
        }
        "openai-completions" | "mistral-conversations" => {
            for message in each("messages") {
                for call in message["tool_calls"].as_array().into_iter().flatten() {
                    calls.push(text(&call["id"]));
                }
                if message["role"] == "tool" {
                    results.push(text(&message["tool_call_id"]));
                }
            }
        }
        "openai-responses" | "azure-openai-responses" => {
            for item in each("input") {
                match item["type"].as_str() {
                    Some("function_call") => {
                        if let Some(id) = item["id"].as_str() {
                            assert!(id.starts_with("fc_") && id.len() <= 64, "item id {id}");
                        }
                        calls.push(text(&item["call_id"]));
                    }
                    Some("function_call_output") => results.push(text(&item["call_id"])),
                    _ => {}
                }
            }
        }
        "google-generative-ai" => {
            for content in each("contents") {
                for part in content["parts"].as_array().into_iter().flatten() {
                    if let Some(call) = part.get("functionCall") {
                        calls.push(text(&call["id"]));
                    }
                    if let Some(response) = part.get("functionResponse") {
                        results.push(text(&response["id"]));
                    }
                }
            }
        }
        other => panic!("no id rules for {other}"),
    }
    (calls, results)
}

/// Whether `id` is a tool-call id `model`'s API accepts.
fn valid_id(model: &Model, id: Option<&str>) -> bool {
    let charset = |id: &str, extra: &[char]| {
        id.chars()
            .all(|c| c.is_ascii_alphanumeric() || extra.contains(&c))
    };
    match (model.api.as_str(), id) {
        // Gemini before 3 matches results to calls by order and sends no ids.
        ("google-generative-ai", None) => !model.id.starts_with("gemini-3"),
        (_, None) => false,
        ("mistral-conversations", Some(id)) => id.len() == 9 && charset(id, &[]),
        // Chat Completions allows 40 characters.
        ("openai-completions", Some(id)) => id.len() <= 40 && charset(id, &['_', '-']),
        (_, Some(id)) => !id.is_empty() && id.len() <= 64 && charset(id, &['_', '-']),
    }
}

#[tokio::test]
async fn ids_follow_each_api_s_rules_and_results_stay_with_their_calls() {
    for (case, request) in requests().await {
        let (calls, results) = calls_and_results(&case.model.api, &request.body);
        // Two Anthropic reads, the GPT grep, Gemini's sed, Mistral's read, DeepSeek's two
        // bash calls (one never answered) and the Azure diff.
        assert_eq!(calls.len(), 8, "{}", case.name);
        assert_eq!(results, calls, "{}: each call answered in order", case.name);
        for id in &calls {
            assert!(
                valid_id(&case.model, id.as_deref()),
                "{}: {id:?} is not a valid {} id",
                case.name,
                case.model.api
            );
        }
        let mut distinct: Vec<_> = calls.iter().flatten().collect();
        distinct.sort();
        distinct.dedup();
        assert_eq!(
            distinct.len(),
            calls.iter().flatten().count(),
            "{}: ids stay distinct",
            case.name
        );
    }
}

#[tokio::test]
async fn images_reach_only_models_that_see_them() {
    let context = transcript();
    let images: Vec<String> = context
        .messages
        .iter()
        .flat_map(|message| match message {
            Message::User(user) => match &user.content {
                pi_ai::UserContent::Blocks(blocks) => blocks.clone(),
                pi_ai::UserContent::Text(_) => Vec::new(),
            },
            Message::ToolResult(result) => result.content.clone(),
            _ => Vec::new(),
        })
        .filter_map(|block| match block {
            pi_ai::InputContent::Image(image) => Some(image.data),
            pi_ai::InputContent::Text(_) => None,
        })
        .collect();
    assert_eq!(images.len(), 3, "two from the user, one from a tool");
    let mut text_only = 0;
    for (case, request) in requests().await {
        let body = request.body.to_string();
        let sees = case.model.input.contains(&InputKind::Image);
        for data in &images {
            assert_eq!(body.contains(data.as_str()), sees, "{}", case.name);
        }
        let placeholders = [
            ("(image omitted: model does not support images)", 2),
            ("(tool image omitted: model does not support images)", 1),
        ];
        for (placeholder, count) in placeholders {
            let expected = if sees { 0 } else { count };
            assert_eq!(body.matches(placeholder).count(), expected, "{}", case.name);
        }
        text_only += usize::from(!sees);
    }
    assert_eq!(text_only, 2, "DeepSeek V4 Pro and Magistral see no images");
}

#[test]
fn the_cases_are_built_in_models() {
    for case in cases() {
        let builtin = pi_ai::builtin_model(&case.model.provider, &case.model.id);
        assert_eq!(builtin, Some(&case.model), "{}", case.name);
    }
}

#[test]
fn the_transcript_is_what_it_claims() {
    let context = transcript();
    let turns: Vec<_> = assistant_turns(&context).collect();
    let apis: std::collections::BTreeSet<_> = turns.iter().map(|turn| turn.api.as_str()).collect();
    assert_eq!(apis.len(), 6, "turns by every adapter's API");
    let stops: Vec<StopReason> = turns.iter().map(|turn| turn.stop_reason).collect();
    assert!(stops.contains(&StopReason::Error) && stops.contains(&StopReason::Aborted));
    let ids: Vec<&str> = turns
        .iter()
        .flat_map(|turn| turn.tool_calls())
        .map(|call| call.id.as_str())
        .collect();
    assert!(ids.iter().any(|id| id.starts_with("toolu_")));
    assert!(ids.iter().any(|id| id.contains("|fc_")));
    assert!(ids.iter().any(|id| id.len() == 9));
    let answered: Vec<&str> = context
        .messages
        .iter()
        .filter_map(|message| match message {
            Message::ToolResult(result) => Some(result.tool_call_id.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(
        ids.iter().filter(|id| !answered.contains(id)).count(),
        1,
        "one orphaned call"
    );
}
