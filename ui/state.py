"""The small named schema of page state: every session-state key is also the query-parameter
name that carries it in a shared link, and each is torch's own parameter name where one exists.
"""

X = "x"  # the 1-D input sequence, as typed
FUNCTION = "function"  # torch.nn.functional name: max_pool1d, avg_pool2d, ...
KERNEL_SIZE = "kernel_size"
STRIDE = "stride"
PADDING = "padding"
DILATION = "dilation"
CEIL_MODE = "ceil_mode"
COUNT_INCLUDE_PAD = "count_include_pad"
DIVISOR_OVERRIDE = "divisor_override"
RETURN_INDICES = "return_indices"
NORM_TYPE = "norm_type"
OUTPUT_SIZE = "output_size"
STEP = "step"  # the animation step on screen (output cell number, row-major)
PRESET = "preset"
SEED = "seed"
GRID = "grid"  # the 2-D input grid, rows separated by ';'
SHIFT = "shift"  # invariance lab: translation in cells
DIRECTION = "direction"  # invariance lab: right, down or diagonal
FILL = "fill"  # invariance lab: what enters at the edge (edge, zero, wrap)
SAMPLE = "sample"  # a bundled image under assets/samples/
COLOUR = "colour"  # images: RGB (C = 3) or grayscale (C = 1)
VIEW = "view"  # images: side by side, or per channel
LOADED_NOTES = "_loaded_notes"  # notes about the last file or preset loaded (not in the URL)
