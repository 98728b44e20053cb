#!/usr/bin/env python3
"""Write the small committed ONNX test fixtures into test/fixtures/onnx/ (deterministic).

    /usr/bin/python3 tools/make_onnx_fixtures.py [--out test/fixtures/onnx]

Every file is a few KB. One valid policy, the rest each break exactly one upload rule of
agents.md §6.5, so the validator's tests can name the specific error:

    tiny-conv-policy.onnx (+ tiny-conv-policy.manifest.json)  valid: [N,3,96,96] -> [N,3], tanh/sigmoid head,
                                                              exported through tools/export_agent.py --policy
    state-input.onnx          valid ONNX, but the input is a [N,24] state vector, not an image
    external-data.onnx (+ external-data.onnx.data)            weights stored as external data
    loop-op.onnx              contains a Loop node (control flow)
    constant-output.onnx      the naive export: forward() rebuilds its output with torch.tensor(...),
                              tracing freezes it into a constant, the graph has no input
    nan-weights.onnx          an initializer holds NaN
    custom-domain.onnx        a node in domain 'com.evil'

Requirements: torch (1.13+, TorchScript exporter), numpy, onnx.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import warnings

import numpy as np
import onnx
import torch
from onnx import TensorProto, helper, numpy_helper
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True  # no tools/__pycache__ in the checkout
import export_agent  # noqa: E402  (tools/export_agent.py)

OPSET = 17
SEED = 20261126


class TinyConvPolicy(nn.Module):
    """[N,3,96,96] -> [N,3] = [tanh, sigmoid, sigmoid]; about 900 parameters."""

    def __init__(self, channels: int = 4) -> None:
        super().__init__()
        self.conv = nn.Conv2d(3, channels, kernel_size=8, stride=8)  # 96 -> 12
        self.pool = nn.MaxPool2d(kernel_size=4, stride=4)  # 12 -> 3
        self.fc = nn.Linear(channels * 3 * 3, 3)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        z = self.fc(torch.flatten(self.pool(torch.relu(self.conv(x))), 1))
        return torch.stack([torch.tanh(z[:, 0]), torch.sigmoid(z[:, 1]), torch.sigmoid(z[:, 2])], dim=1)


class StatePolicy(nn.Module):
    """[N,24] (a state vector, not an image) -> [N,3]."""

    def __init__(self) -> None:
        super().__init__()
        self.fc1 = nn.Linear(24, 16)
        self.fc2 = nn.Linear(16, 3)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.tanh(self.fc2(torch.relu(self.fc1(x))))


class ConstantOutputPolicy(nn.Module):
    """The naive export failure of agents.md §6.5: the output is rebuilt with torch.tensor(...)."""

    def __init__(self) -> None:
        super().__init__()
        self.fc = nn.Linear(3 * 96 * 96, 3)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        z = self.fc(torch.flatten(x, 1))[0]
        # Python floats: the tracer records constants, the input is no longer used.
        return torch.tensor([[float(torch.tanh(z[0])), float(torch.sigmoid(z[1])), float(torch.sigmoid(z[2]))]])


def image_io(input_name: str = "obs", output_name: str = "action"):
    x = helper.make_tensor_value_info(input_name, TensorProto.FLOAT, ["batch", 3, 96, 96])
    y = helper.make_tensor_value_info(output_name, TensorProto.FLOAT, ["batch", 3])
    return x, y


def make_model(graph: onnx.GraphProto, extra_opsets=()) -> onnx.ModelProto:
    opsets = [helper.make_opsetid("", OPSET), *extra_opsets]
    model = helper.make_model(graph, opset_imports=opsets, producer_name="make_onnx_fixtures")
    model.ir_version = 8
    return model


def loop_model() -> onnx.ModelProto:
    """obs -> ReduceMean over H,W -> [N,3]; then a Loop adds 0.1 three times."""
    x, y = image_io()
    body = helper.make_graph(
        [
            helper.make_node("Identity", ["cond_in"], ["cond_out"]),
            helper.make_node("Add", ["v_in", "step"], ["v_out"]),
        ],
        "loop_body",
        [
            helper.make_tensor_value_info("iter", TensorProto.INT64, []),
            helper.make_tensor_value_info("cond_in", TensorProto.BOOL, []),
            helper.make_tensor_value_info("v_in", TensorProto.FLOAT, ["batch", 3]),
        ],
        [
            helper.make_tensor_value_info("cond_out", TensorProto.BOOL, []),
            helper.make_tensor_value_info("v_out", TensorProto.FLOAT, ["batch", 3]),
        ],
        initializer=[numpy_helper.from_array(np.full((1, 3), 0.1, dtype=np.float32), "step")],
    )
    graph = helper.make_graph(
        [
            helper.make_node("ReduceMean", ["obs"], ["mean"], axes=[2, 3], keepdims=0),
            helper.make_node("Loop", ["trip", "cond", "mean"], ["action"], body=body),
        ],
        "loop_policy",
        [x],
        [y],
        initializer=[
            numpy_helper.from_array(np.array(3, dtype=np.int64), "trip"),
            numpy_helper.from_array(np.array(True), "cond"),
        ],
    )
    return make_model(graph)


def custom_domain_model() -> onnx.ModelProto:
    """A valid-looking image policy whose middle node lives in domain 'com.evil'."""
    x, y = image_io()
    graph = helper.make_graph(
        [
            helper.make_node("ReduceMean", ["obs"], ["mean"], axes=[2, 3], keepdims=0),
            helper.make_node("Exfiltrate", ["mean"], ["leaked"], domain="com.evil"),
            helper.make_node("Tanh", ["leaked"], ["action"]),
        ],
        "custom_domain_policy",
        [x],
        [y],
    )
    return make_model(graph, [helper.make_opsetid("com.evil", 1)])


def export_tiny_policy(out_dir: str) -> None:
    """Through export_agent.py's generic mode, exactly as a user would run it."""
    with tempfile.TemporaryDirectory() as tmp:
        state_path = os.path.join(tmp, "tiny.pt")
        torch.manual_seed(SEED)
        torch.save(TinyConvPolicy().state_dict(), state_path)
        export_dir = os.path.join(tmp, "export")
        manifest = export_agent.run(
            [
                "--policy",
                f"{os.path.abspath(__file__)}:TinyConvPolicy",
                "--init-kwargs",
                '{"channels": 4}',
                "--state-dict",
                state_path,
                "--input-shape",
                "3,96,96",
                "--pipeline",
                '[{"op": "affine", "scale": 0.00392156862745098, "offset": 0}]',
                "--continuous",
                "--activation",
                "none,none,none",
                "--name",
                "Tiny conv policy (test fixture)",
                "--description",
                "A tiny random conv policy written by tools/make_onnx_fixtures.py for the ONNX validator tests.",
                "--out",
                export_dir,
            ]
        )
        shutil.copyfile(os.path.join(export_dir, "agent.onnx"), os.path.join(out_dir, "tiny-conv-policy.onnx"))
    manifest["model"]["file"] = "tiny-conv-policy.onnx"
    with open(os.path.join(out_dir, "tiny-conv-policy.manifest.json"), "w", encoding="utf-8") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default=os.path.join(HERE, "..", "test", "fixtures", "onnx"))
    out = os.path.abspath(parser.parse_args().out)
    os.makedirs(out, exist_ok=True)

    export_tiny_policy(out)
    tiny_path = os.path.join(out, "tiny-conv-policy.onnx")

    torch.manual_seed(SEED + 1)
    export_agent.export_onnx(StatePolicy(), (24,), os.path.join(out, "state-input.onnx"), "action")

    # External data: the tiny policy with every initializer moved into a side file.
    tiny = onnx.load(tiny_path)
    for stale in ("external-data.onnx", "external-data.onnx.data"):
        if os.path.exists(os.path.join(out, stale)):
            os.remove(os.path.join(out, stale))
    onnx.save_model(
        tiny,
        os.path.join(out, "external-data.onnx"),
        save_as_external_data=True,
        all_tensors_to_one_file=True,
        location="external-data.onnx.data",
        size_threshold=0,
    )

    onnx.save_model(loop_model(), os.path.join(out, "loop-op.onnx"))

    torch.manual_seed(SEED + 2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the tracer warns about the constant: that is the point
        constant_path = os.path.join(out, "constant-output.onnx")
        export_agent.export_onnx(ConstantOutputPolicy(), (3, 96, 96), constant_path, "action")

    # NaN weights: the tiny policy with the first element of its first float initializer set to NaN.
    nan_model = onnx.load(tiny_path)
    first = nan_model.graph.initializer[0]
    values = numpy_helper.to_array(first).copy()
    values.flat[0] = np.nan
    first.CopyFrom(numpy_helper.from_array(values.astype(np.float32), first.name))
    onnx.save_model(nan_model, os.path.join(out, "nan-weights.onnx"))

    onnx.save_model(custom_domain_model(), os.path.join(out, "custom-domain.onnx"))

    for name in sorted(os.listdir(out)):
        path = os.path.join(out, name)
        size = os.path.getsize(path)
        if size > 50 * 1024:
            raise SystemExit(f"{name} is {size} bytes: fixtures must stay under 50 KB")
        print(f"{size:8d}  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
