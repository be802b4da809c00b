"""The catalog of extra font faces used by the ``real`` style: where each file comes from, its
typeface, style class, weight, scripts and licence.

Two pools, so that the same config and seed give the same bytes on every machine:

* ``pip``  -- faces shipped by pip wheels that the project depends on (always installed);
* ``full`` -- ``pip`` plus the Debian font pack (``apt-get install`` the packages in
  :data:`DEBIAN_PACKAGES`); the ``release`` config asks for it and fails in one line naming the
  missing package when a face is absent.

A face is named by a stable id (``"lato-bold"``); specs store ids, never paths. The seven
original ids of :mod:`.fonts` (``noto-sans-sc`` ... ``dejavu-sans-mono``) are part of both pools.
"""

from __future__ import annotations

import functools
import importlib.util
from dataclasses import dataclass
from pathlib import Path

OFL = "SIL Open Font License 1.1"


@dataclass(frozen=True)
class Face:
    id: str
    typeface: str
    style: str  # sans | serif | mono | condensed | display | handwriting | hei | song | kai | ming
    weight: str
    scripts: tuple[str, ...]
    source: str  # "pip:<distribution>/<module>" or "deb:<package>"
    file: str  # inside the module folder (pip) or an absolute path (deb)
    index: int
    licence: str

    @property
    def package(self) -> str:
        """The pip distribution or Debian package that provides the face."""
        return self.source.split(":", 1)[1].split("/", 1)[0]

    def path(self) -> Path | None:
        """The face's file, or None when its package is not installed."""
        if self.source.startswith("deb:"):
            p = Path(self.file)
            return p if p.exists() else None
        folder = package_dir(self.source.split("/", 1)[1])
        if folder is None:
            return None
        p = folder / self.file
        return p if p.exists() else None

    def install_hint(self) -> str:
        if self.source.startswith("deb:"):
            return f"apt-get install {self.package}"
        return f"pip install {self.package}"


@functools.cache
def package_dir(module: str) -> Path | None:
    """The folder of an installed package, found without importing it; None when it is not installed.

    Kept per process: ``find_spec`` scans the import path (0.3-0.5 ms), and fonts are looked up
    for every face a clip loads."""
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(list(spec.submodule_search_locations)[0])


LATIN, HAN = ("latin", "digits"), ("latin", "han", "digits")
_MPL = "pip:matplotlib/matplotlib"
_DV = "Bitstream Vera / DejaVu licence (free)"


def _pip(fid, typeface, style, weight, dist, module, file, licence=OFL, scripts=LATIN, index=0):
    return Face(fid, typeface, style, weight, scripts, f"pip:{dist}/{module}", file, index, licence)


def _deb(fid, typeface, style, weight, package, file, licence, scripts=LATIN, index=0):
    return Face(fid, typeface, style, weight, scripts, f"deb:{package}", file, index, licence)


_URW, _TG, _LIB = (
    "/usr/share/fonts/opentype/urw-base35/",
    "/usr/share/texmf/fonts/opentype/public/tex-gyre/",
    "/usr/share/fonts/truetype/liberation2/",
)
_URW_L, _TG_L = "AGPL-3.0 with font exception (URW base35)", "GUST Font License"

# fmt: off
# The original seven faces of fonts.py (same ids, same files), described for the card and the listing.
CORE = (
    _pip("noto-sans-sc", "Noto Sans CJK", "hei", "regular", "noto-cjk-sans-otc", "noto_cjk_sans_otc", "NotoSansCJK-Regular.ttc", scripts=HAN, index=2),
    _pip("noto-sans-tc", "Noto Sans CJK", "hei", "regular", "noto-cjk-sans-otc", "noto_cjk_sans_otc", "NotoSansCJK-Regular.ttc", scripts=HAN, index=3),
    _pip("noto-sans-mono-sc", "Noto Sans Mono CJK", "mono", "regular", "noto-cjk-sans-otc", "noto_cjk_sans_otc", "NotoSansCJK-Regular.ttc", scripts=HAN, index=7),
    _pip("dejavu-sans", "DejaVu Sans", "sans", "regular", "matplotlib", "matplotlib", "mpl-data/fonts/ttf/DejaVuSans.ttf", _DV),
    _pip("dejavu-sans-bold", "DejaVu Sans", "sans", "bold", "matplotlib", "matplotlib", "mpl-data/fonts/ttf/DejaVuSans-Bold.ttf", _DV),
    _pip("dejavu-serif", "DejaVu Serif", "serif", "regular", "matplotlib", "matplotlib", "mpl-data/fonts/ttf/DejaVuSerif.ttf", _DV),
    _pip("dejavu-sans-mono", "DejaVu Sans Mono", "mono", "regular", "matplotlib", "matplotlib", "mpl-data/fonts/ttf/DejaVuSansMono.ttf", _DV),
)

