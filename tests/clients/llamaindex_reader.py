"""Runs the real, unmodified llama-index-readers-upstage
UpstageDocumentParseReader against a server and writes what it returns as
JSON, in the same shape as langchain_loader.py.

    python llamaindex_reader.py --base-url http://127.0.0.1:8080/v1/document-digitization \\
        --api-key KEY --split none|page|element --out OUT.json FILE...

Every option not given stays at the reader's default. OUT.json is a list of
{file, client, seconds, documents: [{page_content, metadata}]}
(page_content is the llama-index Document's text). Exits 1 with the
client's error message on any exception.
"""

import sys
import warnings

from _cli import parser, client_kwargs, run


def main() -> int:
    args = parser(__doc__).parse_args()
    kw = client_kwargs(args)

    from importlib.metadata import version

    warnings.filterwarnings("ignore", category=DeprecationWarning)
    from llama_index.readers.upstage import UpstageDocumentParseReader

    name = f"llama-index-readers-upstage {version('llama-index-readers-upstage')}"
    reader = UpstageDocumentParseReader(**kw)

    def load_one(path):
        return [(d.text, dict(d.metadata)) for d in reader.load_data(path)]

    return run(args, name, load_one)


if __name__ == "__main__":
    sys.exit(main())
