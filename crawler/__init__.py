"""Fetch and clean: spiders, Scrapy settings, the article cleaner and topic relevance.

Nothing here stores data or sends alerts; the monitor package does that.
"""
