#!/usr/bin/env python3
"""Hardening: a slow or refusing Graph API: budget, breaker, no double sends (issue 10)."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import api, request, sql  # noqa: E402,F401
