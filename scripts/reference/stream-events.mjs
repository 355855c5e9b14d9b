// Records the events the reference pi-ai emits for each recorded response body in
// fixtures/streams/*.sse, into fixtures/streams/<name>.events.jsonl (one event per line,
// without the live `partial` message).
//
//   PI_REF_DIR=/tmp/pi-ref node scripts/reference/stream-events.mjs [google.sse ...]
//
// With file names, only those bodies are recorded.
// Needs the reference installed (../shared/tools/pi-ref.sh install); without it, it says so
// and exits cleanly. The bodies are served from a loopback server started here.
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "../..");
const dir = join(root, "fixtures/streams");
const piAi = join(process.env.PI_REF_DIR ?? "/tmp/pi-ref", "node_modules/@earendil-works/pi-ai/dist/compat.js");
if (!existsSync(piAi)) {
  console.log(`reference pi-ai not found at ${piAi}; skipping`);
  process.exit(0);
}
const { stream } = await import(piAi);
const apis = {
  "anthropic.sse": "anthropic-messages",
  "openai-chat.sse": "openai-completions",
  "openai-responses.sse": "openai-responses",
  "google.sse": "google-generative-ai",
  "mistral.sse": "mistral-conversations",
};
// The path each API appends to its base URL starts after these (the server ignores paths).
const basePaths = { "anthropic-messages": "", "google-generative-ai": "/v1beta", "mistral-conversations": "" };
const only = process.argv.slice(2);
for (const file of readdirSync(dir).filter((name) => name in apis && (only.length === 0 || only.includes(name)))) {
  const body = readFileSync(join(dir, file));
  const server = createServer((request, response) => {
    request.resume();
    response.writeHead(200, { "content-type": "text/event-stream" });
    response.end(body);
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const api = apis[file];
  const base = `http://127.0.0.1:${server.address().port}`;
  const model = {
    id: "bench", name: "bench", api, provider: "recorded", baseUrl: `${base}${basePaths[api] ?? "/v1"}`,
    reasoning: true, input: ["text"], cost: { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 },
    contextWindow: 128000, maxTokens: 16384,
  };
  const lines = [];
  for await (const event of stream(model, { messages: [{ role: "user", content: "go", timestamp: 1 }] }, { apiKey: "k" })) {
    const { partial, ...rest } = event;
    lines.push(JSON.stringify(rest));
  }
  server.close();
  writeFileSync(join(dir, file.replace(".sse", ".events.jsonl")), lines.join("\n") + "\n");
  console.log(`${file}: ${lines.length} events`);
}
