#!/usr/bin/env python3
"""Drives a command through a real pseudo-terminal, like a person at a keyboard.

Usage: pty-expect.py SPEC_JSON. SPEC: {"argv": [...], "env": {...}, "cwd": "...",
"steps": [{"expect": "regex", "timeout": 20} | {"send": "text"}], "exitTimeout": 20}.
Prints one JSON line {"ok", "exitCode", "failedStep", "transcript"} and exits 0 when every
step passed and the command exited in time.
"""
import json
import os
import pty
import re
import select
import signal
import sys
import time

spec = json.loads(sys.argv[1])
pid, fd = pty.fork()
if pid == 0:
    os.chdir(spec.get("cwd", "."))
    env = dict(os.environ)
    env.update(spec.get("env", {}))
    env["TERM"] = "xterm-256color"
    os.execvpe(spec["argv"][0], spec["argv"], env)

transcript = b""
consumed = 0


def pump(deadline):
    global transcript
    remaining = max(0.0, deadline - time.time())
    ready, _, _ = select.select([fd], [], [], min(remaining, 0.1))
    if ready:
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            return False
        if not chunk:
            return False
        transcript += chunk
    return True


def result(ok, exit_code, failed):
    print(json.dumps({"ok": ok, "exitCode": exit_code, "failedStep": failed,
                      "transcript": transcript.decode("utf-8", "replace")}))
    sys.exit(0 if ok else 1)


for index, step in enumerate(spec["steps"]):
    if "send" in step:
        os.write(fd, step["send"].encode("utf-8"))
        continue
    pattern = re.compile(step["expect"].encode("utf-8"))
    deadline = time.time() + step.get("timeout", 20)
    while True:
        match = pattern.search(transcript, consumed)
        if match:
            consumed = match.end()
            break
        if time.time() >= deadline or not pump(deadline):
            match = pattern.search(transcript, consumed)
            if match:
                consumed = match.end()
                break
            os.kill(pid, signal.SIGKILL)
            result(False, None, index)

deadline = time.time() + spec.get("exitTimeout", 20)
while time.time() < deadline:
    done, status = os.waitpid(pid, os.WNOHANG)
    if done:
        while pump(time.time() + 0.05):
            pass
        result(True, os.waitstatus_to_exitcode(status), None)
    pump(time.time() + 0.1)
os.kill(pid, signal.SIGKILL)
result(False, None, "exit")
