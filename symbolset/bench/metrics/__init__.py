"""SymbolBench metrics, one concept per module: ``quality`` (Mf), ``temporal`` (Mc), ``fvd``,
``ocr`` (Mt text), ``geometric`` (Mt symbols), ``clipsim`` (Mt, when CLIP weights are local).

Every per-video score lies in [0, 1], 1 meaning "as good as the reference render"; a metric that
does not apply to a video returns ``None`` and is left out of averages.
"""
