#!/usr/bin/env python3
"""Hardening: holder rules, typed JSON fields, timeline paging, WhatsApp text limits (issue 10)."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import api, request, sql  # noqa: E402,F401
