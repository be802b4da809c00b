"""SymbolBench: score generated symbol videos against the exact ground truth of their scene specs.

Modules (dependencies point downward; nothing below ``symbolset.bench`` imports it):

- ``prompts``      the benchmark prompt set (JSONL) from a dataset's test split
- ``reference``    re-rendering a prompt's spec at a video's resolution and frame count; resampling
- ``metrics/``     Mf (frame quality), Mc (temporal coherence, FVD), Mt (OCR, geometry, CLIPSIM)
- ``match``        Match = b1*Mf + b2*Mc + b3*Mt
- ``videos``       finding a model's videos by prompt id
- ``score``        every metric of one video
- ``run``          scores.jsonl, summary.json (bootstrap CIs), report.md with plots
- ``compare``      leaderboard of several runs
- ``corruptions``  graded corruptions; ``validate`` proves each metric responds to what it targets
"""
