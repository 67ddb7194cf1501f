"""Scrapy settings for newsbot: polite crawling defaults and every NEWSBOT_* option.

Override any of them per run with ``-s NAME=VALUE`` or in a Scrapyd job.
"""

import os

BOT_NAME = "newsbot"
SPIDER_MODULES = ["newsbot.spiders", "newsbot.sources"]
NEWSPIDER_MODULE = "newsbot.spiders"
COMMANDS_MODULE = "newsbot.commands"
# Every declared source (newsbot/sources/<name>.toml) is a spider by its own name.
SPIDER_LOADER_CLASS = "newsbot.spiderloader.NewsbotSpiderLoader"

# --- politeness -------------------------------------------------------------
ROBOTSTXT_OBEY = True
# The sites serve their normal pages to browsers; a bot UA gets other markup.
USER_AGENT = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
)
DEFAULT_REQUEST_HEADERS = {
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8",
}
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 4
DOWNLOAD_DELAY = 0.5
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0
# A source's list API and its article pages are on different hosts. Scrapy's
# default DownloaderAwarePriorityQueue serves the least busy host first: list pages
# while articles download, so every list page came early and thousands of article
# requests waited in memory. This queue serves what the crawl found before more
# start requests (the list pages): memory stays flat in long crawls.
SCHEDULER_PRIORITY_QUEUE = "scrapy.pqueues.ScrapyPriorityQueue"
# Scrapy starts this many item tasks for every response; an article page gives one
# item, so the default 100 only costs CPU (README, "Performance").
CONCURRENT_ITEMS = 8

# --- faults -----------------------------------------------------------------
DOWNLOAD_TIMEOUT = 30
RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [429, 500, 502, 503, 504, 522, 524, 408]
# The spiders' errbacks log the one ERROR line per failed request.
RETRY_GIVE_UP_LOG_LEVEL = "WARNING"
# News pages are 100-500 KB; anything near this is not an article.
DOWNLOAD_MAXSIZE = 8 * 1024 * 1024
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
REDIRECT_MAX_TIMES = 5
# Longest wait a Retry-After header (429/503) may impose before the retry, seconds.
NEWSBOT_RETRY_AFTER_MAX = 120.0
# Backoff before retrying an API that answered "busy" (seconds; doubles per try).
NEWSBOT_RETRY_BACKOFF = 2.0
NEWSBOT_RETRY_BACKOFF_MAX = 60.0
# Time limits that fit a ten-minute schedule (README: "Time limits"). Seconds a list,
# article or robots.txt request may take, and its retries; 0 / -1: DOWNLOAD_TIMEOUT /
# RETRY_TIMES (which stay the limits of the other requests: images).
NEWSBOT_LIST_TIMEOUT = 20
NEWSBOT_LIST_RETRIES = -1
NEWSBOT_ARTICLE_TIMEOUT = 20
NEWSBOT_ARTICLE_RETRIES = -1
# A robots.txt that does not answer quickly is treated as absent (everything allowed).
NEWSBOT_ROBOTSTXT_TIMEOUT = 10
NEWSBOT_ROBOTSTXT_RETRIES = 0
# Seconds after which a source's crawl stops (CLOSESPIDER_TIMEOUT; `crawlall --max-time`
# overrides it); 0: no deadline. Leaves room for the commit before the next run.
NEWSBOT_MAX_TIME = 420
# A source's run fails (exit status 1) when its errors (failed requests, unusable list or
# article answers, parser exceptions) are more than this share of its new articles.
NEWSBOT_MAX_ERROR_RATE = 0.5

