#!/usr/bin/env python3
"""POSTs one photo to a running `mesoscope serve` from N concurrent keep-alive connections for a
fixed time, and prints requests/s, latency percentiles and errors (standard library only).

usage: serve_load.py --url URL --image FILE [--clients 8] [--seconds 20] [--json OUT]
"""
import argparse, http.client, json, os, threading, time, urllib.parse, uuid


def percentile(sorted_values, q):
    if not sorted_values:
        return float("nan")
    index = min(len(sorted_values) - 1, max(0, round(q / 100 * len(sorted_values) + 0.5) - 1))
    return sorted_values[index]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--image", required=True)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--json")
    args = parser.parse_args()

    url = urllib.parse.urlsplit(args.url)
    with open(args.image, "rb") as f:
        image = f.read()
    boundary = uuid.uuid4().hex
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{os.path.basename(args.image)}\"\r\n"
            f"Content-Type: application/octet-stream\r\n\r\n").encode() + image + f"\r\n--{boundary}--\r\n".encode()
    headers = {"Content-Type": f"multipart/form-data; boundary={boundary}", "Content-Length": str(len(body))}

    latencies, errors, lock = [], {}, threading.Lock()
    start = time.monotonic()
    end = start + args.seconds

    def client():
        connection = http.client.HTTPConnection(url.hostname, url.port, timeout=120)
        while time.monotonic() < end:
            began = time.monotonic()
            try:
                connection.request("POST", url.path, body=body, headers=headers)
                response = connection.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException) as e:
                status = type(e).__name__
                connection.close()
                connection = http.client.HTTPConnection(url.hostname, url.port, timeout=120)
            took = time.monotonic() - began
            with lock:
                if status == 200:
                    latencies.append(took)
                else:
                    errors[str(status)] = errors.get(str(status), 0) + 1
        connection.close()

    threads = [threading.Thread(target=client) for _ in range(args.clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.monotonic() - start
    latencies.sort()
    result = {
        "clients": args.clients, "seconds": round(wall, 2), "image_bytes": len(image),
        "requests_ok": len(latencies), "errors": sum(errors.values()), "errors_by_status": errors,
        "requests_per_s": round(len(latencies) / wall, 2),
        "latency_ms": {q: round(1000 * percentile(latencies, int(q[1:])), 1) for q in ("p50", "p90", "p99")}
                      | {"max": round(1000 * latencies[-1], 1) if latencies else None},
    }
    print(f"{result['requests_ok']} requests in {result['seconds']} s from {args.clients} clients: "
          f"{result['requests_per_s']} requests/s, latency p50 {result['latency_ms']['p50']} ms, "
          f"p90 {result['latency_ms']['p90']} ms, p99 {result['latency_ms']['p99']} ms, "
          f"max {result['latency_ms']['max']} ms, errors {result['errors']} {errors or ''}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(result, f, indent=2)
    return 1 if result["errors"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
