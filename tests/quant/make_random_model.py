#!/usr/bin/env python3
"""Writes a small random-weight llama GGUF with F32 tensors, for quantization tests.

Usage: make_random_model.py VOCAB.gguf OUT.gguf [--tied] [--seed N]

The vocabulary (a 512-token SentencePiece one) is copied from VOCAB.gguf so llama.cpp and
Hearth both load the file. Row lengths are multiples of 256, so every K-quant applies
without fallback. --tied leaves out output.weight (the output reuses token_embd).
"""
import argparse

import numpy as np
import gguf

N_EMBD, N_FF, N_HEAD, N_HEAD_KV, N_LAYER, N_CTX = 256, 512, 4, 2, 2, 256


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("vocab")
    ap.add_argument("out")
    ap.add_argument("--tied", action="store_true")
    ap.add_argument("--seed", type=int, default=1234)
    args = ap.parse_args()

    src = gguf.GGUFReader(args.vocab)
    tokens = [bytes(src.fields["tokenizer.ggml.tokens"].parts[i]).decode("utf-8")
              for i in src.fields["tokenizer.ggml.tokens"].data]
    scores = [float(src.fields["tokenizer.ggml.scores"].parts[i][0])
              for i in src.fields["tokenizer.ggml.scores"].data]
    types = [int(src.fields["tokenizer.ggml.token_type"].parts[i][0])
             for i in src.fields["tokenizer.ggml.token_type"].data]
    n_vocab = len(tokens)

    w = gguf.GGUFWriter(args.out, "llama")
    w.add_name("random-llama" + ("-tied" if args.tied else ""))
    w.add_context_length(N_CTX)
    w.add_embedding_length(N_EMBD)
    w.add_feed_forward_length(N_FF)
    w.add_head_count(N_HEAD)
    w.add_head_count_kv(N_HEAD_KV)
    w.add_block_count(N_LAYER)
    w.add_rope_dimension_count(N_EMBD // N_HEAD)
    w.add_layer_norm_rms_eps(1e-5)
    w.add_file_type(0)
    w.add_tokenizer_model("llama")
    w.add_token_list(tokens)
    w.add_token_scores(scores)
    w.add_token_types(types)
    w.add_bos_token_id(1)
    w.add_eos_token_id(2)
    w.add_unk_token_id(0)
    w.add_add_bos_token(True)

    rng = np.random.default_rng(args.seed)

    def mat(rows, cols, std):
        # ggml shape (cols, rows): numpy rows x cols, row-major.
        return (rng.standard_normal((rows, cols)) * std).astype(np.float32)

    def norm(n):
        return (1.0 + 0.1 * rng.standard_normal(n)).astype(np.float32)

    head_dim = N_EMBD // N_HEAD
    w.add_tensor("token_embd.weight", mat(n_vocab, N_EMBD, 1.0))
    w.add_tensor("output_norm.weight", norm(N_EMBD))
    if not args.tied:
        w.add_tensor("output.weight", mat(n_vocab, N_EMBD, 3.0 / np.sqrt(N_EMBD)))
    for i in range(N_LAYER):
        p = f"blk.{i}."
        w.add_tensor(p + "attn_norm.weight", norm(N_EMBD))
        w.add_tensor(p + "attn_q.weight", mat(N_EMBD, N_EMBD, 1 / np.sqrt(N_EMBD)))
        w.add_tensor(p + "attn_k.weight", mat(N_HEAD_KV * head_dim, N_EMBD, 1 / np.sqrt(N_EMBD)))
        w.add_tensor(p + "attn_v.weight", mat(N_HEAD_KV * head_dim, N_EMBD, 1 / np.sqrt(N_EMBD)))
        w.add_tensor(p + "attn_output.weight", mat(N_EMBD, N_EMBD, 1 / np.sqrt(N_EMBD)))
        w.add_tensor(p + "ffn_norm.weight", norm(N_EMBD))
        w.add_tensor(p + "ffn_gate.weight", mat(N_FF, N_EMBD, 1 / np.sqrt(N_EMBD)))
        w.add_tensor(p + "ffn_up.weight", mat(N_FF, N_EMBD, 1 / np.sqrt(N_EMBD)))
        w.add_tensor(p + "ffn_down.weight", mat(N_EMBD, N_FF, 1 / np.sqrt(N_FF)))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()


if __name__ == "__main__":
    main()
