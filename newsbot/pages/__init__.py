"""Page objects shared by the sources: pure functions and classes of a payload or
HTML, no Scrapy, no network (each source's own page objects live in its module in
newsbot.sources)."""
