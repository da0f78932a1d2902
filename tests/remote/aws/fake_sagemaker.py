#!/usr/bin/env python3
"""A fake SageMaker runtime for Hearth's tests (Python standard library only).

It checks every request the way AWS does: the SigV4 signature is recomputed here, from the
received bytes and the known secret (an implementation independent of Hearth's), the access
key, credential scope (region, service "sagemaker"), date and session token are checked, and
the body must have the shape of the endpoint's container format. It then answers
InvokeEndpointWithResponseStream with application/vnd.amazon.eventstream frames whose
PayloadPart bytes carry the container's own stream (TGI SSE, LMI JSON lines or OpenAI SSE),
cut at awkward byte boundaries (mid-UTF-8, mid-JSON, mid-frame), or InvokeEndpoint with one
JSON answer.

The endpoint name picks the scenario and, with a -tgi/-lmi/-openai suffix, the format
(else --format): ok, throttle-once (every other request is throttled), unavailable (503),
validation, model-error (424), model-error-mid (ModelStreamError after some text),
stream-failure (InternalStreamFailure), drop (connection closed mid-stream), corrupt-crc,
stall (text, then silence), nostream (streaming rejected, InvokeEndpoint works),
early-stream-failure (every other stream is an InternalStreamFailure before any text).

Usage: fake_sagemaker.py --access-key AKID --secret SECRET [--token TOKEN] [--region R]
                         [--format tgi|lmi|openai]
Prints "PORT <n>" once listening; exits when its stdin closes (the test went away).
GET /__last returns the last POST's headers and body as JSON.
"""
import argparse
import datetime
import hashlib
import hmac
import json
import socket
import struct
import sys
import threading
import time
import urllib.parse
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

REPLY = ["You", " said", ": ", None, ". ", "Hel", "lo", " from", " Inferentia", ": ",
         "h\u00e9llo", " w\u00f6rld", " \U0001F30D", " \u2014 ", "\u65e5\u672c\u8a9e", "!"]
PAYLOAD_CUTS = [1, 2, 5, 3, 11, 7, 17, 4]   # container bytes per PayloadPart
WIRE_CUTS = [3, 1, 13, 50, 7, 29, 2]         # event-stream bytes per HTTP write

ARGS = None
LOCK = threading.Lock()
COUNTERS = {}
LAST = {}


# ---- SigV4, independently of the C++ signer -------------------------------------------------

def _hmac(key, msg):
    return hmac.new(key, msg.encode("utf-8"), hashlib.sha256).digest()


def expected_signature(method, raw_path, raw_query, headers, signed, body, date, region,
                       service, secret):
    # Canonical URI: the wire path percent-encoded once more (every byte but unreserved and /).
    canonical_uri = urllib.parse.quote(raw_path, safe="/-_.~")
    pairs = sorted(
        (urllib.parse.quote(urllib.parse.unquote(k), safe="-_.~"),
         urllib.parse.quote(urllib.parse.unquote(v), safe="-_.~"))
        for k, _, v in (p.partition("=") for p in raw_query.split("&") if p))
    canonical_query = "&".join(f"{k}={v}" for k, v in pairs)
    canonical_headers = ""
    for name in signed:
        values = headers.get_all(name) or []
        canonical_headers += name + ":" + ",".join(" ".join(v.split()) for v in values) + "\n"
    creq = "\n".join([method, canonical_uri, canonical_query, canonical_headers,
                      ";".join(signed), hashlib.sha256(body).hexdigest()])
    scope = f"{date[:8]}/{region}/{service}/aws4_request"
    sts = "\n".join(["AWS4-HMAC-SHA256", date, scope,
                     hashlib.sha256(creq.encode("utf-8")).hexdigest()])
    key = _hmac(("AWS4" + secret).encode("utf-8"), date[:8])
    for part in (region, service, "aws4_request"):
        key = _hmac(key, part)
    return hmac.new(key, sts.encode("utf-8"), hashlib.sha256).hexdigest()


