"""Tiny randomly initialised pipelines, built offline from configs (``symbolset finetune-tiny``).

They have the real classes (``CogVideoXPipeline``, ``WanPipeline``, ``StableDiffusionPipeline``
and their transformer / UNet, VAE, text encoder and scheduler) with a few thousand parameters,
saved in diffusers' folder layout, so the fine-tuning, sampling and ablation code runs exactly as it
would on a real model, on CPU, in seconds. The tokenizer is byte-level (every UTF-8 byte a token,
no merges), built with ``tokenizers``: nothing is downloaded. The weights are random: what such a
model generates is noise, and says nothing about SymbolSet.
"""

from __future__ import annotations

from pathlib import Path

import torch

from ..errors import SymbolSetError

TINY_KINDS = ("cogvideox", "wan", "sd")


def byte_tokenizer(max_length: int):
    """A byte-level ``PreTrainedTokenizerFast``: 256 byte tokens + ``<pad>`` (0), ``</s>`` (1), ``<unk>`` (2)."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast

    vocab = {"<pad>": 0, "</s>": 1, "<unk>": 2}
    for ch in pre_tokenizers.ByteLevel.alphabet():
        vocab[ch] = len(vocab)
    tok = Tokenizer(models.BPE(vocab=vocab, merges=[], unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    return PreTrainedTokenizerFast(
        tokenizer_object=tok, pad_token="<pad>", eos_token="</s>", unk_token="<unk>", model_max_length=max_length
    )


def _t5(vocab: int):
    from transformers import T5Config, T5EncoderModel

    return T5EncoderModel(T5Config(vocab_size=vocab, d_model=32, d_kv=8, d_ff=37, num_layers=1, num_heads=4, decoder_start_token_id=0))


def build_tiny(kind: str, seed: int = 0):
    """A tiny random pipeline of ``kind`` (cogvideox, wan, sd)."""
    torch.manual_seed(seed)
    if kind == "cogvideox":
        from diffusers import AutoencoderKLCogVideoX, CogVideoXDPMScheduler, CogVideoXPipeline, CogVideoXTransformer3DModel

        tok = byte_tokenizer(16)
        transformer = CogVideoXTransformer3DModel(num_attention_heads=4, attention_head_dim=8, in_channels=4, out_channels=4, time_embed_dim=2,
                                                  text_embed_dim=32, num_layers=1, sample_width=4, sample_height=4, sample_frames=9, patch_size=2,
                                                  temporal_compression_ratio=4, max_text_seq_length=16)  # fmt: skip
        vae = AutoencoderKLCogVideoX(in_channels=3, out_channels=3, down_block_types=("CogVideoXDownBlock3D",) * 4, up_block_types=("CogVideoXUpBlock3D",) * 4,
                                     block_out_channels=(8, 8, 8, 8), latent_channels=4, layers_per_block=1, norm_num_groups=2, temporal_compression_ratio=4)  # fmt: skip
        return CogVideoXPipeline(
            tokenizer=tok, text_encoder=_t5(len(tok)), vae=vae, transformer=transformer, scheduler=CogVideoXDPMScheduler()
        )
    if kind == "wan":
        from diffusers import AutoencoderKLWan, FlowMatchEulerDiscreteScheduler, WanPipeline, WanTransformer3DModel

        tok = byte_tokenizer(16)
        vae = AutoencoderKLWan(base_dim=3, z_dim=16, dim_mult=[1, 1, 1, 1], num_res_blocks=1, temperal_downsample=[False, True, True])
        transformer = WanTransformer3DModel(patch_size=(1, 2, 2), num_attention_heads=2, attention_head_dim=12, in_channels=16, out_channels=16, text_dim=32,
                                            freq_dim=256, ffn_dim=32, num_layers=2, cross_attn_norm=True, qk_norm="rms_norm_across_heads", rope_max_seq_len=32)  # fmt: skip
        return WanPipeline(
            tokenizer=tok,
            text_encoder=_t5(len(tok)),
            vae=vae,
            transformer=transformer,
            scheduler=FlowMatchEulerDiscreteScheduler(shift=7.0),
        )
    if kind == "sd":
        from diffusers import AutoencoderKL, DDIMScheduler, StableDiffusionPipeline, UNet2DConditionModel
        from transformers import CLIPTextConfig, CLIPTextModel

        tok = byte_tokenizer(32)
        unet = UNet2DConditionModel(block_out_channels=(4, 8), layers_per_block=1, sample_size=16, in_channels=4, out_channels=4,
                                    down_block_types=("DownBlock2D", "CrossAttnDownBlock2D"), up_block_types=("CrossAttnUpBlock2D", "UpBlock2D"),
                                    cross_attention_dim=32, norm_num_groups=2)  # fmt: skip
        vae = AutoencoderKL(block_out_channels=[4, 8], in_channels=3, out_channels=3, down_block_types=["DownEncoderBlock2D"] * 2,
                            up_block_types=["UpDecoderBlock2D"] * 2, latent_channels=4, norm_num_groups=2)  # fmt: skip
        text = CLIPTextModel(CLIPTextConfig(bos_token_id=1, eos_token_id=1, pad_token_id=0, hidden_size=32, intermediate_size=37, num_attention_heads=4,
                                            num_hidden_layers=2, vocab_size=len(tok), max_position_embeddings=32))  # fmt: skip
        sched = DDIMScheduler(beta_start=0.00085, beta_end=0.012, beta_schedule="scaled_linear", clip_sample=False, set_alpha_to_one=False)
        return StableDiffusionPipeline(vae=vae, text_encoder=text, tokenizer=tok, unet=unet, scheduler=sched, safety_checker=None, feature_extractor=None,
                                       requires_safety_checker=False)  # fmt: skip
    raise SymbolSetError(f"tiny model: expected one of {', '.join(TINY_KINDS)}, got {kind!r}")


def write_tiny(kind: str, out: str | Path, overwrite: bool = False, seed: int = 0) -> Path:
    """Save a tiny random pipeline of ``kind`` to the folder ``out`` (diffusers layout)."""
    out = Path(out)
    if out.exists() and any(out.iterdir()) and not overwrite:
        raise SymbolSetError(f"{out}: already exists; pass --overwrite to replace it")
    tmp = out.with_name(out.name + ".tmp")
    import shutil

    shutil.rmtree(tmp, ignore_errors=True)
    build_tiny(kind, seed).save_pretrained(str(tmp))
    if out.exists():
        shutil.rmtree(out)
    tmp.rename(out)
    return out
