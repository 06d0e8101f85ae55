"""Runs the real, unmodified langchain-upstage UpstageDocumentParseLoader
against a server and writes what it returns as JSON.

    python langchain_loader.py --base-url http://127.0.0.1:8080/v1/document-digitization \\
        --api-key KEY --split none|page|element --out OUT.json FILE...

Every option not given stays at the loader's default. OUT.json is a list of
{file, client, seconds, documents: [{page_content, metadata}]}. Exits 1 with
the client's error message on any exception (CLIENT_TRACEBACK=1 for a
traceback). --lazy uses lazy_load(), which for a single PDF with split
page/element sends one page per request instead of ten.
"""

import sys

from _cli import parser, client_kwargs, run


def main() -> int:
    p = parser(__doc__)
    p.add_argument("--lazy", action="store_true", help="use loader.lazy_load() instead of loader.load()")
    args = p.parse_args()
    kw = client_kwargs(args)

    from importlib.metadata import version

    from langchain_upstage import UpstageDocumentParseLoader

    name = f"langchain-upstage {version('langchain-upstage')}"

    def load_one(path):
        loader = UpstageDocumentParseLoader(path, **kw)
        docs = list(loader.lazy_load()) if args.lazy else loader.load()
        return [(d.page_content, d.metadata) for d in docs]

    return run(args, name, load_one)


if __name__ == "__main__":
    sys.exit(main())
