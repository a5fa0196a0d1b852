"""The benchmarks' servers: the production settings, plus the floor's address."""

from newsroom.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