# --- output -----------------------------------------------------------------
ITEM_PIPELINES = {
    # Counts the fields each parsed article lacks, for the monitors (newsbot/fieldcoverage.py).
    "newsbot.fieldcoverage.FieldCoveragePipeline": 50,
    "newsbot.pipelines.ValidatePipeline": 100,
    "newsbot.pipelines.NormalisePipeline": 200,
    "newsbot.pipelines.LocalImagesPipeline": 250,  # NEWSBOT_IMAGES (off by default)
    "newsbot.pipelines.ConvertPipeline": 300,
    "newsbot.pipelines.ExportPipeline": 900,
}
DOWNLOADER_MIDDLEWARES = {
    # Replaces Scrapy's RetryMiddleware (same place, same RETRY_* settings).
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    # Before DownloadTimeoutMiddleware (350): NEWSBOT_{LIST,ARTICLE,ROBOTSTXT}_* limits.
    "newsbot.downloadermiddlewares.TimeLimitsMiddleware": 340,
    "newsbot.downloadermiddlewares.RetryAfterMiddleware": 550,
    # Response chain runs from high to low: these see responses before the redirect step (600).
    "newsbot.downloadermiddlewares.ArticleRedirectMiddleware": 650,
    "newsbot.downloadermiddlewares.CharsetRepairMiddleware": 950,
}
SPIDER_MIDDLEWARES = {
    "newsbot.spidermiddlewares.SkipExportedMiddleware": 950,
}
EXTENSIONS = {
    "newsbot.extensions.state.ExportState": 0,
    "newsbot.extensions.report.CrawlReport": 500,
    # Spidermon's monitors (newsbot/monitors.py); before CrawlReport, which records
    # the monitors that failed in runs.jsonl.
    "newsbot.monitors.Monitors": 400,
    "newsbot.extensions.quietlog.QuietNetworkErrors": 0,
    "newsbot.extensions.gctune.GCTune": 0,
    # With JOBDIR: a killed or finished job does not filter the next run's requests.
    "newsbot.extensions.jobdir.JobDirGuard": 0,
    # Scrapy 2.19's remote control serves HTTP on a port in every crawl: scheduled,
    # unattended runs have no one at that port. Set it to 0 to have it back.
    "scrapy.extensions.remote_control.RemoteControl": None,
}
# Nobody attends scheduled runs: no telnet console per crawler (45 in a crawlall).
TELNETCONSOLE_ENABLED = False
# Young-generation GC threshold during crawls (see newsbot/extensions/gctune.py); 0: default.
NEWSBOT_GC_THRESHOLD = 50_000
LOG_FORMATTER = "newsbot.logformatter.NewsbotLogFormatter"
LOG_LEVEL = "INFO"
STATS_DUMP = True
FEED_EXPORT_ENCODING = "utf-8"

# Folder the Markdown files go to (point it at a Hugo site's content/ folder).
NEWSBOT_EXPORT_DIR = "exports"
# File path below NEWSBOT_EXPORT_DIR; fields {lang}, {source}, {id}.
NEWSBOT_PATH_TEMPLATE = "{lang}/news/{source}/{id}.{lang}.md"
# Existing files are left alone unless this is True.
NEWSBOT_OVERWRITE = False
# Rewrite an exported article when its source reports a newer update time.
NEWSBOT_UPDATE = False
# Most list pages a run may request per list (-a pages): every page is a request.
NEWSBOT_MAX_PAGES = 100
# Most pages read of one article a site splits over several (People's Daily's pager).
NEWSBOT_ARTICLE_MAX_PAGES = 20
# Seconds before an article that was gone (404/410) or unusable is tried again.
NEWSBOT_RETRY_REJECTED_AFTER = 7 * 24 * 3600
# Where run state lives: the store of exported articles, run reports, locks.
NEWSBOT_STATE_DIR = ".newsbot"
# Store of exported articles (class path; SQLite in NEWSBOT_STATE_DIR by default).
NEWSBOT_STORE = "newsbot.store.SQLiteStore"
# Seconds a run waits for another run writing the same export folder (then exits 75).
NEWSBOT_LOCK_WAIT = 0
# Commit the files a run wrote in the git repository that holds NEWSBOT_EXPORT_DIR.
NEWSBOT_GIT_COMMIT = False
# Bodies with fewer characters of text are not articles (galleries, video pages, walls).
NEWSBOT_MIN_BODY_CHARS = 20
# Zone that dates with an explicit offset are converted to (the sources' local time).
NEWSBOT_TIMEZONE = "Asia/Shanghai"

