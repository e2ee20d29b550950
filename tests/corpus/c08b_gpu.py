"""Wrong and differently-right answers for 08b_gpu."""
ASSIGNMENT = "08b_gpu"

_LOAD = "def load_on_cpu(model, path):\n"
_MOVE = "def to_device(batch, device):\n"

WRONG = {
    "to_device": {
        "tuples come back as lists": _MOVE + """    if isinstance(batch, torch.Tensor):
        return batch.to(device)
    if isinstance(batch, (tuple, list)):
        return [to_device(item, device) for item in batch]
    if isinstance(batch, dict):
        return {key: to_device(value, device) for key, value in batch.items()}
    return batch
""",
        "not recursive: only the top level moves": _MOVE + """    if isinstance(batch, torch.Tensor):
        return batch.to(device)
    if isinstance(batch, (tuple, list)):
        return type(batch)(x.to(device) if isinstance(x, torch.Tensor) else x for x in batch)
    if isinstance(batch, dict):
        return {k: v.to(device) if isinstance(v, torch.Tensor) else v for k, v in batch.items()}
    return batch
""",
        "dicts left as they are": _MOVE + """    if isinstance(batch, torch.Tensor):
        return batch.to(device)
    if isinstance(batch, (tuple, list)):
        return type(batch)(to_device(item, device) for item in batch)
    return batch
""",
        "moves the items inside the list passed in (in place)": _MOVE + """    if isinstance(batch, torch.Tensor):
        return batch.to(device)
    if isinstance(batch, list):
        for i, item in enumerate(batch):
            batch[i] = to_device(item, device)
        return batch
    if isinstance(batch, tuple):
        return tuple(to_device(item, device) for item in batch)
    if isinstance(batch, dict):
        for key in batch:
            batch[key] = to_device(batch[key], device)
        return batch
    return batch
""",
        "x.to(device) without keeping the result (the seed's warning)": _MOVE + """    if isinstance(batch, torch.Tensor):
        batch.to(device)
        return batch
    if isinstance(batch, (tuple, list)):
        return type(batch)(to_device(item, device) for item in batch)
    if isinstance(batch, dict):
        return {key: to_device(value, device) for key, value in batch.items()}
    return batch
""",
        "NumPy arrays turned into tensors": _MOVE + """    if isinstance(batch, (torch.Tensor, np.ndarray)):
        return torch.as_tensor(batch).to(device)
    if isinstance(batch, (tuple, list)):
        return type(batch)(to_device(item, device) for item in batch)
    if isinstance(batch, dict):
        return {key: to_device(value, device) for key, value in batch.items()}
    return batch
""",
        "dict keys sorted": _MOVE + """    if isinstance(batch, torch.Tensor):
        return batch.to(device)
    if isinstance(batch, (tuple, list)):
        return type(batch)(to_device(item, device) for item in batch)
    if isinstance(batch, dict):
        return {key: to_device(batch[key], device) for key in sorted(batch)}
    return batch
""",
        "floats: everything cast to float32 on the way": _MOVE + """    if isinstance(batch, torch.Tensor):
        return batch.to(device, dtype=torch.float32)
    if isinstance(batch, (tuple, list)):
        return type(batch)(to_device(item, device) for item in batch)
    if isinstance(batch, dict):
        return {key: to_device(value, device) for key, value in batch.items()}
    return batch
""",
        "ignores the device argument (always the GPU if any, else the CPU)": _MOVE + """    here = "cuda" if torch.cuda.is_available() else "cpu"
    if isinstance(batch, torch.Tensor):
        return batch.to(here)
    if isinstance(batch, (tuple, list)):
        return type(batch)(to_device(item, device) for item in batch)
    if isinstance(batch, dict):
        return {key: to_device(value, device) for key, value in batch.items()}
    return batch
""",
    },
    "load_on_cpu": {
        "torch.load without map_location": _LOAD + """    model.load_state_dict(torch.load(path, weights_only=True))
    return model
""",
        "strict=False: a checkpoint of another network loads silently": _LOAD + """    model.load_state_dict(torch.load(path, map_location="cpu", weights_only=True), strict=False)
    return model
""",
        "returns the state dict, not the model": _LOAD + """    state = torch.load(path, map_location="cpu", weights_only=True)
    model.load_state_dict(state)
    return state
""",
        "returns a new model, the one passed in is left untrained": _LOAD + """    fresh = copy.deepcopy(model)
    fresh.load_state_dict(torch.load(path, map_location="cpu", weights_only=True))
    return fresh
""",
        "map_location='cuda' (breaks without a GPU)": _LOAD + """    model.load_state_dict(torch.load(path, map_location="cuda", weights_only=True))
    return model
""",
        "parameters only: buffers (batch-norm statistics) skipped": _LOAD + """    state = torch.load(path, map_location="cpu", weights_only=True)
    with torch.no_grad():
        for name, p in model.named_parameters():
            p.copy_(state[name])
    return model
""",
    },
}

RIGHT = {
    "to_device": {
        "match statement": _MOVE + """    match batch:
        case torch.Tensor():
            return batch.to(device)
        case tuple() | list():
            return type(batch)(to_device(x, device) for x in batch)
        case dict():
            return {k: to_device(v, device) for k, v in batch.items()}
        case _:
            return batch
""",
        "explicit branches, torch.device(device)": _MOVE + """    device = torch.device(device)
    if torch.is_tensor(batch):
        return batch.to(device)
    if isinstance(batch, list):
        return [to_device(x, device) for x in batch]
    if isinstance(batch, tuple):
        return tuple(to_device(x, device) for x in batch)
    if isinstance(batch, dict):
        out = {}
        for key, value in batch.items():
            out[key] = to_device(value, device)
        return out
    return batch
""",
        "non_blocking copies": _MOVE + """    if isinstance(batch, torch.Tensor):
        return batch.to(device, non_blocking=True)
    if isinstance(batch, (list, tuple)):
        moved = [to_device(x, device) for x in batch]
        return moved if isinstance(batch, list) else tuple(moved)
    if isinstance(batch, dict):
        return dict((k, to_device(v, device)) for k, v in batch.items())
    return batch
""",
        "with torch.utils._pytree.tree_map": _MOVE + """    from torch.utils._pytree import tree_map
    return tree_map(lambda x: x.to(device) if isinstance(x, torch.Tensor) else x, batch)
""",
    },
    "load_on_cpu": {
        "map_location=torch.device('cpu')": _LOAD + """    state_dict = torch.load(path, map_location=torch.device("cpu"), weights_only=True)
    model.load_state_dict(state_dict, strict=True)
    return model
""",
        "map_location as a function": _LOAD + """    state = torch.load(path, map_location=lambda storage, location: storage, weights_only=True)
    model.load_state_dict(state)
    return model
""",
        "through an open file, weights_only left to the default": _LOAD + """    with open(path, "rb") as f:
        state = torch.load(f, map_location="cpu")
    model.load_state_dict(state)
    return model
""",
        "load_state_dict's return value checked": _LOAD + """    result = model.load_state_dict(torch.load(path, map_location="cpu", weights_only=True))
    assert not result.missing_keys and not result.unexpected_keys
    return model
""",
    },
}
