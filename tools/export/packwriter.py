"""Writing an emo4j model pack: ONNX graphs exported from PyTorch, the manifest that declares every
tensor of them (format emo4j-pack/1, docs/model-pack.md), the scheduler's config and stored arrays.

The manifest is made from the exported graphs themselves, so that it declares what ONNX Runtime will
find: an input that the exporter pruned because the network does not use it is not declared.
"""
import json
import sys
from pathlib import Path

import numpy as np
import torch

OPSET = 17
_DTYPES = {torch.float32: "float32", torch.float16: "float16", torch.bfloat16: "bfloat16",
           torch.int64: "int64", torch.int32: "int32"}
# ONNX TensorProto element types
_ONNX_DTYPES = {1: "float32", 10: "float16", 16: "bfloat16", 7: "int64", 6: "int32"}


def tensor(name, dtype, shape, **extra):
    """A manifest tensor: a fixed size is an int, a symbolic one a string."""
    t = {"name": name, "dtype": dtype, "shape": list(shape)}
    t.update(extra)
    return t


def export(module, args, path, input_names, output_names, symbolic=None, outputs=None, training=None):
    """Exports `module` called on `args` to `path` (opset 17, constants folded); returns the graph's inputs and
    outputs as manifest tensors. `symbolic` maps a tensor name to {axis: name} for dimensions left open.
    `outputs`, what `module(*args)` returns, spares a caller that has them a second forward pass (a 14 B
    transformer's is long on a CPU). A network over 2 GB gets its constants in files beside the graph
    (ONNX external data), which emo4j reads from the pack folder. `training` is torch.onnx's TrainingMode
    (default EVAL, which switches the module to eval() while tracing; PRESERVE keeps a module that its
    original runs in training mode as it is)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    symbolic = symbolic or {}
    with torch.no_grad():
        if outputs is None:
            outputs = module(*args)
        outputs = outputs if isinstance(outputs, (tuple, list)) else (outputs,)
        torch.onnx.export(module, tuple(args), str(path), input_names=input_names, output_names=output_names,
                          opset_version=OPSET, do_constant_folding=True, dynamic_axes=symbolic or None,
                          training=training if training is not None else torch.onnx.TrainingMode.EVAL)
    declared_in = {n: tensor(n, _DTYPES[a.dtype], _shape(a.shape, symbolic.get(n))) for n, a in zip(input_names, args)}
    declared_out = [tensor(n, _DTYPES[o.dtype], _shape(o.shape, symbolic.get(n))) for n, o in zip(output_names, outputs)]
    kept = graph_inputs(path)
    inputs = [declared_in[n] for n in input_names if n in kept]
    return inputs, declared_out


def _shape(shape, open_axes):
    open_axes = open_axes or {}
    return [open_axes.get(i, int(d)) for i, d in enumerate(shape)]


def graph_inputs(path):
    """The input names of the ONNX graph at `path`. torch.onnx drops an input the graph does not use (Wan's
    integer timestep, once its sinusoid is an input of its own), and a manifest that declared it anyway
    would be refused at load, so the onnx package that reads them back is required."""
    try:
        import onnx
    except ImportError:
        sys.exit(f"packwriter: {path}: the onnx package is needed to read back which inputs the exported graph "
                 "kept (Debian: apt install python3-onnx; elsewhere: pip install onnx)")
    model = onnx.load(str(path), load_external_data=False)
    constants = {i.name for i in model.graph.initializer}
    return [i.name for i in model.graph.input if i.name not in constants]


def component(file, inputs, outputs):
    return {"file": file, "inputs": inputs, "outputs": outputs}


def save_npy(folder, name, array):
    np.save(Path(folder) / name, np.ascontiguousarray(array, dtype=np.float32))
    return name


def write_manifest(folder, name, description, settings, scheduler, components, family="flow"):
    """Writes manifest.json and scheduler/scheduler_config.json (the place a diffusers pipeline keeps it)."""
    folder = Path(folder)
    (folder / "scheduler").mkdir(parents=True, exist_ok=True)
    (folder / "scheduler/scheduler_config.json").write_text(json.dumps(scheduler, indent=2) + "\n")
    manifest = {"format": "emo4j-pack/1", "family": family, "name": name, "description": description,
                "settings": settings, "scheduler": "scheduler/scheduler_config.json", "components": components}
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