PIP = (
    _pip("dejavu-serif-bold", "DejaVu Serif", "serif", "bold", "matplotlib", "matplotlib", "mpl-data/fonts/ttf/DejaVuSerif-Bold.ttf", _DV),
    _pip("dejavu-sans-mono-bold", "DejaVu Sans Mono", "mono", "bold", "matplotlib", "matplotlib", "mpl-data/fonts/ttf/DejaVuSansMono-Bold.ttf", _DV),
    _pip("stix-regular", "STIX", "serif", "regular", "matplotlib", "matplotlib", "mpl-data/fonts/ttf/STIXGeneral.ttf"),
    _pip("stix-bold", "STIX", "serif", "bold", "matplotlib", "matplotlib", "mpl-data/fonts/ttf/STIXGeneralBol.ttf"),
    _pip("lato-light", "Lato", "sans", "light", "font-lato", "font_lato", "files/Lato-Light.ttf"),
    _pip("lato-regular", "Lato", "sans", "regular", "font-lato", "font_lato", "files/Lato-Regular.ttf"),
    _pip("lato-bold", "Lato", "sans", "bold", "font-lato", "font_lato", "files/Lato-Bold.ttf"),
    _pip("lato-black", "Lato", "sans", "black", "font-lato", "font_lato", "files/Lato-Black.ttf"),
    _pip("manrope-light", "Manrope", "sans", "light", "font-manrope", "font_manrope", "files/Manrope-Light.ttf"),
    _pip("manrope-regular", "Manrope", "sans", "regular", "font-manrope", "font_manrope", "files/Manrope-Regular.ttf"),
    _pip("manrope-extrabold", "Manrope", "sans", "extrabold", "font-manrope", "font_manrope", "files/Manrope-ExtraBold.ttf"),
    _pip("source-sans-light", "Source Sans Pro", "sans", "light", "font-source-sans-pro", "font_source_sans_pro", "files/SourceSansPro-Light.ttf"),
    _pip("source-sans-regular", "Source Sans Pro", "sans", "regular", "font-source-sans-pro", "font_source_sans_pro", "files/SourceSansPro-Regular.ttf"),
    _pip("source-sans-black", "Source Sans Pro", "sans", "black", "font-source-sans-pro", "font_source_sans_pro", "files/SourceSansPro-Black.ttf"),
    _pip("source-serif-light", "Source Serif Pro", "serif", "light", "font-source-serif-pro", "font_source_serif_pro", "files/SourceSerifPro-Light.ttf"),
    _pip("source-serif-semibold", "Source Serif Pro", "serif", "semibold", "font-source-serif-pro", "font_source_serif_pro", "files/SourceSerifPro-Semibold.ttf"),
    _pip("caladea-regular", "Caladea", "serif", "regular", "font-caladea", "font_caladea", "files/Caladea-Regular.ttf", "Apache-2.0"),
    _pip("caladea-bold", "Caladea", "serif", "bold", "font-caladea", "font_caladea", "files/Caladea-Bold.ttf", "Apache-2.0"),
    _pip("caladea-italic", "Caladea", "serif", "italic", "font-caladea", "font_caladea", "files/Caladea-Italic.ttf", "Apache-2.0"),
    _pip("fjalla-one", "Fjalla One", "condensed", "regular", "font-fjallaone", "font_fjallaone", "files/FjallaOne-Regular.ttf"),
    _pip("fredoka-one", "Fredoka One", "display", "regular", "font-fredoka-one", "font_fredoka_one", "files/FredokaOne-Regular.ttf"),
    _pip("intuitive", "Intuitive", "handwriting", "regular", "font-intuitive", "font_intuitive", "files/Intuitive.ttf"),
    _pip("noto-serif-sc", "Noto Serif SC", "song", "regular", "pylopdf-fonts-zh-cn", "pylopdf_fonts_zh_cn", "NotoSerifSC-Regular.otf", scripts=HAN),
)

