#!/usr/bin/env python3
"""Rebuilds the provider responses behind an RPC transcript of the reference pi.

The transcript (stdout of `pi --mode rpc` 0.87.1 against the mock LLM server, with models
on OpenAI Chat Completions and Anthropic Messages) holds, for every assistant message, the
deltas it streamed and its final usage and ids. This writes one SSE body per assistant
message, in the wire format of its `api`, that streams exactly those deltas, so a test can
play them to our `pi` and compare its RPC output with the transcript.

    scripts/reference/rpc-parity-streams.py <rpc-session.out.jsonl> <out-dir>
"""
import json, pathlib, sys

transcript, out = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
events = [json.loads(line) for line in transcript.read_text().splitlines()]
turns, current = [], None
for event in events:
    kind = event.get("type")
    if kind == "message_start" and event["message"]["role"] == "assistant":
        current = {"blocks": {}, "calls": {}, "first_usage": None}
    elif kind == "message_update" and current is not None:
        inner = event["assistantMessageEvent"]
        if current["first_usage"] is None:
            current["first_usage"] = event["usage"]
        index = inner.get("contentIndex")
        if inner["type"] in ("text_start", "thinking_start"):
            current["blocks"][index] = {"kind": inner["type"][:-6], "deltas": []}
        elif inner["type"] in ("text_delta", "thinking_delta"):
            current["blocks"][index]["deltas"].append(inner["delta"])
        elif inner["type"] == "toolcall_start":
            current["calls"][index] = {"id": inner["id"], "name": inner["toolName"], "deltas": []}
            current["blocks"][index] = {"kind": "call"}
        elif inner["type"] == "toolcall_delta":
            current["calls"][index]["deltas"].append(inner["delta"])
    elif kind == "message_end" and event["message"]["role"] == "assistant" and current is not None:
        current["message"] = event["message"]
        turns.append(current)
        current = None


def chat_completions(turn):
    message = turn["message"]

    def chunk(delta, finish=None):
        return {"id": message["responseId"], "object": "chat.completion.chunk", "created": 0,
                "model": message["model"], "system_fingerprint": "fp_mock",
                "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}]}
    frames = [chunk({"role": "assistant", "content": ""})]
    for block in turn["blocks"].values():
        if block["kind"] == "text":
            frames += [chunk({"content": piece}) for piece in block["deltas"]]
    for k, call in enumerate(turn["calls"].values()):
        # The reference reports the opening chunk's (empty) arguments as the first delta.
        first, rest = (call["deltas"][:1] or [""])[0], call["deltas"][1:]
        frames.append(chunk({"tool_calls": [{"index": k, "id": call["id"], "type": "function",
                                             "function": {"name": call["name"], "arguments": first}}]}))
        frames += [chunk({"tool_calls": [{"index": k, "function": {"arguments": piece}}]}) for piece in rest]
    frames.append(chunk({}, message["rawStopReason"]))
    usage = message["usage"]
    frames.append({"id": message["responseId"], "object": "chat.completion.chunk", "created": 0,
                   "model": message["model"], "choices": [],
                   "usage": {"prompt_tokens": usage["input"] + usage["cacheRead"], "completion_tokens": usage["output"],
                             "total_tokens": usage["totalTokens"],
                             "prompt_tokens_details": {"cached_tokens": usage["cacheRead"]},
                             "completion_tokens_details": {"reasoning_tokens": usage.get("reasoning", 0)}}})
    body = "".join(f"data: {json.dumps(f, separators=(',', ':'), ensure_ascii=False)}\n\n" for f in frames)
    return body + "data: [DONE]\n\n"


def anthropic_messages(turn):
    message = turn["message"]
    usage = message["usage"]
    first = turn["first_usage"] or usage
    frames = [("message_start", {"type": "message_start", "message": {
        "id": message["responseId"], "type": "message", "role": "assistant", "model": message["model"],
        "content": [], "stop_reason": None, "stop_sequence": None,
        "usage": {"input_tokens": first["input"], "cache_creation_input_tokens": 0,
                  "cache_read_input_tokens": 0, "output_tokens": first["output"], "service_tier": "standard"}}}),
        ("ping", {"type": "ping"})]
    signatures = [c.get("thinkingSignature", "") for c in message["content"] if c["type"] == "thinking"]
    for index, block in sorted(turn["blocks"].items()):
        if block["kind"] == "thinking":
            start = {"type": "thinking", "thinking": "", "signature": ""}
            deltas = [{"type": "thinking_delta", "thinking": d} for d in block["deltas"]]
            deltas.append({"type": "signature_delta", "signature": signatures.pop(0)})
        elif block["kind"] == "text":
            start = {"type": "text", "text": ""}
            deltas = [{"type": "text_delta", "text": d} for d in block["deltas"]]
        else:
            raise SystemExit("tool calls over Anthropic are not in this transcript")
        frames.append(("content_block_start", {"type": "content_block_start", "index": index, "content_block": start}))
        frames += [("content_block_delta", {"type": "content_block_delta", "index": index, "delta": d}) for d in deltas]
        frames.append(("content_block_stop", {"type": "content_block_stop", "index": index}))
    frames.append(("message_delta", {"type": "message_delta",
                                     "delta": {"stop_reason": message["rawStopReason"], "stop_sequence": None},
                                     "usage": {"input_tokens": usage["input"], "output_tokens": usage["output"],
                                               "cache_creation_input_tokens": usage["cacheWrite"],
                                               "cache_read_input_tokens": usage["cacheRead"]}}))
    frames.append(("message_stop", {"type": "message_stop"}))
    return "".join(f"event: {name}\ndata: {json.dumps(data, separators=(',', ':'), ensure_ascii=False)}\n\n"
                   for name, data in frames)


for n, turn in enumerate(turns):
    api = turn["message"]["api"]
    body = {"openai-completions": chat_completions, "anthropic-messages": anthropic_messages}[api](turn)
    (out / f"turn-{n}.sse").write_text(body)
print(f"{len(turns)} turns written to {out}")
