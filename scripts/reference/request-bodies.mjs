// Records the request bodies the reference pi-ai builds for fixtures/request-bodies/cases.json
// (every case against fixtures/request-bodies/context.json) into reference.json.
//
//   PI_REF_DIR=/tmp/pi-ref node scripts/reference/request-bodies.mjs
//
// Needs the reference installed (../shared/tools/pi-ref.sh install); without it, it says so
// and exits cleanly. No request leaves the machine: each is aborted as soon as its body is
// captured.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
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
