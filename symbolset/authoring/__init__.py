"""Scene authoring: preview a scene template, and draft one from a description with an LLM.

``symbolset scene list | preview | draft``. Templates themselves are families
(:mod:`symbolset.families.scene`); this package only helps a person write them.
"""
