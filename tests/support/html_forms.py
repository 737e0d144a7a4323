"""The fields a browser would post from a form on a page, read from the page's HTML (so a
test posts what the page really shows, never what the code that filled it meant to show)."""

from __future__ import annotations

from html.parser import HTMLParser


class _Forms(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[tuple[dict[str, str], dict[str, str]]] = []  # (attributes, fields)
        self._textarea: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        given = {name: value or "" for name, value in attrs}
        if tag == "form":
            self.forms.append((given, {}))
            return
        if not self.forms:
            return
        fields = self.forms[-1][1]
        if tag == "option" and self._select is not None and "selected" in given:
            fields[self._select] = given.get("value", "")
        if "name" not in given:
            return
        name = given["name"]
        if tag == "input" and given.get("type") not in ("checkbox", "radio", "file", "submit"):
            fields[name] = given.get("value", "")
        elif tag == "input" and given.get("type") in ("checkbox", "radio") and "checked" in given:
            fields[name] = given.get("value", "on")
        elif tag == "textarea":
            self._textarea = name
            fields[name] = ""
        elif tag == "select":
            self._select = name

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self.forms[-1][1][self._textarea] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None


def forms_on(page: str) -> list[tuple[dict[str, str], dict[str, str]]]:
    """Each form of the page: its attributes, and the fields a browser posts from it as shown
    (checkboxes and radio buttons only when chosen, a select's selected option, no buttons or
    files)."""
    reader = _Forms()
    reader.feed(page)
    reader.close()
    return reader.forms


def form_posting_to(page: str, action: str, **which: str) -> dict[str, str]:
    """The fields a browser posts from the form of ``page`` that posts to ``action`` (the first
    such form whose fields hold each of ``which``, as a full cohort's *Join its waiting list*
    form is told from the move's), hidden ones included as the page gave them."""
    for attributes, fields in forms_on(page):
        posts = attributes.get("method", "get").lower() == "post"
        chosen = all(fields.get(name) == value for name, value in which.items())
        if posts and attributes.get("action") == action and chosen:
            return fields
    raise AssertionError(f"the page has no form posting to {action} with {which}")