DEBIAN = (
    _deb("nimbus-sans-regular", "Nimbus Sans", "sans", "regular", "fonts-urw-base35", _URW + "NimbusSans-Regular.otf", _URW_L),
    _deb("nimbus-sans-bold", "Nimbus Sans", "sans", "bold", "fonts-urw-base35", _URW + "NimbusSans-Bold.otf", _URW_L),
    _deb("nimbus-sans-narrow", "Nimbus Sans Narrow", "condensed", "regular", "fonts-urw-base35", _URW + "NimbusSansNarrow-Regular.otf", _URW_L),
    _deb("nimbus-sans-narrow-bold", "Nimbus Sans Narrow", "condensed", "bold", "fonts-urw-base35", _URW + "NimbusSansNarrow-Bold.otf", _URW_L),
    _deb("nimbus-roman-regular", "Nimbus Roman", "serif", "regular", "fonts-urw-base35", _URW + "NimbusRoman-Regular.otf", _URW_L),
    _deb("nimbus-mono-regular", "Nimbus Mono PS", "mono", "regular", "fonts-urw-base35", _URW + "NimbusMonoPS-Regular.otf", _URW_L),
    _deb("urw-gothic-book", "URW Gothic", "display", "book", "fonts-urw-base35", _URW + "URWGothic-Book.otf", _URW_L),
    _deb("urw-bookman-light", "URW Bookman", "serif", "light", "fonts-urw-base35", _URW + "URWBookman-Light.otf", _URW_L),
    _deb("c059-roman", "C059", "serif", "regular", "fonts-urw-base35", _URW + "C059-Roman.otf", _URW_L),
    _deb("p052-bold", "P052", "serif", "bold", "fonts-urw-base35", _URW + "P052-Bold.otf", _URW_L),
    _deb("z003", "Z003", "handwriting", "medium-italic", "fonts-urw-base35", _URW + "Z003-MediumItalic.otf", _URW_L),
    _deb("liberation-sans", "Liberation Sans", "sans", "regular", "fonts-liberation2", _LIB + "LiberationSans-Regular.ttf", OFL),
    _deb("liberation-serif-bold", "Liberation Serif", "serif", "bold", "fonts-liberation2", _LIB + "LiberationSerif-Bold.ttf", OFL),
    _deb("liberation-mono", "Liberation Mono", "mono", "regular", "fonts-liberation2", _LIB + "LiberationMono-Regular.ttf", OFL),
    _deb("texgyre-heros-cn", "TeX Gyre Heros Cn", "condensed", "regular", "fonts-texgyre", _TG + "texgyreheroscn-regular.otf", _TG_L),
    _deb("texgyre-pagella", "TeX Gyre Pagella", "serif", "regular", "fonts-texgyre", _TG + "texgyrepagella-regular.otf", _TG_L),
    _deb("texgyre-cursor-bold", "TeX Gyre Cursor", "mono", "bold", "fonts-texgyre", _TG + "texgyrecursor-bold.otf", _TG_L),
    _deb("texgyre-chorus", "TeX Gyre Chorus", "handwriting", "medium-italic", "fonts-texgyre", _TG + "texgyrechorus-mediumitalic.otf", _TG_L),
    _deb("texgyre-adventor-bold", "TeX Gyre Adventor", "display", "bold", "fonts-texgyre", _TG + "texgyreadventor-bold.otf", _TG_L),
    _deb("lxgw-wenkai-light", "LXGW WenKai", "kai", "light", "fonts-lxgw-wenkai", "/usr/share/fonts/truetype/lxgw-wenkai/LXGWWenKai-Light.ttf", OFL, HAN),
    _deb("lxgw-wenkai-regular", "LXGW WenKai", "kai", "regular", "fonts-lxgw-wenkai", "/usr/share/fonts/truetype/lxgw-wenkai/LXGWWenKai-Regular.ttf", OFL, HAN),
    _deb("lxgw-wenkai-bold", "LXGW WenKai", "kai", "bold", "fonts-lxgw-wenkai", "/usr/share/fonts/truetype/lxgw-wenkai/LXGWWenKai-Bold.ttf", OFL, HAN),
    _deb("ar-pl-ukai-cn", "AR PL UKai", "kai", "regular", "fonts-arphic-ukai", "/usr/share/fonts/truetype/arphic/ukai.ttc", "Arphic Public License", HAN, 0),
    _deb("ar-pl-uming-cn", "AR PL UMing", "ming", "regular", "fonts-arphic-uming", "/usr/share/fonts/truetype/arphic/uming.ttc", "Arphic Public License", HAN, 0),
    _deb("wqy-zenhei", "WenQuanYi Zen Hei", "hei", "regular", "fonts-wqy-zenhei", "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", "GPL-2.0 with font exception", HAN, 0),
    _deb("wqy-microhei", "WenQuanYi Micro Hei", "hei", "regular", "fonts-wqy-microhei", "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", "Apache-2.0 or GPL-3.0 with font exception", HAN, 0),
    _deb("smiley-sans", "Smiley Sans", "display", "oblique", "fonts-smiley-sans", "/usr/share/fonts/truetype/smiley-sans/SmileySans-Oblique.ttf", OFL, HAN),
)

