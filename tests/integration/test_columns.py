#!/usr/bin/env python3
"""Hardening: every text column filled with 4-byte characters, read back through every route (issue 10)."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import api, request, sql  # noqa: E402,F401
