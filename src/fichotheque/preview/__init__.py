"""The preview server: `mkdocs serve` (`make serve`) rebuilding only what an edit changed."""
