"""newsbot: crawl news sites and write one Hugo Markdown file per article."""