def check_auth(handler, path, query, body):
    """Returns None when the request is authentic, else (status, error type, message)."""
    auth = handler.headers.get("Authorization", "")
    if not auth.startswith("AWS4-HMAC-SHA256 "):
        return 403, "MissingAuthenticationTokenException", "Missing Authentication Token"
    fields = dict(p.strip().split("=", 1) for p in auth[len("AWS4-HMAC-SHA256 "):].split(","))
    akid, date8, region, service, terminator = fields["Credential"].split("/")
    signed = fields["SignedHeaders"].split(";")
    if akid != ARGS.access_key:
        return (403, "UnrecognizedClientException",
                "The security token included in the request is invalid.")
    if service != "sagemaker" or region != ARGS.region or terminator != "aws4_request":
        return (403, "InvalidSignatureException",
                f"Credential should be scoped to a valid region and service 'sagemaker', "
                f"not '{region}/{service}'.")
    for required in ("host", "x-amz-date", "content-type"):
        if required not in signed:
            return 403, "InvalidSignatureException", f"'{required}' must be a signed header."
    token = handler.headers.get("X-Amz-Security-Token")
    if ARGS.token or token:
        if token == "expired-token":
            return (403, "ExpiredTokenException",
                    "The security token included in the request is expired")
        if token != ARGS.token or "x-amz-security-token" not in signed:
            return (403, "UnrecognizedClientException",
                    "The security token included in the request is invalid.")
    date = handler.headers.get("X-Amz-Date", "")
    try:
        when = datetime.datetime.strptime(date, "%Y%m%dT%H%M%SZ").replace(
            tzinfo=datetime.timezone.utc)
    except ValueError:
        return 400, "IncompleteSignatureException", "Bad X-Amz-Date"
    if abs((datetime.datetime.now(datetime.timezone.utc) - when).total_seconds()) > 300 \
            or date[:8] != date8:
        return 403, "InvalidSignatureException", "Signature expired: " + date
    want = expected_signature("POST", path, query, handler.headers, signed, body, date,
                              region, service, ARGS.secret)
    if not hmac.compare_digest(want, fields["Signature"]):
        return (403, "InvalidSignatureException",
                "The request signature we calculated does not match the signature you "
                "provided. Check your AWS Secret Access Key and signing method.")
    return None


# ---- event stream ----------------------------------------------------------------------------

def es_header(name, value):
    n, v = name.encode(), value.encode()
    return bytes([len(n)]) + n + b"\x07" + struct.pack(">H", len(v)) + v


def es_frame(headers, payload):
    total = 16 + len(headers) + len(payload)
    prelude = struct.pack(">II", total, len(headers))
    message = prelude + struct.pack(">I", zlib.crc32(prelude)) + headers + payload
    return message + struct.pack(">I", zlib.crc32(message))


def payload_part(data):
    return es_frame(es_header(":event-type", "PayloadPart") +
                    es_header(":content-type", "application/octet-stream") +
                    es_header(":message-type", "event"), data)


def exception_frame(kind, body):
    return es_frame(es_header(":exception-type", kind) +
                    es_header(":content-type", "application/json") +
                    es_header(":message-type", "exception"), json.dumps(body).encode())


def cut(data, sizes):
    out, i, n = [], 0, 0
    while i < len(data):
        out.append(data[i:i + sizes[n % len(sizes)]])
        i += sizes[n % len(sizes)]
        n += 1
    return out


# ---- container dialects ----------------------------------------------------------------------

def reply_tokens(prompt):
    return [prompt if t is None else t for t in REPLY]


