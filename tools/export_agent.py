#!/usr/bin/env python3
"""Export a PyTorch CarRacing policy to ONNX plus a CarRacing Arena manifest.json.

The arena runs uploaded agents from a single self-contained ONNX file and a manifest that says
how to turn an env frame into the model's input and the model's output into an action
(shared spec agents.md, sections 6.5 and 9). This helper writes both:

    OUT/agent.onnx      the network; weights inside the file, batch axis dynamic, opset 17
    OUT/manifest.json   manifestVersion 1: model, observation pipeline, action decoder, control

Mode (a): a built-in architecture from a flat genome (.npy) or a state_dict checkpoint (.pt)

    python3 tools/export_agent.py --architecture sarenac-dqn-v1 \\
        --weights weights.f32.npy --out out/dqn
    python3 tools/export_agent.py --architecture sarenac-dqn-v1 --weights dqn.pt --out out/dqn
    python3 tools/export_agent.py --architecture jankowski-convnet-v1 \\
        --weights genome.npy --out out/ga

  The manifest reproduces the seed agent: for the DQN grayscale (0.299, 0.587, 0.144) + crop
  0/12/6/6, NCHW, argmax over the 4-row action table; for the GA net flipVertical, HWC_AS_NCHW
  and the tanh/sigmoid/sigmoid head exported inside the graph (activation none).

Mode (b): your own nn.Module

    python3 tools/export_agent.py --policy my_agent.py:Policy --init-kwargs '{"hidden": 64}' \\
        --state-dict policy.pt --input-shape 12,96,96 \\
        --pipeline '[{"op": "affine", "scale": 0.00392156862745098, "offset": 0}]' \\
        --frame-stack 4 --frame-stack-fill zeros \\
        --action-table '[[0,0,0],[0.6,0,0],[-0.6,0,0],[0,0.2,0],[0,0,0.8]]' \\
        --name "My PPO" --out out/ppo

  --policy imports the given Python file (your own code, run on your machine) and instantiates
  the class with --init-kwargs. --state-dict is loaded with torch.load(weights_only=True), so
  save `model.state_dict()`, never the whole module. Use --continuous (optionally with
  --activation tanh,sigmoid,sigmoid when the network returns raw logits) instead of
  --action-table for a continuous [steer, gas, brake] policy. --input-shape is ONE observation
  without the batch axis, in the layout of --layout; it is checked against the shape the
  manifest pipeline produces from a 96x96x3 frame.

What the exporter always does: model.eval(); a zero dummy input; input name "obs"; output name
"q_values" (discrete) or "action" (continuous); dynamic batch axis 0 on both; opset 17; constant
folding; weights stored inside the .onnx file. Then it checks the file: onnx.checker, exactly one
graph input (a graph without input is the "constant graph" you get from tracing a forward that
rebuilds its output with torch.tensor(...)), the output depends on the input, no external data,
only operators the arena accepts, size <= 50 MB. When onnxruntime is importable it also compares
ONNX Runtime's output with PyTorch's on two inputs; otherwise it says that this comparison was
skipped (the arena repeats it at upload).

Requirements: Python 3.8+, torch (1.13 or newer; the TorchScript exporter is used), numpy, onnx.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import math
import os
import sys
from typing import Any, Dict, List, Optional, Sequence, Tuple

import numpy as np
import onnx
import torch
from torch import nn

OPSET = 17
MAX_ONNX_BYTES = 50 * 1000 * 1000
FRAME_HWC = (96, 96, 3)

# agents.md §6.5: the operators the arena's validator accepts.
ALLOWED_OPS = frozenset(
    """Conv ConvTranspose Gemm MatMul Add Sub Mul Div Relu LeakyRelu Elu Selu Tanh Sigmoid Softmax
    LogSoftmax Softplus MaxPool AveragePool GlobalAveragePool BatchNormalization Flatten Reshape
    Transpose Concat Split Slice Gather Squeeze Unsqueeze Shape Constant ConstantOfShape Identity
    Clip Cast Pad ReduceMean ReduceMax Max Min Exp Log Sqrt Pow Neg Abs Erf Gelu""".split()
)

DQN_ACTIONS = [[-1.0, 0.0, 0.0], [1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]


class ExportError(Exception):
    """A problem the user has to fix; printed without a traceback."""


# --------------------------------------------------------------------------------------------
# Built-in architectures (agents.md §2.3 and §3.3)
# --------------------------------------------------------------------------------------------


class SarenacDQN(nn.Module):
    """sarenac-dqn-v1: [N,1,84,84] grayscale -> [N,4] Q-values (agents.md §2.3).

    Attribute names and registration order match the original checkpoint's state_dict keys,
    so a flat genome (§2.8) fills state_dict() in order, num_batches_tracked skipped.
    """

    def __init__(self) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(1, 16, kernel_size=5, stride=2)
        self.batch_norm1 = nn.BatchNorm2d(16)
        self.conv2 = nn.Conv2d(16, 32, kernel_size=5, stride=2)
        self.batch_norm2 = nn.BatchNorm2d(32)
        self.conv3 = nn.Conv2d(32, 32, kernel_size=5, stride=2)
        self.batch_norm3 = nn.BatchNorm2d(32)
        self.linear1 = nn.Linear(32 * 7 * 7, 256)
        self.linear2 = nn.Linear(256, 4)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = torch.relu(self.batch_norm1(self.conv1(x)))
        x = torch.relu(self.batch_norm2(self.conv2(x)))
        x = torch.relu(self.batch_norm3(self.conv3(x)))
        x = torch.flatten(x, 1)
        # No activation between linear1 and linear2: the original forward has none.
        return self.linear2(self.linear1(x))


class JankowskiConvNet(nn.Module):
    """jankowski-convnet-v1 with its head: [N,3,96,96] (the §3.2 pseudo-layout) -> [N,3].

    forward() is the export wrapper of agents.md §6.5: conv1 -> ReLU -> pool -> flatten -> fc1
    -> ReLU -> fc2, then [tanh(z0), sigmoid(z1), sigmoid(z2)] per batch row. (The original
    forward rebuilds its output with torch.tensor(...), which tracing freezes into a constant.)
    """

    def __init__(self) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(3, 12, kernel_size=3, stride=1, padding=1)
        self.pool = nn.MaxPool2d(kernel_size=2, stride=3)
        self.fc1 = nn.Linear(12 * 32 * 32, 64)
        self.fc2 = nn.Linear(64, 3)

    def logits(self, x: torch.Tensor) -> torch.Tensor:
        x = self.pool(torch.relu(self.conv1(x)))
        x = torch.flatten(x, 1)
        return self.fc2(torch.relu(self.fc1(x)))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        z = self.logits(x)
        return torch.stack([torch.tanh(z[:, 0]), torch.sigmoid(z[:, 1]), torch.sigmoid(z[:, 2])], dim=1)


ARCHITECTURES: Dict[str, Dict[str, Any]] = {
    "sarenac-dqn-v1": {
        "cls": SarenacDQN,
        "length": 441_892,
        "input_shape": (1, 84, 84),
        "name": "Sarenac DQN (ONNX export)",
        "description": "DQN from novicasarenac/car-racing-rl exported to ONNX: 1x84x84 grayscale input "
        "(0.299/0.587/0.144, HUD and side columns cropped), 4 Q-values, greedy argmax.",
        "source": {
            "repository": "novicasarenac/car-racing-rl",
            "commit": "5bb3b2c47fb6ceda3e8f2c149485652da5a079ba",
            "license": "MIT",
        },
        "observation": {
            "pipeline": [
                {"op": "grayscale", "weights": [0.299, 0.587, 0.144], "round": "none"},
                {"op": "crop", "top": 0, "bottom": 12, "left": 6, "right": 6},
            ],
            "frameStack": {"size": 1, "fill": "repeat-first"},
            "tensor": {"layout": "NCHW", "dtype": "float32"},
        },
        "action": {"type": "discrete", "select": "argmax", "table": DQN_ACTIONS},
        "training": {"env": "gym 0.10.9 CarRacing-v0", "algorithm": "DQN", "actionRepeat": 4},
    },
    "jankowski-convnet-v1": {
        "cls": JankowskiConvNet,
        "length": 787_027,
        "input_shape": (3, 96, 96),
        "name": "Jankowski GA ConvNet (ONNX export)",
        "description": "Conv net evolved by a genetic algorithm (robertjankowski/ga-openai-gym) exported to "
        "ONNX: raw RGB frame flipped upside down, reinterpreted as 3x96x96, tanh/sigmoid/sigmoid head "
        "inside the graph.",
        "source": {
            "repository": "robertjankowski/ga-openai-gym",
            "commit": "93db2d8a48e4d81f336e74cf4888da62d7d139d1",
            "license": "MIT",
        },
        "observation": {
            "pipeline": [{"op": "flipVertical"}],
            "frameStack": {"size": 1, "fill": "repeat-first"},
            "tensor": {"layout": "HWC_AS_NCHW", "dtype": "float32"},
        },
        "action": {"type": "continuous", "activation": ["none", "none", "none"]},
        "training": {"env": "gym 0.14.0 CarRacing-v0", "algorithm": "GA (P=50, G=2000, pm=0.4, pc=0.8)"},
    },
}


# --------------------------------------------------------------------------------------------
# Loading weights
# --------------------------------------------------------------------------------------------


def load_state_dict_file(path: str) -> Dict[str, torch.Tensor]:
    """torch.load with weights_only=True: tensors and plain containers only, no code runs."""
    try:
        obj = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:  # noqa: BLE001 - reported to the user
        raise ExportError(
            f"{path}: torch.load(weights_only=True) refused the file ({str(exc).splitlines()[0][:300]}). "
            "Save the weights with torch.save(model.state_dict(), path), not the whole module."
        ) from exc
    if isinstance(obj, dict):
        for key in ("state_dict", "model_state_dict"):
            inner = obj.get(key)
            if isinstance(inner, dict) and not any(isinstance(v, torch.Tensor) for v in obj.values()):
                obj = inner
                break
    if not isinstance(obj, dict) or not obj or not all(isinstance(v, torch.Tensor) for v in obj.values()):
        raise ExportError(f"{path}: expected a state_dict (a dict of name -> tensor), got {type(obj).__name__}")
    return dict(obj)


def load_flat_genome(model: nn.Module, path: str, expected_length: int) -> None:
    """Fill state_dict() in order from a 1-D float32 .npy (num_batches_tracked skipped)."""
    try:
        arr = np.load(path, allow_pickle=False)
    except Exception as exc:  # noqa: BLE001
        raise ExportError(f"{path}: not a readable .npy without pickles ({exc})") from exc
    if arr.dtype not in (np.float32, np.float64):
        raise ExportError(f"{path}: dtype must be float32 (<f4) or float64, got {arr.dtype}")
    if arr.ndim != 1 or arr.shape[0] != expected_length:
        raise ExportError(f"{path}: expected a 1-D genome of length {expected_length}, got shape {arr.shape}")
    flat = torch.from_numpy(np.ascontiguousarray(arr, dtype=np.float32))
    if not bool(torch.isfinite(flat).all()):
        raise ExportError(f"{path}: the genome contains NaN or Inf")
    new_state: Dict[str, torch.Tensor] = {}
    offset = 0
    for name, tensor in model.state_dict().items():
        if name.endswith("num_batches_tracked"):
            new_state[name] = tensor
            continue
        n = tensor.numel()
        new_state[name] = flat[offset : offset + n].view(tensor.shape).clone()
        offset += n
    if offset != expected_length:
        raise ExportError(f"internal: consumed {offset} of {expected_length} genome values")
    model.load_state_dict(new_state, strict=True)


def apply_state_dict(model: nn.Module, state: Dict[str, torch.Tensor], path: str) -> None:
    own = model.state_dict()
    missing = [k for k in own if k not in state]
    unexpected = [k for k in state if k not in own]
    if missing or unexpected:
        raise ExportError(
            f"{path}: state_dict keys do not match the model (missing {missing[:5]}, unexpected {unexpected[:5]})"
        )
    for k, v in own.items():
        if tuple(state[k].shape) != tuple(v.shape):
            raise ExportError(f"{path}: {k} has shape {tuple(state[k].shape)}, the model expects {tuple(v.shape)}")
        if state[k].is_floating_point() and not bool(torch.isfinite(state[k]).all()):
            raise ExportError(f"{path}: {k} contains NaN or Inf")
    model.load_state_dict({k: state[k].to(v.dtype) for k, v in own.items()}, strict=True)


def load_policy_class(spec: str) -> type:
    """'path/to/module.py:ClassName' -> the class (imports and runs the user's own module)."""
    if ":" not in spec:
        raise ExportError(f"--policy must be path/to/module.py:ClassName, got {spec!r}")
    path, cls_name = spec.rsplit(":", 1)
    if not os.path.isfile(path):
        raise ExportError(f"--policy: no such file {path}")
    mod_name = "arena_user_policy_" + hashlib.sha256(os.path.abspath(path).encode()).hexdigest()[:8]
    module_spec = importlib.util.spec_from_file_location(mod_name, path)
    if module_spec is None or module_spec.loader is None:
        raise ExportError(f"--policy: cannot import {path}")
    module = importlib.util.module_from_spec(module_spec)
    sys.modules[mod_name] = module
    sys.path.insert(0, os.path.dirname(os.path.abspath(path)))
    module_spec.loader.exec_module(module)
    cls = getattr(module, cls_name, None)
    if not isinstance(cls, type) or not issubclass(cls, nn.Module):
        raise ExportError(f"--policy: {cls_name} in {path} is not an nn.Module subclass")
    return cls


# --------------------------------------------------------------------------------------------
# Manifest helpers
# --------------------------------------------------------------------------------------------


def pipeline_sample_shape(pipeline: Sequence[Dict[str, Any]], stack: int, layout: str) -> Tuple[int, ...]:
    """The per-sample tensor shape the manifest pipeline produces from a 96x96x3 frame (§9.1)."""
    h, w, c = FRAME_HWC
    for i, op in enumerate(pipeline):
        kind = op.get("op") if isinstance(op, dict) else None
        if kind == "crop":
            try:
                top, bottom, left, right = (int(op[k]) for k in ("top", "bottom", "left", "right"))
            except (KeyError, TypeError, ValueError) as exc:
                raise ExportError(f"pipeline[{i}]: crop needs integer top, bottom, left, right") from exc
            h, w = h - top - bottom, w - left - right
        elif kind == "flipVertical":
            pass
        elif kind == "grayscale":
            weights = op.get("weights")
            if not (isinstance(weights, list) and len(weights) == 3):
                raise ExportError(f"pipeline[{i}]: grayscale needs weights [wr, wg, wb]")
            if op.get("round", "none") not in ("none", "uint8"):
                raise ExportError(f"pipeline[{i}]: grayscale round must be 'none' or 'uint8'")
            c = 1
        elif kind == "resize":
            if op.get("method") not in ("nearest", "bilinear", "area"):
                raise ExportError(f"pipeline[{i}]: resize method must be nearest, bilinear or area")
            h, w = int(op["height"]), int(op["width"])
        elif kind == "affine":
            if not all(isinstance(op.get(k), (int, float)) for k in ("scale", "offset")):
                raise ExportError(f"pipeline[{i}]: affine needs numeric scale and offset")
        else:
            raise ExportError(f"pipeline[{i}]: unknown op {kind!r} (crop, flipVertical, grayscale, resize, affine)")
        if h <= 0 or w <= 0:
            raise ExportError(f"pipeline[{i}]: the frame is empty after this op ({h}x{w})")
    c *= stack
    if layout in ("NCHW", "HWC_AS_NCHW"):
        return (c, h, w)
    if layout == "NHWC":
        return (h, w, c)
    raise ExportError(f"--layout must be NCHW, NHWC or HWC_AS_NCHW, got {layout!r}")


def parse_json_arg(value: str, what: str) -> Any:
    text = value
    if value.startswith("@"):
        with open(value[1:], encoding="utf-8") as f:
            text = f.read()
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ExportError(f"{what}: not valid JSON ({exc})") from exc


def parse_action_table(value: Any) -> List[List[float]]:
    if not isinstance(value, list) or not value:
        raise ExportError("--action-table must be a non-empty JSON array of [steer, gas, brake] rows")
    table: List[List[float]] = []
    for i, row in enumerate(value):
        is_row = isinstance(row, list) and len(row) == 3
        if not (is_row and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in row)):
            raise ExportError(f"--action-table row {i} must be [steer, gas, brake], got {row!r}")
        if not all(math.isfinite(float(v)) for v in row):
            raise ExportError(f"--action-table row {i} is not finite")
        table.append(list(row))
    return table


