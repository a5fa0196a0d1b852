"""Demo content for `manage.py load_demo`: JSON data files and generated pictures."""

from pathlib import Path

DEMO_DIR = Path(__file__).resolve().parent
