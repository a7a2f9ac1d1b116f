"""A Markdown file (README.md, any `.md`/`.markdown` path) as the catalog.

The file is read by `catalog.markdown.read_markdown` (the same reader as `import`):
headings are sections, list items, table rows, details and bold paragraphs with links are
entries, and every other http(s) link of the file is a loose link (`Catalog.loose`), checked
like the others. Each link keeps its line and the span of its URL in the text, which is all
`update` may change there (see `update.planner`). Ids are slugs of the titles, as `import`
makes them; kinds are guessed as `import` guesses them.

Settings come from the command line, or from `.curatorbot.yaml` beside the file: the keys
of a YAML catalog's `settings:` block, validated the same way (`load.load_side_settings`).
"""

from __future__ import annotations

from collections.abc import Callable

from curatorbot.catalog.importer import Ids, guess_kind
from curatorbot.catalog.load import load_side_settings, url_problem
from curatorbot.catalog.markdown import MAX_NESTING, MdLink, MdSection, TooDeep, read_markdown
from curatorbot.catalog.model import Catalog, Entry, Link, Section
from curatorbot.errors import CatalogInvalid, Problem

OnLink = Callable[[Link], None]


def markdown_catalog(text: str, name: str, *, on_link: OnLink | None = None) -> Catalog:
    """The catalog a Markdown file holds; `on_link` sees every link, as for YAML."""
    settings = load_side_settings(name)
    try:
        doc = read_markdown(text, name)
    except TooDeep as exc:
        raise CatalogInvalid([Problem(
            name, exc.line, f"lists or quotes nested too deep (over {MAX_NESTING} levels: a "
            "list level counts 2, a quote 1)", "flatten them", code="too-deep")]) from None
    builder = _Builder(on_link)
    sections = [builder.section(child, 1) for child in doc.root.sections]
    if doc.root.entries:
        general = MdSection("General", 1, doc.root.entries[0].line,
                            entries=doc.root.entries)
        sections.insert(0, builder.section(general, 1))
    loose = builder.links(doc.root.loose, "")
    for section in doc.root.walk():
        if section is not doc.root:
            loose += builder.links(section.loose, "")
    return Catalog(path=name, title=doc.title, sections=tuple(sections),
                   description=next((text for text, _ in doc.intro), ""),
                   settings=settings, loose=tuple(loose), markdown=True)


class _Builder:
    """Model values from the reader's sections: ids, kinds, http(s) links only."""

    def __init__(self, on_link: OnLink | None) -> None:
        self.on_link = on_link
        self.section_ids = Ids("section")
        self.entry_ids = Ids("entry")

    def section(self, section: MdSection, depth: int) -> Section:
        ident = self.section_ids.make(section.title)
        entries = []
        for md in section.entries:
            entry_id = self.entry_ids.make(md.title)
            links = self.links(md.links, entry_id)
            if not links:
                continue
            entries.append(Entry(id=entry_id, title=md.title, kind=guess_kind(md.title, links),
                                 line=md.line, links=tuple(links), authors=tuple(md.authors),
                                 provider=md.provider, tags=tuple(md.tags),
                                 summary=md.summary))
        children = tuple(self.section(child, depth + 1) for child in section.sections)
        return Section(id=ident, title=section.title, line=section.line,
                       description=section.description, entries=tuple(entries),
                       sections=children, depth=depth)

    def links(self, found: list[MdLink], entry_id: str) -> list[Link]:
        """The usable http(s) links (others are not checked), each reported to on_link."""
        out: list[Link] = []
        for md in found:
            if url_problem(md.url) is not None:
                continue
            link = Link(url=md.url, line=md.line, label=md.label, entry_id=entry_id,
                        index=len(out), span=md.span)
            out.append(link)
            if self.on_link is not None:
                self.on_link(link)
        return out
