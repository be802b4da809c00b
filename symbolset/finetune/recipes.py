"""One recipe per model kind: load the frozen components, add LoRA, the training loss, save, sample.

The losses follow diffusers' own training scripts:

- ``cogvideox`` (CogVideoX-2B/5B, ``examples/cogvideo/train_cogvideox_lora.py``): v-prediction
  on VAE latents ``(B, F, C, h, w)``, uniform timesteps, loss weighted by ``1 / (1 - alpha_bar_t)``,
  rotary embeddings when the transformer uses them; T5 prompt embeddings of
  ``max_text_seq_length`` tokens.
- ``wan`` (Wan2.1-T2V-1.3B/14B): flow matching: latents normalised by the VAE's
  ``latents_mean``/``latents_std``, ``sigma`` uniform then shifted by the scheduler's ``shift``,
  ``x_t = (1 - sigma) x_0 + sigma * noise``, target ``noise - x_0``.
- ``sd`` (SD-1.5/2.x, ``examples/text_to_image/train_text_to_image_lora.py``): one frame per
  sample, epsilon or v target by the scheduler's ``prediction_type``.

``scratch`` (:mod:`.scratch`) is a small pixel-space generator trained in full, for CPU experiments.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from ..errors import SymbolSetError


def _load_pipeline(cls, model, dtype):
    try:
        return cls.from_pretrained(model.pretrained, revision=model.revision, dtype=dtype, local_files_only=not model.allow_download)
    except (OSError, ValueError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise SymbolSetError(f"model.pretrained: cannot load {model.pretrained!r} as {cls.__name__} ({first})") from None


class DiffusersRecipe:
    """Shared by the diffusers recipes: the pipeline holds every component; the denoiser trains."""

    denoiser = "transformer"

    def __init__(self, cfg):
        self.cfg = cfg
        self.pipe = None

    # --- components
    def pipeline_class(self):
        raise NotImplementedError

    def load(self, device, dtype) -> torch.nn.Module:
        """Load the pipeline (frozen, ``dtype`` on ``device``); return the module to train."""
        self.pipe = _load_pipeline(self.pipeline_class(), self.cfg.model, dtype)
        self.pipe.set_progress_bar_config(disable=True)
        for name in ("vae", "text_encoder"):
            getattr(self.pipe, name).requires_grad_(False).eval()
        self.pipe.to(device)
        self.device, self.dtype = device, dtype
        net = getattr(self.pipe, self.denoiser)
        net.requires_grad_(False)
        return net

    def add_lora(self, net: torch.nn.Module) -> None:
        """Add a LoRA adapter (peft) on the configured attention projections."""
        from peft import LoraConfig

        m = self.cfg.model
        net.add_adapter(LoraConfig(r=m.lora_rank, lora_alpha=m.lora_alpha, init_lora_weights=True, target_modules=list(m.lora_targets)))

    def save(self, net: torch.nn.Module, out: Path) -> None:
        """The LoRA weights in diffusers' format (``pipe.load_lora_weights(out)`` reads them)."""
        from peft.utils import get_peft_model_state_dict

        layers = get_peft_model_state_dict(net)
        self.pipeline_class().save_lora_weights(str(out), **{f"{self.denoiser}_lora_layers": layers})

    def sampling_pipeline(self, lora: Path | None, device, dtype):
        """The pipeline for sampling, with the LoRA of a finished run loaded when given."""
        pipe = _load_pipeline(self.pipeline_class(), self.cfg.model, dtype)
        pipe.set_progress_bar_config(disable=True)
        if lora is not None:
            pipe.load_lora_weights(str(lora))
        return pipe.to(device)

    def _text_len(self, pipe) -> int:
        return min(226, int(pipe.tokenizer.model_max_length))

    def encode(self, captions: list[str]) -> torch.Tensor:
        with torch.no_grad():
            return self.pipe.encode_prompt(captions, do_classifier_free_guidance=False, max_sequence_length=self._text_len(self.pipe),
                                           device=self.device, dtype=self.dtype)[0]  # fmt: skip

    def sample(self, pipe, prompt: str, gen, seed: int, device) -> np.ndarray:
        """One clip (frames x H x W x 3, uint8) from a text-to-video pipeline (CogVideoX, Wan; SD overrides it)."""
        g = torch.Generator("cpu").manual_seed(seed)
        out = pipe(prompt, num_frames=gen.frames, height=gen.height, width=gen.width, num_inference_steps=gen.steps, guidance_scale=gen.guidance,
                   generator=g, max_sequence_length=self._text_len(pipe), output_type="np").frames[0]  # fmt: skip
        return _to_uint8(out)


