"""Values everything shares: the project's values, problems and the shared terms."""
