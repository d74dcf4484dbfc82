"""How long the exports take, beside a bare pillow baseline, in one process.

Each case is a page's link, rendered as the page's download button renders it (slide size,
1600 px, light theme): the subject is built once (the page has it already), then the file is
drawn and encoded. The baseline is pillow alone writing a GIF of the same number of frames of the
same size, each frame blank but for one pixel (so that none is merged with the one before): what
any GIF of that shape costs here, whatever is drawn in it. The two take turns, ``--repeat``
times; the table shows the medians and their ratio (this machine is shared and noisy: the ratio
says more than the seconds).

    python benchmarks/bench_export.py             # every case, 5 rounds
    python benchmarks/bench_export.py --repeat 9
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PIL import Image  # noqa: E402

from ui import export  # noqa: E402
from ui.export.pages import from_link  # noqa: E402
from ui.palette import LIGHT  # noqa: E402

CASES = [
    # label, link, file, target in seconds (None: no target)
    ("1-D default (the lecture, k=2)", "pool_1d", "gif", 0.3),
    ("1-D default, one step", "pool_1d", "png", None),
    ("Images zoom 12×12, k=1: 144 steps", "images?cells=12&kernel_size=1", "gif", 3.0),
    ("Images zoom default (k=2)", "images", "gif", None),
    ("Channels, the lecture's x", "channels", "gif", None),
    ("Invariance, 5 shifts", "invariance", "gif", None),
    ("Backward default (x.grad so far, beside g)", "backward", "gif", None),
    ("Backward 2-D avg k=3 s=1: 16 steps", "backward?dims=2-D&function=avg_pool2d&kernel_size=3&stride=1", "gif", None),
    ("Unpooling 2-D, output_size=(5, 5)", "unpool?dims=2-D&output_size=5,5", "gif", None),
    ("Fractional default (4×4 windows on 7×7)", "fractional", "gif", None),
    ("3-D default (4×4×4, k=2)", "pool_3d", "gif", None),
    ("3-D avg k=3 s=2 p=1", "pool_3d?function=avg_pool3d&kernel_size=3&stride=2&padding=1", "gif", None),
    ("1-D, 200 values, k=2 s=1: 199 steps", "pool_1d?x=" + ",".join(str(i % 7) for i in range(200))
     + "&kernel_size=2&stride=1", "gif", None),
]  # fmt: skip


def render(subject, kind: str) -> bytes:
    if kind == "png":
        return export.render_png(subject, 0, LIGHT, export.SLIDES)
    return export.render_gif(subject, LIGHT, export.SLIDES)


def baseline(frames: int, size: tuple[int, int], kind: str) -> bytes:
    """Pillow alone: ``frames`` blank frames of ``size`` (one pixel differs in each), as a GIF or a PNG."""
    images = []
    for number in range(frames):
        image = Image.new("P", size, 0)
        image.putpalette(bytes(range(256)) * 3)
        image.putpixel((number % size[0], 0), 1)
        images.append(image)
    buffer = io.BytesIO()
    if kind == "png":
        images[0].convert("RGB").save(buffer, format="PNG")
    else:
        images[0].save(buffer, format="GIF", save_all=True, append_images=images[1:], duration=600, loop=0)
    return buffer.getvalue()


def seconds(work) -> tuple[float, bytes]:
    start = time.perf_counter()
    result = work()
    return time.perf_counter() - start, result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="rounds per case (medians are reported)")
    arguments = parser.parse_args(argv)
    render(from_link("pool_1d").subject, "gif")  # fonts loaded, modules warm: what a running app has
    rows = []
    for label, link, kind, target in CASES:
        subject = from_link(link).subject
        picture = export.picture(subject, LIGHT, export.SLIDES)
        frames = 1 if kind == "png" else picture.count
        size = (export.SLIDES, picture.height)
        ours, bare = [], []
        for _ in range(arguments.repeat):
            took, data = seconds(lambda subject=subject, kind=kind: render(subject, kind))
            ours.append(took)
            bare.append(seconds(lambda frames=frames, size=size, kind=kind: baseline(frames, size, kind))[0])
        rows.append((label, kind, frames, f"{export.SLIDES}×{picture.height}", statistics.median(ours),
                     statistics.median(bare), len(data), target))  # fmt: skip
    print("| export (1600 px, light) | file | frames | size px | export s | pillow baseline s | ratio | file KB "
          "| target |")  # fmt: skip
    print("|---|---|---:|---|---:|---:|---:|---:|:-:|")
    for label, kind, frames, size, ours, bare, length, target in rows:
        verdict = "" if target is None else ("✅" if ours <= target else "❌") + f" ≤ {target:g} s"
        print(f"| {label} | {kind.upper()} | {frames} | {size} | {ours:.3f} | {bare:.3f} | {ours / bare:.1f} | "
              f"{length / 1024:.0f} | {verdict} |")  # fmt: skip


if __name__ == "__main__":
    main()
