"""User-facing errors: each carries one clear line naming the file, record or field at fault."""


class SymbolSetError(Exception):
    """An error caused by input (a spec, a config, a file): the CLI prints it as one line, no traceback."""


class SpecError(SymbolSetError):
    """A scene spec is malformed; the message names the field (e.g. ``elements[2].size``)."""


class GlyphError(SpecError):
    """A text element uses a character its font cannot draw (it would render as a tofu box)."""
