"""SymbolBench metrics, one concept per module: ``align`` (monotonic alignment of a video with the
spec's timeline), ``locate`` (finding a figure in a frame), ``quality`` (Mf), ``temporal`` (Mc),
``fvd``, ``ocr`` (Mt text, Mc OCR stability), ``seen`` (which characters a real-style prompt
demands be read, given what its occluder covers), ``geometric`` (Mt symbols), ``clipsim`` (Mt,
when CLIP weights are local).

The symbols are found in the video itself; the spec says what must appear and how it changes.
Every per-video score lies in [0, 1], 1 meaning "as good as a clean render"; a metric that does
not apply to a video returns ``None`` and is left out of averages.
"""
