// Records what the reference pi-ai sends when a transcript written turn by turn by six different
// providers (fixtures/request-bodies/handoff-context.json) is continued by each model of
// handoff-cases.json: the path and body of every request, captured on a loopback server, into
// handoff-reference.json. The awkward corners (handoff-edge-context.json) go the same way into
// handoff-edge-reference.json.
//
//   PI_REF_DIR=/tmp/pi-ref node scripts/reference/handoff-bodies.mjs
//
// Needs the reference installed (../shared/tools/pi-ref.sh install); without it, it says so and
// exits cleanly. Nothing leaves the machine: the loopback server answers every request with 400.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "../..");
const dir = join(root, "fixtures/request-bodies");
const piAi = join(process.env.PI_REF_DIR ?? "/tmp/pi-ref", "node_modules/@earendil-works/pi-ai/dist/compat.js");
if (!existsSync(piAi)) {
  console.log(`reference pi-ai not found at ${piAi}; skipping`);
  process.exit(0);
}
const { streamSimple } = await import(piAi);
const cases = JSON.parse(readFileSync(join(dir, "handoff-cases.json"), "utf8"));

// The base paths of the Rust test server (`TestServer::model`), so that paths compare too.
const basePaths = {
  "anthropic-messages": "",
  "google-generative-ai": "/v1beta",
  "mistral-conversations": "/mistral",
};
let received;
const server = createServer((request, response) => {
  let text = "";
  request.setEncoding("utf8");
  request.on("data", (chunk) => (text += chunk));
  request.on("end", () => {
    received = { path: request.url, body: JSON.parse(text) };
    response.writeHead(400, { "content-type": "application/json" });
    response.end(JSON.stringify({ error: { code: 400, message: "recorded", status: "INVALID_ARGUMENT" } }));
  });
});
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const base = `http://127.0.0.1:${server.address().port}`;
for (const name of ["handoff", "handoff-edge"]) {
  const context = JSON.parse(readFileSync(join(dir, `${name}-context.json`), "utf8"));
  const recorded = {};
  for (const c of cases) {
    received = undefined;
    const model = { ...c.model, baseUrl: `${base}${basePaths[c.model.api] ?? "/v1"}` };
    const reply = await streamSimple(model, structuredClone(context), { ...c.options, maxRetries: 0 }).result();
    if (!received) throw new Error(`${name}, ${c.name}: no request was sent (${reply.errorMessage})`);
    recorded[c.name] = received;
  }
  writeFileSync(join(dir, `${name}-reference.json`), JSON.stringify(recorded, null, 1) + "\n");
  console.log(`${name}: recorded ${Object.keys(recorded).length} requests`);
}
server.close();
