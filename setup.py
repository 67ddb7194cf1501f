# scrapyd-deploy builds the Scrapyd egg with "python setup.py bdist_egg" and writes its own
# setup.py when there is none. Everything (name, packages, the scrapy entry point) is in
# pyproject.toml.
from setuptools import setup

setup()
