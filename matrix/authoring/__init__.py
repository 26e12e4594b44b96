"""Authoring a project: init, add-source, import, schema, and the YAML writer."""
