//! RPC mode in process: input bytes in, records out, with a scripted model.

use std::io::Write;
use std::sync::{Arc, Mutex};

use pi_ai::faux::{FauxProvider, FauxResponse};
use pi_ai::{Model, ThinkingLevel};
use serde_json::{Value, json};

use super::run_with_limit;
use crate::agent_session::{
    AgentSession, Credentials, RequestCredentials, SessionRuntime, SessionServices,
};
use crate::config::ScopedModel;
use crate::session::SessionManager;
use crate::tools::BashOptions;

struct Keys;

impl Credentials for Keys {
    fn request_credentials(&self, _: &Model) -> Result<RequestCredentials, String> {
        Ok(RequestCredentials::default())
    }

    fn has_auth(&self, _: &str) -> bool {
        true
    }
}

/// Sessions answered by one faux provider; settings saved in memory.
struct Services {
    faux: FauxProvider,
    saved: Mutex<Vec<(String, Option<String>, Value)>>,
}

impl SessionServices for Services {
    fn build(&self, session: SessionManager) -> Result<AgentSession, String> {
        let config = crate::agent_session::test_support::faux_config(
            &self.faux,
            self.faux.model(),
            Arc::new(Keys),
        );
        AgentSession::new(session, config).map_err(|err| err.to_string())
    }

    fn available_models(&self) -> Vec<Model> {
        vec![self.faux.model()]
    }

    fn set_model_scope(&self, _patterns: Option<&[String]>) {}

    fn scoped_models(&self) -> Vec<ScopedModel> {
        Vec::new()
    }

    fn thinking_level_for(&self, _: &Model) -> Option<ThinkingLevel> {
        None
    }

    fn save_setting(&self, key: &str, nested: Option<&str>, value: Value) -> Result<(), String> {
        self.saved
            .lock()
            .unwrap()
            .push((key.into(), nested.map(str::to_string), value));
        Ok(())
    }

    fn shell(&self) -> BashOptions {
        BashOptions::default()
    }

    fn commands(&self) -> Vec<Value> {
        Vec::new()
    }

    fn kill_running_commands(&self) {}
}

#[derive(Clone, Default)]
struct Sink(Arc<Mutex<Vec<u8>>>);

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Runs RPC mode over `input` to its end; returns the exit code, the records and the
/// settings saved.
async fn run(
    faux: FauxProvider,
    input: &[u8],
    max_line: usize,
) -> (i32, Vec<Value>, Vec<(String, Option<String>, Value)>) {
    run_paced(faux, &[input], max_line).await
}

/// Like [`run`], with a pause after each piece of input.
async fn run_paced(
    faux: FauxProvider,
    pieces: &[&[u8]],
    max_line: usize,
) -> (i32, Vec<Value>, Vec<(String, Option<String>, Value)>) {
    let (input, mut writer) = tokio::io::duplex(1 << 20);
    let pieces: Vec<Vec<u8>> = pieces.iter().map(|p| p.to_vec()).collect();
    let feeder = tokio::spawn(async move {
        use tokio::io::AsyncWriteExt as _;
        for piece in pieces {
            writer.write_all(&piece).await.unwrap();
            tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        }
    });
    let dir = tempfile::tempdir().unwrap();
    let services = Arc::new(Services {
        faux,
        saved: Mutex::new(Vec::new()),
    });
    let session = services
        .build(SessionManager::in_memory(dir.path(), Default::default()).unwrap())
        .unwrap();
    let runtime = SessionRuntime::new(services.clone(), session);
    let sink = Sink::default();
    let code = run_with_limit(runtime, input, sink.clone(), max_line).await;
    feeder.await.unwrap();
    let text = String::from_utf8(sink.0.lock().unwrap().clone()).unwrap();
    assert!(text.is_empty() || text.ends_with('\n'));
    let records = text
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    let saved = services.saved.lock().unwrap().clone();
    (code, records, saved)
}

fn responses(records: &[Value]) -> Vec<&Value> {
    records.iter().filter(|r| r["type"] == "response").collect()
}

#[tokio::test]
async fn framing_crlf_separators_and_a_last_line_without_lf() {
    let input = "{\"id\":\"a\",\"type\":\"set_session_name\",\"name\":\"x\u{2028}y\"}\r\n\n{\"id\":\"b\",\"type\":\"get_state\"}";
    let (code, records, _) = run(FauxProvider::new([]), input.as_bytes(), 1 << 20).await;
    assert_eq!(code, 0);
    let answered = responses(&records);
    assert_eq!(answered.len(), 3, "{records:?}");
    assert_eq!(answered[0]["id"], "a");
    assert_eq!(answered[0]["success"], true);
    // The empty line is no JSON: answered as a parse error.
    assert_eq!(answered[1]["command"], "parse");
    assert_eq!(answered[2]["id"], "b");
    assert_eq!(answered[2]["data"]["sessionName"], "x\u{2028}y");
}