# --- monitors and alerts (README: "Alerts and the health page") --------------------
# Spidermon runs newsbot.monitors.SourceMonitorSuite when each source's crawl closes;
# SPIDERMON_ENABLED = False turns the monitors (and so the alerts) off.
SPIDERMON_ENABLED = True
SPIDERMON_SPIDER_CLOSE_MONITORS = ["newsbot.monitors.SourceMonitorSuite"]
SPIDERMON_EXPECTED_FINISH_REASONS = ["finished", "closespider_timeout"]
# Most failed requests and parser errors a run may have (-1: no limit; the Errors
# monitor then fails on NEWSBOT_MAX_ERROR_RATE, the rate that fails the exit status).
NEWSBOT_MONITOR_MAX_ERRORS = -1
# Fewest articles the lists of a source must give.
NEWSBOT_MONITOR_MIN_DISCOVERED = 1
# Least share of a run's new articles that must be written (the rest: dropped or failed).
NEWSBOT_MONITOR_MIN_EXPORTED_RATIO = 0.5
# Least share of parsed articles that must have each field (0: counted, never alerted).
NEWSBOT_MONITOR_FIELD_COVERAGE = {"title": 1.0, "date": 1.0, "body": 1.0, "thumbnail": 0.0}
# A source that exported nothing in this many runs in a row is dark (monitor, report,
# health page); 0: never.
NEWSBOT_DARK_RUNS = 3
# Where failed monitors send alerts: any of "email", "slack", "telegram", "discord"
# (Spidermon's actions, configured by its SPIDERMON_* settings; needs
# pip install 'newsbot[alerts]') or an action's class path. Empty: no alerts.
NEWSBOT_ALERTS = []
# What the alerts say: newsbot/templates/newsbot/alert.jinja (source, failed monitors, why).
SPIDERMON_TELEGRAM_MESSAGE_TEMPLATE = "newsbot/alert.jinja"
SPIDERMON_DISCORD_MESSAGE_TEMPLATE = "newsbot/alert.jinja"
SPIDERMON_SLACK_MESSAGE_TEMPLATE = "newsbot/alert.jinja"
SPIDERMON_SLACK_NOTIFIER_INCLUDE_ERROR_ATTACHMENTS = False  # the message says it all
SPIDERMON_EMAIL_SUBJECT = "newsbot: monitors failed for {{ data.meta.source }}"
SPIDERMON_BODY_TEXT_TEMPLATE = "newsbot/alert.jinja"

# --- distributed crawling (README: "Distributed crawling on Redis") --------------
# With NEWSBOT_REDIS_URL (setting or environment variable) the add-on makes a crawl a
# worker of a crawl shared through Redis, and `scrapy drain` the one writer of the files.
ADDONS = {"newsbot.distributed.addon.RedisAddon": 0}
NEWSBOT_REDIS_URL = os.environ.get("NEWSBOT_REDIS_URL", "")
# "writer" in `scrapy drain` (set by its spider); anything else: a worker.
NEWSBOT_REDIS_ROLE = ""
# First part of every Redis key: one prefix (or one Redis database) per site.
NEWSBOT_REDIS_PREFIX = "newsbot"
# Seconds after which the requests a silent (killed) worker held go back to the queue,
# and after which a silent writer's lock expires.
NEWSBOT_REDIS_HEARTBEAT = 30.0

# --- sources ----------------------------------------------------------------
# Declared sources besides the packaged ones (newsbot/sources/*.toml): folders of
# <name>.toml files (docs/sources.md), and an old-style file of [[source]] feed tables.
NEWSBOT_SOURCES_DIRS = []
NEWSBOT_SOURCES_FILE = ""
# The moment relative dates ("5分钟前", "昨天 10:00") are read against, ISO 8601 with
# an offset; empty: the clock. For reproducible runs of saved pages.
NEWSBOT_NOW = ""
# Browser TLS fingerprints for the sources whose entry says impersonate = true (sites
# behind bot protection): needs pip install 'newsbot[impersonate]' (scrapy-impersonate).
NEWSBOT_IMPERSONATE = False
NEWSBOT_IMPERSONATE_BROWSER = "chrome"
# Tencent News channel feed and the channels crawled when -a channels is not given.
NEWSBOT_QQ_LIST_API = "https://i.news.qq.com/web_feed/getPCList"
NEWSBOT_QQ_CHANNELS = ["news_news_top", "news_news_tech", "news_news_finance"]
NEWSBOT_QQ_ITEM_COUNT = 20

