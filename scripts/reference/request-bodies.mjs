// Records the request bodies the reference pi-ai builds for fixtures/request-bodies/cases.json
// (every case against fixtures/request-bodies/context.json) into reference.json.
//
// The adapters whose payload hook sees an SDK object rather than the wire body (Google,
// Mistral) are recorded from the wire instead: wire-cases.json names a context file per case,
// each request goes to a loopback server here, and wire-reference.json keeps its path, the
// headers that matter and its body.
//
//   PI_REF_DIR=/tmp/pi-ref node scripts/reference/request-bodies.mjs
//
// Needs the reference installed (../shared/tools/pi-ref.sh install); without it, it says so
// and exits cleanly. No request leaves the machine: each is aborted as soon as its body is
// captured.
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
const cases = JSON.parse(readFileSync(join(dir, "cases.json"), "utf8"));
const context = JSON.parse(readFileSync(join(dir, "context.json"), "utf8"));
const bodies = {};
for (const c of cases) {
  const abort = new AbortController();
  const capture = (body) => {
    bodies[c.name] = structuredClone(body);
    abort.abort();
  };
  const options = { ...c.options, maxRetries: 0, signal: abort.signal, onPayload: capture };
  await streamSimple(c.model, structuredClone(context), options).result();
}
writeFileSync(join(dir, "reference.json"), JSON.stringify(bodies, null, 1) + "\n");
console.log(`recorded ${Object.keys(bodies).length} request bodies`);

// The same base paths as the Rust test server, so that request paths compare too.
const basePaths = { "google-generative-ai": "/v1beta", "mistral-conversations": "/mistral" };
const keptHeaders = ["accept", "authorization", "x-affinity", "x-goog-api-key"];
const wireCases = JSON.parse(readFileSync(join(dir, "wire-cases.json"), "utf8"));
const wire = {};
let received;
const server = createServer((request, response) => {
  let text = "";
  request.setEncoding("utf8");
  request.on("data", (chunk) => (text += chunk));
  request.on("end", () => {
    const headers = {};
    for (const name of keptHeaders) {
      if (request.headers[name] !== undefined) headers[name] = request.headers[name];
    }
    received = { path: request.url, headers, body: JSON.parse(text) };
    response.writeHead(400, { "content-type": "application/json" });
    response.end(JSON.stringify({ error: { code: 400, message: "recorded", status: "INVALID_ARGUMENT" } }));
  });
});
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const base = `http://127.0.0.1:${server.address().port}`;
for (const c of wireCases) {
  received = undefined;
  const caseContext = JSON.parse(readFileSync(join(dir, c.context), "utf8"));
  const model = { ...c.model, baseUrl: `${base}${basePaths[c.model.api] ?? ""}` };
  await streamSimple(model, caseContext, { ...c.options, maxRetries: 0 }).result();
  if (!received) throw new Error(`${c.name}: no request was sent`);
  wire[c.name] = received;
}
server.close();
writeFileSync(join(dir, "wire-reference.json"), JSON.stringify(wire, null, 1) + "\n");
console.log(`recorded ${Object.keys(wire).length} wire requests`);
