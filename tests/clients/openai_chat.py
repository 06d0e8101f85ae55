"""Chat about a parsed document through the real, unmodified `openai` client.

    python openai_chat.py --base-url http://HOST:PORT/v1 --document REQUEST_ID --out OUT.json

Asks one question non-streamed and one streamed, with the parse job attached
through `extra_body={"documents": [...]}`, and writes the answers, their
`citations` (a top-level field of the response, or of the last chunk) and
the chunk count to OUT.json. Exits 1 on any exception.
"""

import argparse
import json
import sys

from openai import OpenAI


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--base-url", required=True)
    p.add_argument("--api-key", default="local")
    p.add_argument("--document", required=True)
    p.add_argument("--question", default="When is the final report expected?")
    p.add_argument("--out", required=True)
    args = p.parse_args()
    client = OpenAI(base_url=args.base_url, api_key=args.api_key)
    models = [m.id for m in client.models.list().data]
    messages = [{"role": "user", "content": args.question}]
    extra = {"documents": [args.document]}
    r = client.chat.completions.create(model="solar-mini", messages=messages, max_tokens=48, extra_body=extra)
    plain = {
        "content": r.choices[0].message.content,
        "finish_reason": r.choices[0].finish_reason,
        "usage": r.usage.model_dump() if r.usage else None,
        "citations": (r.model_extra or {}).get("citations"),
    }
    chunks, text, citations, finish = 0, "", None, None
    for chunk in client.chat.completions.create(
        model="solar-mini", messages=messages, max_tokens=48, stream=True, extra_body=extra
    ):
        chunks += 1
        if chunk.choices and chunk.choices[0].delta and chunk.choices[0].delta.content:
            text += chunk.choices[0].delta.content
        if chunk.choices and chunk.choices[0].finish_reason:
            finish = chunk.choices[0].finish_reason
        extra_fields = chunk.model_extra or {}
        if "citations" in extra_fields:
            citations = extra_fields["citations"]
    streamed = {"content": text, "chunks": chunks, "finish_reason": finish, "citations": citations}
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump({"models": models, "plain": plain, "streamed": streamed}, f, ensure_ascii=False, indent=1)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Exception as e:  # noqa: BLE001 - the test reads the message
        print(f"error: {type(e).__name__}: {e}", file=sys.stderr)
        sys.exit(1)
