#!/usr/bin/env python3
"""Rebuilds the provider responses behind a JSON-mode transcript of the reference pi.

The transcript (`--mode json` output of pi 0.87.1 against an OpenAI Chat Completions server)
holds, for every assistant message, the deltas it streamed and its final usage and ids. This
writes one Chat Completions SSE body per assistant message that streams exactly those deltas,
so a test can play them to our `pi` and compare its JSON-mode output with the transcript.

    scripts/reference/json-parity-streams.py <transcript.jsonl> <out-dir>
"""
import json, pathlib, sys

transcript, out = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
events = [json.loads(line) for line in transcript.read_text().splitlines()]
turns, current = [], None
for event in events:
    kind = event["type"]
    if kind == "message_start" and event["message"]["role"] == "assistant":
        current = {"text": [], "calls": {}}
    elif kind == "message_update" and current is not None:
        inner = event["assistantMessageEvent"]
        if inner["type"] == "text_delta":
            current["text"].append(inner["delta"])
        elif inner["type"] == "toolcall_start":
            current["calls"][inner["contentIndex"]] = {"id": inner["id"], "name": inner["toolName"], "deltas": []}
        elif inner["type"] == "toolcall_delta":
            current["calls"][inner["contentIndex"]]["deltas"].append(inner["delta"])
    elif kind == "message_end" and event["message"]["role"] == "assistant" and current is not None:
        current["message"] = event["message"]
        turns.append(current)
        current = None

for n, turn in enumerate(turns):
    message = turn["message"]
    def chunk(delta, finish=None):
        return {"id": message["responseId"], "object": "chat.completion.chunk", "created": 0,
                "model": message["model"], "system_fingerprint": "fp_mock",
                "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}]}
    frames = [chunk({"role": "assistant", "content": ""})]
    frames += [chunk({"content": piece}) for piece in turn["text"]]
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
    (out / f"turn-{n}.sse").write_text(body + "data: [DONE]\n\n")
print(f"{len(turns)} turns written to {out}")
