//! The Rust half of `scripts/tool-parity.sh`: runs the built-in tools over a parity plan and
//! writes the results for comparison with the reference's.
//!
//! ```text
//! cargo run -q -p pi-coding-agent --example tool_parity -- <plan.json> <results.json>
//! ```

use std::error::Error;
use std::path::PathBuf;

use base64::Engine as _;
use pi_agent_core::{ToolCallInput, ToolProgress};
use pi_ai::CancellationToken;
use pi_coding_agent::tools::{BashOptions, ToolName, ToolsOptions, create_tools};
use serde_json::{Map, Value, json};

fn main() -> Result<(), Box<dyn Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [plan, out] = args.as_slice() else {
        return Err("usage: tool_parity <plan.json> <results.json>".into());
    };
    let plan: Vec<Value> = serde_json::from_str(&std::fs::read_to_string(plan)?)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let mut results = Vec::new();
    for case in &plan {
        results.push(runtime.block_on(run_case(case))?);
    }
    std::fs::write(out, serde_json::to_string_pretty(&json!(results))?)?;
    Ok(())
}

fn text<'a>(case: &'a Value, key: &str) -> Result<&'a str, Box<dyn Error>> {
    case[key]
        .as_str()
        .ok_or_else(|| format!("parity case without a string `{key}`").into())
}

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

async fn run_case(case: &Value) -> Result<Value, Box<dyn Error>> {
    let cwd = PathBuf::from(text(case, "cwd")?);
    let dir = PathBuf::from(text(case, "dir")?);
    let tools = create_tools(&cwd, options(case));
    let name = text(case, "tool")?;
    let tool = tools.get(ToolName::parse(name).ok_or_else(|| format!("unknown tool {name}"))?);
    let cancel = CancellationToken::new();
    if let Some(ms) = case["abortAfterMs"].as_u64() {
        let cancel = cancel.clone();
        tokio::spawn(async move {
            tokio::time::sleep(std::time::Duration::from_millis(ms)).await;
            cancel.cancel();
        });
    }
    let input = ToolCallInput {
        call_id: format!("call-{}", text(case, "name")?),
        args: tool.prepare_arguments(case["args"].clone()),
        cancel,
        progress: ToolProgress::ignored(),
    };
    let mut result = Map::new();
    result.insert("name".into(), case["name"].clone());
    result.insert("dir".into(), case["dir"].clone());
    match tool.execute(input).await {
        Ok(out) => {
            result.insert("content".into(), serde_json::to_value(&out.content)?);
            if let Some(details) = out.details {
                result.insert("details".into(), details);
            }
        }
        Err(err) => {
            result.insert("error".into(), Value::String(err.to_string()));
        }
    }
    let mut files = Map::new();
    for path in case["readFiles"].as_array().into_iter().flatten() {
        let path = path.as_str().unwrap_or_default();
        let content = std::fs::read(dir.join(path))
            .map(|bytes| Value::String(base64::engine::general_purpose::STANDARD.encode(bytes)))
            .unwrap_or(Value::Null);
        files.insert(path.into(), content);
    }
    result.insert("files".into(), Value::Object(files));
    Ok(Value::Object(result))
}
