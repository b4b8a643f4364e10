"""The domain: store article versions, diff them, schedule re-checks, query history, CLI and web."""
