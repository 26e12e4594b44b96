"""Reading (and safely writing) a project's files: bytes, text, the located YAML tree, typed values, the cache, workers."""
