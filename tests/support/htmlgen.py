"""Generated HTML bodies (hypothesis): nested elements markdownify has rules for and
some it leaves to its own converter, text with every character that Markdown or the
cleaner treats specially."""

from __future__ import annotations

from hypothesis import strategies as st

from newsbot import treemarkdown

TEXT = st.text(
    alphabet=st.sampled_from(list(" \n\t\r\xa0\u3000*_<>&[]\"'#-.1aZ\\`中文，")), max_size=12
)
TAGS = [*sorted(treemarkdown.SUPPORTED - {"img", "br", "hr", "wbr"}), "table", "pre", "code"]
URLS = st.sampled_from(["https://a.example/x_y", "http://b.example/", "/rel/p?q=1", "mailto:m@x"])


@st.composite
def element(draw, depth: int = 0) -> str:
    kind = draw(st.sampled_from(["text", "void", "tag"] if depth < 4 else ["text", "void"]))
    if kind == "text":
        return draw(TEXT).replace("&", "&amp;").replace("<", "&lt;")
    if kind == "void":
        void = draw(st.sampled_from(["img", "br", "hr"]))
        if void == "img":
            title = draw(st.sampled_from(["", ' title="a &quot;t&quot;"']))
            return f'<img src="https://i.example/{draw(st.integers(0, 9))}.jpg" alt="图"{title}>'
        return f"<{void}>"
    tag = draw(st.sampled_from(TAGS))
    attrs = ""
    if tag == "a":
        attrs = f' href="{draw(URLS)}"' + draw(st.sampled_from(["", ' title="T"']))
    inner = "".join(draw(st.lists(element(depth + 1), max_size=4)))
    return f"<{tag}{attrs}>{inner}</{tag}>"
