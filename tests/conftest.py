"""Settings shared by the whole test suite."""

import os

from hypothesis import settings

# Pooling checks against torch can take longer than hypothesis' 200 ms deadline on a cold start
# (the first `import torch` alone takes ~1.4 s), so no deadline anywhere.
settings.register_profile("default", parent=settings.get_profile("default"), deadline=None)
# CI builds on hypothesis' own "ci" profile (derandomized, no example database, prints the
# reproduction blob) and tries more examples.
settings.register_profile("ci", parent=settings.get_profile("ci"), deadline=None, max_examples=300)
settings.load_profile("ci" if os.environ.get("CI") else "default")
