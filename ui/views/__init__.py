"""The Streamlit side of the app: every module here draws with Streamlit, and no module of
``ui`` outside this package imports it (a test checks). Pages call these; these call the pure
modules of ``ui`` (state schema, scenes, figures, palette, data) and ``pooling_core``."""
