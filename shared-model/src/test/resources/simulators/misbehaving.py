#!/usr/bin/env python3
"""A small simulator (protocol 1) that misbehaves on purpose, for detopt's failure tests.

Well-behaved core: parameter x; observables y = x + u, y.squared = y^2, x (u uniform from the event seed).
Usage: misbehaving.py MODE [MARKER_FILE]
  good [REQUEST_LOG] (appends each request line to REQUEST_LOG), exit-at-start, slow-start, garbage, hang, wait-for-kill (writes its pid to MARKER_FILE in a batch, then waits), wrong-count, nan, error, nondeterministic,
  crash-once (exit 3 on the first batch of the first run, marked by MARKER_FILE), bad-hello
"""
import json
import os
import random
import struct
import sys
import time

mode = sys.argv[1]
stdin, stdout = sys.stdin.buffer, sys.stdout.buffer


def send(message, payload=b""):
    stdout.write(json.dumps(message).encode() + b"\n" + payload)
    stdout.flush()


if mode == "exit-at-start":
    sys.stderr.write("cannot open geometry file calo.gdml\n")
    sys.exit(1)
if mode == "slow-start":
    sys.stderr.write("loading cross-section tables...\n")
    sys.stderr.flush()
    time.sleep(3600)
hello = {"type": "hello", "protocol": 1, "name": "misbehaving", "version": "0",
         "parameters": [{"name": "x", "default": 0.0}],
         "observables": ["y", "y.squared", "x"],
         "capabilities": {"tangents": False, "scores": False, "deterministic": mode != "nondeterministic"}}
if mode == "bad-hello":
    hello["observables"] = ["y"]
send(hello)
configure = json.loads(stdin.readline())
send({"type": "ready"})
while True:
    line = stdin.readline()
    if not line:
        sys.exit(0)
    request = json.loads(line)
    if mode == "good" and len(sys.argv) > 2:
        with open(sys.argv[2], "ab") as f:
            f.write(line)
    events = request["events"]
    seeds = struct.unpack("<%dQ" % events, stdin.read(8 * events))
    x = request["theta"][0]
    sys.stderr.write("batch %d of %d events\n" % (request["id"], events))
    sys.stderr.flush()
    if mode == "garbage":
        stdout.write(b"Warning: physics list QGSP_BERT not found, using default\n")
        stdout.flush()
        continue
    if mode == "hang":
        time.sleep(3600)
    if mode == "wait-for-kill":
        with open(sys.argv[2] + ".tmp", "w") as f:
            f.write(str(os.getpid()))
        os.rename(sys.argv[2] + ".tmp", sys.argv[2])
        time.sleep(3600)
    if mode == "error":
        send({"type": "error", "id": request["id"], "message": "geometry overlap at layer 3"})
        continue
    if mode == "crash-once" and not os.path.exists(sys.argv[2]):
        open(sys.argv[2], "w").close()
        sys.stderr.write("Segmentation fault (simulated)\n")
        sys.stderr.flush()
        os._exit(3)
    values = []
    for seed in seeds:
        u = random.random() if mode == "nondeterministic" else random.Random(seed).random()
        y = x + u
        values += [y, y * y, x]
    if mode == "nan":
        values[len(values) // 2] = float("nan")
    count = 2 if mode == "wrong-count" else 3
    if mode == "wrong-count":
        values = [v for i, v in enumerate(values) if i % 3 != 2]
    payload = struct.pack("<%dd" % len(values), *values)
    send({"type": "result", "id": request["id"], "events": events, "observables": count, "tangents": 0,
          "scores": 0, "payloadBytes": len(payload)}, payload)
