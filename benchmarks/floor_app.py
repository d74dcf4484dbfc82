"""The floor of our stack, for benchmarks/bench_app.py: a bare Streamlit page with one slider and
one small Plotly heatmap. Whatever Streamlit, Plotly and the browser cost, it costs too; the app is
measured against it in the same run (`python benchmarks/bench_app.py` starts it beside the app)."""

import numpy as np
import plotly.graph_objects as go
import streamlit as st

kernel_size = st.slider("kernel_size", 1, 10, 2, key="kernel_size")
values = (np.arange(10) % (kernel_size + 1)).reshape(1, 10)
st.plotly_chart(go.Figure(go.Heatmap(z=values, text=values, texttemplate="%{text}")), key="floor")
st.markdown(f"kernel_size = {kernel_size}")
