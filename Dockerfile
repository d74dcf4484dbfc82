# Pooling Lab for a real server: N Streamlit replicas behind nginx, as deploy/serve.sh runs them.
#
#   docker build -t pooling-lab .
#   docker run --init -p 8501:8501 pooling-lab                 # 2 replicas
#   docker run --init -p 8501:8501 pooling-lab --replicas 4    # one per core you give it
#
# The container is healthy once every replica is warm (/_stcore/health on 8501 says ok).
# Several containers behind one balancer need one STREAMLIT_SERVER_COOKIE_SECRET between them
# and session affinity on that balancer (see the README, "Serving a class").
FROM python:3.12-slim-bookworm

# Debian's nginx: serve.sh runs it as its own process and config; the package's service never
# starts in a container (no init system, and the base image's policy-rc.d denies it).
RUN apt-get update \
    && apt-get install -y --no-install-recommends nginx \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
# The CPU build of torch (the default Linux wheel on PyPI bundles CUDA: gigabytes).
COPY requirements.txt .
RUN pip install --no-cache-dir --extra-index-url https://download.pytorch.org/whl/cpu -r requirements.txt

COPY . .
RUN useradd --create-home --uid 10001 pooling
USER pooling

ENV POOLING_LAB_PYTHON=python3 \
    PYTHONUNBUFFERED=1
EXPOSE 8501
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
    CMD ["python3", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=2).read() != b'ok')"]
# SIGTERM (docker stop) makes serve.sh stop nginx and every replica, then exit.
STOPSIGNAL SIGTERM
ENTRYPOINT ["bash", "deploy/serve.sh", "--address", "0.0.0.0", "--port", "8501"]
CMD ["--replicas", "2"]
