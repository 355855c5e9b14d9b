//! What each command does, and the response it gets.

use std::sync::atomic::Ordering;

use pi_ai::Model;
use serde_json::{Value, json};

use super::Rpc;
use super::command::Command;
use super::output::{Reply, to_json};
use crate::agent_session::{AgentSession, ForkPosition, NavigateOptions};

/// Runs `command` and writes its response (a prompt's is written once it is accepted).
pub(super) async fn handle(rpc: &Rpc, id: Option<&Value>, name: &str, command: Command) {
    if let Command::Prompt {
        message,
        images,
        streaming_behavior,
    } = command
    {
        prompt(rpc, id, &message, images, streaming_behavior).await;
        return;
    }
    if command == Command::ExtensionUiResponse {
        // No extension asks anything, so there is no dialog to answer.
        return;
    }
    let reply = match run(rpc, id, command).await {
        Ok(reply) => reply,
        Err(error) => Reply::Failed(error),
    };
    rpc.output.respond(id, name, reply);
}

/// Accepts (or refuses) a prompt, answers, then runs it.
async fn prompt(
    rpc: &Rpc,
    id: Option<&Value>,
    message: &str,
    images: Vec<pi_ai::ImageContent>,
    behavior: Option<crate::agent_session::StreamingBehavior>,
) {
    let gate = rpc.prompt_gate.lock().await;
    let session = rpc.runtime.session();
    let prepared = match session.prompt_or_queue(message, images, behavior).await {
        Ok(prepared) => prepared,
        Err(error) => {
            rpc.output
                .respond(id, "prompt", Reply::Failed(error.to_string()));
            return;
        }
    };
    let Some(prepared) = prepared else {
        rpc.output.respond(id, "prompt", Reply::Done);
        return;
    };
    if rpc.closing.load(Ordering::SeqCst) {
        rpc.output.respond(
            id,
            "prompt",
            Reply::Failed("Not started: the input ended".to_string()),
        );
        return;
    }
    rpc.output.respond(id, "prompt", Reply::Done);
    // The first poll starts the run (the agent is busy from then on); only then may the next
    // prompt be checked.
    let run = session.run_prepared(prepared);
    let mut run = std::pin::pin!(run);
    let outcome = match futures_util::FutureExt::now_or_never(run.as_mut()) {
        Some(outcome) => {
            drop(gate);
            outcome
        }
        None => {
            drop(gate);
            run.await
        }
    };
    // Failures after acceptance show in the events; one that loses data is worth a word on
    // stderr.
    if let Err(error) = outcome {
        crate::app::eprintln_plain(&format!("Error: {error}"));
    }
}

