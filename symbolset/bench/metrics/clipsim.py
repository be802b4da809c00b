"""Mt (c), CLIPSIM: mean cosine similarity of CLIP image and text embeddings over frames.

The model and its processor are loaded with ``transformers`` from a local folder or the local
Hugging Face cache (``local_files_only=True``: never downloaded here), so the model's own
preprocessing applies -- resize, centre crop, and normalisation with its image mean and std
(EvalCrafter's CLIP score skips the normalisation). The model id is configurable
(``--clip-model``; e.g. ``openai/clip-vit-base-patch32`` once it is in the cache). Frames are
sampled like OCR frames. The raw cosine is reported (``clipsim``); it is not part of Match, since
its scale depends on the model.
"""

from __future__ import annotations

import numpy as np
from PIL import Image

from ...errors import SymbolSetError


class ClipScorer:
    """CLIP image-text similarity with the model's own processor."""

    def __init__(self, model_id: str):
        """Load ``model_id`` (a folder or a cached Hub id) without network access."""
        try:
            from transformers import CLIPModel, CLIPProcessor
        except ImportError:
            raise SymbolSetError("CLIPSIM needs transformers: pip install 'symbolset[bench]'") from None
        try:
            self.model = CLIPModel.from_pretrained(model_id, local_files_only=True).eval()
            self.processor = CLIPProcessor.from_pretrained(model_id, local_files_only=True)
        except (OSError, ValueError) as exc:
            raise SymbolSetError(f"CLIP model {model_id!r} is not available locally ({str(exc).splitlines()[0][:120]})") from None
        self.model_id = model_id

    def similarity(self, frames: list[np.ndarray], text: str) -> float:
        """Mean over ``frames`` (RGB uint8) of cos(image embedding, text embedding)."""
        import torch

        inputs = self.processor(
            text=[text], images=[Image.fromarray(f) for f in frames], return_tensors="pt", padding=True, truncation=True
        )
        with torch.no_grad():
            out = self.model(**inputs)
        img = torch.nn.functional.normalize(out.image_embeds, dim=-1)
        txt = torch.nn.functional.normalize(out.text_embeds, dim=-1)
        return float((img @ txt.T).mean())
