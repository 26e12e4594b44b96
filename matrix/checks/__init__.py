"""Checking a project: one small function per check, consistency lints, validation, the pipeline that loads and checks."""
