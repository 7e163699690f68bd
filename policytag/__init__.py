"""policytag: tag segments of Chinese zone work reports with policy themes."""

__version__ = "0.1.0"

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
