"""Throughput of the generative models: sampling, training and log-prob scoring, with model FLOP utilisation.

For each model at a prior-like size — the REINVENT-style LSTM (3 layers x 512, embedding 256), a smaller LSTM
(3 x 256), and, when their modules exist, a VAE and a Transformer of similar parameter count — it measures

- sampling: `model.sample(512, max_len=100)` (the whole batch advances one token per step), molecules/s;
- training: a full AdamW step (forward, backward, clipping, update) on a batch of 128 sequences, molecules/s;
- scoring: `model.log_prob` of 512 sequences without gradients (what a frozen prior does in RL), molecules/s;
- the peak resident memory of the process while doing so (the GPU's peak allocation with `--device cuda`).

Absolute numbers depend on the machine, so the script also measures the machine's float32 matmul peak in the
same run — the best of `torch.mm` (MKL's sgemm on a CPU) and oneDNN's matmul (an mkldnn `Linear`), 2048 x 2048 x
2048, measured before and after each model — and reports each model's achieved FLOP/s as a fraction of it (model
FLOP utilisation, MFU). An MFU above 100 % would mean the peak was measured on a slower path than the model used.
FLOPs are counted as 2 per multiply-add of the matrix products the model needs:
per LSTM layer and token 8*d_h*(d_in + d_h) (four gates, input and recurrent weights), plus 2*d_h*V for the output
layer; training counts 3x the forward pass (forward + two backward products). Element-wise work (gate
nonlinearities, softmax, sampling) is not counted: it is the overhead the MFU exposes. The Transformer's FLOPs
are counted with `torch.utils.flop_counter` (linear layers and attention).

Training and scoring use random token sequences of a fixed length (`--seq-len`, default 50 tokens plus bos/eos,
about a MOSES molecule), so that no compute goes to padding and the FLOP count is exact.

    python benchmarks/model_throughput.py                    # CPU, 2 threads, all models
    python benchmarks/model_throughput.py --profile          # + where the time of the 3x512 LSTM goes
    python benchmarks/model_throughput.py --device cuda      # on a GPU
    python benchmarks/model_throughput.py --models lstm-3x512 --repeats 3
"""
import argparse
import os
import threading
import time

import psutil
import torch

from mrl.core import machine_description, set_seed
from mrl.data import load_nci
from mrl.models.lstm import LSTMLM
from mrl.vocab import SmilesVocab

try: from mrl.models.vae import VAE
except ImportError: VAE = None
try: from mrl.models.transformer import TransformerLM
except ImportError: TransformerLM = None


# ---------------------------------------------------------------------------------------------- environment
def environment(device: torch.device) -> dict:
    env = {'machine': machine_description(),
           'cores usable (affinity)': len(os.sched_getaffinity(0)) if hasattr(os, 'sched_getaffinity') else None,
           'load average (1/5/15 min)': ' '.join(f'{x:.2f}' for x in os.getloadavg()),
           'OMP_NUM_THREADS': os.environ.get('OMP_NUM_THREADS', '(unset)'),
           'mkldnn (oneDNN) available': torch.backends.mkldnn.is_available(), 'device': str(device)}
    if device.type == 'cuda':
        env['tf32 matmul'] = torch.backends.cuda.matmul.allow_tf32
    return env


def sync(device: torch.device):
    if device.type == 'cuda': torch.cuda.synchronize(device)


def _best_gflops(fn, flops: float, device: torch.device, repeats: int) -> float:
    "Best GFLOP/s of `fn` (which does `flops` floating-point operations) over `repeats` timings, after two warm-up calls."
    for _ in range(2): fn()
    best = float('inf')
    reps = 20 if device.type == 'cuda' else 1
    for _ in range(repeats):
        sync(device); t = time.perf_counter()
        for _ in range(reps): fn()
        sync(device); best = min(best, (time.perf_counter() - t) / reps)
    return flops / best / 1e9


def matmul_gflops(device: torch.device, m: int, k: int, n: int, repeats: int = 5) -> float:
    "Best float32 GFLOP/s of `torch.mm` of (m x k) @ (k x n) (MKL's sgemm on CPU, cuBLAS on a GPU)."
    a, b = torch.randn(m, k, device=device), torch.randn(k, n, device=device)
    return _best_gflops(lambda: torch.mm(a, b), 2 * m * k * n, device, repeats)


