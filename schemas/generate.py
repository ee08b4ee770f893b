"""Write the generated contracts from the models: ``python -m schemas.generate``.

``schemas/json/*.schema.json`` (one JSON Schema per topic payload) and
``schemas/asyncapi.yaml`` (every topic, key, header and payload, for subscribers).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from pydantic import BaseModel

from schemas import asyncapi
from schemas.models import Article, RawArticle, RegulatoryEvent

JSON_DIR = Path(__file__).parent / "json"
MODELS: dict[str, type[BaseModel]] = {
    "raw_article": RawArticle,
    "article": Article,
    "regulatory_event": RegulatoryEvent,
}


def rendered() -> dict[Path, str]:
    """File path -> the exact text it should hold."""
    out: dict[Path, str] = {}
    for name, model in MODELS.items():
        schema = model.model_json_schema(mode="validation")
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        schema["$id"] = f"https://regwire.dev/schemas/{name}.v1.schema.json"
        out[JSON_DIR / f"{name}.schema.json"] = json.dumps(schema, indent=2, sort_keys=True) + "\n"
    out[asyncapi.ASYNCAPI_PATH] = asyncapi.render()
    return out


def main() -> int:
    JSON_DIR.mkdir(exist_ok=True)
    for path, text in rendered().items():
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
