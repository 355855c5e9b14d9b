#!/usr/bin/env python3
"""Interactive-mode figures for a pi binary, measured through a pseudo-terminal.

    scripts/interactive-bench.py --label ours -- path/to/pi
    scripts/interactive-bench.py --label reference -- node .../pi

The program runs in a 100x30 pty in a throwaway project against the mock LLM server
(`--mock path/to/mockllm.py`, started here with two scripts: `hello`, and `stream`, which
streams `--tokens` deltas). Figures, one line each:

  first frame      spawn to the first screen showing the footer's model name
  idle RSS         resident memory a second after the first frame
  open             spawn to the first frame of a resumed session of --messages messages, and
                   to the last byte of its drawing
  keystroke        median and p95 time from a key press to its echo in that session
  bytes/token      bytes written to the terminal per streamed delta while an answer streams
"""

import argparse
import json
import os
import pty
import select
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import time
import fcntl
import termios


def spawn(argv, cwd, env):
    """Starts argv on a new 100x30 pty; returns (process, master fd)."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    proc = subprocess.Popen(
        argv, cwd=cwd, env=env, stdin=slave, stdout=slave, stderr=slave, start_new_session=True
    )
    os.close(slave)
    return proc, master


def read_until(master, needle, timeout, sink=None):
    """Reads pty output until `needle` (bytes) shows up; returns the elapsed seconds."""
    start = time.perf_counter()
    seen = b""
    while True:
        left = timeout - (time.perf_counter() - start)
        if left <= 0:
            raise TimeoutError(f"{needle!r} never appeared; last output: {seen[-400:]!r}")
        ready, _, _ = select.select([master], [], [], left)
        if not ready:
            continue
        try:
            chunk = os.read(master, 65536)
        except OSError:
            raise TimeoutError(f"the program exited before {needle!r}")
        if sink is not None:
            sink.append(len(chunk))
        seen = (seen + chunk)[-65536:]
        if needle in seen:
            return time.perf_counter() - start


def drain(master, quiet=0.3):
    """Reads until the program has been quiet for `quiet` seconds."""
    while True:
        ready, _, _ = select.select([master], [], [], quiet)
        if not ready:
            return
        try:
            os.read(master, 65536)
        except OSError:
            return


def last_output(master, quiet=0.3):
    """Reads until the program has been quiet for `quiet` seconds; when its last output came."""
    last = time.perf_counter()
    while True:
        ready, _, _ = select.select([master], [], [], quiet)
        if not ready:
            return last
        try:
            os.read(master, 65536)
        except OSError:
            return last
        last = time.perf_counter()


def rss_mb(pid):
    """Resident memory of pid and its children (node may run the program in a child)."""
    total = 0
    pids = [pid]
    try:
        children = subprocess.run(
            ["pgrep", "-P", str(pid)], capture_output=True, text=True
        ).stdout.split()
        pids += [int(c) for c in children]
    except FileNotFoundError:
        pass
    for p in pids:
        try:
            with open(f"/proc/{p}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
        except FileNotFoundError:
            pass
    return total / 1024


def stop(proc, master):
    try:
        os.killpg(proc.pid, signal.SIGTERM)
    except ProcessLookupError:
        pass
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
    os.close(master)


def write_session(path, cwd, messages):
    """A pi 0.87.1 session file of `messages` alternating user and assistant messages."""
    stamp = "2026-11-21T09:00:00.000Z"
    lines = [
        {"type": "session", "version": 3, "id": "bench-session", "timestamp": stamp, "cwd": cwd},
        {"type": "model_change", "id": "e0", "parentId": None, "timestamp": stamp,
         "provider": "mock-chat", "modelId": "hello"},
    ]
    parent = "e0"
    usage = {"input": 100, "output": 50, "cacheRead": 0, "cacheWrite": 0, "totalTokens": 150,
             "cost": {"input": 0, "output": 0, "cacheRead": 0, "cacheWrite": 0, "total": 0}}
    for i in range(messages):
        entry_id = f"m{i}"
        if i % 2 == 0:
            message = {"role": "user", "content": [{"type": "text", "text": f"Question {i}: how does part {i} work?"}],
                       "timestamp": 1795250000000 + i}
        else:
            text = (f"## Answer {i}\n\nPart {i} works like this:\n\n- it reads the **input**\n"
                    f"- it writes `output-{i}.txt`\n\n```rust\nfn part_{i}() -> u32 {{ {i} }}\n```")
            message = {"role": "assistant", "content": [{"type": "text", "text": text}],
                       "api": "openai-completions", "provider": "mock-chat", "model": "hello",
                       "usage": usage, "stopReason": "stop", "timestamp": 1795250000000 + i}
        lines.append({"type": "message", "id": entry_id, "parentId": parent, "timestamp": stamp,
                      "message": message})
        parent = entry_id
    with open(path, "w") as f:
        for line in lines:
            f.write(json.dumps(line) + "\n")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--label", required=True)
    parser.add_argument("--messages", type=int, default=5000)
    parser.add_argument("--tokens", type=int, default=400)
    parser.add_argument("--keys", type=int, default=40)
    parser.add_argument("--mock", required=True)
    parser.add_argument("argv", nargs="+")
    args = parser.parse_args()

    home = tempfile.mkdtemp(prefix="pi-ibench-")
    url, mock = start_mock(args.mock, home, args.tokens)
    try:
        run(args, home, url)
    finally:
        mock.terminate()


def start_mock(mockllm, home, tokens):
    """Starts the mock with the `hello` and `stream` scripts; returns (base URL, process)."""
    scripts = os.path.join(home, "scripts")
    os.makedirs(scripts)
    words = " ".join(f"word{i}" for i in range(tokens - 1)) + " END-OF-STREAM"
    with open(os.path.join(scripts, "hello.json"), "w") as f:
        json.dump({"turns": [{"text": "Hello!", "chunks": 2}]}, f)
    with open(os.path.join(scripts, "stream.json"), "w") as f:
        json.dump({"turns": [{"text": words, "chunks": tokens, "delay_ms": 2}]}, f)
    port_file = os.path.join(home, "port")
    mock = subprocess.Popen(
        [sys.executable, mockllm, "--scripts-dir", scripts, "--script",
         os.path.join(scripts, "hello.json"), "--port", "0", "--port-file", port_file,
         "--log", os.devnull], stderr=subprocess.DEVNULL)
    for _ in range(100):
        if os.path.exists(port_file) and open(port_file).read().strip():
            break
        time.sleep(0.05)
    port = open(port_file).read().strip()
    return f"http://127.0.0.1:{port}/v1", mock


def run(args, home, url):
    agent = os.path.join(home, "agent")
    project = os.path.join(home, "project")
    os.makedirs(agent)
    os.makedirs(project)
    with open(os.path.join(agent, "models.json"), "w") as f:
        json.dump({"providers": {"mock-chat": {
            "baseUrl": url, "api": "openai-completions", "apiKey": "sk-mock",
            "models": [{"id": "hello"}, {"id": "stream"}]}}}, f)
    env = dict(os.environ, HOME=home, PI_CODING_AGENT_DIR=agent, PI_OFFLINE="1",
               TERM="xterm-256color", COLORTERM="truecolor")
    env.pop("TMUX", None)
    model = ["--provider", "mock-chat", "--model"]

    # First frame and idle memory, in a new session.
    proc, master = spawn(args.argv + model + ["hello"], project, env)
    first = read_until(master, b"hello", 30)
    drain(master, 1.0)
    idle = rss_mb(proc.pid)
    print(f"{args.label:<10} first frame        {first * 1000:8.1f} ms")
    print(f"{args.label:<10} idle RSS           {idle:8.1f} MB")

    stop(proc, master)

    # Bytes per streamed token.
    proc, master = spawn(args.argv + model + ["stream"], project, env)
    read_until(master, b"stream", 30)
    drain(master, 1.0)
    sink = []
    os.write(master, b"stream please\r")
    read_until(master, b"END-OF-STREAM", 60, sink)
    drain(master, 1.0)
    print(f"{args.label:<10} bytes/token        {sum(sink) / args.tokens:8.1f} B"
          f"   ({sum(sink)} bytes for {args.tokens} deltas)")
    stop(proc, master)

    # Keystroke latency with a long history on screen.
    session = os.path.join(project, "long.jsonl")
    write_session(session, project, args.messages)
    start = time.perf_counter()
    proc, master = spawn(args.argv + ["--session", session] + model + ["hello"], project, env)
    read_until(master, b"hello", 60)
    opened = time.perf_counter() - start
    drawn = last_output(master) - start
    drain(master, 1.0)
    print(f"{args.label:<10} open {args.messages} msgs   {opened * 1000:8.1f} ms to the first frame,"
          f" {drawn * 1000:.1f} ms until all of it is drawn")
    latencies = []
    for i in range(args.keys):
        key = b"abcdefghijklmnopqrstuvwxyz"[i % 26:i % 26 + 1]
        os.write(master, key)
        latencies.append(read_until(master, key, 10))
        drain(master, 0.05)
    latencies.sort()
    p95 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.95))]
    print(f"{args.label:<10} keystroke          {statistics.median(latencies) * 1000:8.2f} ms median"
          f"  {p95 * 1000:.2f} ms p95  ({args.messages} messages of history)")
    stop(proc, master)


if __name__ == "__main__":
    sys.exit(main())
