"""Drives `hearth serve` with the official `openai` Python package.

usage: serve_with_openai_client.py BASE_URL API_KEY CASE
Prints one JSON line with what the case observed; the C++ test (test_serve_cli.cpp) checks it.
The client never retries (max_retries=0), so a 503 from a full queue is seen as such.
"""
import json
import sys
import threading
import time

import openai

base_url, api_key, case = sys.argv[1], sys.argv[2], sys.argv[3]
client = openai.OpenAI(base_url=base_url, api_key=api_key, max_retries=0, timeout=60)
PROMPT = [{"role": "user", "content": "Once upon a time"}]


def chat(max_tokens=12):
    r = client.chat.completions.create(model="stories260K", messages=PROMPT,
                                       max_tokens=max_tokens, temperature=0)
    return r


def chat_stream(max_tokens=12):
    text, last, chunks = "", None, 0
    stream = client.chat.completions.create(
        model="stories260K", messages=PROMPT, max_tokens=max_tokens, temperature=0,
        stream=True, stream_options={"include_usage": True})
    finish = None
    for chunk in stream:
        chunks += 1
        last = chunk
        if chunk.choices:
            text += chunk.choices[0].delta.content or ""
            finish = chunk.choices[0].finish_reason or finish
    return {"text": text, "finish": finish, "chunks": chunks,
            "usage": last.usage.model_dump() if last and last.usage else None}


out = {}
if case == "basic":
    out["models"] = [m.id for m in client.models.list().data]
    r = chat()
    out["chat"] = {"text": r.choices[0].message.content, "finish": r.choices[0].finish_reason,
                   "usage": r.usage.model_dump(), "object": r.object}
    out["stream"] = chat_stream()
    c = client.completions.create(model="stories260K", prompt="Once upon a time",
                                  max_tokens=16, temperature=0)
    out["completion"] = {"text": c.choices[0].text, "finish": c.choices[0].finish_reason}
    s = client.completions.create(model="stories260K", prompt="Once upon a time",
                                  max_tokens=16, temperature=0, stream=True)
    out["completion_stream"] = "".join(part.choices[0].text for part in s if part.choices)
elif case == "bad_key":
    try:
        chat()
        out["error"] = None
    except openai.AuthenticationError as e:
        out["error"] = e.status_code
elif case == "concurrent":
    results, errors = [None] * 4, []

    def worker(i):
        try:
            results[i] = chat_stream(max_tokens=24)["text"]
        except Exception as e:  # noqa: BLE001 - reported to the C++ side
            errors.append(repr(e))

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    out = {"texts": results, "errors": errors}
elif case == "queue_full":
    codes = []

    def worker():
        try:
            chat(max_tokens=400)
            codes.append(200)
        except openai.APIStatusError as e:
            codes.append(e.status_code)

    threads = [threading.Thread(target=worker) for _ in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    out = {"codes": sorted(codes)}
elif case == "disconnect":
    stream = client.chat.completions.create(model="stories260K", messages=PROMPT,
                                            max_tokens=100000, temperature=1, stream=True)
    got = 0
    for chunk in stream:
        got += 1
        if got == 5:
            break
    stream.close()  # closes the HTTP connection mid-stream
    started = time.monotonic()
    after = chat(max_tokens=4)
    out = {"chunks_before_close": got, "next_request_s": time.monotonic() - started,
           "next_text": after.choices[0].message.content}
print(json.dumps(out))
