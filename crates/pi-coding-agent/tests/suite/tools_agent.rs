//! The built-in tools as the agent sees them: declarations identical to the reference's,
//! the default and read-only sets, and calls through a scripted model (argument
//! preparation and validation, progress events).

use std::sync::{Arc, Mutex};

use pi_agent_core::{Agent, AgentEvent, AgentOptions, AgentTool, AgentToolResult};
use pi_ai::faux::{FauxProvider, FauxResponse};
use pi_coding_agent::tools::{
    DEFAULT_TOOLS, READ_ONLY_TOOLS, ToolName, ToolsOptions, create_tools,
};
use serde_json::{Value, json};

use super::tools_support::{Workspace, text};

fn reference() -> Value {
    let text = include_str!("../fixtures/tools/reference-declarations.json");
    serde_json::from_str(text).unwrap()
}

#[test]
fn declarations_match_the_reference() {
    let tools = create_tools("/tmp", ToolsOptions::default());
    let reference = reference();
    for name in ToolName::ALL {
        let tool = tools.get(name);
        let expected = &reference[name.as_str()];
        assert_eq!(tool.name(), expected["name"], "{name}");
        assert_eq!(tool.label(), expected["label"], "{name}");
        assert_eq!(tool.description(), expected["description"], "{name}");
        // Compared as text: the key order is part of what providers receive.
        assert_eq!(
            serde_json::to_string(tool.parameters()).unwrap(),
            serde_json::to_string(&expected["parameters"]).unwrap(),
            "{name}"
        );
        let declared = serde_json::to_value(tool.declaration()).unwrap();
        let sampling = declared
            .get("constrainedSampling")
            .cloned()
            .unwrap_or(Value::Null);
        assert_eq!(sampling, expected["constrainedSampling"], "{name}");
    }
}

#[test]
fn default_and_read_only_sets() {
    let names = |tools: Vec<Arc<dyn AgentTool>>| {
        tools
            .iter()
            .map(|tool| tool.name().to_string())
            .collect::<Vec<_>>()
    };
    let tools = create_tools("/tmp", ToolsOptions::default());
    assert_eq!(names(tools.defaults()), ["read", "bash", "edit", "write"]);
    assert_eq!(names(tools.read_only()), ["read", "grep", "find", "ls"]);
    assert_eq!(
        names(tools.all()),
        ["read", "bash", "edit", "write", "grep", "find", "ls"]
    );
    assert_eq!(
        DEFAULT_TOOLS.map(ToolName::as_str),
        ["read", "bash", "edit", "write"]
    );
    assert_eq!(
        READ_ONLY_TOOLS.map(ToolName::as_str),
        ["read", "grep", "find", "ls"]
    );
    assert_eq!("grep".parse::<ToolName>().unwrap(), ToolName::Grep);
    assert_eq!(
        "powershell".parse::<ToolName>().unwrap_err().to_string(),
        "Unknown tool name: powershell"
    );
}

#[test]
fn prompt_metadata() {
    let options = ToolsOptions::default();
    assert_eq!(ToolName::Read.prompt_snippet(), "Read file contents");
    assert_eq!(
        ToolName::Read.prompt_guidelines(&options),
        ["Use read to examine files instead of cat or sed."]
    );
    assert_eq!(
        ToolName::Bash.prompt_guidelines(&options),
        ["You can inspect PI_* environment variables for current model and session details."]
    );
    let mut hidden = ToolsOptions::default();
    hidden.bash.expose_session_environment = false;
    assert!(ToolName::Bash.prompt_guidelines(&hidden).is_empty());
    assert_eq!(ToolName::Edit.prompt_guidelines(&options).len(), 4);
    assert_eq!(
        ToolName::Grep.prompt_snippet(),
        "Search file contents for patterns (respects .gitignore)"
    );
}

/// Runs one scripted tool call through an agent, returning the final result event and the
/// progress updates.
async fn run_call(ws: &Workspace, name: ToolName, args: Value) -> (Value, Vec<AgentToolResult>) {
    let faux = FauxProvider::new([
        FauxResponse::tool_call(name.as_str(), args),
        FauxResponse::text("done"),
    ]);
    let mut options = AgentOptions::new(faux.model());
    options.tools = ws.tools.all();
    let stream = faux.clone();
    options.stream_fn = Arc::new(move |model, context, options| {
        pi_ai::ApiProvider::stream_simple(&stream, model, context, options)
    });
    let agent = Agent::new(options);
    let updates: Arc<Mutex<Vec<AgentToolResult>>> = Arc::default();
    let end: Arc<Mutex<Option<Value>>> = Arc::default();
    let (seen_updates, seen_end) = (Arc::clone(&updates), Arc::clone(&end));
    let _subscription = agent.subscribe(move |event| match event {
        AgentEvent::ToolExecutionUpdate { partial_result, .. } => {
            seen_updates.lock().unwrap().push((*partial_result).clone())
        }
        AgentEvent::ToolExecutionEnd { .. } => {
            *seen_end.lock().unwrap() = Some(serde_json::to_value(event).unwrap())
        }
        _ => {}
    });
    agent.prompt("go").await.unwrap();
    let end = end.lock().unwrap().clone().unwrap();
    let updates = updates.lock().unwrap().clone();
    (end, updates)
}

#[tokio::test]
async fn bash_progress_is_coalesced() {
    let ws = Workspace::new();
    let (end, updates) = run_call(
        &ws,
        ToolName::Bash,
        json!({"command": "for i in $(seq 1 5000); do echo line $i; done"}),
    )
    .await;
    assert_eq!(end["isError"], false);
    assert_eq!(updates[0], AgentToolResult::default());
    assert!(
        updates.len() >= 2 && updates.len() < 25,
        "{} updates",
        updates.len()
    );
    // Past the limits the shown tail ends without the final newline, as in pi.
    assert!(text(updates.last().unwrap()).ends_with("line 4999\nline 5000"));
    let path = end["result"]["details"]["fullOutputPath"].as_str().unwrap();
    std::fs::remove_file(path).unwrap();
}

#[tokio::test]
async fn legacy_edit_arguments_are_accepted() {
    let ws = Workspace::new();
    ws.write("f.txt", "alpha\nbeta\n");
    let (end, _) = run_call(
        &ws,
        ToolName::Edit,
        json!({"path": "f.txt", "oldText": "beta", "newText": "BETA"}),
    )
    .await;
    assert_eq!(end["isError"], false, "{end}");
    assert_eq!(
        end["result"]["content"][0]["text"],
        "Successfully replaced 1 block(s) in f.txt."
    );
    assert_eq!(ws.read("f.txt"), "alpha\nBETA\n");
}

#[tokio::test]
async fn tool_errors_reach_the_model_as_error_results() {
    let ws = Workspace::new();
    let (end, _) = run_call(&ws, ToolName::Read, json!({"path": "missing.txt"})).await;
    assert_eq!(end["isError"], true);
    assert_eq!(
        end["result"]["content"][0]["text"],
        format!(
            "ENOENT: no such file or directory, access '{}'",
            ws.abs("missing.txt")
        )
    );
}
