"""SymbolSet: procedurally generated symbol videos with exact captions and annotations."""

__version__ = "0.1.0"
