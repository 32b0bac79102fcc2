#!/usr/bin/env python3
"""Checks that two Parley nodes act as one: signs in on node A, listens on node B's live bridge,
sends a message through node A, and waits for its live event on node B. Standard library only.

usage: docs/live-check.py http://localhost:8081 http://localhost:8082 admin@demo.test demo-admin
"""
import base64, json, os, socket, struct, sys, time, urllib.request
from urllib.parse import urlparse

node_a, node_b, email, password = sys.argv[1:5]

def api(base, method, path, body=None, token=None):
    req = urllib.request.Request(base + path, method=method, data=json.dumps(body).encode() if body else None)
    req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", "Bearer " + token)
    with urllib.request.urlopen(req) as r:
        return json.loads(r.read() or b"null")

def ws_connect(base, cookie):
    u = urlparse(base)
    s = socket.create_connection((u.hostname, u.port), timeout=10)
    key = base64.b64encode(os.urandom(16)).decode()
    s.sendall((f"GET /eventbus/websocket HTTP/1.1\r\nHost: {u.netloc}\r\nUpgrade: websocket\r\n"
               f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
               f"Cookie: parley_session={cookie}\r\n\r\n").encode())
    head = b""
    while b"\r\n\r\n" not in head:
        head += s.recv(1)
    assert b" 101 " in head.split(b"\r\n")[0], head
    return s

def ws_send(s, obj):
    data = json.dumps(obj).encode()
    mask = os.urandom(4)
    header = bytes([0x81]) + (bytes([0x80 | len(data)]) if len(data) < 126 else bytes([0x80 | 126]) + struct.pack(">H", len(data)))
    s.sendall(header + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(data)))

def ws_recv(s):
    def exact(n):
        buf = b""
        while len(buf) < n:
            chunk = s.recv(n - len(buf))
            if not chunk:
                raise EOFError("socket closed")
            buf += chunk
        return buf
    b0, b1 = exact(2)
    n = b1 & 0x7F
    n = struct.unpack(">H", exact(2))[0] if n == 126 else struct.unpack(">Q", exact(8))[0] if n == 127 else n
    return json.loads(exact(n))

login = api(node_a, "POST", "/api/auth/login", {"email": email, "password": password})
token, me = login["token"], login["user"]["id"]
live = ws_connect(node_b, token)
ws_send(live, {"type": "register", "address": "user." + me})
while ws_recv(live).get("body", {}).get("type") != "live.subscribed":
    pass
print("subscribed on", node_b)
to = api(node_a, "GET", "/api/recipients", token=token)["recipients"][0]["id"]
subject = "cluster check %d" % time.time()
t0 = time.time()
api(node_a, "POST", "/api/threads", {"to": [to], "subject": subject, "bodyHtml": "<p>hello</p>"}, token)
while True:
    frame = ws_recv(live)
    body = frame.get("body", {})
    if body.get("type") == "message.created" and body["data"]["thread"]["subject"] == subject:
        print("sent through %s, event %s received on %s after %.0f ms" % (node_a, body["id"], node_b, (time.time() - t0) * 1000))
        break
