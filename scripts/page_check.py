#!/usr/bin/env python3
"""Drives headless Chromium through the demo page, as a person would: open the page, choose a
file in its file input, wait for the verdict and the timeline, turn the heat maps on, save a
screenshot.

Speaks the Chrome DevTools Protocol over a WebSocket written here with the standard library
only (no npm, no pip). Prints one JSON object: what the page shows once it is done.

usage: page_check.py --chromium PATH --url URL --upload FILE --screenshot OUT.png [--timeout S]
"""
import argparse, base64, json, os, shutil, socket, struct, subprocess, sys, tempfile, time, urllib.request


class WebSocket:
    """A minimal RFC 6455 client: text frames out (masked), text frames in."""

    def __init__(self, url):
        assert url.startswith("ws://")
        hostport, path = url[5:].split("/", 1)
        host, port = hostport.split(":")
        self.sock = socket.create_connection((host, int(port)), timeout=60)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall((f"GET /{path} HTTP/1.1\r\nHost: {hostport}\r\nUpgrade: websocket\r\n"
                           f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
        response = b""
        while b"\r\n\r\n" not in response:
            response += self.sock.recv(1)
        if b" 101 " not in response.split(b"\r\n")[0]:
            raise RuntimeError(f"websocket upgrade refused: {response!r}")

    def send(self, text):
        data = text.encode()
        header = bytes([0x81])
        if len(data) < 126:
            header += bytes([0x80 | len(data)])
        elif len(data) < 65536:
            header += bytes([0x80 | 126]) + struct.pack(">H", len(data))
        else:
            header += bytes([0x80 | 127]) + struct.pack(">Q", len(data))
        mask = os.urandom(4)
        self.sock.sendall(header + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(data)))

    def _exactly(self, n):
        out = b""
        while len(out) < n:
            chunk = self.sock.recv(n - len(out))
            if not chunk:
                raise RuntimeError("websocket closed")
            out += chunk
        return out

    def receive(self):
        message = b""
        while True:
            first, second = self._exactly(2)
            length = second & 0x7F
            if length == 126:
                length = struct.unpack(">H", self._exactly(2))[0]
            elif length == 127:
                length = struct.unpack(">Q", self._exactly(8))[0]
            payload = self._exactly(length)
            opcode = first & 0x0F
            if opcode == 0x9:  # ping: answer, keep reading
                continue
            message += payload
            if first & 0x80:
                return message.decode()


class DevTools:
    def __init__(self, ws):
        self.ws, self.next_id = ws, 0

    def call(self, method, **params):
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            reply = json.loads(self.ws.receive())
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})

    def evaluate(self, expression):
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        return result.get("result", {}).get("value")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--chromium", required=True)
    parser.add_argument("--url", required=True)
    parser.add_argument("--upload", required=True)
    parser.add_argument("--screenshot", required=True)
    parser.add_argument("--timeout", type=float, default=120)
    args = parser.parse_args()

    profile = tempfile.mkdtemp(prefix="mesoscope-chromium-")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    # A phone-wide window, to check the layout the issue asks for.
    browser = subprocess.Popen([args.chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                                "--disable-dev-shm-usage", f"--user-data-dir={profile}",
                                f"--remote-debugging-port={port}", "--window-size=430,1400", "about:blank"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=2) as r:
                    pages = [t for t in json.load(r) if t["type"] == "page"]
                if pages:
                    break
            except OSError:
                pass
            if time.time() > deadline:
                raise RuntimeError("chromium did not open its DevTools port")
            time.sleep(0.2)
        tools = DevTools(WebSocket(pages[0]["webSocketDebuggerUrl"]))
        tools.call("Page.enable")
        tools.call("DOM.enable")
        tools.call("Page.navigate", url=args.url)
        while tools.evaluate("document.readyState === 'complete' && !!document.getElementById('file')") is not True:
            time.sleep(0.1)
        # The page's own file input: what choosing a file in the dialog does.
        node = tools.call("DOM.querySelector", nodeId=tools.call("DOM.getDocument")["root"]["nodeId"], selector="#file")
        tools.call("DOM.setFileInputFiles", nodeId=node["nodeId"], files=[os.path.abspath(args.upload)])
        states = []
        deadline = time.time() + args.timeout
        while True:
            state = tools.evaluate("document.body.dataset.state")
            if not states or states[-1] != state:
                states.append(state)
            if state in ("done", "error"):
                break
            if time.time() > deadline:
                raise RuntimeError(f"the page did not finish in {args.timeout} s (states {states})")
            time.sleep(0.2)
        shown = tools.evaluate("""(() => ({
            verdict: document.getElementById('verdict-word') ? document.getElementById('verdict-word').textContent : null,
            p_fake: document.getElementById('p-fake') ? document.getElementById('p-fake').textContent : null,
            error: document.getElementById('error').hidden ? null : document.getElementById('error').textContent,
            timeline_points: document.querySelectorAll('#timeline-svg .point').length,
            timeline_lines: document.querySelectorAll('#timeline-svg polyline').length,
            tracks: document.querySelectorAll('#tracks .track').length,
            crops: document.querySelectorAll('#tracks img').length,
            crops_loaded: [...document.querySelectorAll('#tracks img')].filter(i => i.complete && i.naturalWidth > 0).length,
            page_width: document.documentElement.scrollWidth,
            window_width: window.innerWidth,
        }))()""")
        # The heat maps: tick the box, then wait for every crop to come back under its overlay.
        tools.evaluate("document.getElementById('heatmaps').click()")
        deadline = time.time() + 30
        while True:
            heatmaps = tools.evaluate("""[...document.querySelectorAll('#tracks img')].filter(
                i => i.src.endsWith('-heatmap.jpg') && i.complete && i.naturalWidth > 0).length""")
            if heatmaps == shown["crops"] or time.time() > deadline:
                break
            time.sleep(0.2)
        shown["heatmaps_loaded"] = heatmaps
        height = tools.evaluate("document.documentElement.scrollHeight")
        tools.call("Emulation.setDeviceMetricsOverride", width=430, height=min(int(height), 4000), deviceScaleFactor=1, mobile=True)
        shot = tools.call("Page.captureScreenshot", format="png", captureBeyondViewport=True)
        os.makedirs(os.path.dirname(os.path.abspath(args.screenshot)), exist_ok=True)
        with open(args.screenshot, "wb") as f:
            f.write(base64.b64decode(shot["data"]))
        shown["states"] = states
        print(json.dumps(shown))
    finally:
        browser.terminate()
        try:
            browser.wait(timeout=10)
        except subprocess.TimeoutExpired:
            browser.kill()
        shutil.rmtree(profile, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