def onednn_gflops(n: int = 2048, repeats: int = 5) -> float:
    "Best float32 GFLOP/s of oneDNN's matmul: an n x n `Linear` converted with `torch.utils.mkldnn.to_mkldnn`, applied to an n x n mkldnn tensor."
    from torch.utils import mkldnn
    layer = mkldnn.to_mkldnn(torch.nn.Linear(n, n, bias=False).eval())
    x = torch.randn(n, n).to_mkldnn()
    with torch.no_grad(): return _best_gflops(lambda: layer(x), 2 * n ** 3, torch.device('cpu'), repeats)


def peak_gflops(device: torch.device, n: int = 2048) -> dict[str, float]:
    "The float32 matmul GFLOP/s of each path torch offers on `device` (n x n x n); the peak for MFU is the best of them."
    paths = {'torch.mm': matmul_gflops(device, n, n, n)}
    if device.type == 'cpu' and torch.backends.mkldnn.is_available(): paths['oneDNN linear'] = onednn_gflops(n)
    return paths


class PeakMemory:
    "Peak resident memory of this process (polled every 5 ms), or the GPU's peak allocation, during a block."
    def __init__(self, device: torch.device): self.device, self.peak = device, 0
    def _poll(self):
        proc = psutil.Process()
        while not self._stop.is_set():
            self.peak = max(self.peak, proc.memory_info().rss)
            self._stop.wait(0.005)
    def __enter__(self):
        if self.device.type == 'cuda':
            torch.cuda.reset_peak_memory_stats(self.device)
        else:
            self._stop = threading.Event()
            self._thread = threading.Thread(target=self._poll, daemon=True); self._thread.start()
        return self
    def __exit__(self, *exc):
        if self.device.type == 'cuda': self.peak = torch.cuda.max_memory_allocated(self.device)
        else: self._stop.set(); self._thread.join()


# ---------------------------------------------------------------------------------------------- FLOP counts
def lstm_layers_flops(d_in: int, d_hidden: int, n_layers: int) -> int:
    "Forward FLOPs per token of a stacked LSTM (matrix products only)."
    return sum(8 * d_hidden * ((d_in if i == 0 else d_hidden) + d_hidden) for i in range(n_layers))


def decoder_flops_per_token(model) -> int:
    "Forward FLOPs per generated/scored token of the model's autoregressive decoder."
    V = len(model.vocab)
    if isinstance(model, LSTMLM):
        h = model.hparams
        return lstm_layers_flops(h['d_embedding'], h['d_hidden'], h['n_layers']) + 2 * h['d_hidden'] * V
    if VAE is not None and isinstance(model, VAE):
        h = model.hparams
        return lstm_layers_flops(h['d_embedding'] + h['d_latent'], h['d_hidden'], h['n_layers']) + 2 * h['d_hidden'] * V
    raise TypeError(type(model).__name__)


def vae_encoder_flops_per_token(model) -> int:
    h = model.hparams
    return 2 * lstm_layers_flops(h['d_embedding'], h['d_encoder'], 1)  # forward and backward directions


def counted_flops(fn) -> int:
    "FLOPs of `fn()` as counted by torch.utils.flop_counter (linear layers, matmuls, attention)."
    from torch.utils.flop_counter import FlopCounterMode
    with FlopCounterMode(display=False) as fc: fn()
    return fc.get_total_flops()


def transformer_step_flops(model, steps: int) -> int:
    "FLOPs of `steps` cached sampling steps of one sequence (attention grows with the position)."
    def run():
        with torch.inference_mode():
            state = model.init_state(1)
            x = torch.full((1,), model.bos_idx, dtype=torch.long, device=model.device)
            for _ in range(steps): _, state = model.step(x, state)
    return counted_flops(run)


# ---------------------------------------------------------------------------------------------- measurements
def random_tokens(vocab, n: int, length: int, device, seed: int = 0) -> torch.Tensor:
    "bos + `length` random ordinary tokens + eos, for n sequences (no padding)."
    g = torch.Generator().manual_seed(seed)
    body = torch.randint(4, len(vocab), (n, length), generator=g)
    t = torch.cat([torch.full((n, 1), vocab.bos_idx), body, torch.full((n, 1), vocab.eos_idx)], 1)
    return t.to(device)


def best_time(fn, repeats: int, device) -> tuple[float, object]:
    best, out = float('inf'), None
    for _ in range(repeats):
        sync(device); t = time.perf_counter(); out = fn(); sync(device)
        best = min(best, time.perf_counter() - t)
    return best, out


