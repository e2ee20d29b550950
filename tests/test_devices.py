"""course.devices: the device report, the bfloat16 check that 08's training cell relies on, and timing."""
import pytest
import torch

from course import devices


def test_describe_names_the_build_and_the_gpu_state():
    text = devices.describe_torch_devices()
    assert text.startswith(f"torch {torch.__version__}")
    assert ("cuda:0" in text) == torch.cuda.is_available()


def test_bfloat16_on_the_cpu_follows_the_cpu_instructions(monkeypatch):
    monkeypatch.setattr(torch.cpu, "_is_avx512_bf16_supported", lambda: False, raising=False)
    monkeypatch.setattr(torch.cpu, "_is_amx_tile_supported", lambda: False, raising=False)
    assert devices.bfloat16_is_fast("cpu") is False
    monkeypatch.setattr(torch.cpu, "_is_amx_tile_supported", lambda: True, raising=False)
    assert devices.bfloat16_is_fast(torch.device("cpu")) is True


def test_bfloat16_check_never_raises(monkeypatch):
    def broken():
        raise RuntimeError("no CPUID here")
    monkeypatch.setattr(torch.cpu, "_is_avx512_bf16_supported", broken, raising=False)
    assert devices.bfloat16_is_fast("cpu") is False
    assert devices.bfloat16_is_fast("meta") is False
    if not torch.cuda.is_available():
        assert devices.bfloat16_is_fast("cuda") is False


@pytest.mark.skipif(not devices.bfloat16_is_fast("cpu"), reason="this CPU has no bfloat16 instructions")
def test_bfloat16_autocast_trains_a_float32_model():
    # what 08's training cell does: autocast around forward, loss, backward and step; the weights stay float32
    torch.manual_seed(0)
    net = devices.tiny_net()
    opt = torch.optim.SGD(net.parameters(), lr=0.1)
    x, y = torch.randn(8, 3, 32, 32), torch.arange(8) % 10
    with torch.autocast("cpu", dtype=torch.bfloat16):
        out = net(x)
        loss = torch.nn.functional.cross_entropy(out, y)
        opt.zero_grad()
        loss.backward()
        opt.step()
    assert out.dtype == torch.bfloat16
    assert all(p.dtype == torch.float32 and p.grad.dtype == torch.float32 for p in net.parameters())


def test_timed_returns_seconds_per_call():
    calls = []
    seconds = devices.timed(lambda: calls.append(1), "cpu", repeat=3)
    assert len(calls) == 3 and seconds >= 0


def _fit_fixed_batch(context, steps=12):
    """Loss after *steps* SGD steps on one fixed batch, all inside one *context* (as 08 wraps a whole epoch)."""
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Conv2d(3, 16, 3, padding=1, bias=False), torch.nn.BatchNorm2d(16),
                              torch.nn.ReLU(), torch.nn.Flatten(), torch.nn.Linear(16 * 8 * 8, 10))
    opt = torch.optim.SGD(net.parameters(), lr=0.05, momentum=0.9)
    x, y = torch.randn(64, 3, 8, 8), torch.arange(64) % 10
    with context:
        for _ in range(steps):
            loss = torch.nn.functional.cross_entropy(net(x), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
    return loss.item()


def test_bfloat16_autocast_learns_over_many_steps_in_one_block():
    # with autocast's weight cache on, every step would see the first step's weights: the loss would not fall
    fp32 = _fit_fixed_batch(devices.bfloat16_autocast("cpu", enabled=False))
    bf16 = _fit_fixed_batch(devices.bfloat16_autocast("cpu", enabled=True))
    start = _fit_fixed_batch(devices.bfloat16_autocast("cpu", enabled=False), steps=1)
    assert fp32 < 0.5 * start
    assert bf16 == pytest.approx(fp32, rel=0.1, abs=0.05)
    stale = _fit_fixed_batch(torch.autocast("cpu", dtype=torch.bfloat16))   # the cache on: what the helper avoids
    assert stale > bf16 + 0.1


def test_bfloat16_autocast_follows_the_device(monkeypatch):
    monkeypatch.setattr(devices, "bfloat16_is_fast", lambda device: False)
    ctx = devices.bfloat16_autocast("cpu")
    with ctx:
        assert not torch.is_autocast_enabled("cpu")
    monkeypatch.setattr(devices, "bfloat16_is_fast", lambda device: True)
    with devices.bfloat16_autocast(torch.device("cpu")):
        assert torch.is_autocast_enabled("cpu") and torch.get_autocast_dtype("cpu") == torch.bfloat16


def test_bfloat16_autocast_on_a_device_without_autocast_does_nothing():
    with devices.bfloat16_autocast("meta"):     # torch.autocast("meta", enabled=False) would raise
        assert not torch.is_autocast_enabled("cpu")
