"""The chaos suite: seed a known set, inject faults, compare sets (``make chaos``).

Scenarios run the real services as processes (``deploy/local/pipeline.py``) against
a local Kafka broker and a real PostgreSQL; ``chaos.fuzz`` fuzzes the parsers of
hostile input; ``chaos.soak`` runs the pipeline for a long time. See chaos/README.md.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# The launchers in deploy/local are plain modules (as pytest's pythonpath has them).
_LOCAL = str(ROOT / "deploy" / "local")
if _LOCAL not in sys.path:
    sys.path.insert(0, _LOCAL)
