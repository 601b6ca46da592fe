"""Command-line tools: build, live preview, new chapter, import, rename and release."""
