"""The theme schema, read from ``labels/themes.yaml``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml


@dataclass(frozen=True)
class Theme:
    id: str
    zh: str
    en: str
    definition: str


def load_themes(labels_dir: Path) -> list[Theme]:
    """Themes in file order; ids must be unique identifiers."""
    data = yaml.safe_load((labels_dir / "themes.yaml").read_text(encoding="utf-8"))
    themes = [Theme(t["id"], t["zh"], t["en"], t["definition"]) for t in data["themes"]]
    ids = [t.id for t in themes]
    if len(set(ids)) != len(ids) or not all(i.isidentifier() for i in ids):
        raise ValueError(f"labels/themes.yaml: theme ids must be unique identifiers, got {ids}")
    return themes


def theme_ids(labels_dir: Path) -> list[str]:
    return [t.id for t in load_themes(labels_dir)]
