//! Our half of `scripts/tool-parity.sh`: runs the built-in tools over a parity plan and
//! writes the results for comparison with the reference's.

use std::path::PathBuf;

use base64::Engine as _;
use pi_agent_core::{ToolCallInput, ToolProgress};
use pi_ai::CancellationToken;
use pi_coding_agent::tools::{BashOptions, ToolName, ToolsOptions, create_tools};
use serde_json::{Map, Value, json};

fn options(case: &Value) -> ToolsOptions {
    let bash = &case["options"]["bash"];
    let agent_dir = std::env::var_os("PI_CODING_AGENT_DIR").map(PathBuf::from);
    ToolsOptions {
        bash: BashOptions {
            shell_path: bash["shellPath"].as_str().map(PathBuf::from),
            command_prefix: bash["commandPrefix"].as_str().map(str::to_string),
            bin_dir: agent_dir.map(|dir| dir.join("bin")),
            ..BashOptions::default()
        },
        ..ToolsOptions::default()
    }
}

async fn run_case(case: &Value) -> Value {
    let cwd = PathBuf::from(case["cwd"].as_str().unwrap());
    let dir = PathBuf::from(case["dir"].as_str().unwrap());
    let tools = create_tools(&cwd, options(case));
    let tool = tools.get(ToolName::parse(case["tool"].as_str().unwrap()).unwrap());
    let cancel = CancellationToken::new();
    if let Some(ms) = case["abortAfterMs"].as_u64() {
        let cancel = cancel.clone();
        tokio::spawn(async move {
            tokio::time::sleep(std::time::Duration::from_millis(ms)).await;
            cancel.cancel();
        });
    }
    let input = ToolCallInput {
        call_id: format!("call-{}", case["name"].as_str().unwrap()),
        args: tool.prepare_arguments(case["args"].clone()),
        cancel,
        progress: ToolProgress::ignored(),
    };
    let mut result = Map::new();
    result.insert("name".into(), case["name"].clone());
    result.insert("dir".into(), case["dir"].clone());
    match tool.execute(input).await {
        Ok(out) => {
            result.insert(
                "content".into(),
                serde_json::to_value(&out.content).unwrap(),
            );
            if let Some(details) = out.details {
                result.insert("details".into(), details);
            }
        }
        Err(err) => {
            result.insert("error".into(), Value::String(err.to_string()));
        }
    }
    let mut files = Map::new();
    for path in case["readFiles"].as_array().unwrap() {
        let path = path.as_str().unwrap();
        let content = std::fs::read(dir.join(path))
            .map(|bytes| Value::String(base64::engine::general_purpose::STANDARD.encode(bytes)))
            .unwrap_or(Value::Null);
        files.insert(path.into(), content);
    }
    result.insert("files".into(), Value::Object(files));
    Value::Object(result)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "driven by scripts/tool-parity.sh"]
async fn tool_parity_runner() {
    let plan_path = std::env::var("PI_TOOL_PARITY_PLAN").expect("PI_TOOL_PARITY_PLAN");
    let out_path = std::env::var("PI_TOOL_PARITY_OUT").expect("PI_TOOL_PARITY_OUT");
    let plan: Vec<Value> =
        serde_json::from_str(&std::fs::read_to_string(plan_path).unwrap()).unwrap();
    let mut results = Vec::new();
    for case in &plan {
        results.push(run_case(case).await);
    }
    std::fs::write(
        out_path,
        serde_json::to_string_pretty(&json!(results)).unwrap(),
    )
    .unwrap();
}
