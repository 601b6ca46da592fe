"""Keep every page true when a rebuild writes only the changed pages.

Every page of the website lists every chapter's title in its sidebar, and
links to its neighbours. Sphinx writes again only the chapters that changed
(and the page holding the table of contents), so after a chapter is retitled,
added or removed, the other pages would keep the old list; and it never
deletes the page of a removed chapter. Here, when the titles or the list of
chapters change, every page is written again, and a removed chapter's page
is deleted (a renamed chapter's old address then gets its redirect). (Every
page also shows the ebooks' sizes: those are filled in on every page after the
pages are written, by guidebook.markup.calls_to_action.offer_ebooks.)

Sphinx's search index keeps the words of the pages it did not write, and
drops the rewritten pages from the words they had; a word no page has any more
is kept, with no page, and is taken out here: the index is then a clean
build's, and a sentence taken out of a chapter leaves nothing of it on the site.

Sphinx also writes every page again when a setting changes, or a template,
but not when an extension's code does: the guide's code and scripts are
hashed into a setting, so that a new version of them reaches every page.
"""

from pathlib import Path

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.search import js_index

from guidebook.formats import WEBSITE_BUILDERS, code_hash


def code_version(app: Sphinx, config) -> None:
    config.guide_code_version = code_hash()


def titles(env: BuildEnvironment) -> dict[str, str]:
    return {docname: env.titles[docname].astext() for docname in sorted(env.titles)}


class ContentsWatch:
    def __init__(self) -> None:
        self.before: dict[str, str] | None = None
        self.chapters_changed = False

    def remember(self, app: Sphinx, env: BuildEnvironment, added: set, changed: set, removed: set) -> list:
        self.before = titles(env)
        self.chapters_changed = bool(added or removed)
        if app.builder.name in WEBSITE_BUILDERS:
            for docname in removed:
                Path(app.builder.get_outfilename(docname)).unlink(missing_ok=True)
        return []

    def write_every_page_if_changed(self, app: Sphinx, env: BuildEnvironment) -> list[str]:
        contents = self.before is not None and (self.chapters_changed or titles(env) != self.before)
        return sorted(env.found_docs) if contents else []


def drop_words_of_no_page(app: Sphinx, exception: Exception | None) -> None:
    if exception or app.builder.name not in WEBSITE_BUILDERS:
        return
    path = Path(app.outdir, app.builder.searchindex_filename)
    if not path.is_file():
        return
    index = js_index.loads(path.read_text(encoding="utf-8"))
    for words in ("terms", "titleterms"):
        index[words] = {word: pages for word, pages in index[words].items() if pages != []}
    path.write_text(js_index.dumps(index), encoding="utf-8")


def setup(app: Sphinx) -> dict:
    watch = ContentsWatch()
    app.setup_extension("guidebook.settings")  # guide_code_version
    app.connect("config-inited", code_version)
    app.connect("env-get-outdated", watch.remember)
    app.connect("env-updated", watch.write_every_page_if_changed)
    app.connect("build-finished", drop_words_of_no_page)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
