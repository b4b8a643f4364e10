"""Scrapy spiders: ``news`` (crawler.spiders.news.NewsSpider) discovers and fetches articles."""