# Sina roll API and the channels (lid) crawled when -a lids is not given:
# 2509 全部; 2510 国内, 2511 国际, 2515 科技, 2516 财经, 2518 美股 ...
NEWSBOT_SINA_LIST_API = (
    "https://feed.mix.sina.com.cn/api/roll/get?pageid={pageid}&lid={lid}&k=&num={num}&page={page}"
)
NEWSBOT_SINA_PAGEID = "153"
NEWSBOT_SINA_LIDS = ["2518", "2509"]
# Labels (categories, tags, source line) of the articles of a lid; the others: "sina".
# The site's sina folder holds the incumbent's US-stock channel (2518) as sina_us_stock.
NEWSBOT_SINA_LABELS = {"2518": "sina_us_stock"}
NEWSBOT_SINA_ITEM_COUNT = 20

# NetEase news lists (JSONP, pages _02 ... _10) crawled when -a feeds is not given:
# cm_yaowen20200213 要闻; cm_guonei, cm_guoji, cm_war ...
NEWSBOT_NETEASE_LIST_URL = "https://news.163.com/special/{feed}{suffix}/?callback=data_callback"
NEWSBOT_NETEASE_FEEDS = ["cm_yaowen20200213"]

# The Paper channel feed and channels crawled when -a channels is not given (时事, 财经, 科技).
NEWSBOT_THEPAPER_LIST_API = "https://api.thepaper.cn/contentapi/nodeCont/getByChannelId"
NEWSBOT_THEPAPER_CHANNELS = ["25950", "25951", "119908"]
NEWSBOT_THEPAPER_PAGE_SIZE = 20

# ifeng list pages (or bare columns like 3-35197-) crawled when -a lists is not given,
# and the JSONP continuation used for pages after the first.
NEWSBOT_IFENG_LISTS = ["https://news.ifeng.com/shanklist/3-35197-/"]
NEWSBOT_IFENG_MORE_API = (
    "https://shankapi.ifeng.com/shanklist/_/getColumnInfo/_/default/{last_id}/{last_time}/"
    "{count}/{column}/getColumnInfoCallback?callback=getColumnInfoCallback"
)
NEWSBOT_IFENG_PAGE_SIZE = 20

# People's Daily Online channel list pages crawled when -a lists is not given:
# www 要闻 (59476), politics 高层动态 (1024), world 滚动 (157278).
NEWSBOT_PEOPLE_LIST_PAGES = [
    "http://www.people.com.cn/GB/59476/index.html",
    "http://politics.people.com.cn/GB/1024/index.html",
    "http://world.people.com.cn/GB/157278/index.html",
]

# Xinhua channel list data (ds_<id>.json) read when -a lists is not given
# (时政, 国际, 科技), and rows per page (-a pages reads pages x this many).
NEWSBOT_XINHUA_DS_FILES = [
    "https://www.news.cn/politics/ds_a6d618872de143bdafa2556915a7ae12.json",
    "https://www.news.cn/world/ds_8d5294ed513c4779af6242a3623aa27b.json",
    "https://www.news.cn/tech/ds_fd79514d92f34849bc8baef7ce3d5aae.json",
]
NEWSBOT_XINHUA_PAGE_SIZE = 20

# --- images (README: "Images") --------------------------------------------------
# remote: the articles link the sources' images, nothing is downloaded; bundle: each
# article is a Hugo page bundle {lang}/news/{source}/{id}/index.{lang}.md with its
# images beside it; static: images in {NEWSBOT_STATIC_DIR}/images/{source}/, linked
# as /images/{source}/<sha1>.<ext>.
NEWSBOT_IMAGES = "remote"
# The site's static folder for NEWSBOT_IMAGES=static; "": the static/ folder beside
# NEWSBOT_EXPORT_DIR (<site>/static for <site>/content).
NEWSBOT_STATIC_DIR = ""
# Largest image downloaded, in bytes: a bigger one keeps its remote link (0: DOWNLOAD_MAXSIZE).
NEWSBOT_IMAGES_MAX_BYTES = 5 * 1024 * 1024
# Most images downloaded per article, cover included (0: no limit); the rest stay remote.
NEWSBOT_IMAGES_MAX_PER_ARTICLE = 50
# Formats converted before they are stored: "webp" (to JPEG, PNG if transparent) and/or
# "gif" (to PNG; animated ones are kept). Needs Pillow: pip install 'newsbot[images]'.
NEWSBOT_IMAGES_CONVERT = []

TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
