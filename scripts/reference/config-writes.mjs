// Records what the reference pi 0.87.1 writes when one setting and one credential change in
// the sample agent directory crates/pi-coding-agent/tests/fixtures/config/agent-dir: the
// files land in crates/pi-coding-agent/tests/fixtures/config/expected/, which our tests
// compare byte for byte.
//
//   PI_REF_DIR=/tmp/pi-ref node scripts/reference/config-writes.mjs
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "../..");
const core = join(
  process.env.PI_REF_DIR || "/tmp/pi-ref",
  "node_modules/@earendil-works/pi-coding-agent/dist/core",
);
if (!existsSync(join(core, "settings-manager.js"))) {
  console.log(`reference pi not found at ${core}; skipping`);
  process.exit(0);
}
const { SettingsManager } = await import(join(core, "settings-manager.js"));
const { AuthStorage } = await import(join(core, "auth-storage.js"));

const fixtures = join(root, "crates/pi-coding-agent/tests/fixtures/config");
const work = mkdtempSync(join(tmpdir(), "pi-config-writes-"));
const agentDir = join(work, "agent");
const cwd = join(work, "project");
cpSync(join(fixtures, "agent-dir"), agentDir, { recursive: true });
mkdirSync(cwd);

const settings = SettingsManager.create(cwd, agentDir);
settings.setTheme("light");
await settings.flush();
const auth = AuthStorage.create(join(agentDir, "auth.json"));
await auth.modify("groq", async () => ({ type: "api_key", key: "gsk-test" }));

const expected = join(fixtures, "expected");
mkdirSync(expected, { recursive: true });
writeFileSync(join(expected, "settings.after-set-theme.json"), readFileSync(join(agentDir, "settings.json")));
writeFileSync(join(expected, "auth.after-set-groq.json"), readFileSync(join(agentDir, "auth.json")));
console.log(`wrote ${expected}`);