def parse_activation(value: str) -> List[str]:
    parts = [p.strip() for p in value.split(",")]
    if len(parts) != 3 or any(p not in ("none", "tanh", "sigmoid") for p in parts):
        raise ExportError(f"--activation must be three of none/tanh/sigmoid, comma-separated, got {value!r}")
    return parts


def sha256_file(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


# --------------------------------------------------------------------------------------------
# Export and verification
# --------------------------------------------------------------------------------------------


def export_onnx(
    model: nn.Module, input_shape: Sequence[int], path: str, output_name: str, input_name: str = "obs"
) -> None:
    """The arena's export recipe (agents.md §6.5) with the TorchScript exporter."""
    model.eval()
    dummy = torch.zeros((1, *input_shape), dtype=torch.float32)
    with torch.no_grad():
        torch.onnx.export(
            model,
            (dummy,),
            path,
            export_params=True,
            input_names=[input_name],
            output_names=[output_name],
            dynamic_axes={input_name: {0: "batch"}, output_name: {0: "batch"}},
            opset_version=OPSET,
            do_constant_folding=True,
        )


def _output_depends_on_input(graph: onnx.GraphProto, input_name: str, output_name: str) -> bool:
    reached = {input_name}
    for node in graph.node:  # nodes are topologically sorted in a valid model
        if any(i in reached for i in node.input if i):
            reached.update(o for o in node.output if o)
    return output_name in reached


def verify_onnx(path: str, input_shape: Sequence[int], model: nn.Module, output_size: int) -> List[str]:
    """Checks the exported file; returns notes for the user, raises ExportError on a problem."""
    notes: List[str] = []
    size = os.path.getsize(path)
    if size > MAX_ONNX_BYTES:
        raise ExportError(f"{path}: {size} bytes, the arena accepts at most {MAX_ONNX_BYTES}")
    onnx.checker.check_model(path)
    proto = onnx.load(path, load_external_data=False)
    graph = proto.graph
    for t in graph.initializer:
        if t.data_location == onnx.TensorProto.EXTERNAL or len(t.external_data) > 0:
            raise ExportError(f"{path}: initializer {t.name} is stored as external data; keep weights in the file")
    init_names = {t.name for t in graph.initializer}
    inputs = [i for i in graph.input if i.name not in init_names]
    if len(inputs) != 1:
        raise ExportError(
            f"{path}: the graph has {len(inputs)} inputs, expected exactly 1. A graph without input usually "
            "means forward() rebuilt its output with torch.tensor(...) and tracing froze it into a constant; "
            "return tensors computed from the input instead."
        )
    if len(graph.output) != 1:
        raise ExportError(f"{path}: the graph has {len(graph.output)} outputs, expected exactly 1")
    if inputs[0].type.tensor_type.elem_type != onnx.TensorProto.FLOAT:
        raise ExportError(f"{path}: the input must be float32")
    if not _output_depends_on_input(graph, inputs[0].name, graph.output[0].name):
        raise ExportError(f"{path}: the output does not depend on the input (a constant graph)")
    bad_ops = sorted({f"{n.domain}:{n.op_type}" if n.domain not in ("", "ai.onnx") else n.op_type
                      for n in graph.node if n.domain not in ("", "ai.onnx") or n.op_type not in ALLOWED_OPS})
    if bad_ops:
        raise ExportError(f"{path}: operators the arena does not accept: {', '.join(bad_ops)}")
    notes.append(f"onnx.checker passed; opset {OPSET}; {len(graph.node)} nodes; {size} bytes")

    try:
        import onnxruntime as ort  # type: ignore[import-not-found]
    except ImportError:
        notes.append("onnxruntime is not installed: skipped the ONNX Runtime vs PyTorch output comparison")
        return notes
    session = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    gen = torch.Generator().manual_seed(0)
    worst = 0.0
    for x in (torch.zeros((1, *input_shape)), torch.rand((2, *input_shape), generator=gen) * 255.0):
        with torch.no_grad():
            expected = model(x).numpy()
        got = session.run(None, {inputs[0].name: x.numpy()})[0]
        if got.shape != expected.shape or got.shape[1:] != (output_size,):
            raise ExportError(f"{path}: ONNX Runtime output shape {got.shape}, PyTorch {expected.shape}")
        worst = max(worst, float(np.max(np.abs(got - expected))))
    scale = max(1.0, float(np.max(np.abs(expected))))
    if worst > 1e-3 * scale:
        raise ExportError(f"{path}: ONNX Runtime and PyTorch differ by {worst:.3g}")
    notes.append(f"ONNX Runtime matches PyTorch (max abs diff {worst:.3g})")
    return notes


# --------------------------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        description="Export a PyTorch CarRacing policy to ONNX + an arena manifest.json.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=__doc__.split("\n\n", 1)[1] if __doc__ else None,
    )
    p.add_argument("--out", required=True, help="output folder; gets agent.onnx and manifest.json")
    mode = p.add_argument_group("built-in architecture (mode a)")
    mode.add_argument("--architecture", choices=sorted(ARCHITECTURES))
    mode.add_argument("--weights", help="flat genome .npy (1-D float32) or state_dict .pt/.pth")
    gen = p.add_argument_group("your own module (mode b)")
    gen.add_argument("--policy", help="path/to/module.py:ClassName")
    gen.add_argument("--init-kwargs", default="{}", help="JSON object passed to the class constructor")
    gen.add_argument("--state-dict", help="a torch.save(model.state_dict()) file")
    gen.add_argument("--input-shape", help="one observation without batch axis, e.g. 3,96,96")
    gen.add_argument("--pipeline", default="[]", help="JSON array of pipeline ops (or @file.json)")
    gen.add_argument("--frame-stack", type=int, default=1)
    gen.add_argument("--frame-stack-fill", choices=["repeat-first", "zeros"], default="repeat-first")
    gen.add_argument("--layout", choices=["NCHW", "NHWC", "HWC_AS_NCHW"], default="NCHW")
    gen.add_argument("--action-table", help="JSON array of [steer, gas, brake] rows: a discrete policy")
    gen.add_argument("--select", choices=["argmax", "argmax-scaled"], default="argmax")
    gen.add_argument("--continuous", action="store_true", help="the model outputs [steer, gas, brake]")
    gen.add_argument("--activation", default="none,none,none", help="continuous: e.g. tanh,sigmoid,sigmoid")
    gen.add_argument("--description")
    common = p.add_argument_group("manifest, both modes")
    common.add_argument("--name", help="display name")
    common.add_argument("--action-repeat", type=int, default=1, help="control.actionRepeat (default 1)")
    common.add_argument("--style", choices=["v3", "v0"], default=None,
                        help="observation the agent was trained on (observation.style): v3 = Gymnasium CarRacing-v3 "
                             "frames, v0 = gym <= 0.21 CarRacing-v0 frames; default v3")
    return p


