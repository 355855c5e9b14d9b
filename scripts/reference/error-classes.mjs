// Records how the reference pi-ai classifies failed and truncated assistant messages:
// context overflow, retryable error, recoverable length stop. Writes
// fixtures/error-classes.json, one case per line with the reference's verdicts, which
// pi-ai's tests hold our classification to.
//
//   PI_REF_DIR=/tmp/pi-ref node scripts/reference/error-classes.mjs
//
// Needs the reference installed (../shared/tools/pi-ref.sh install); without it, it says so
// and exits cleanly. The texts are real provider error messages (from the providers'
// documentation and the reference's own comments) plus near misses.
import { existsSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "../..");
const utils = join(process.env.PI_REF_DIR ?? "/tmp/pi-ref", "node_modules/@earendil-works/pi-ai/dist/utils");
if (!existsSync(join(utils, "overflow.js"))) {
  console.log(`reference pi-ai not found at ${utils}; skipping`);
  process.exit(0);
}
const { isContextOverflow, isRecoverableLength } = await import(join(utils, "overflow.js"));
const { isRetryableAssistantError } = await import(join(utils, "retry.js"));

const errors = [
  // Overflow, provider by provider.
  "prompt is too long: 213462 tokens > 200000 maximum",
  '413 {"error":{"type":"request_too_large","message":"Request exceeds the maximum size"}}',
  "ValidationException: Input is too long for requested model.",
  "Your input exceeds the context window of this model. Please adjust your input and try again.",
  "litellm.BadRequestError: Requested token count exceeds the model's maximum context length of 131072 tokens",
  "Input length (265330) exceeds model's maximum context length (262144).",
  "The input token count (1196265) exceeds the maximum number of tokens allowed (1048575).",
  "This model's maximum prompt length is 131072 but the request contains 537812 tokens.",
  "Please reduce the length of the messages or completion.",
  "This endpoint's maximum context length is 200000 tokens. However, you requested about 263001 tokens.",
  "Input length 300123 exceeds the maximum allowed input length of 262,144 tokens.",
  "The input (140000 tokens) is longer than the model's context length (131072 tokens).",
  "prompt token count of 140000 exceeds the limit of 128000",
  "the request exceeds the available context size, try increasing it",
  "The number of tokens to keep from the initial prompt is greater than the context length",
  "invalid params, context window exceeds limit (2013)",
  "Your request exceeded model token limit: 262144 (requested: 300000)",
  "Prompt contains 140000 tokens and 0 draft tokens, too large for model with 131072 maximum context length",
  "Prompt has 70,000 tokens, but the configured context size is 65,536 tokens",
  '{"code":"1261","message":"Prompt too long"}',
  "model_context_window_exceeded",
  "prompt too long; exceeded max context length by 4000 tokens",
  "<400> InternalError.Algo.InvalidParameter: Range of input length should be [1, 129024]",
  "context_length_exceeded",
  "Context length exceeded",
  "Too many tokens in the request",
  "Token limit exceeded for this request",
  "400 status code (no body)",
  "413 (no body)",
  "401 status code (no body)",
  // Never overflow.
  "Throttling error: Too many tokens, please wait before trying again.",
  "Service unavailable: too many tokens in flight",
  "Rate limit reached: too many tokens per minute",
  "429 Too Many Requests: token limit exceeded",
  // Transient failures.
  '529 {"type":"overloaded_error","message":"Overloaded"}',
  "We're currently experiencing high demand, which may cause temporary errors.",
  "429 Rate limit reached for gpt-4o in organization org-x on tokens per min (TPM): Limit 30000, Used 30000. Please try again in 1.898s.",
  "503 Service Unavailable",
  "500 Internal server error",
  "502 Bad Gateway",
  "504 Gateway Timeout",
  "520 status code (no body)",
  "524 status code (no body)",
  "Provider returned error",
  "exceeded request buffer limit while retrying upstream",
  "Network error",
  "Connection error: connection refused",
  "Connection lost while streaming the response: error decoding response body",
  "other side closed",
  "fetch failed",
  "getaddrinfo ENOTFOUND api.anthropic.com",
  "getaddrinfo EAI_AGAIN api.openai.com",
  "upstream connect error or disconnect/reset before headers. reset reason: overflow",
  "socket hang up",
  "The socket connection was closed unexpectedly.",
  "Request timed out: operation timed out",
  "Request timeout",
  "terminated",
  "WebSocket closed before the response completed",
  "websocket error",
  "stream ended without a stop reason",
  "Anthropic stream ended before message_stop",
  "OpenAI Responses stream ended before a terminal response event",
  "http2 request did not get a response",
  "Server requested 120s retry delay (max: 60s). 429 rate_limit_error",
  "An error occurred while processing your request. You can retry your request.",
  "Please try your request again.",
  "Please retry your request.",
  "ResourceExhausted: too many concurrent requests",
  '429 {"error":{"code":429,"message":"Resource exhausted. Please retry in 56.588379858s.","status":"RESOURCE_EXHAUSTED"}}',
  // Account limits.
  "429 You exceeded your current quota, please check your plan and billing details.",
  '429 {"type":"error","error":{"type":"GoUsageLimitError"}}',
  "429 FreeUsageLimitError: free tier limit",
  "Monthly usage limit reached. Enable usage from your available balance.",
  "insufficient_quota",
  "503 Out of budget",
  "Quota exceeded for this project (429)",
  // Neither.
  "401 invalid x-api-key",
  "400 messages: text content blocks must be non-empty",
  "Request was aborted",
  "",
];

const usage = (input, output, cacheRead) => ({ input, output, cacheRead, cacheWrite: 0, totalTokens: input + output + cacheRead });
const cases = [];
for (const provider of ["anthropic", "cerebras"]) {
  for (const errorMessage of errors) {
    cases.push({ provider, stopReason: "error", errorMessage, usage: usage(1000, 0, 0), contextWindow: 128000, desiredMaxOutput: 8192 });
  }
}
// Silent and length-stop overflow, and recoverable length stops.
for (const [stopReason, input, output, cacheRead, contextWindow, desiredMaxOutput] of [
  ["stop", 120000, 500, 10000, 128000, 8192],
  ["stop", 120000, 500, 10000, 130000, 8192],
  ["stop", 120000, 500, 10000, 0, 8192],
  ["length", 99000, 0, 0, 100000, 8192],
  ["length", 98999, 0, 0, 100000, 8192],
  ["length", 90000, 0, 9000, 100000, 8192],
  ["length", 100000, 1, 0, 100000, 8192],
  ["length", 1000, 4000, 0, 200000, 32000],
  ["length", 1000, 4000, 0, 200000, 4000],
  ["length", 1000, 4000, 0, 200000, 0],
  ["toolUse", 300000, 0, 0, 200000, 8192],
]) {
  cases.push({ provider: "zai", stopReason, usage: usage(input, output, cacheRead), contextWindow, desiredMaxOutput });
}

const lines = cases.map((c) => {
  const message = { role: "assistant", content: [], provider: c.provider, stopReason: c.stopReason, usage: c.usage };
  if (c.errorMessage !== undefined) message.errorMessage = c.errorMessage;
  return JSON.stringify({
    ...c,
    overflow: isContextOverflow(message, c.contextWindow || undefined),
    overflowWithoutWindow: isContextOverflow(message),
    retryable: isRetryableAssistantError(message),
    recoverableLength: isRecoverableLength(message, c.desiredMaxOutput),
  });
});
const out = join(root, "fixtures/error-classes.jsonl");
writeFileSync(out, lines.join("\n") + "\n");
console.log(`${out}: ${lines.length} cases`);