def measure(name: str, model, args, device) -> dict:
    L = args.seq_len
    row = {'model': name, 'params (M)': sum(p.numel() for p in model.parameters()) / 1e6}
    is_vae = VAE is not None and isinstance(model, VAE)
    is_tf = TransformerLM is not None and isinstance(model, TransformerLM)
    with PeakMemory(device) as mem:
        # sampling
        set_seed(0); model.sample(8, max_len=5)  # warm-up
        set_seed(0)
        t, out = best_time(lambda: model.sample(args.sample_bs, max_len=args.max_len), args.repeats, device)
        steps = out.tokens.shape[1] - 1
        f = transformer_step_flops(model, steps) * args.sample_bs if is_tf else decoder_flops_per_token(model) * steps * args.sample_bs
        row.update({'sample mol/s': args.sample_bs / t, 'sample steps': steps, 'sample GFLOP/s': f / t / 1e9})
        # training
        x = random_tokens(model.vocab, args.train_bs, L, device)
        opt = torch.optim.AdamW(model.parameters(), lr=1e-4)
        model.train()
        def train_steps(k):
            for _ in range(k):
                loss = model.loss(x)
                opt.zero_grad(set_to_none=True); loss.backward()
                torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0); opt.step()
        train_steps(2)  # warm-up
        t, _ = best_time(lambda: train_steps(args.train_steps), args.repeats, device)
        if is_tf:
            f_step = counted_flops(lambda: model.loss(x).backward())
        else:
            f_tok = decoder_flops_per_token(model) + (vae_encoder_flops_per_token(model) if is_vae else 0)
            f_step = 3 * f_tok * args.train_bs * (L + 1)
        model.zero_grad(set_to_none=True)
        row.update({'train mol/s': args.train_bs * args.train_steps / t, 'train GFLOP/s': f_step * args.train_steps / t / 1e9})
        # scoring (no gradients, like a frozen prior); the VAE scores given latents (decoder only)
        model.eval()
        xs = random_tokens(model.vocab, args.sample_bs, L, device, seed=1)
        z = model.sample_latent(args.sample_bs)
        def score():
            with torch.inference_mode(): return model.log_prob(xs, latent=z)
        score()
        t, _ = best_time(score, args.repeats, device)
        f = counted_flops(score) if is_tf else decoder_flops_per_token(model) * args.sample_bs * (L + 1)
        row.update({'score mol/s': args.sample_bs / t, 'score GFLOP/s': f / t / 1e9})
    row['peak mem (MB)'] = mem.peak / 2**20
    return row


def build_models(vocab, which: list[str], device) -> dict:
    makers = {
        'lstm-3x512': lambda: LSTMLM(vocab, d_embedding=256, d_hidden=512, n_layers=3),
        'lstm-3x256': lambda: LSTMLM(vocab, d_embedding=256, d_hidden=256, n_layers=3),
    }
    if VAE is not None: makers['vae-2x512'] = lambda: VAE(vocab, d_embedding=256, d_encoder=256, d_latent=64, d_hidden=512, n_layers=2)
    if TransformerLM is not None:
        makers['transformer-6x256'] = lambda: TransformerLM(vocab, d_model=256, n_heads=8, n_layers=6, max_len=128, dropout=0.0)
    missing = [w for w in which if w not in makers]
    if missing: print(f"skipping {missing}: not available (module missing or unknown name; known: {list(makers)})")
    out = {}
    for w in which:
        if w in makers:
            set_seed(0); out[w] = makers[w]().to(device)
    return out


# ---------------------------------------------------------------------------------------------- profile
def profile_lstm(vocab, args, device):
    "Where the time of the 3x512 LSTM goes: sampling and training, top operators by self time."
    from torch.profiler import ProfilerActivity, profile
    set_seed(0)
    model = LSTMLM(vocab, d_embedding=256, d_hidden=512, n_layers=3).to(device)
    acts = [ProfilerActivity.CPU] + ([ProfilerActivity.CUDA] if device.type == 'cuda' else [])
    sort = 'self_cuda_time_total' if device.type == 'cuda' else 'self_cpu_time_total'
    model.sample(8, max_len=5)
    with profile(activities=acts) as prof: model.sample(args.sample_bs, max_len=30)
    print(f"\n## Profile: sampling, LSTM 3x512, batch {args.sample_bs}, 30 steps")
    print(prof.key_averages().table(sort_by=sort, row_limit=14))
    x = random_tokens(vocab, args.train_bs, args.seq_len, device)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-4)
    model.train()
    def step():
        loss = model.loss(x); opt.zero_grad(); loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0); opt.step()
    step()
    with profile(activities=acts) as prof:
        for _ in range(2): step()
    print(f"\n## Profile: training, LSTM 3x512, batch {args.train_bs} x {args.seq_len + 2} tokens, 2 steps")
    print(prof.key_averages().table(sort_by=sort, row_limit=16))


