//! An agent over real HTTP: pi-ai's adapters against the loopback test server.

use std::sync::{Arc, Mutex};

use pi_agent_core::{Agent, AgentOptions};
use pi_ai::testing::{TestServer, Turn};
use serde_json::json;

use super::support::{Recorder, echo};

#[tokio::test]
async fn a_tool_round_trip_over_each_wire_format() {
    for api in ["anthropic-messages", "openai-completions"] {
        let server = TestServer::start().await.unwrap();
        server
            .push(Turn::text("Echoing.").with_tool_call("echo", json!({"value": "over the wire"})));
        server.push(Turn::text("It said: over the wire."));
        let ran = Arc::new(Mutex::new(Vec::new()));
        let mut options = AgentOptions::new(server.model(api, "test-model"));
        options.system_prompt = Some("You echo.".into());
        options.tools = vec![echo(Arc::clone(&ran))];
        options.request.base.api_key = Some("sk-test".into());
        let agent = Agent::new(options);
        let recorder = Recorder::default();
        recorder.attach(&agent);
        agent.prompt("Echo something").await.unwrap();
        assert_eq!(*ran.lock().unwrap(), ["over the wire"], "{api}");
        assert_eq!(
            agent.last_assistant_message().unwrap().text(),
            "It said: over the wire.",
            "{api}"
        );
        let requests = server.requests();
        assert_eq!(requests.len(), 2, "{api}");
        let second = &requests[1].body;
        let text = second.to_string();
        assert!(
            text.contains("echoed: over the wire"),
            "{api}: the tool result was sent back: {text}"
        );
        assert_eq!(second["tools"].as_array().unwrap().len(), 1, "{api}");
        let updates = recorder
            .events()
            .iter()
            .filter(|e| e.starts_with("message_update"))
            .count();
        assert!(updates >= 6, "{api}: streamed: {updates}");
    }
}
