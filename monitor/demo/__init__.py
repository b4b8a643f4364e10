"""The offline demo: a small defence-news site served on 127.0.0.1, crawled, edited, crawled again."""
