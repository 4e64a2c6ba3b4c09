"""A serial scale over a pty: continuous weight lines become Weights, stable or not."""

from __future__ import annotations

import threading
from decimal import Decimal
from pathlib import Path

from floor.devices.base import DeviceStatus
from floor.devices.scale import ScaleSettings, SerialScale, Weight
from floor.devices.simulator import PtySimulator


def test_continuous_output_is_read_line_by_line(tmp_path: Path) -> None:
    with PtySimulator(tmp_path / "scale") as simulator:
        scale = SerialScale(ScaleSettings.from_section({"port": simulator.path}))
        weights: list[Weight] = []
        statuses: list[DeviceStatus] = []
        three = threading.Event()

        def on_weight(weight: Weight) -> None:
            weights.append(weight)
            if len(weights) == 3:
                three.set()

        connected = threading.Event()
        scale.start(on_weight, lambda status: (statuses.append(status), connected.set()))
        try:
            assert connected.wait(3)
            simulator.write(b"US,GS,+001.2")  # a line split over two writes
            simulator.write(b"00kg\r\nST,GS,+001.234kg\r\nOL,GS,+999.999kg\r\n")
            assert three.wait(3)
        finally:
            scale.stop()
    assert [(w.kg, w.stable) for w in weights[:2]] == [
        (Decimal("1.200"), False),
        (Decimal("1.234"), True),
    ]
    assert weights[2].error == "scale overload"
    assert scale.last is weights[2]
