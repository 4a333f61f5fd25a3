"""Submitted body markup, repaired before nh3 parses it, so the parser has nothing to repair.

html5ever, the parser behind nh3, is quadratic where it repairs markup: it walks its stack
of open elements for most tags, reopens every bold or italic left open in each new block,
and moves elements out of tables. A body whose elements stay open therefore cost it time
quadratic in their number (49,000 `<div></b>` took 20 s to save; 4,000
`<div><strong x="n"></div></em>` grew to 77 MB). Counting start and end tags does not bound
that: an end tag that closes nothing, one inside a comment or an attribute value, or one a
table keeps out of scope, closes nothing in the parser.

So the body is read here once, in linear time, and written back with the tags and attributes
nh3 would keep, as a tree built the way the parser builds it for those tags, with every end
tag written where it closes the current element, at most MAX_DEPTH deep. For that markup the
parser's work is linear; nh3 still decides what is safe.
"""

import re

# Deeper start tags are dropped (their text stays). Real articles nest a few levels.
MAX_DEPTH = 200

# Every alternative consumes what it scanned or fails at once (possessive quantifiers, no
# backtracking), so reading a body is linear in its length however it is malformed.
TOKEN = re.compile(
    r"(?P<text>[^<]++)"
    r"|<!--(?:-?>|.*?(?:--!?>|\Z))"  # comment
    r"|<[!?][^>]*+>?"  # doctype, CDATA, processing instruction: bogus comments
    r"|</(?![a-zA-Z])[^>]*+>?"
    r"|<(?P<end>/?)(?P<name>[a-zA-Z][^\t\n\f\r />]*+)"
    r"(?P<attributes>(?:[^>\"']++|\"[^\"]*+\"?|'[^']*+'?)*+)(?P<closed>>?)"
    r"|(?P<lt><)",
    re.DOTALL,
)
ATTRIBUTE = re.compile(
    r"([^\t\n\f\r />=][^\t\n\f\r />=]*+)"
    r"(?:[\t\n\f\r ]*+=[\t\n\f\r ]*+(?:\"([^\"]*+)\"?|'([^']*+)'?|([^\t\n\f\r >]*+)))?"
)
# Elements whose content the parser does not read as markup: dropped with it (as nh3 drops
# them), or their content kept as text, with entities (RCDATA) or literally.
DROPPED_WITH_CONTENT = {"script", "style", "template", "svg", "math"}
RCDATA = {"textarea", "title"}
RAWTEXT = {"xmp", "iframe", "noembed", "noframes", "noscript"}
RAW_END = {
    name: re.compile(rf"</{name}(?=[\t\n\f\r />])", re.IGNORECASE)
    for name in DROPPED_WITH_CONTENT | RCDATA | RAWTEXT
}
# Word and many web pages mark bold and italic as <b>/<i>; the editor reads them as its own
# <strong>/<em>, and so does the server, so that a paste saved without the editor keeps them.
SEMANTIC = {"b": "strong", "i": "em"}

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}
VOID |= {"track", "wbr"}
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
# Start tags before which the parser closes an open <p> (no-quirks mode, as nh3 parses).
CLOSES_P = {"address", "article", "aside", "blockquote", "center", "details", "dialog", "dir"}
CLOSES_P |= {"div", "dl", "fieldset", "figcaption", "figure", "footer", "header", "hgroup"}
CLOSES_P |= {"main", "menu", "nav", "ol", "p", "search", "section", "summary", "ul", "pre"}
CLOSES_P |= HEADINGS | {"listing", "form", "li", "dd", "dt", "hr", "table"}
CELLS = {"td", "th"}
TABLE_SECTIONS = {"tbody", "thead", "tfoot"}
TABLE_PARTS = CELLS | TABLE_SECTIONS | {"tr"}
# Elements holding only table parts: anything else placed there, the parser moves out.
TABLE_STRUCTURE = TABLE_SECTIONS | {"table", "tr"}
# Where the parser's "in scope" walks stop, among the tags the body may hold.
SCOPE = {"table", "td", "th"}
# Elements between an open <li> and a new one that do not keep the first open.
LIST_ITEM_TRANSPARENT = {"address", "div", "p"}
# Every tag Tree has rules for (the rest of HTML's special elements are never kept).
FORMATTING = {"a", "b", "big", "code", "em", "font", "i", "nobr", "s", "small", "strike"}
FORMATTING |= {"strong", "tt", "u"}
KNOWN = VOID | CLOSES_P | TABLE_PARTS | FORMATTING