async fn run(rpc: &Rpc, id: Option<&Value>, command: Command) -> Result<Reply, String> {
    let session = rpc.runtime.session();
    let services = rpc.runtime.services();
    let error = |err: &dyn std::fmt::Display| err.to_string();
    Ok(match command {
        Command::Prompt { .. } | Command::ExtensionUiResponse => Reply::Done,
        Command::Steer { message, images } => {
            session.steer(&message, images);
            Reply::Done
        }
        Command::FollowUp { message, images } => {
            session.follow_up(&message, images);
            Reply::Done
        }
        Command::Abort => {
            session.abort().await;
            session.wait_until_settled().await;
            Reply::Done
        }
        Command::ClearQueue => Reply::Data(to_value(&session.clear_queue())),
        Command::NewSession { parent_session } => {
            let _no_prompt_starts = rpc.prompt_gate.lock().await;
            rpc.runtime
                .new_session(parent_session)
                .await
                .map_err(|e| error(&e))?;
            Reply::Data(json!({"cancelled": false}))
        }
        Command::GetState => Reply::Data(state(&session)),
        Command::SetModel { provider, model_id } => {
            let model = services
                .available_models()
                .into_iter()
                .find(|m| m.provider == provider && m.id == model_id)
                .ok_or_else(|| format!("Model not found: {provider}/{model_id}"))?;
            let level = services
                .thinking_level_for(&model)
                .unwrap_or_else(|| session.thinking_level());
            session
                .set_model_checked(model.clone(), level)
                .await
                .map_err(|e| error(&e))?;
            Reply::Data(to_value(&model))
        }
        Command::CycleModel => {
            let available = services.available_models();
            let scoped: Vec<(Model, Option<pi_ai::ThinkingLevel>)> = services
                .scoped_models()
                .into_iter()
                .filter(|scoped| available.iter().any(|m| m.same_as(&scoped.model)))
                .map(|scoped| (scoped.model, scoped.thinking_level))
                .collect();
            let (candidates, is_scoped) = if scoped.is_empty() {
                (available.into_iter().map(|m| (m, None)).collect(), false)
            } else {
                (scoped, true)
            };
            let cycled = session
                .cycle_model(&candidates, is_scoped, |model| {
                    services.thinking_level_for(model)
                })
                .map_err(|e| error(&e))?;
            Reply::Data(cycled.map_or(Value::Null, |cycled| to_value(&cycled)))
        }
        Command::GetAvailableModels => {
            Reply::Data(json!({"models": to_value(&services.available_models())}))
        }
        Command::SetThinkingLevel { level } => {
            session.set_thinking_level(level).map_err(|e| error(&e))?;
            Reply::Done
        }
        Command::CycleThinkingLevel => {
            let level = session.cycle_thinking_level().map_err(|e| error(&e))?;
            Reply::Data(level.map_or(Value::Null, |level| json!({"level": level.as_str()})))
        }
        Command::GetAvailableThinkingLevels => {
            let levels: Vec<&str> = session
                .available_thinking_levels()
                .into_iter()
                .map(pi_ai::ThinkingLevel::as_str)
                .collect();
            Reply::Data(json!({"levels": levels}))
        }
        Command::SetSteeringMode { mode } => {
            session.set_steering_mode(mode);
            services.save_setting("steeringMode", None, mode.as_str().into())?;
            Reply::Done
        }
        Command::SetFollowUpMode { mode } => {
            session.set_follow_up_mode(mode);
            services.save_setting("followUpMode", None, mode.as_str().into())?;
            Reply::Done
        }
        Command::Compact {
            custom_instructions,
        } => {
            let result = session
                .compact(custom_instructions)
                .await
                .map_err(|e| error(&e))?;
            Reply::Data(to_value(&result))
        }
        Command::CompactionPreview {
            custom_instructions,
        } => {
            let preview = session
                .compaction_preview(custom_instructions.as_deref())
                .map_err(|e| error(&e))?;
            Reply::Data(to_value(&preview))
        }
        Command::SetAutoCompaction { enabled } => {
            session.set_auto_compaction(enabled);
            services.save_setting("compaction", Some("enabled"), enabled.into())?;
            Reply::Done
        }
        Command::SetAutoRetry { enabled } => {
            session.set_auto_retry(enabled);
            services.save_setting("retry", Some("enabled"), enabled.into())?;
            Reply::Done
        }
        Command::AbortRetry => {
            session.abort_retry();
            Reply::Done
        }
        Command::Bash {
            command,
            exclude_from_context,
        } => {
            let shell = services.shell();
            let result = session
                .execute_bash(
                    &command,
                    &shell,
                    exclude_from_context,
                    id.and_then(Value::as_str),
                )
                .await
                .map_err(|e| error(&e))?;
            Reply::Data(to_value(&result))
        }
        Command::AbortBash => {
            session.abort_bash();
            Reply::Done
        }
        Command::GetSessionStats => {
            let stats = blocking(&session, |s| s.session_stats()).await?;
            Reply::Data(to_value(&stats))
        }
        Command::ExportHtml { output_path } => {
            let path = blocking(&session, move |s| {
                s.export_html(output_path.as_deref().map(std::path::Path::new))
            })
            .await?;
            Reply::Data(json!({"path": path}))
        }
        Command::SwitchSession { session_path } => {
            let _no_prompt_starts = rpc.prompt_gate.lock().await;
            rpc.runtime
                .switch_session(std::path::Path::new(&session_path))
                .await
                .map_err(|e| error(&e))?;
            Reply::Data(json!({"cancelled": false}))
        }
        Command::Fork { entry_id } => {
            let _no_prompt_starts = rpc.prompt_gate.lock().await;
            let text = rpc
                .runtime
                .fork(&entry_id, ForkPosition::Before)
                .await
                .map_err(|e| error(&e))?;
            Reply::Data(json!({"text": text, "cancelled": false}))
        }
        Command::Clone => {
            let _no_prompt_starts = rpc.prompt_gate.lock().await;
            let leaf = session.session().leaf_id().map(str::to_string);
            let leaf = leaf.ok_or("Cannot clone session: no current entry selected")?;
            rpc.runtime
                .fork(&leaf, ForkPosition::At)
                .await
                .map_err(|e| error(&e))?;
            Reply::Data(json!({"cancelled": false}))
        }
        Command::GetForkMessages => {
            let messages = blocking(&session, |s| s.fork_messages()).await?;
            Reply::Data(json!({"messages": to_value(&messages)}))
        }
        Command::GetEntries { since } => {
            let (entries, leaf) =
                blocking(&session, move |s| s.entries_since(since.as_deref())).await?;
            Reply::Data(json!({"entries": entries, "leafId": leaf}))
        }
        Command::GetTree => {
            let (tree, leaf) = blocking(&session, |s| {
                let leaf = s.session().leaf_id().map(str::to_string);
                s.tree_json().map(|tree| (tree, leaf))
            })
            .await?;
            Reply::RawData(format!("{{\"tree\":{tree},\"leafId\":{}}}", to_json(&leaf)))
        }
        // pi leaves `text` out when there is none.
        Command::NavigateTree {
            target_id,
            summarize,
            custom_instructions,
            replace_instructions,
            label,
        } => {
            let options = NavigateOptions {
                summarize,
                custom_instructions,
                replace_instructions,
                label,
            };
            let result = session
                .navigate_tree(&target_id, options)
                .await
                .map_err(|e| error(&e))?;
            Reply::Data(result.to_value())
        }
        Command::GetLastAssistantText => Reply::Data(match session.last_assistant_text() {
            Some(text) => json!({"text": text}),
            None => json!({}),
        }),
        Command::SetSessionName { name } => {
            session.set_session_name(&name).map_err(|e| error(&e))?;
            Reply::Done
        }
        Command::GetMessages => Reply::Data(json!({"messages": to_value(&session.messages())})),
        Command::GetCommands => Reply::Data(json!({"commands": services.commands()})),
    })
}

