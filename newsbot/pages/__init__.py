"""Page objects: pure functions and classes of a saved answer (HTML or JSON), no
Scrapy, no network. base.py: what every source shares; declared.py: the page objects
of declared sources; feed.py: RSS/Atom/sitemaps. A hand-written source's own page
objects live in its module in newsbot.sources."""
