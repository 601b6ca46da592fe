"""The guide's own Sphinx extensions, one module per job."""