/// `get_state`'s data, in pi's field order.
fn state(session: &AgentSession) -> Value {
    let mut state = serde_json::Map::new();
    if let Some(model) = session.model() {
        state.insert("model".into(), to_value(&model));
    }
    state.insert(
        "thinkingLevel".into(),
        session.thinking_level().as_str().into(),
    );
    state.insert("isStreaming".into(), session.is_streaming().into());
    state.insert("isCompacting".into(), session.is_compacting().into());
    state.insert(
        "steeringMode".into(),
        session.steering_mode().as_str().into(),
    );
    state.insert(
        "followUpMode".into(),
        session.follow_up_mode().as_str().into(),
    );
    let (file, id, name) = {
        let manager = session.session();
        (
            manager
                .session_file()
                .map(|p| p.to_string_lossy().into_owned()),
            manager.session_id().to_string(),
            manager.session_name().map(str::to_string),
        )
    };
    if let Some(file) = file {
        state.insert("sessionFile".into(), file.into());
    }
    state.insert("sessionId".into(), id.into());
    if let Some(name) = name {
        state.insert("sessionName".into(), name.into());
    }
    state.insert(
        "autoCompactionEnabled".into(),
        session.auto_compaction_enabled().into(),
    );
    state.insert("messageCount".into(), session.messages().len().into());
    state.insert(
        "pendingMessageCount".into(),
        session.pending_message_count().into(),
    );
    Value::Object(state)
}

/// Runs work that reads the whole session file off the command loop, so that other commands
/// (an `abort`, say) are answered meanwhile.
async fn blocking<T, E>(
    session: &AgentSession,
    work: impl FnOnce(&AgentSession) -> Result<T, E> + Send + 'static,
) -> Result<T, String>
where
    T: Send + 'static,
    E: std::fmt::Display + Send + 'static,
{
    let session = session.clone();
    match tokio::task::spawn_blocking(move || work(&session)).await {
        Ok(result) => result.map_err(|err| err.to_string()),
        Err(err) => Err(format!("Command failed: {err}")),
    }
}

fn to_value(value: &impl serde::Serialize) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}
