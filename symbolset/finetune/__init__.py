"""Fine-tuning open text-to-video / text-to-image models on SymbolSet, and the ablation harness.

- :mod:`.config`: the YAML config of ``symbolset finetune`` (model, data, train, generate), checked
  field by field.
- :mod:`.data`: SymbolSet clips as training samples (``SymbolVideoDataset``; frames fitted to the
  model's size; the caption policy).
- :mod:`.recipes`: one recipe per model kind (``cogvideox``, ``wan``, ``sd``; ``scratch`` for the
  CPU experiment): load components, the training loss, LoRA targets, sampling.
- :mod:`.tiny`: tiny randomly initialised pipelines built offline from configs (tests, dry runs).
- :mod:`.train`: the accelerate training loop (LoRA, mixed precision, multi-GPU, checkpoints, resume).
- :mod:`.sample`: videos for a SymbolBench prompt set.
- :mod:`.ablate`: fine-tune variants, sample, score with SymbolBench, one comparison table + plot.

Needs the ``train`` extra (diffusers, peft, accelerate, transformers); nothing here downloads weights
unless the user names a Hub model id and allows it.
"""
