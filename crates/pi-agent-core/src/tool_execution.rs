//! Running the tool calls of one assistant message.
//!
//! Every call is announced (`tool_execution_start`) and prepared in the model's order: the
//! tool is looked up, its arguments validated, and `before_tool_call` may block it. Prepared
//! calls then run, concurrently by default; each one's `tool_execution_end` comes as it
//! finishes, and the result messages follow in the model's order. Whatever goes wrong, a
//! call gets a result the model can read, and every call gets exactly one.

use std::collections::VecDeque;
use std::sync::Arc;

use futures_util::StreamExt;
use futures_util::stream::FuturesUnordered;
use pi_ai::{AssistantMessage, CancellationToken, ToolCall, ToolResultMessage, now_ms};
use serde_json::Value;
use tokio::sync::mpsc;

use crate::agent_loop::{AgentLoopConfig, Emit};
use crate::event::AgentEvent;
use crate::hooks::{AfterToolCall, AgentContext, BeforeToolCall};
use crate::tool::{AgentTool, AgentToolResult, ExecutionMode, ToolCallInput, ToolProgress};
use crate::validation::validate_tool_arguments;

const ABORTED: &str = "Operation aborted";

/// The results of a batch, in call order, and whether the batch asks to stop.
pub(crate) struct ToolBatch {
    pub messages: Vec<ToolResultMessage>,
    pub terminate: bool,
}

/// A call's outcome.
struct Finalized {
    result: AgentToolResult,
    is_error: bool,
}

impl Finalized {
    fn error(text: impl Into<String>) -> Self {
        Finalized {
            result: AgentToolResult::error(text),
            is_error: true,
        }
    }
}

/// A call ready to run.
struct Prepared {
    tool: Arc<dyn AgentTool>,
    args: Value,
}

/// Fails every call of a response cut off by the output limit: their arguments may be
/// truncated, so none is safe to run.
pub(crate) fn fail_truncated_tool_calls(message: &AssistantMessage, emit: Emit<'_>) -> ToolBatch {
    let mut messages = Vec::new();
    for call in message.tool_calls() {
        let args = Value::Object(call.arguments.clone());
        emit(&AgentEvent::ToolExecutionStart {
            tool_call_id: &call.id,
            tool_name: &call.name,
            args: &args,
        });
        let text = format!(
            "Tool call \"{}\" was not executed: the response hit the output token limit, so its arguments may be truncated. Re-issue the tool call with complete arguments.",
            call.name
        );
        let finalized = Finalized::error(text);
        messages.push(finish(call, &finalized, emit, true));
    }
    ToolBatch {
        messages,
        terminate: false,
    }
}

/// Runs the calls of `message`.
pub(crate) async fn execute_tool_calls(
    context: &AgentContext,
    message: &AssistantMessage,
    config: &AgentLoopConfig,
    cancel: &CancellationToken,
    emit: Emit<'_>,
) -> ToolBatch {
    let calls: Vec<&ToolCall> = message.tool_calls().collect();
    let sequential = config.tool_execution == ExecutionMode::Sequential
        || calls.iter().any(|call| {
            context
                .tool(&call.name)
                .and_then(|tool| tool.execution_mode())
                == Some(ExecutionMode::Sequential)
        });
    let runner = Runner {
        context,
        message,
        config,
        cancel,
    };
    if sequential {
        runner.sequential(&calls, emit).await
    } else {
        runner.parallel(&calls, emit).await
    }
}

struct Runner<'a> {
    context: &'a AgentContext,
    message: &'a AssistantMessage,
    config: &'a AgentLoopConfig,
    cancel: &'a CancellationToken,
}

impl<'a> Runner<'a> {
    async fn sequential(&self, calls: &[&ToolCall], emit: Emit<'_>) -> ToolBatch {
        let mut messages = Vec::new();
        let mut outcomes = Vec::new();
        for call in calls {
            let args = Value::Object(call.arguments.clone());
            emit(&AgentEvent::ToolExecutionStart {
                tool_call_id: &call.id,
                tool_name: &call.name,
                args: &args,
            });
            let finalized = match self.prepare(call).await {
                Err(immediate) => immediate,
                Ok(prepared) => {
                    let (sender, mut updates) = mpsc::unbounded_channel();
                    let run =
                        std::pin::pin!(self.run(call, prepared, ToolProgress::new(sender, 0)));
                    let outcome = drive_one(run, &mut updates, self.cancel, |partial| {
                        emit(&AgentEvent::ToolExecutionUpdate {
                            tool_call_id: &call.id,
                            tool_name: &call.name,
                            args: &args,
                            partial_result: &partial,
                        });
                    })
                    .await;
                    outcome.unwrap_or_else(|| Finalized::error(ABORTED))
                }
            };
            messages.push(finish(call, &finalized, emit, true));
            outcomes.push(finalized);
        }
        ToolBatch {
            terminate: terminates(&outcomes),
            messages,
        }
    }

