// Records what the reference pi 0.87.1 would compact and summarize in real sessions: for
// leaves along each fixture session and several keepRecentTokens budgets, the cut point,
// token estimate, split turn, previous summary, file lists and the conversation text sent to
// the summarizer (as length and FNV-1a hash); for tree navigations from the last entry back
// to earlier ones, the entries a branch summary covers and what fits its budget. Writes
// fixtures/compaction/reference-cases.json, which pi-coding-agent's tests hold ours to.
//
//   PI_REF_DIR=/tmp/pi-ref node scripts/reference/compaction-cases.mjs
//
// Needs the reference installed (../shared/tools/pi-ref.sh install); without it, it says so
// and exits cleanly.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "../..");
const dist = join(process.env.PI_REF_DIR ?? "/tmp/pi-ref", "node_modules/@earendil-works/pi-coding-agent/dist");
if (!existsSync(join(dist, "core/compaction/compaction.js"))) {
  console.log(`reference pi-coding-agent not found at ${dist}; skipping`);
  process.exit(0);
}
const { prepareCompaction, estimateTokens } = await import(join(dist, "core/compaction/compaction.js"));
const { collectEntriesForBranchSummary, prepareBranchEntries } = await import(
  join(dist, "core/compaction/branch-summarization.js")
);
const { serializeConversation, computeFileLists } = await import(join(dist, "core/compaction/utils.js"));
const { convertToLlm } = await import(join(dist, "core/messages.js"));
const { SessionManager } = await import(join(dist, "core/session-manager.js"));

/** FNV-1a (32 bits) of the UTF-8 bytes: enough to tell texts apart, cheap to redo in Rust. */
function fnv(text) {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(text, "utf8")) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, "0");
}

function textOf(messages) {
  const text = serializeConversation(convertToLlm(messages));
  return { count: messages.length, length: text.length, fnv: fnv(text) };
}

const files = [
  "sessions-v1-migrated/before-compaction.jsonl",
  "sessions-v1-migrated/large-session.jsonl",
  "sessions-0.87.1/tools-anthropic.jsonl",
  "sessions-0.87.1/rpc-main.jsonl",
];
const budgets = [20000, 5000, 1000, 1];
const compactions = [];
const branches = [];
for (const file of files) {
  const lines = readFileSync(join(root, "fixtures", file), "utf8").split("\n").filter((line) => line.trim());
  const entries = lines.map((line) => JSON.parse(line));
  const session = SessionManager.inMemory("/home/user/project", undefined, entries);
  const ids = entries.slice(1).map((entry) => entry.id);
  // Leaves: about twelve points along the file, and the last entry.
  const step = Math.max(1, Math.floor(ids.length / 12));
  const leaves = [...new Set([...ids.filter((_, i) => i % step === step - 1), ids[ids.length - 1]])];
  for (const leaf of leaves) {
    const path = session.getBranch(leaf);
    for (const keepRecentTokens of budgets) {
      const preparation = prepareCompaction(path, { enabled: true, reserveTokens: 16384, keepRecentTokens });
      if (!preparation) {
        compactions.push({ file, leaf, keepRecentTokens, preparation: null });
        continue;
      }
      const { readFiles, modifiedFiles } = computeFileLists(preparation.fileOps);
      compactions.push({
        file,
        leaf,
        keepRecentTokens,
        preparation: {
          firstKeptEntryId: preparation.firstKeptEntryId,
          isSplitTurn: preparation.isSplitTurn,
          tokensBefore: preparation.tokensBefore,
          previousSummary: preparation.previousSummary ?? null,
          summarize: textOf(preparation.messagesToSummarize),
          turnPrefix: textOf(preparation.turnPrefixMessages),
          readFiles,
          modifiedFiles,
        },
      });
    }
  }
  // Navigations from the last entry back to earlier points of the same path.
  const last = ids[ids.length - 1];
  for (const target of leaves.slice(0, -1).filter((_, i) => i % 3 === 0)) {
    const { entries: left, commonAncestorId } = collectEntriesForBranchSummary(session, last, target);
    for (const budget of [0, 111616, 2000]) {
      const prepared = prepareBranchEntries(left, budget);
      const { readFiles, modifiedFiles } = computeFileLists(prepared.fileOps);
      branches.push({
        file,
        oldLeaf: last,
        target,
        budget,
        commonAncestorId,
        entries: { count: left.length, first: left[0]?.id ?? null, last: left.at(-1)?.id ?? null },
        messages: textOf(prepared.messages),
        totalTokens: prepared.totalTokens,
        estimate: prepared.messages.reduce((sum, message) => sum + estimateTokens(message), 0),
        readFiles,
        modifiedFiles,
      });
    }
  }
}
mkdirSync(join(root, "fixtures/compaction"), { recursive: true });
const out = join(root, "fixtures/compaction/reference-cases.json");
writeFileSync(out, `${JSON.stringify({ compactions, branches }, null, 1)}\n`);
console.log(`wrote ${compactions.length} compaction and ${branches.length} branch cases to ${out}`);
