"""SymbolBench: score generated symbol videos against the exact ground truth of their scene specs.

Modules (dependencies point downward; nothing below ``symbolset.bench`` imports it):

- ``prompts``      the benchmark prompt set (JSONL) from a dataset's test split
- ``reference``    re-rendering a prompt's spec at another resolution and frame count
- ``metrics/``     locate -> track -> judge: Mf (no-reference quality), Mc (temporal coherence,
                   FVD), Mt (OCR anywhere in the frame, symbolic readers, CLIPSIM); no metric
                   compares the video's pixels with a reference render's
- ``match``        Match = b1*Mf + b2*Mc + b3*Mt
- ``videos``       finding a model's videos by prompt id
- ``score``        every metric of one video
- ``run``          scores.jsonl, summary.json (bootstrap CIs), report.md with plots
- ``compare``      leaderboard of several runs
- ``corruptions``  graded corruptions; ``validate`` proves each metric responds to what it targets
"""