def container_stream(fmt, tokens, complete=True):
    """The container's own streamed bytes for these tokens."""
    out = b""
    text = "".join(tokens)
    if fmt == "tgi":
        for i, t in enumerate(tokens):
            prefix = "data:" if i % 2 else "data: "   # TGI writes "data:"; accept both
            ev = {"index": i + 1, "token": {"id": i, "text": t, "logprob": -0.5,
                                            "special": False},
                  "generated_text": None, "details": None}
            out += (prefix + json.dumps(ev, ensure_ascii=False) + "\n\n").encode()
            if i == 2:
                out += b":\n\n"   # axum keep-alive comment
        if complete:
            ev = {"index": len(tokens) + 1,
                  "token": {"id": 2, "text": "</s>", "logprob": 0, "special": True},
                  "generated_text": text,
                  "details": {"finish_reason": "eos_token",
                              "generated_tokens": len(tokens) + 1, "seed": None,
                              "input_length": 7}}
            out += ("data:" + json.dumps(ev, ensure_ascii=False) + "\n\n").encode()
    elif fmt == "lmi":
        for i, t in enumerate(tokens):
            out += (json.dumps({"token": {"id": i, "text": t, "log_prob": -0.1}},
                               ensure_ascii=False) + "\n").encode()
        if complete:
            ev = {"token": {"id": 2, "text": "", "log_prob": 0, "special_token": True},
                  "generated_text": text,
                  "details": {"finish_reason": "length", "generated_tokens": len(tokens),
                              "inputs": "x"}}
            out += (json.dumps(ev, ensure_ascii=False) + "\n").encode()
    else:
        def chunk(delta, finish=None, usage=None, choices=True):
            ev = {"id": "chatcmpl-0", "object": "chat.completion.chunk", "created": 0,
                  "model": "fake",
                  "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]
                  if choices else []}
            if usage:
                ev["usage"] = usage
            return ("data: " + json.dumps(ev, ensure_ascii=False) + "\r\n\r\n").encode()
        for i, t in enumerate(tokens):
            out += chunk({"role": "assistant", "content": t} if i == 0 else {"content": t})
        if complete:
            out += chunk({}, "stop")
            out += chunk(None, usage={"prompt_tokens": 9, "completion_tokens": len(tokens),
                                      "total_tokens": 9 + len(tokens)}, choices=False)
            out += b"data: [DONE]\r\n\r\n"
    return out


