"""bench validate's invariance, discrimination and human-agreement parts (reduced runs on tiny)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from symbolset.bench import agreement
from symbolset.bench.ratings import RatingStore
from symbolset.bench.validate import human_agreement
from symbolset.cli import main


def test_auroc_and_correlations_on_known_values():
    assert agreement.auroc([0.9, 0.8], [0.1, 0.2]) == 1.0
    assert agreement.auroc([0.5], [0.5]) == 0.5
    assert agreement.auroc([0.1, 0.9], [0.5]) == 0.5
    assert agreement.auroc([], [0.5]) is None
    x = np.linspace(0, 1, 12)
    c = agreement.correlations(x, 1 + 4 * x**2)  # monotone: perfect rank agreement
    assert c["tau"] == pytest.approx(1) and c["rho"] == pytest.approx(1) and c["n"] == 12
    assert c["tau_lo"] == pytest.approx(1) and c["tau_hi"] == pytest.approx(1) and c["rho_hi"] == pytest.approx(1)
    rng = np.random.default_rng(0)
    noisy = agreement.correlations(x, rng.permutation(x))
    assert noisy["tau_lo"] < 0 < noisy["tau_hi"] or abs(noisy["tau"]) < 0.5
    assert agreement.correlations([1, 2], [1, 2])["tau"] is None  # too few pairs


def test_variant_summary_goals():
    def clip(fam, ref, legit, wrong):
        return {"family": fam, "reference": {"match": ref}, "legitimate": {f"v{k}": {"match": v} for k, v in enumerate(legit)},
                "wrong": {f"w{k}": {"match": v} for k, v in enumerate(wrong)}}  # fmt: skip

    s = agreement.variant_summary([clip("good", 0.95, [0.93, 0.9], [0.4, 0.6]), clip("bad", 0.95, [0.6, 0.7], [0.65, 0.55])])
    assert s["good"]["pass"] == {"invariance": True, "auroc": True, "gap": True}
    assert s["bad"]["pass"] == {"invariance": False, "auroc": False, "gap": False}
    assert s["bad"]["auroc"] == 0.75 and s["all"]["clips"] == 2


def test_validate_scores_variants_and_wrong_content(tiny_dir, tmp_path):
    out = tmp_path / "v"
    args = ["bench", "validate", str(tiny_dir), "--split", "test", "--families", "clock", "--limit", "1", "--corruptions", "none", "--variants", "move,retime",
            "--ocr-frames", "2", "--out", str(out), "--quiet"]  # fmt: skip
    assert main(args) == 0
    res = json.loads((out / "validation.json").read_text())
    (clip,) = res["variants"]["clips"]
    assert set(clip["legitimate"]) == {"move", "retime"} and set(clip["wrong"]) == {"one_symbol", "other_prompt"}
    other = clip["params"]["other_prompt"]["id"]
    assert clip["family"] == "clock" and other != clip["id"] and other.split("-")[0] == clip["family"]
    fam = res["variants"]["by_family"][clip["family"]]
    assert fam["n_legitimate"] == 2 and fam["n_wrong"] == 2 and set(fam["pass"]) == {"invariance", "auroc", "gap"}
    assert fam["legitimate"] > fam["wrong"]  # another prompt's clip cannot look like this prompt's content
    report = (out / "report.md").read_text()
    assert "## 2-3. Invariance and discrimination" in report and "Human figures await ratings" in report
    assert "`symbolset bench validate tiny --split test --limit 1 --families clock --corruptions none --variants move,retime --ocr-frames 2" in report
    assert res["table"] == {}


def _rated_run(root, n=8):
    """A bench run folder with n scored videos and ratings that follow Match's order."""
    root.mkdir()
    rows = [{"id": f"p{k}", "family": "clock", "video": f"v{k}.mp4", "match": 0.5 + 0.05 * k, "mf": 0.9 - 0.01 * k} for k in range(n)]
    (root / "scores.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    store = RatingStore(root / "ratings.sqlite")
    for k, r in enumerate(rows):
        for rater, bump in (("ann", 0), ("bob", 1)):
            level = min(5, 1 + k // 2 + bump)
            store.record(r["video"], r["id"], rater, {"legibility": level, "temporal": level, "sharpness": 5 - k // 2})
    return root


@pytest.mark.slow  # end to end: bench run + ratings + validate
def test_human_agreement_from_ratings(tmp_path, tiny_dir, capsys):
    run = _rated_run(tmp_path / "run")
    h = human_agreement(run)
    assert h["videos"] == 8 and h["raters"] == 2
    assert h["table"]["match"]["overall"]["tau"] > 0.5 and h["table"]["match"]["legibility"]["rho"] > 0.9
    assert h["table"]["mf"]["sharpness"]["tau"] > 0.5  # mf falls as sharpness ratings fall
    lo, hi = h["table"]["match"]["legibility"]["tau_lo"], h["table"]["match"]["legibility"]["tau_hi"]
    assert lo is not None and lo - 1e-9 <= h["table"]["match"]["legibility"]["tau"] <= hi + 1e-9
    out = tmp_path / "v"
    args = ["bench", "validate", str(tiny_dir), "--split", "test", "--limit", "1", "--corruptions", "none", "--variants", "none",
            "--no-wrong", "--ocr-frames", "2", "--human", str(run), "--out", str(out), "--quiet"]  # fmt: skip
    assert main(args) == 0
    report = (out / "report.md").read_text()
    assert "8 rated videos, 2 rater(s)" in report and "| match | overall |" in report
    assert main(args[:-3] + ["--human", str(tmp_path / "nowhere"), "--out", str(tmp_path / "v2"), "--quiet"]) == 1
    err = capsys.readouterr().err.strip()
    assert "no such ratings database" in err and "\n" not in err


def test_validate_split_all_and_an_unknown_split(tiny_dir, tmp_path, capsys):
    common = ["--families", "clock", "--limit", "1", "--corruptions", "none", "--variants", "none", "--no-wrong", "--ocr-frames", "1",
              "--quiet"]  # fmt: skip
    assert main(["bench", "validate", str(tiny_dir), "--split", "nosuch", "--out", str(tmp_path / "a"), *common]) != 0
    assert "no clips in split 'nosuch'" in capsys.readouterr().err and not (tmp_path / "a").exists()
    assert main(["bench", "validate", str(tiny_dir), "--split", "all", "--out", str(tmp_path / "b"), *common]) == 0
    res = json.loads((tmp_path / "b" / "validation.json").read_text())
    assert res["settings"]["split"] == "all" and res["settings"]["clips"] == 1


def test_validate_per_family_picks_that_many_clips_of_each_family(tiny_dir, tmp_path, capsys):
    common = ["--families", "clock,lanes", "--corruptions", "none", "--variants", "none", "--no-wrong", "--ocr-frames", "1", "--quiet"]
    out = tmp_path / "v"
    assert main(["bench", "validate", str(tiny_dir), "--split", "all", "--per-family", "2", "--out", str(out), *common]) == 0
    res = json.loads((out / "validation.json").read_text())
    ids = [c["id"] for c in res["clean"]]
    assert res["settings"]["clips"] == 4 and res["settings"]["per_family"] == 2 and len(set(ids)) == 4
    assert sorted(i.split("-")[0] for i in ids) == ["clock", "clock", "lanes", "lanes"]
    assert "--per-family 2" in (out / "report.md").read_text()
    assert main(["bench", "validate", str(tiny_dir), "--per-family", "0", "--out", str(tmp_path / "z"), *common]) != 0
    err = capsys.readouterr().err.strip()
    assert "--per-family" in err and "\n" not in err and not (tmp_path / "z").exists()
