"""Reads TensorBoard event folders with TensorBoard's own EventAccumulator; prints what each holds as JSON."""
import json
import sys

from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

out = {}
for folder in sys.argv[1:]:
    ea = EventAccumulator(folder, size_guidance={"scalars": 0, "images": 0, "tensors": 0})
    ea.Reload()
    tags = ea.Tags()
    out[folder] = {
        "scalars": {t: [[e.step, e.value] for e in ea.Scalars(t)] for t in tags["scalars"]},
        "images": {t: [[e.step, e.width, e.height] for e in ea.Images(t)] for t in tags["images"]},
        "text": {t: [e.tensor_proto.string_val[0].decode("utf-8") for e in ea.Tensors(t)] for t in tags["tensors"]},
    }
print(json.dumps(out))
