//! Synthetic session files shaped like real ones, for benchmarks: prompts, answers with
//! tool calls and tool results of a few kilobytes, in pi's format.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;

use serde_json::{Value, json};

const TOOL_OUTPUT: usize = 6 * 1024;

/// What was written.
#[allow(
    dead_code,
    reason = "each user of this module reads some of the fields"
)]
pub struct Written {
    pub entries: usize,
    pub bytes: u64,
}

struct Writer {
    out: BufWriter<File>,
    bytes: u64,
    entries: usize,
}

impl Writer {
    fn push(&mut self, value: &Value) -> io::Result<()> {
        let text = serde_json::to_string(value).map_err(io::Error::other)?;
        self.out.write_all(text.as_bytes())?;
        self.out.write_all(b"\n")?;
        self.bytes += text.len() as u64 + 1;
        self.entries += 1;
        Ok(())
    }
}

/// Writes a session of about `bytes` bytes to `path`. With `compacted`, a compaction near
/// the end keeps only the last few turns in the context, as a long-running session has.
pub fn write_session(path: &Path, bytes: u64, compacted: bool) -> io::Result<Written> {
    let mut w = Writer {
        out: BufWriter::with_capacity(1 << 20, File::create(path)?),
        bytes: 0,
        entries: 0,
    };
    w.push(
        &json!({"type": "session", "version": 3, "id": format!("bench-{bytes}"),
        "timestamp": "2026-01-01T00:00:00.000Z", "cwd": "/home/user/project"}),
    )?;
    let mut parent: Option<String> = None;
    let mut compaction_done = !compacted;
    let mut turn = 0u64;
    while w.bytes < bytes {
        turn += 1;
        let ts = 1_767_225_600_000i64 + turn as i64 * 1000;
        let ids = [0, 1, 2].map(|k| format!("{:08x}", turn * 4 + k));
        w.push(&entry(&ids[0], &parent, json!({"role": "user",
            "content": [{"type": "text", "text": format!("Please look at module {turn} and fix the failing test.")}],
            "timestamp": ts})))?;
        w.push(&entry(&ids[1], &Some(ids[0].clone()), json!({"role": "assistant",
            "content": [{"type": "thinking", "thinking": "I should read the file first.", "thinkingSignature": "sig"},
                        {"type": "text", "text": "Reading the module."},
                        {"type": "toolCall", "id": format!("call_{turn}"), "name": "read",
                         "arguments": {"path": format!("src/module_{turn}.rs")}}],
            "api": "anthropic-messages", "provider": "anthropic", "model": "claude-sonnet-4-5",
            "usage": {"input": 1200, "output": 80, "cacheRead": 30000, "cacheWrite": 0, "totalTokens": 31280,
                      "cost": {"input": 0.0036, "output": 0.0012, "cacheRead": 0.009, "cacheWrite": 0, "total": 0.0138}},
            "stopReason": "toolUse", "timestamp": ts + 1})))?;
        let output: String = (0..TOOL_OUTPUT / 64)
            .map(|n| format!("{n:>5}: let value_{n} = compute(\"{turn}\", {n}); // line\n"))
            .collect();
        w.push(&entry(
            &ids[2],
            &Some(ids[1].clone()),
            json!({"role": "toolResult",
            "toolCallId": format!("call_{turn}"), "toolName": "read",
            "content": [{"type": "text", "text": output}], "isError": false, "timestamp": ts + 2}),
        ))?;
        parent = Some(ids[2].clone());
        if !compaction_done && w.bytes > bytes / 100 * 97 {
            let id = format!("{:08x}", turn * 4 + 3);
            w.push(&json!({"type": "compaction", "id": id, "parentId": parent,
                "timestamp": "2026-01-01T12:00:00.000Z",
                "summary": "The user asked for fixes across many modules; all were read and fixed.",
                "firstKeptEntryId": ids[0], "tokensBefore": 180000}))?;
            parent = Some(id);
            compaction_done = true;
        }
    }
    w.out.flush()?;
    Ok(Written {
        entries: w.entries - 1,
        bytes: w.bytes,
    })
}

fn entry(id: &str, parent: &Option<String>, message: Value) -> Value {
    json!({"type": "message", "id": id, "parentId": parent,
           "timestamp": "2026-01-01T00:00:00.000Z", "message": message})
}

/// Writes `count` sessions of about `bytes` each into `dir`.
pub fn write_sessions(dir: &Path, count: usize, bytes: u64) -> io::Result<()> {
    std::fs::create_dir_all(dir)?;
    for n in 0..count {
        write_session(
            &dir.join(format!("2026-01-01T00-00-00-000Z_{n:04}.jsonl")),
            bytes,
            false,
        )?;
    }
    Ok(())
}