def run(argv: Optional[Sequence[str]] = None) -> Dict[str, Any]:
    args = build_parser().parse_args(argv)
    if args.action_repeat < 1:
        raise ExportError("--action-repeat must be >= 1")
    onnx_path = os.path.join(args.out, "agent.onnx")

    if args.architecture:
        if args.policy:
            raise ExportError("use either --architecture or --policy, not both")
        if not args.weights:
            raise ExportError("--architecture needs --weights FILE.npy|FILE.pt")
        arch = ARCHITECTURES[args.architecture]
        model: nn.Module = arch["cls"]()
        if args.weights.lower().endswith(".npy"):
            load_flat_genome(model, args.weights, arch["length"])
        else:
            apply_state_dict(model, load_state_dict_file(args.weights), args.weights)
        input_shape: Tuple[int, ...] = arch["input_shape"]
        action = json.loads(json.dumps(arch["action"]))
        observation = json.loads(json.dumps(arch["observation"]))
        name = args.name or arch["name"]
        description: Optional[str] = arch["description"]
        source: Optional[Dict[str, Any]] = {**arch["source"], "weights": os.path.basename(args.weights)}
        training: Optional[Dict[str, Any]] = dict(arch["training"])
    elif args.policy:
        if not args.input_shape:
            raise ExportError("--policy needs --input-shape, e.g. 3,96,96")
        try:
            input_shape = tuple(int(v) for v in args.input_shape.split(","))
        except ValueError as exc:
            raise ExportError(f"--input-shape must be comma-separated integers, got {args.input_shape!r}") from exc
        if not input_shape or any(d <= 0 for d in input_shape):
            raise ExportError("--input-shape dims must be positive")
        kwargs = parse_json_arg(args.init_kwargs, "--init-kwargs")
        if not isinstance(kwargs, dict):
            raise ExportError("--init-kwargs must be a JSON object")
        model = load_policy_class(args.policy)(**kwargs)
        if args.state_dict:
            apply_state_dict(model, load_state_dict_file(args.state_dict), args.state_dict)
        if args.frame_stack < 1:
            raise ExportError("--frame-stack must be >= 1")
        pipeline = parse_json_arg(args.pipeline, "--pipeline")
        if not isinstance(pipeline, list):
            raise ExportError("--pipeline must be a JSON array")
        produced = pipeline_sample_shape(pipeline, args.frame_stack, args.layout)
        if produced != input_shape:
            raise ExportError(
                f"--input-shape {list(input_shape)} does not match what the manifest pipeline produces from a "
                f"96x96x3 frame with frame stack {args.frame_stack} and layout {args.layout}: {list(produced)}"
            )
        observation = {
            "pipeline": pipeline,
            "frameStack": {"size": args.frame_stack, "fill": args.frame_stack_fill},
            "tensor": {"layout": args.layout, "dtype": "float32"},
        }
        if args.action_table and args.continuous:
            raise ExportError("use either --action-table (discrete) or --continuous, not both")
        if args.action_table:
            table = parse_action_table(parse_json_arg(args.action_table, "--action-table"))
            action = {"type": "discrete", "select": args.select, "table": table}
        elif args.continuous:
            action = {"type": "continuous", "activation": parse_activation(args.activation)}
        else:
            raise ExportError("say how outputs become actions: --action-table JSON or --continuous")
        name = args.name or cls_name_of(args.policy)
        description = args.description
        source = None
        training = None
    else:
        raise ExportError("give --architecture ... --weights ... or --policy module.py:Class --input-shape ...")

    model.eval()
    output_size = len(action["table"]) if action["type"] == "discrete" else 3
    with torch.no_grad():
        probe = model(torch.zeros((1, *input_shape), dtype=torch.float32))
    if not isinstance(probe, torch.Tensor) or tuple(probe.shape) != (1, output_size):
        got = tuple(probe.shape) if isinstance(probe, torch.Tensor) else type(probe).__name__
        raise ExportError(f"the model must return one tensor of shape [N, {output_size}] for this action decoder; "
                          f"for a [1, ...] input it returned {got}")
    output_name = "q_values" if action["type"] == "discrete" else "action"
    os.makedirs(args.out, exist_ok=True)
    export_onnx(model, input_shape, onnx_path, output_name)
    notes = verify_onnx(onnx_path, input_shape, model, output_size)

    if args.style:
        observation = {**observation, "style": args.style}
    manifest: Dict[str, Any] = {"manifestVersion": 1, "name": name}
    if description:
        manifest["description"] = description
    if source:
        manifest["source"] = source
    manifest["model"] = {
        "format": "onnx",
        "file": "agent.onnx",
        "input": "obs",
        "output": output_name,
        "sha256": sha256_file(onnx_path),
    }
    manifest["observation"] = observation
    manifest["action"] = action
    manifest["control"] = {"actionRepeat": args.action_repeat}
    if training:
        manifest["training"] = training
    with open(os.path.join(args.out, "manifest.json"), "w", encoding="utf-8") as f:
        json.dump(manifest, f, indent=2, ensure_ascii=False)
        f.write("\n")
    for note in notes:
        print(note)
    print(f"wrote {onnx_path} and {os.path.join(args.out, 'manifest.json')}")
    return manifest


def cls_name_of(policy: str) -> str:
    return policy.rsplit(":", 1)[-1]


def main() -> int:
    try:
        run()
    except ExportError as exc:
        print(f"export_agent: error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