class Tree:
    """The elements open in the markup written so far. Start tags go where the parser would
    put them and every end tag is written while its element is the current one, so the
    parser closes, reopens and moves nothing by itself."""

    def __init__(self, out):
        self.out = out
        self.open = []  # names, innermost last
        self.at = {}  # name -> indexes in self.open
        # Indexes of open elements that keep an outer <li> open when a new one starts.
        self.keeps_list_item_open = []
        self.skipped = {}  # name -> start tags dropped for depth whose end tag is to come

    def top(self, names):
        """Index of the innermost open element named in `names`, -1 if none."""
        return max((self.at[n][-1] for n in names if self.at.get(n)), default=-1)

    def in_scope(self, names, boundaries=SCOPE):
        index = self.top(names)
        return index if index >= 0 and index > self.top(boundaries) else None

    def push(self, name, tag=None):
        self.out.append(tag or f"<{name}>")
        self.at.setdefault(name, []).append(len(self.open))
        if name not in FORMATTING and name not in LIST_ITEM_TRANSPARENT:
            self.keeps_list_item_open.append(len(self.open))
        self.open.append(name)

    def close_to(self, index):
        """Close the element at `index` and every element inside it, innermost first."""
        while len(self.open) > index:
            name = self.open.pop()
            self.at[name].pop()
            if self.keeps_list_item_open and self.keeps_list_item_open[-1] == len(self.open):
                self.keeps_list_item_open.pop()
            self.out.append(f"</{name}>")

    def close_all(self):
        self.close_to(0)

    def start(self, name, tag):
        if name in TABLE_PARTS:
            self.start_table_part(name, tag)
            return
        self.open_cell_if_in_table_structure()
        if name in {"li", "dd", "dt"}:
            self.close_list_item(name)
        if name in CLOSES_P:
            index = self.in_scope({"p"}, SCOPE | {"button"})
            if index is not None:
                self.close_to(index)
        if name in HEADINGS and self.open and self.open[-1] in HEADINGS:
            self.close_to(len(self.open) - 1)
        if name == "a":  # a link inside a link closes the first
            index = self.in_scope({"a"})
            if index is not None:
                self.close_to(index)
        if name in VOID:
            self.out.append(tag)
        elif len(self.open) + (4 if name == "table" else 1) > MAX_DEPTH:
            # A table needs room for its section, row and cell.
            self.skipped[name] = self.skipped.get(name, 0) + 1
        else:
            self.push(name, tag)

    def close_list_item(self, name):
        """A new list item closes the open one, unless an element other than <p> (or
        <address>, <div>) that the parser treats as special is open inside it."""
        siblings = {"li"} if name == "li" else {"dd", "dt"}
        index = self.top(siblings)
        if index >= 0 and self.keeps_list_item_open[-1] == index:
            self.close_to(index)

    def open_cell_if_in_table_structure(self):
        """Content the parser would move out of a table (before it) goes in a new cell."""
        if self.open and self.open[-1] in TABLE_STRUCTURE:
            if self.open[-1] == "table":
                self.push("tbody")
            if self.open[-1] != "tr":
                self.push("tr")
            self.push("td")

    def start_table_part(self, name, tag):
        """Outside a table the parser ignores table parts. Inside one, a part closes the
        open cell, row or section it cannot be in, and gets the row and section it needs."""
        context = self.top(TABLE_PARTS | {"table"})
        if context < 0:
            return
        closes = set(CELLS)
        if name not in CELLS:
            closes.add("tr")
        if name in TABLE_SECTIONS:
            closes |= TABLE_SECTIONS
        while self.open[context] in closes:
            self.close_to(context)
            context = self.top(TABLE_PARTS | {"table"})
        self.close_to(context + 1)
        if name != "tr" and name not in CELLS:
            self.push(name, tag)
            return
        if self.open[-1] == "table":
            self.push("tbody")
        if name in CELLS and self.open[-1] != "tr":
            self.push("tr")
        self.push(name, tag)

    def end(self, name):
        if name in VOID:
            return
        if self.skipped.get(name):
            self.skipped[name] -= 1
            return
        if name in TABLE_PARTS or name == "table":
            index = self.top({name})
            if index < self.top({"table"}):
                index = None
        elif name == "p":
            index = self.in_scope({"p"}, SCOPE | {"button"})
        elif name == "li":
            index = self.in_scope({"li"}, SCOPE | {"ol", "ul"})
        elif name in HEADINGS:
            index = self.in_scope(HEADINGS)
        else:
            index = self.in_scope({name})
        if index is not None and index >= 0:
            self.close_to(index)

    def text(self, text):
        if not text.isspace():
            self.open_cell_if_in_table_structure()
        self.out.append(text)


def repair(value, tags, attributes):
    """`value` as markup of the allowlisted `tags` (each with its allowlisted `attributes`
    only), nested as the parser would nest it, at most MAX_DEPTH deep, every element
    closed."""
    out = []
    tree, position = Tree(out), 0
    while position < len(value):
        token = TOKEN.match(value, position)
        position = token.end()
        if token["text"] is not None:
            tree.text(token["text"])
        elif token["lt"]:
            tree.text("&lt;")
        elif token["name"] and token["closed"]:
            name = token["name"].lower()
            name = SEMANTIC.get(name, name)
            if token["end"]:
                if name in tags:
                    tree.end(name)
            elif name in RAW_END:
                position = raw_content(value, position, name, tree)
            elif name == "plaintext":
                tree.text(escape_raw(value[position:]))
                position = len(value)
            elif name in tags:
                allowed = attributes.get(name, set()) | attributes.get("*", set())
                tree.start(name, start_tag(name, token["attributes"], allowed))
    tree.close_all()
    return "".join(out)


def raw_content(value, position, name, tree):
    """Where the raw content that starts at `position` ends; its text, if kept, is written."""
    end = RAW_END[name].search(value, position)
    content = value[position : end.start() if end else len(value)]
    if name not in DROPPED_WITH_CONTENT and content:
        tree.text(content.replace("<", "&lt;") if name in RCDATA else escape_raw(content))
    return TOKEN.match(value, end.start()).end() if end else len(value)


def escape_raw(text):
    return text.replace("&", "&amp;").replace("<", "&lt;")


def start_tag(name, source, allowed):
    """The start tag with the allowed attributes only (the first of each name, as the parser
    keeps), double-quoted; values keep their character references for the parser to read."""
    kept = {}
    for attribute, double, single, bare in ATTRIBUTE.findall(source):
        attribute = attribute.lower()
        if attribute in allowed and attribute not in kept:
            kept[attribute] = (double or single or bare).replace('"', "&quot;")
    return "<" + name + "".join(f' {a}="{v}"' for a, v in kept.items()) + ">"