    async fn parallel(&self, calls: &[&ToolCall], emit: Emit<'_>) -> ToolBatch {
        let arguments: Vec<Value> = calls
            .iter()
            .map(|call| Value::Object(call.arguments.clone()))
            .collect();
        let mut outcomes: Vec<Option<Finalized>> = calls.iter().map(|_| None).collect();
        let (sender, mut updates) = mpsc::unbounded_channel::<(usize, AgentToolResult)>();
        let mut running = FuturesUnordered::new();
        for (index, call) in calls.iter().enumerate() {
            emit(&AgentEvent::ToolExecutionStart {
                tool_call_id: &call.id,
                tool_name: &call.name,
                args: &arguments[index],
            });
            match self.prepare(call).await {
                Err(immediate) => {
                    end_event(call, &immediate, emit);
                    outcomes[index] = Some(immediate);
                }
                Ok(prepared) => {
                    let progress = ToolProgress::new(sender.clone(), index);
                    running.push(async move { (index, self.run(call, prepared, progress).await) });
                }
            }
        }
        drop(sender);
        let mut pending_updates = VecDeque::new();
        let emit_update = |(index, partial): (usize, AgentToolResult), emit: &mut Emit<'_>| {
            if let (Some(call), Some(args)) = (calls.get(index), arguments.get(index)) {
                emit(&AgentEvent::ToolExecutionUpdate {
                    tool_call_id: &call.id,
                    tool_name: &call.name,
                    args,
                    partial_result: &partial,
                });
            }
        };
        let mut emit = emit;
        while !running.is_empty() {
            tokio::select! {
                biased;
                () = self.cancel.cancelled() => {
                    // Abort is prompt: calls still running are dropped (which cancels them at
                    // their next await) and answered as aborted.
                    running.clear();
                    break;
                }
                Some(update) = updates.recv() => emit_update(update, &mut emit),
                Some((index, finalized)) = running.next() => {
                    // Progress sent before the call finished comes before its end.
                    while let Ok(update) = updates.try_recv() {
                        pending_updates.push_back(update);
                    }
                    while let Some(update) = pending_updates.pop_front() {
                        emit_update(update, &mut emit);
                    }
                    if let Some(call) = calls.get(index) {
                        end_event(call, &finalized, emit);
                    }
                    outcomes[index] = Some(finalized);
                }
            }
        }
        let mut messages = Vec::with_capacity(calls.len());
        let mut finals = Vec::with_capacity(calls.len());
        for (call, outcome) in calls.iter().zip(outcomes) {
            let finalized = match outcome {
                Some(finalized) => finalized,
                None => {
                    let aborted = Finalized::error(ABORTED);
                    end_event(call, &aborted, emit);
                    aborted
                }
            };
            messages.push(finish(call, &finalized, emit, false));
            finals.push(finalized);
        }
        for message in &messages {
            let message = message.clone().into();
            emit(&AgentEvent::MessageStart { message: &message });
            emit(&AgentEvent::MessageEnd { message: &message });
        }
        ToolBatch {
            terminate: terminates(&finals),
            messages,
        }
    }

    /// Looks the tool up, validates the arguments and asks `before_tool_call`; an `Err` is
    /// the call's final (error) outcome.
    async fn prepare(&self, call: &ToolCall) -> Result<Prepared, Finalized> {
        if self.cancel.is_cancelled() {
            return Err(Finalized::error(ABORTED));
        }
        let Some(tool) = self.context.tool(&call.name) else {
            return Err(Finalized::error(format!("Tool {} not found", call.name)));
        };
        let raw = tool.prepare_arguments(Value::Object(call.arguments.clone()));
        let mut args = validate_tool_arguments(&call.name, tool.parameters(), &raw)
            .map_err(|err| Finalized::error(err.0))?;
        let hooks = &self.config.hooks;
        let before = BeforeToolCall {
            assistant_message: self.message,
            tool_call: call,
            args: &mut args,
            context: self.context,
        };
        let block = hooks.before_tool_call(before, self.cancel).await;
        if self.cancel.is_cancelled() {
            return Err(Finalized::error(ABORTED));
        }
        if let Some(block) = block {
            let mut blocked = Finalized::error(
                block
                    .reason
                    .unwrap_or_else(|| "Tool execution was blocked".into()),
            );
            if block.terminate {
                blocked.result.terminate = Some(true);
            }
            return Err(blocked);
        }
        Ok(Prepared {
            tool: Arc::clone(tool),
            args,
        })
    }

    /// Runs a prepared call and applies `after_tool_call`.
    async fn run(&self, call: &ToolCall, prepared: Prepared, progress: ToolProgress) -> Finalized {
        let input = ToolCallInput {
            call_id: call.id.clone(),
            args: prepared.args.clone(),
            cancel: self.cancel.child_token(),
            progress: progress.clone(),
        };
        let outcome = prepared.tool.execute(input).await;
        progress.close();
        let (result, is_error) = match outcome {
            Ok(result) => (result, false),
            Err(error) => (AgentToolResult::error(error.to_string()), true),
        };
        let after = AfterToolCall {
            assistant_message: self.message,
            tool_call: call,
            args: &prepared.args,
            result: &result,
            is_error,
            context: self.context,
        };
        match self.config.hooks.after_tool_call(after, self.cancel).await {
            Err(error) => Finalized::error(error),
            Ok(None) => Finalized { result, is_error },
            Ok(Some(change)) => {
                let is_error = change.is_error.unwrap_or(is_error);
                let result = AgentToolResult {
                    content: change.content.unwrap_or(result.content),
                    details: change.details.or(result.details),
                    usage: change.usage.or(result.usage),
                    terminate: change.terminate.or(result.terminate),
                };
                Finalized { result, is_error }
            }
        }
    }
}

