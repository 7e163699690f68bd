"""policytag: tag segments of Chinese zone work reports with policy themes."""

__version__ = "0.1.0"