def whole_answer(fmt, text):
    if fmt == "tgi":
        return [{"generated_text": text}]
    if fmt == "lmi":
        return {"generated_text": text}
    return {"id": "chatcmpl-1", "object": "chat.completion", "created": 0, "model": "fake",
            "choices": [{"index": 0, "message": {"role": "assistant", "content": text},
                         "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 9, "completion_tokens": 5, "total_tokens": 14}}


def check_body(fmt, body):
    """Returns (prompt text, None) or (None, problem)."""
    try:
        doc = json.loads(body)
    except ValueError:
        return None, "body is not JSON"
    if fmt == "openai":
        msgs = doc.get("messages")
        if not isinstance(msgs, list) or not msgs or "max_tokens" not in doc:
            return None, "expected an OpenAI body with messages and max_tokens"
        return msgs[-1]["content"], None
    params = doc.get("parameters", {})
    if not isinstance(doc.get("inputs"), str) or "max_new_tokens" not in params:
        return None, f"expected a {fmt} body with inputs and parameters.max_new_tokens"
    if fmt == "tgi" and "stop_sequences" in params or fmt == "lmi" and "stop" in params:
        return None, "stop sequences under the other dialect's name"
    return doc["inputs"], None


# ---- HTTP ------------------------------------------------------------------------------------

class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def send_json(self, status, error_type, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        if error_type:
            self.send_header("x-amzn-ErrorType", error_type)
        self.send_header("x-amzn-RequestId", "00000000-0000-0000-0000-000000000000")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def send_error_json(self, status, error_type, message, **extra):
        self.send_json(status, error_type, dict(message=message, **extra))

    def do_GET(self):
        if self.path == "/__last":
            with LOCK:
                self.send_json(200, None, LAST)
        else:
            self.send_error_json(404, "UnknownOperationException", "no such route")

    def do_POST(self):
        raw_path, _, query = self.path.partition("?")
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        with LOCK:
            LAST.clear()
            LAST.update(path=raw_path, headers={k.lower(): v for k, v in self.headers.items()},
                        body=body.decode("utf-8", "replace"))
        parts = raw_path.split("/")
        if len(parts) != 4 or parts[1] != "endpoints" or \
                parts[3] not in ("invocations", "invocations-response-stream"):
            return self.send_error_json(404, "UnknownOperationException", "unknown operation")
        problem = check_auth(self, raw_path, query, body)
        if problem:
            return self.send_error_json(problem[0], problem[1], problem[2])
        name, streaming = parts[2], parts[3] == "invocations-response-stream"
        fmt = ARGS.format
        for f in ("tgi", "lmi", "openai"):
            if name.endswith("-" + f):
                fmt = f
        prompt, problem = check_body(fmt, body)
        if problem:
            return self.send_error_json(400, "ValidationError", "fake container: " + problem)
        self.scenario(name, fmt, prompt, streaming)

    def scenario(self, name, fmt, prompt, streaming):
        with LOCK:
            count = COUNTERS.get(name, 0)
            COUNTERS[name] = count + 1
        tokens = reply_tokens(prompt)
        if name.startswith("early-stream-failure") and count % 2 == 0 and streaming:
            return self.stream_frames(exception_frame("InternalStreamFailure",
                                                      {"Message": "Internal stream failure"}))
        if name.startswith("throttle-once") and count % 2 == 0:
            return self.send_error_json(
                400, "ThrottlingException:http://internal.amazon.com/coral/com.amazon.coral."
                "availability/", "Rate exceeded")
        if name.startswith("unavailable"):
            return self.send_error_json(503, "ServiceUnavailable", "Service Unavailable")
        if name.startswith("validation"):
            return self.send_error_json(
                400, "ValidationError",
                f"Endpoint {name} of account 123456789012 not found.")
        if name.startswith("model-error-mid") or name.startswith("stream-failure"):
            pass
        elif name.startswith("model-error"):
            return self.send_error_json(
                424, "ModelError",
                "Received client error (422) from primary with message \"...\"",
                OriginalStatusCode=422,
                OriginalMessage=json.dumps({
                    "error": "Input validation error: `inputs` tokens + `max_new_tokens` "
                             "must be <= 4096. Given: 5000 `inputs` tokens and 20 "
                             "`max_new_tokens`", "error_type": "validation"}),
                LogStreamArn="arn:aws:logs:us-east-1:123456789012:log-group:/aws/sagemaker/x")
        if name.startswith("nostream") and streaming:
            return self.send_error_json(
                400, "ValidationError",
                f"Endpoint {name} does not support InvokeEndpointWithResponseStream.")
        if not streaming:
            return self.send_json(200, None, whole_answer(fmt, "".join(tokens)))
        self.stream(name, fmt, tokens)

    def stream(self, name, fmt, tokens):
        fault = next((f for f in ("model-error-mid", "stream-failure", "drop", "corrupt-crc",
                                  "stall") if name.startswith(f)), None)
        data = container_stream(fmt, tokens[:6] if fault else tokens, complete=not fault)
        frames = b"".join(payload_part(p) for p in cut(data, PAYLOAD_CUTS))
        if fault == "model-error-mid":
            frames += exception_frame("ModelStreamError", {
                "Message": "Your model primary did not complete sending the inference "
                           "response in the allotted time.",
                "ErrorCode": "ModelInvocationTimeExceeded"})
        elif fault == "stream-failure":
            frames += exception_frame("InternalStreamFailure",
                                      {"Message": "Internal stream failure"})
        elif fault == "corrupt-crc":
            bad = bytearray(payload_part(b"data: {\"never\":\"shown\"}\n\n"))
            bad[-1] ^= 0xFF
            frames += bytes(bad)

        self.stream_frames(frames, fault)

    def stream_frames(self, frames, fault=None):
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.send_response(200)
        self.send_header("Content-Type", "application/vnd.amazon.eventstream")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        for i, piece in enumerate(cut(frames, WIRE_CUTS)):
            self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
            self.wfile.flush()
            if i % 16 == 0:
                time.sleep(0.001)   # so pieces arrive in separate reads
        if fault == "drop":
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        if fault == "stall":
            time.sleep(60)
            return
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()


def main():
    global ARGS
    parser = argparse.ArgumentParser()
    parser.add_argument("--access-key", required=True)
    parser.add_argument("--secret", required=True)
    parser.add_argument("--token", default="")
    parser.add_argument("--region", default="us-east-1")
    parser.add_argument("--format", default="tgi", choices=["tgi", "lmi", "openai"])
    ARGS = parser.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"PORT {server.server_address[1]}", flush=True)
    sys.stdin.read()   # until the test closes the pipe or exits


if __name__ == "__main__":
    main()