/// Polls one running call, forwarding its progress; `None` when the run was aborted first.
async fn drive_one<F: Future<Output = Finalized>>(
    mut run: std::pin::Pin<&mut F>,
    updates: &mut mpsc::UnboundedReceiver<(usize, AgentToolResult)>,
    cancel: &CancellationToken,
    mut on_update: impl FnMut(AgentToolResult),
) -> Option<Finalized> {
    loop {
        tokio::select! {
            biased;
            () = cancel.cancelled() => return None,
            Some((_, partial)) = updates.recv() => on_update(partial),
            finalized = &mut run => {
                while let Ok((_, partial)) = updates.try_recv() {
                    on_update(partial);
                }
                return Some(finalized);
            }
        }
    }
}

fn end_event(call: &ToolCall, finalized: &Finalized, emit: Emit<'_>) {
    emit(&AgentEvent::ToolExecutionEnd {
        tool_call_id: &call.id,
        tool_name: &call.name,
        result: &finalized.result,
        is_error: finalized.is_error,
    });
}

/// The result message of a call; emits its end (sequential mode) and the message events
/// when `announce` (parallel mode announces all results together, in call order).
fn finish(
    call: &ToolCall,
    finalized: &Finalized,
    emit: Emit<'_>,
    announce: bool,
) -> ToolResultMessage {
    if announce {
        end_event(call, finalized, emit);
    }
    let message = ToolResultMessage {
        tool_call_id: call.id.clone(),
        tool_name: call.name.clone(),
        content: finalized.result.content.clone(),
        details: finalized.result.details.clone(),
        usage: finalized.result.usage.clone(),
        is_error: finalized.is_error,
        timestamp: now_ms(),
        extra: Default::default(),
    };
    if announce {
        let agent_message = message.clone().into();
        emit(&AgentEvent::MessageStart {
            message: &agent_message,
        });
        emit(&AgentEvent::MessageEnd {
            message: &agent_message,
        });
    }
    message
}

/// A batch stops the run only when every result asks for it.
fn terminates(outcomes: &[Finalized]) -> bool {
    !outcomes.is_empty() && outcomes.iter().all(|f| f.result.terminate == Some(true))
}
