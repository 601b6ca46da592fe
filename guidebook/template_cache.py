"""Keep the compiled page templates from one build to the next.

Sphinx compiles furo's and the guide's Jinja templates anew in every build, a
tenth of a second before the first page is written. Jinja can keep the
compiled code on disk and checks each template's source against it, so a
changed template is compiled again. The cache lives in the doctrees folder,
next to Sphinx's own record of the last build.
"""

from pathlib import Path

from sphinx.application import Sphinx

FOLDER = "templates"


def keep_compiled_templates(app: Sphinx) -> None:
    environment = getattr(getattr(app.builder, "templates", None), "environment", None)
    if environment is None or environment.bytecode_cache is not None:
        return
    from jinja2 import FileSystemBytecodeCache

    folder = Path(app.doctreedir, FOLDER)
    folder.mkdir(parents=True, exist_ok=True)
    environment.bytecode_cache = FileSystemBytecodeCache(str(folder))


def setup(app: Sphinx) -> dict:
    app.connect("builder-inited", keep_compiled_templates)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