# ---------------------------------------------------------------------------------------------- main
def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--device', default='cpu', help="'cpu' (default) or 'cuda'")
    p.add_argument('--threads', type=int, default=2, help='torch CPU threads (default 2)')
    p.add_argument('--models', nargs='*', default=['lstm-3x512', 'lstm-3x256', 'vae-2x512', 'transformer-6x256'])
    p.add_argument('--sample-bs', type=int, default=512, help='sampling (and scoring) batch size (default 512)')
    p.add_argument('--max-len', type=int, default=100, help='most tokens sampled per molecule (default 100)')
    p.add_argument('--train-bs', type=int, default=128, help='training batch size (default 128)')
    p.add_argument('--seq-len', type=int, default=50, help='tokens per training/scoring sequence, without bos/eos (default 50)')
    p.add_argument('--train-steps', type=int, default=3, help='optimiser steps per timing (default 3)')
    p.add_argument('--repeats', type=int, default=2, help='timings per measurement; the best is kept (default 2)')
    p.add_argument('--profile', action='store_true', help='also profile the 3x512 LSTM with torch.profiler')
    args = p.parse_args()

    device = torch.device(args.device)
    torch.set_num_threads(args.threads)
    vocab = SmilesVocab.from_smiles(load_nci().smiles)
    env = environment(device)
    paths = peak_gflops(device)
    h = 512
    for path, gflops in paths.items(): env[f'matmul 2048^3, {path} (GFLOP/s)'] = f'{gflops:.1f}'
    env[f'matmul at the LSTM sampling shape {args.sample_bs}x{h}x{4*h} (GFLOP/s)'] = f'{matmul_gflops(device, args.sample_bs, h, 4*h):.1f}'
    env[f'matmul at the LSTM training recurrence {args.train_bs}x{h}x{4*h} (GFLOP/s)'] = f'{matmul_gflops(device, args.train_bs, h, 4*h):.1f}'
    env['vocabulary (NCI) tokens'] = len(vocab)
    print('## Environment')
    for k, v in env.items(): print(f'  {k:<62} {v}')

    rows, peaks = [], [max(paths.values())]
    for name, model in build_models(vocab, args.models, device).items():
        load = os.getloadavg()[0]
        print(f'measuring {name} (load average {load:.2f}) ...', flush=True)
        rows.append({**measure(name, model, args, device), 'load': load})
        del model
        peaks.append(max(peak_gflops(device).values()))  # the peak drifts when other work shares the cores
    print(f"\nmatmul peak (2048^3, best of {' and '.join(paths)}) measured {len(peaks)} times, before and after each model: "
          f"{', '.join(f'{p:.1f}' for p in peaks)} GFLOP/s; MFU below uses the largest")
    peak = max(peaks)

    print(f"\n## Throughput ({args.device}, {torch.get_num_threads()} threads; sampling batch {args.sample_bs}, max_len {args.max_len}; "
          f"training batch {args.train_bs} x {args.seq_len + 2} tokens; scoring batch {args.sample_bs})")
    hdr = f"{'model':<18} {'load':>5} {'params':>7} {'sample':>9} {'steps':>5} {'GFLOP/s':>8} {'MFU':>5} {'train':>8} {'GFLOP/s':>8} {'MFU':>5} {'score':>9} {'GFLOP/s':>8} {'MFU':>5} {'peak mem':>9}"
    print(hdr); print(f"{'':<18} {'':>5} {'(M)':>7} {'mol/s':>9} {'':>5} {'':>8} {'':>5} {'mol/s':>8} {'':>8} {'':>5} {'mol/s':>9} {'':>8} {'':>5} {'(MB)':>9}")
    for r in rows:
        print(f"{r['model']:<18} {r['load']:>5.2f} {r['params (M)']:>7.2f} {r['sample mol/s']:>9.0f} {r['sample steps']:>5d} {r['sample GFLOP/s']:>8.1f} "
              f"{100*r['sample GFLOP/s']/peak:>4.0f}% {r['train mol/s']:>8.0f} {r['train GFLOP/s']:>8.1f} {100*r['train GFLOP/s']/peak:>4.0f}% "
              f"{r['score mol/s']:>9.0f} {r['score GFLOP/s']:>8.1f} {100*r['score GFLOP/s']/peak:>4.0f}% {r['peak mem (MB)']:>9.0f}")
    print(f"MFU = achieved GFLOP/s / matmul peak ({peak:.1f} GFLOP/s, the best fp32 path); load = 1-min load average when the model's measurement began "
          f"(this machine has {os.cpu_count()} cores; a load above that means the timings shared the cores). Load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if args.profile: profile_lstm(vocab, args, device)


if __name__ == '__main__':
    main()
