"""Mc (d), FVD: Frechet distance between I3D features of generated videos and of reference renders.

    FVD = ||mu_g - mu_r||^2 + Tr(S_g + S_r - 2 (S_g S_r)^(1/2))

The I3D network is a TorchScript file the user supplies (e.g. the Kinetics-400 I3D exported as
``i3d_torchscript.pt`` used by StyleGAN-V and others); nothing is downloaded. Each video is
resampled to ``num_frames`` frames taken every ``stride`` frames from the start (or evenly over
the clip when ``stride`` is None) and to ``size`` x ``size`` pixels (bilinear), scaled to [-1, 1],
and batched as ``(B, 3, T, H, W)``. The model is called as
``model(x, rescale=False, resize=False, return_features=True)`` when it accepts those keywords
(the StyleGAN-V export), else as ``model(x)``; its output is flattened to one feature row per video.
The result is always reported with the video count, frame count, resolution and stride: FVD values
are only comparable when those agree.
"""

from __future__ import annotations

import cv2
import numpy as np

from ...errors import SymbolSetError


def frechet_distance(mu1: np.ndarray, s1: np.ndarray, mu2: np.ndarray, s2: np.ndarray) -> float:
    """Frechet distance of two Gaussians. Tr((S1 S2)^1/2) is computed as the sum of the square roots
    of the eigenvalues of S1^1/2 S2 S1^1/2 (symmetric PSD, so exact and stable)."""
    mu1, mu2 = np.asarray(mu1, np.float64), np.asarray(mu2, np.float64)
    s1, s2 = np.atleast_2d(s1).astype(np.float64), np.atleast_2d(s2).astype(np.float64)
    w, v = np.linalg.eigh((s1 + s1.T) / 2)
    half = (v * np.sqrt(np.clip(w, 0, None))) @ v.T
    m = half @ s2 @ half
    tr_sqrt = float(np.sqrt(np.clip(np.linalg.eigvalsh((m + m.T) / 2), 0, None)).sum())
    return float(((mu1 - mu2) ** 2).sum() + np.trace(s1) + np.trace(s2) - 2 * tr_sqrt)


def feature_stats(features: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean and (unbiased) covariance of a ``(N, D)`` feature matrix."""
    f = np.asarray(features, np.float64)
    return f.mean(axis=0), np.cov(f, rowvar=False) if len(f) > 1 else np.zeros((f.shape[1], f.shape[1]))


def clip_indices(length: int, num_frames: int, stride: int | None) -> list[int]:
    """Frame indices of the I3D clip: every ``stride`` frames from 0 (last frame repeated past the
    end), or ``num_frames`` evenly spread when ``stride`` is None."""
    if stride is None:
        return [int(round(x)) for x in np.linspace(0, length - 1, num_frames)]
    return [min(length - 1, k * stride) for k in range(num_frames)]


def i3d_input(frames: np.ndarray, num_frames: int = 16, size: int = 224, stride: int | None = None) -> np.ndarray:
    """One video as a ``(3, T, size, size)`` float32 array in [-1, 1]."""
    picks = [cv2.resize(frames[i], (size, size), interpolation=cv2.INTER_LINEAR) for i in clip_indices(len(frames), num_frames, stride)]
    x = np.stack(picks).astype(np.float32) / 127.5 - 1.0
    return x.transpose(3, 0, 1, 2)


def load_detector(path: str):
    """The I3D TorchScript module at ``path`` (CPU, eval mode)."""
    try:
        import torch
    except ImportError:
        raise SymbolSetError("FVD needs torch: pip install 'symbolset[torch]'") from None
    try:
        model = torch.jit.load(str(path), map_location="cpu")
    except (RuntimeError, ValueError, OSError) as exc:
        raise SymbolSetError(f"{path}: not a loadable TorchScript file ({str(exc).splitlines()[0]})") from None
    return model.eval()


def extract_features(
    model, videos: list[np.ndarray], num_frames: int = 16, size: int = 224, stride: int | None = None, batch: int = 8
) -> np.ndarray:
    """``(N, D)`` features of ``videos`` (each ``(T, H, W, 3)`` uint8) from the TorchScript ``model``."""
    import torch

    rows = []
    with torch.no_grad():
        for k in range(0, len(videos), batch):
            x = torch.from_numpy(np.stack([i3d_input(v, num_frames, size, stride) for v in videos[k : k + batch]]))
            try:
                out = model(x, rescale=False, resize=False, return_features=True)
            except (RuntimeError, TypeError):
                out = model(x)
            rows.append(out.reshape(out.shape[0], -1).double().numpy())
    return np.concatenate(rows)


def fvd(
    model, generated: list[np.ndarray], references: list[np.ndarray], num_frames: int = 16, size: int = 224, stride: int | None = None
) -> dict:
    """FVD of ``generated`` against ``references`` with the settings it was computed under."""
    if len(generated) < 2 or len(references) < 2:
        raise SymbolSetError(f"FVD needs at least 2 videos on each side (got {len(generated)} and {len(references)})")
    g = feature_stats(extract_features(model, generated, num_frames, size, stride))
    r = feature_stats(extract_features(model, references, num_frames, size, stride))
    return {"fvd": frechet_distance(g[0], g[1], r[0], r[1]), "videos": len(generated), "reference_videos": len(references),
            "frames": num_frames, "resolution": size, "stride": stride if stride is not None else "even"}  # fmt: skip