# fmt: on

FACES: dict[str, Face] = {f.id: f for f in CORE + PIP + DEBIAN}
POOLS = {"pip": tuple(f.id for f in CORE + PIP), "full": tuple(FACES)}
DEBIAN_PACKAGES = tuple(dict.fromkeys(f.package for f in DEBIAN))


def face(font_id: str) -> Face | None:
    """The catalog entry of a font id (None for an id the catalog does not know)."""
    return FACES.get(font_id)


@functools.cache
def installed(font_id: str) -> bool:
    """Whether the face's file is present on this machine."""
    f = FACES.get(font_id)
    return f is not None and f.path() is not None


def require_pool(pool: str, where: str = "config") -> tuple[str, ...]:
    """The ids of a pool, after checking every face is installed (one line naming the package if not)."""
    if pool not in POOLS:
        from .errors import SymbolSetError

        raise SymbolSetError(f"{where}: expected one of {', '.join(POOLS)}, got {pool!r}")
    for fid in POOLS[pool]:
        if not installed(fid):
            from .errors import SymbolSetError

            f = FACES[fid]
            raise SymbolSetError(f"{where}: font {fid!r} ({f.typeface}) is not installed; {f.install_hint()} provides it")
    return POOLS[pool]


def listing() -> list[dict]:
    """Every catalog face with its state on this machine (for ``symbolset fonts``)."""
    return [{"id": f.id, "typeface": f.typeface, "style": f.style, "weight": f.weight, "scripts": "+".join(f.scripts),
             "pool": "pip" if f.id in POOLS["pip"] else "full", "licence": f.licence, "package": f.package,
             "found": installed(f.id), "install": f.install_hint()} for f in FACES.values()]  # fmt: skip


def card_section(specs) -> str:
    """The dataset card's font section: every face the specs use, its typeface, licence, the package
    that provides it and how many clips use it (``specs``: an iterable of spec dicts)."""
    from collections import Counter

    clips = Counter()
    for spec in specs:
        clips.update({el["font"] for el in spec["elements"] if el.get("type") == "text"})
    rows = "".join(f"| `{fid}` | {FACES[fid].typeface} ({FACES[fid].style}, {FACES[fid].weight}) | {FACES[fid].licence} | `{FACES[fid].package}` | {n} |\n"
                   if fid in FACES else f"| `{fid}` | (registered at run time) | see its file | - | {n} |\n" for fid, n in sorted(clips.items(), key=lambda kv: (-kv[1], kv[0])))  # fmt: skip
    return ("## Fonts\n\nEvery face drawn in this dataset, with the number of clips that use it.\n\n"
            "| font id | typeface | licence | package | clips |\n|---|---|---|---|---|\n" + rows + "\n")  # fmt: skip