#[tokio::test]
async fn an_over_long_line_is_answered_and_skipped() {
    let mut input = vec![b'{'; 5000];
    input.extend_from_slice(b"\n{\"id\":1,\"type\":\"get_messages\"}\n");
    let (_, records, _) = run(FauxProvider::new([]), &input, 1000).await;
    let answered = responses(&records);
    assert_eq!(
        answered[0],
        &json!({"type": "response", "command": "parse", "success": false,
                "error": "Failed to parse command: line of 5000 bytes is over the limit of 1000 bytes"})
    );
    assert_eq!(answered[1]["id"], 1);
    assert_eq!(answered[1]["success"], true);
}

#[tokio::test]
async fn a_prompt_is_answered_before_its_events_and_the_end_of_input_stops_the_run() {
    let faux =
        FauxProvider::new([FauxResponse::text("word ".repeat(400))]).with_tokens_per_second(50.0);
    let input = concat!(
        "{\"id\":\"p\",\"type\":\"prompt\",\"message\":\"go\"}\n",
        "{\"id\":\"s\",\"type\":\"get_state\"}\n",
        "{\"id\":\"q\",\"type\":\"prompt\",\"message\":\"again\"}\n",
        "{\"id\":\"f\",\"type\":\"steer\",\"message\":\"faster\"}\n",
    );
    let late = "{\"id\":\"t\",\"type\":\"get_state\"}\n";
    let (code, records, _) = run_paced(faux, &[input.as_bytes(), late.as_bytes()], 1 << 20).await;
    assert_eq!(code, 0);
    let kinds: Vec<String> = records
        .iter()
        .map(|r| match r["id"].as_str() {
            Some(id) => format!("{}:{id}", r["type"].as_str().unwrap()),
            None => r["type"].as_str().unwrap().to_string(),
        })
        .collect();
    // The second prompt is checked only once the first one runs: it is refused.
    let first = records.iter().find(|r| r["id"] == "p").unwrap();
    assert_eq!(first["success"], true);
    let refused = records.iter().find(|r| r["id"] == "q").unwrap();
    assert_eq!(
        refused["error"],
        "Agent is already processing. Specify streamingBehavior ('steer' or 'followUp') to queue the message."
    );
    let at = |id: &str| {
        kinds
            .iter()
            .position(|k| k == &format!("response:{id}"))
            .unwrap()
    };
    assert!(at("p") < kinds.iter().position(|k| k == "agent_start").unwrap());
    assert!(at("s") < at("q"), "{kinds:?}");
    assert!(kinds.contains(&"response:f".to_string()));
    let later = records.iter().find(|r| r["id"] == "t").unwrap();
    assert_eq!(later["data"]["isStreaming"], true);
    // The end of input aborted the answer, and the session settled.
    let end = records
        .iter()
        .rev()
        .find(|r| r["type"] == "message_end")
        .unwrap();
    assert_eq!(end["message"]["stopReason"], "aborted");
    assert_eq!(kinds.last().unwrap(), "agent_settled");
}

#[tokio::test]
async fn queue_modes_and_switches_are_saved_as_settings() {
    let input = concat!(
        "{\"id\":1,\"type\":\"set_steering_mode\",\"mode\":\"all\"}\n",
        "{\"id\":2,\"type\":\"set_follow_up_mode\",\"mode\":\"one-at-a-time\"}\n",
        "{\"id\":3,\"type\":\"set_auto_compaction\",\"enabled\":false}\n",
        "{\"id\":4,\"type\":\"set_auto_retry\",\"enabled\":true}\n",
        "{\"id\":5,\"type\":\"get_state\"}\n",
        "{\"id\":6,\"type\":\"set_steering_mode\",\"mode\":\"some\"}\n",
    );
    let (_, records, saved) = run(FauxProvider::new([]), input.as_bytes(), 1 << 20).await;
    assert_eq!(
        saved,
        [
            ("steeringMode".to_string(), None, json!("all")),
            ("followUpMode".to_string(), None, json!("one-at-a-time")),
            (
                "compaction".to_string(),
                Some("enabled".to_string()),
                json!(false)
            ),
            (
                "retry".to_string(),
                Some("enabled".to_string()),
                json!(true)
            ),
        ]
    );
    let state = &responses(&records)[4]["data"];
    assert_eq!(state["steeringMode"], "all");
    assert_eq!(state["autoCompactionEnabled"], false);
    assert_eq!(
        responses(&records)[5]["error"],
        "Invalid mode \"some\": expected \"all\" or \"one-at-a-time\""
    );
}

#[tokio::test]
async fn extension_ui_responses_get_no_answer() {
    let input = "{\"type\":\"extension_ui_response\",\"id\":\"x\",\"value\":\"ok\"}\n{\"id\":\"y\",\"type\":\"get_commands\"}\n";
    let (_, records, _) = run(FauxProvider::new([]), input.as_bytes(), 1 << 20).await;
    assert_eq!(
        records,
        [
            json!({"id": "y", "type": "response", "command": "get_commands", "success": true, "data": {"commands": []}})
        ]
    );
}