class CogVideoXRecipe(DiffusersRecipe):
    def pipeline_class(self):
        from diffusers import CogVideoXPipeline

        return CogVideoXPipeline

    def _text_len(self, pipe) -> int:
        return int(pipe.transformer.config.max_text_seq_length)

    def loss(self, net, batch, gen: torch.Generator) -> torch.Tensor:
        pipe, sched = self.pipe, self.pipe.scheduler
        video = batch["video"].to(self.device, self.dtype).permute(0, 2, 1, 3, 4)  # B C T H W
        with torch.no_grad():
            latents = pipe.vae.encode(video).latent_dist.sample(generator=gen) * pipe.vae.config.scaling_factor
        latents = latents.permute(0, 2, 1, 3, 4)  # B F C h w
        embeds = self.encode(batch["caption"])
        b = latents.shape[0]
        t = torch.randint(0, sched.config.num_train_timesteps, (b,), device=self.device, generator=gen).long()
        noise = _randn(latents, gen)
        noisy = sched.add_noise(latents, noise, t)
        rope = None
        if pipe.transformer.config.use_rotary_positional_embeddings:
            h, w = batch["video"].shape[-2:]
            rope = pipe._prepare_rotary_positional_embeddings(h, w, latents.shape[1], self.device)
        out = net(hidden_states=noisy, encoder_hidden_states=embeds, timestep=t, image_rotary_emb=rope, return_dict=False)[0]
        pred = sched.get_velocity(out, noisy, t)
        weights = (1 / (1 - sched.alphas_cumprod.to(self.device)[t])).float()
        err = ((pred.float() - latents.float()) ** 2).reshape(b, -1).mean(1)
        return (weights * err).mean()


class WanRecipe(DiffusersRecipe):
    def pipeline_class(self):
        from diffusers import WanPipeline

        return WanPipeline

    def _text_len(self, pipe) -> int:
        return min(512, int(pipe.tokenizer.model_max_length))

    def loss(self, net, batch, gen: torch.Generator) -> torch.Tensor:
        pipe = self.pipe
        vae = pipe.vae
        video = batch["video"].to(self.device, self.dtype).permute(0, 2, 1, 3, 4)  # B C T H W
        with torch.no_grad():
            latents = vae.encode(video).latent_dist.sample(generator=gen)
        mean = torch.tensor(vae.config.latents_mean, device=self.device).view(1, -1, 1, 1, 1)
        std = torch.tensor(vae.config.latents_std, device=self.device).view(1, -1, 1, 1, 1)
        latents = ((latents.float() - mean) / std).to(self.dtype)
        embeds = self.encode(batch["caption"])
        b = latents.shape[0]
        shift = float(getattr(pipe.scheduler.config, "shift", 1.0) or 1.0)
        u = torch.rand(b, device=self.device, generator=gen)
        sigma = shift * u / (1 + (shift - 1) * u)
        noise = _randn(latents, gen)
        s = sigma.view(b, 1, 1, 1, 1).to(latents.dtype)
        noisy = (1 - s) * latents + s * noise
        t = sigma * pipe.scheduler.config.num_train_timesteps
        out = net(hidden_states=noisy, timestep=t, encoder_hidden_states=embeds, return_dict=False)[0]
        return F.mse_loss(out.float(), (noise - latents).float())


class StableDiffusionRecipe(DiffusersRecipe):
    denoiser = "unet"

    def pipeline_class(self):
        from diffusers import StableDiffusionPipeline

        return StableDiffusionPipeline

    def encode(self, captions: list[str]) -> torch.Tensor:
        tok = self.pipe.tokenizer
        ids = tok(captions, padding="max_length", max_length=tok.model_max_length, truncation=True, return_tensors="pt").input_ids
        with torch.no_grad():
            return self.pipe.text_encoder(ids.to(self.device), return_dict=False)[0]

    def loss(self, net, batch, gen: torch.Generator) -> torch.Tensor:
        from diffusers import DDPMScheduler

        pipe = self.pipe
        if not hasattr(self, "_train_sched"):
            self._train_sched = DDPMScheduler.from_config(pipe.scheduler.config)
        sched = self._train_sched
        pixels = batch["video"][:, -1].to(self.device, self.dtype)  # the still: the clip's last sampled frame
        with torch.no_grad():
            latents = pipe.vae.encode(pixels).latent_dist.sample(generator=gen) * pipe.vae.config.scaling_factor
        b = latents.shape[0]
        noise = _randn(latents, gen)
        t = torch.randint(0, sched.config.num_train_timesteps, (b,), device=self.device, generator=gen).long()
        noisy = sched.add_noise(latents, noise, t)
        target = noise if sched.config.prediction_type == "epsilon" else sched.get_velocity(latents, noise, t)
        out = net(noisy, t, self.encode(batch["caption"]), return_dict=False)[0]
        return F.mse_loss(out.float(), target.float())

    def sample(self, pipe, prompt: str, gen, seed: int, device) -> np.ndarray:
        g = torch.Generator("cpu").manual_seed(seed)
        img = pipe(prompt, height=gen.height, width=gen.width, num_inference_steps=gen.steps, guidance_scale=gen.guidance, generator=g,
                   output_type="np").images[0]  # fmt: skip
        return np.repeat(_to_uint8(img)[None], gen.frames, axis=0)  # a still shown for the clip's length


def _randn(like: torch.Tensor, gen: torch.Generator) -> torch.Tensor:
    return torch.randn(like.shape, generator=gen, device=like.device, dtype=like.dtype)


def _to_uint8(frames) -> np.ndarray:
    arr = np.asarray(frames, dtype=np.float32)
    return np.clip(np.rint(arr * 255), 0, 255).astype(np.uint8)


def get_recipe(cfg):
    """The recipe object for ``cfg.model.kind``."""
    from .scratch import ScratchRecipe

    return {"cogvideox": CogVideoXRecipe, "wan": WanRecipe, "sd": StableDiffusionRecipe, "scratch": ScratchRecipe}[cfg.model.kind](cfg)
