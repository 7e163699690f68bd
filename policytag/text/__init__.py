"""The one text pipeline: decode, clean, structure, segment, detect, normalise.

Training imports it, the registered MLflow model carries it (``code_paths``),
and serving reaches it only through the model or these functions.
"""

from policytag.text.decode import ReportDecodeError, decode_report
from policytag.text.normalize import model_input, normalize_for_model
from policytag.text.report import (
                                   EmptyReportError,
                                   Report,
                                   ReportTooLargeError,
                                   Segment,
                                   content_hash,
                                   content_id,
                                   parse_report,
)

__all__ = ["ReportDecodeError", "decode_report", "normalize_for_model", "model_input", "EmptyReportError",
           "ReportTooLargeError", "Report", "Segment", "content_hash", "content_id", "parse_report"]
